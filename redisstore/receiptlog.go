package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/metering"
)

// The receipt log of a model is a stream whose entry ids are "0-<seq>", so
// a seq range is an XRANGE; signatures sit beside it in a hash by seq, and
// an index maps receipt ids to seqs.

// SetSignatures stores many signatures in one pipelined round trip: one
// HSET per model, with every (seq, signature) pair of that model in it, and
// one SREM that takes those seqs off the model's wanted signatures.
func (s *Store) SetSignatures(ctx context.Context, ws []metering.SignatureWrite) error {
	if len(ws) == 0 {
		return nil
	}
	type writes struct{ pairs, seqs []any }
	byToken := make(map[common.Address]*writes, 1)
	for _, w := range ws {
		b := byToken[w.Token]
		if b == nil {
			b = &writes{}
			byToken[w.Token] = b
		}
		seq := strconv.FormatUint(w.Seq, 10)
		b.pairs = append(b.pairs, seq, hexutil.Encode(w.Sig))
		b.seqs = append(b.seqs, seq)
	}
	p := s.rdb.Pipeline()
	for tok, b := range byToken {
		k := keysOf(tok)
		p.HSet(ctx, k.sig(), b.pairs...)
		p.SRem(ctx, k.sigWanted(), b.seqs...)
	}
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("store signatures: %w", err)
	}
	return nil
}

// SetSignature stores a receipt's signature. Signatures are deterministic
// (RFC 6979), so writing one again after a crash gives the same bytes.
func (s *Store) SetSignature(ctx context.Context, token common.Address, seq uint64, sig []byte) error {
	return s.SetSignatures(ctx, []metering.SignatureWrite{{Token: token, Seq: seq, Sig: sig}})
}

// WantSignatures records that the receipts seqs of the model have no
// stored signature (the batcher, which has no signer key, asks; a gateway
// signs them again and SetSignatures takes them off the list).
func (s *Store) WantSignatures(ctx context.Context, token common.Address, seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	if err := s.rdb.SAdd(ctx, keysOf(token).sigWanted(), seqMembers(seqs)...).Err(); err != nil {
		return fmt.Errorf("ask for signatures: %w", err)
	}
	return nil
}

// DropWantedSignatures takes seqs off the model's wanted signatures
// without storing any (receipts no longer in the log).
func (s *Store) DropWantedSignatures(ctx context.Context, token common.Address, seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	if err := s.rdb.SRem(ctx, keysOf(token).sigWanted(), seqMembers(seqs)...).Err(); err != nil {
		return fmt.Errorf("drop wanted signatures: %w", err)
	}
	return nil
}

// seqMembers are seqs as set members (decimal strings).
func seqMembers(seqs []uint64) []any {
	out := make([]any, len(seqs))
	for i, q := range seqs {
		out[i] = strconv.FormatUint(q, 10)
	}
	return out
}

// WantedSignatures lists up to max seqs of the model whose signatures were
// asked for (in no order).
func (s *Store) WantedSignatures(ctx context.Context, token common.Address, max int64) ([]uint64, error) {
	ms, err := s.rdb.SRandMemberN(ctx, keysOf(token).sigWanted(), max).Result()
	if err != nil {
		return nil, fmt.Errorf("wanted signatures: %w", err)
	}
	out := make([]uint64, 0, len(ms))
	for _, m := range ms {
		q, err := strconv.ParseUint(m, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("wanted signatures: bad seq %q", m)
		}
		out = append(out, q)
	}
	slices.Sort(out)
	return out, nil
}

// ReceiptByID finds a receipt of the model by its id: metering.ErrNotFound
// if it was never issued, *metering.ArchivedError if it has left the log.
func (s *Store) ReceiptByID(ctx context.Context, token common.Address, id common.Hash) (metering.LoggedReceipt, error) {
	seq, err := s.rdb.HGet(ctx, keysOf(token).rid(id), id.Hex()).Uint64()
	if errors.Is(err, redis.Nil) {
		return metering.LoggedReceipt{}, metering.ErrNotFound
	}
	if err != nil {
		return metering.LoggedReceipt{}, fmt.Errorf("receipt by id: %w", err)
	}
	lr, err := s.ReceiptBySeq(ctx, token, seq)
	if errors.Is(err, metering.ErrNotFound) {
		return lr, &metering.ArchivedError{Seq: seq}
	}
	return lr, err
}

// ReceiptBySeq loads one receipt from the log.
func (s *Store) ReceiptBySeq(ctx context.Context, token common.Address, seq uint64) (metering.LoggedReceipt, error) {
	rs, err := s.Receipts(ctx, token, seq, seq)
	if err != nil {
		return metering.LoggedReceipt{}, err
	}
	if len(rs) == 0 {
		return metering.LoggedReceipt{}, metering.ErrNotFound
	}
	return rs[0], nil
}

// Receipts loads the receipts with first ≤ seq ≤ last, in seq order.
func (s *Store) Receipts(ctx context.Context, token common.Address, first, last uint64) ([]metering.LoggedReceipt, error) {
	k := keysOf(token)
	msgs, err := s.rdb.XRange(ctx, k.log(), "0-"+strconv.FormatUint(first, 10), "0-"+strconv.FormatUint(last, 10)).Result()
	if err != nil {
		return nil, fmt.Errorf("read receipt log: %w", err)
	}
	fields := make([]string, len(msgs))
	for i, m := range msgs {
		fields[i] = fmt.Sprint(m.Values["seq"])
	}
	var sigs []any
	if len(fields) > 0 {
		sigs, err = s.rdb.HMGet(ctx, k.sig(), fields...).Result()
		if err != nil {
			return nil, fmt.Errorf("read signatures: %w", err)
		}
	}
	out := make([]metering.LoggedReceipt, 0, len(msgs))
	for i, m := range msgs {
		lr, err := decodeLogEntry(m.Values)
		if err != nil {
			return nil, fmt.Errorf("receipt log entry %s: %w", m.ID, err)
		}
		if sig, ok := sigs[i].(string); ok {
			lr.Signature, _ = hexutil.Decode(sig)
		}
		out = append(out, lr)
	}
	return out, nil
}

func decodeLogEntry(v map[string]any) (metering.LoggedReceipt, error) {
	str := func(k string) string { s, _ := v[k].(string); return s }
	u := func(k string, bits int) (uint64, error) { return strconv.ParseUint(str(k), 10, bits) }
	var errs []error
	seq, err := u("seq", 64)
	errs = append(errs, err)
	ts, err := u("ts", 64)
	errs = append(errs, err)
	pt, err := u("pt", 32)
	errs = append(errs, err)
	ct, err := u("ct", 32)
	errs = append(errs, err)
	fee, ok := new(big.Int).SetString(str("fee"), 10)
	if !ok {
		errs = append(errs, errors.New("bad fee"))
	}
	if err := errors.Join(errs...); err != nil {
		return metering.LoggedReceipt{}, err
	}
	return metering.LoggedReceipt{
		Receipt: metering.Receipt{
			ID:               common.HexToHash(str("id")),
			Model:            common.HexToAddress(str("model")),
			Payer:            common.HexToHash(str("payer")),
			Seq:              seq,
			Timestamp:        ts,
			PromptTokens:     uint32(pt),
			CompletionTokens: uint32(ct),
			Fee:              fee,
			RequestHash:      common.HexToHash(str("reqh")),
			ResponseHash:     common.HexToHash(str("resh")),
		},
		Signer:    common.HexToAddress(str("signer")),
		Account:   str("acct"),
		ModelName: str("name"),
	}, nil
}
