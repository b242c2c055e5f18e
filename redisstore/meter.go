package redisstore

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/metering"
)

// The paid call: hold its maximum cost (Reserve), then either charge the
// actual fee and log its receipt (Commit) or give the hold back (Release);
// holds a crash left behind expire and are swept back (Sweep). Each step is
// one Lua script, atomic in Redis and safe to run twice.

// Reserve holds req.Amount against the account's balance or fails with
// *metering.InsufficientBalanceError, leaving the balance unchanged; with an
// idempotency key it may instead return a Replay of the stored response.
func (s *Store) Reserve(ctx context.Context, req metering.ReserveRequest) (*metering.Reservation, *metering.Replay, error) {
	if req.Amount < 0 {
		return nil, nil, fmt.Errorf("reserve: %w: negative amount", metering.ErrAmountRange)
	}
	if err := checkAccount(req.Account); err != nil {
		return nil, nil, err
	}
	k := keysOf(req.Token)
	ih := idemHash(req.IdempotencyKey)
	idemKey := k.placeholder()
	if ih != "" {
		idemKey = k.idem(req.Account, ih)
	}
	rid := req.ReceiptID.Hex()
	exp := s.now().Add(req.TTL).UnixMilli()
	res, err := s.hot.run(ctx, reserveScript, false,
		[]string{k.balance(req.Account), k.resv(), k.resvExp(), idemKey, k.rid(req.ReceiptID)},
		rid, req.Amount, exp, req.Account, ih, req.BodyHash.Hex(), req.TTL.Milliseconds()+1000,
	).StringSlice()
	if err != nil {
		return nil, nil, fmt.Errorf("reserve: %w", unavailable(err))
	}
	switch res[0] {
	case "OK":
		return &metering.Reservation{
			Token: req.Token, Account: req.Account, ReceiptID: req.ReceiptID, Amount: req.Amount,
			IdempotencyKey: req.IdempotencyKey, IdempotencyTTL: req.IdempotencyTTL,
		}, nil, nil
	case "INSUFFICIENT":
		bal, _ := strconv.ParseInt(res[1], 10, 64)
		return nil, nil, &metering.InsufficientBalanceError{Balance: bal, Needed: req.Amount}
	case "ID_USED":
		return nil, nil, fmt.Errorf("reserve: receipt id %s is already committed or held by another call: %w", rid, metering.ErrDuplicateReceiptID)
	case "IDEM_MISMATCH":
		return nil, nil, metering.ErrIdempotencyMismatch
	case "IDEM_BUSY":
		return nil, nil, metering.ErrIdempotencyInProgress
	case "REPLAY":
		status, _ := strconv.Atoi(res[1])
		rp := &metering.Replay{Status: status, ContentType: res[2], Body: []byte(res[3]), Receipt: []byte(res[4]),
			ReceiptID: common.HexToHash(res[5]), Tail: []byte(res[6])}
		return nil, rp, nil
	}
	return nil, nil, fmt.Errorf("reserve: unexpected script reply %q", res[0])
}

// Commit charges the actual fee, returns the rest of the hold, assigns the
// next seq, appends the receipt to the log and bumps usage counters, all at
// once; committing the same reservation twice returns the first receipt.
func (s *Store) Commit(ctx context.Context, req metering.CommitRequest) (metering.Receipt, error) {
	r := req.Receipt
	rv := req.Reservation
	if r.Fee == nil || !r.Fee.IsInt64() || r.Fee.Sign() < 0 || r.Fee.Int64() > rv.Amount {
		return metering.Receipt{}, fmt.Errorf("commit: %w: fee must be between 0 and the %d wei held", metering.ErrAmountRange, rv.Amount)
	}
	k := keysOf(rv.Token)
	ih := idemHash(rv.IdempotencyKey)
	idemKey := k.placeholder()
	var status, ctype, body, tail string
	if ih != "" {
		idemKey = k.idem(rv.Account, ih)
		if req.Response != nil {
			status, ctype, body, tail = strconv.Itoa(req.Response.Status), req.Response.ContentType, string(req.Response.Body), string(req.Response.Tail)
		}
	}
	rid := rv.ReceiptID.Hex()
	refund := rv.Amount - r.Fee.Int64() // exact: 0 <= fee <= hold, checked above
	keys := []string{
		k.balance(rv.Account), k.resv(), k.resvExp(), k.seq(), k.log(), k.rid(rv.ReceiptID),
		k.hour(req.Hour), k.acctHour(rv.Account, req.Hour), k.totals(), idemKey, k.seqFloor(),
	}
	args := []any{rid, r.Fee.String(), r.PromptTokens, r.CompletionTokens, r.Timestamp,
		r.Payer.Hex(), r.RequestHash.Hex(), r.ResponseHash.Hex(), "0x" + hex.EncodeToString(rv.Token[:]),
		rv.Account, req.ModelName, ih, rv.IdempotencyTTL.Milliseconds(), status, ctype, body, 0, tail, req.Signer.Hex(),
		rv.Amount, refund, strconv.FormatUint(req.SeqFloor, 10), int64(s.ridTTL / time.Second)}
	var cmd *redis.Cmd
	var durable error
	if s.durability.Replicas > 0 {
		cmd, durable = s.commitDurably(ctx, keys, args...)
		if cmd == nil || cmd.Err() != nil {
			return metering.Receipt{}, fmt.Errorf("commit: %w", unavailable(durable))
		}
	} else {
		cmd = s.hot.run(ctx, commitScript, len(body)+len(tail) > largeArgs, keys, args...)
	}
	res, err := cmd.Slice()
	if err != nil {
		return metering.Receipt{}, fmt.Errorf("commit: %w", unavailable(err))
	}
	r, err = s.commitResult(ctx, res, req, r, refund)
	if err == nil && durable != nil {
		// Committed, but not yet on enough replicas: the caller commits
		// again (same receipt) or reports the charge unconfirmed.
		return r, fmt.Errorf("commit of receipt %d: %w: %w", r.Seq, metering.ErrStoreUnavailable, durable)
	}
	return r, err
}

// commitResult reads commit.lua's reply.
func (s *Store) commitResult(ctx context.Context, res []any, req metering.CommitRequest, r metering.Receipt, refund int64) (metering.Receipt, error) {
	rv := req.Reservation
	tag, _ := res[0].(string)
	switch tag {
	case "OK":
		r.Seq = uint64(res[1].(int64))
		r.ID = rv.ReceiptID
		r.Model = rv.Token
		return r, nil
	case "DUP":
		seq, _ := strconv.ParseUint(res[1].(string), 10, 64)
		got, err := s.ReceiptBySeq(ctx, rv.Token, seq)
		if err != nil {
			return metering.Receipt{}, fmt.Errorf("commit: load committed receipt: %w", err)
		}
		return got.Receipt, nil
	case "NORESV":
		return metering.Receipt{}, fmt.Errorf("commit: %w", metering.ErrNoReservation)
	case "SEQ_BEHIND":
		cur, _ := strconv.ParseUint(fmt.Sprint(res[1]), 10, 64)
		floor, _ := strconv.ParseUint(fmt.Sprint(res[2]), 10, 64)
		return metering.Receipt{}, fmt.Errorf("commit: %w", &metering.SeqBehindError{Counter: cur, Floor: floor})
	case "BAD_REFUND":
		return metering.Receipt{}, fmt.Errorf("commit: %w: refund of %d wei from a hold of %d", metering.ErrAmountRange, refund, rv.Amount)
	case "HOLD_MISMATCH":
		return metering.Receipt{}, fmt.Errorf("commit: %w: the reservation's record is not a hold of %d wei for account %s", metering.ErrAmountRange, rv.Amount, rv.Account)
	}
	return metering.Receipt{}, fmt.Errorf("commit: unexpected script reply %v", res)
}

// Release returns the whole hold; it is a no-op for a reservation already
// committed or released.
func (s *Store) Release(ctx context.Context, r *metering.Reservation) error {
	k := keysOf(r.Token)
	if err := s.hot.run(ctx, releaseScript, false, []string{k.resv(), k.resvExp()}, r.ReceiptID.Hex(), k.p).Err(); err != nil {
		return fmt.Errorf("release: %w", unavailable(err))
	}
	return nil
}

// Sweep releases every reservation of the model whose hold has expired by
// now, in chunks, and returns how many it released.
func (s *Store) Sweep(ctx context.Context, token common.Address) (int, error) {
	k := keysOf(token)
	total := 0
	for {
		n, err := sweepScript.Run(ctx, s.rdb, []string{k.resv(), k.resvExp()}, s.now().UnixMilli(), 500, k.p).Int()
		if err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
		total += n
		if n < 500 {
			return total, nil
		}
	}
}

// OpenReservations is the number of holds currently open for the model.
func (s *Store) OpenReservations(ctx context.Context, token common.Address) (int64, error) {
	return s.rdb.HLen(ctx, keysOf(token).resv()).Result()
}

// Credit adds amount wei (which may be negative, to debit) to an account's
// balance for a model and returns the new balance. It refuses a result below
// zero or beyond int64, changing nothing.
func (s *Store) Credit(ctx context.Context, token common.Address, account string, amount int64) (int64, error) {
	if err := checkAccount(account); err != nil {
		return 0, err
	}
	key := keysOf(token).balance(account)
	v, err := creditScript.Run(ctx, s.rdb, []string{key}, amount).Int64()
	if err != nil {
		if strings.Contains(err.Error(), "overflow") {
			return 0, fmt.Errorf("credit: %w: the balance would exceed %d wei", metering.ErrBalanceRange, int64(^uint64(0)>>1))
		}
		if strings.Contains(err.Error(), "NEGATIVE") {
			return 0, fmt.Errorf("credit: %w: the balance would go below zero", metering.ErrBalanceRange)
		}
		return 0, fmt.Errorf("credit: %w", err)
	}
	return v, nil
}

// Balance returns an account's balance for a model (0 if never credited).
func (s *Store) Balance(ctx context.Context, token common.Address, account string) (int64, error) {
	v, err := s.rdb.Get(ctx, keysOf(token).balance(account)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("balance: %w", err)
	}
	return v, nil
}

// LastSeq is the model's last assigned receipt seq (0 if none).
func (s *Store) LastSeq(ctx context.Context, token common.Address) (uint64, error) {
	v, err := s.rdb.Get(ctx, keysOf(token).seq()).Uint64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return v, err
}

// CompleteReplay adds the signed receipt JSON to a committed call's
// idempotency record.
func (s *Store) CompleteReplay(ctx context.Context, r *metering.Reservation, receiptJSON []byte) error {
	ih := idemHash(r.IdempotencyKey)
	if ih == "" {
		return nil
	}
	if err := s.rdb.HSet(ctx, keysOf(r.Token).idem(r.Account, ih), "receipt", string(receiptJSON)).Err(); err != nil {
		return fmt.Errorf("complete idempotency record: %w", err)
	}
	return nil
}

// Balances returns the balances of accounts for a model in one round trip
// (0 for an account never credited). The keys share the model's hash tag.
func (s *Store) Balances(ctx context.Context, token common.Address, accounts []string) ([]int64, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	k := keysOf(token)
	keys := make([]string, len(accounts))
	for i, a := range accounts {
		keys[i] = k.balance(a)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("balances: %w", err)
	}
	out := make([]int64, len(vals))
	for i, v := range vals {
		if str, ok := v.(string); ok {
			if out[i], err = strconv.ParseInt(str, 10, 64); err != nil {
				return nil, fmt.Errorf("balance of %s: %w", accounts[i], err)
			}
		}
	}
	return out, nil
}

// RaiseSeqFloor raises the model's seq floor to floor (never lowers it):
// commits refuse to issue a seq at or below it. The batcher raises it to
// the highest seq the chain has settled, so a Redis that came back older
// than the chain halts metering instead of issuing settled seqs again.
func (s *Store) RaiseSeqFloor(ctx context.Context, token common.Address, floor uint64) (uint64, error) {
	v, err := floorScript.Run(ctx, s.rdb, []string{keysOf(token).seqFloor()}, strconv.FormatUint(floor, 10)).Int64()
	if err != nil {
		return 0, fmt.Errorf("raise seq floor: %w", err)
	}
	return uint64(v), nil
}

// SetDeliveryProblem records why the model's token cannot take its revenue
// (the settlement's payment into it reverts), or clears the record when
// cause is "". Whoever checks the chain (a settler, a gateway with an RPC
// URL) writes it; every gateway reads it and refuses paid calls meanwhile.
func (s *Store) SetDeliveryProblem(ctx context.Context, token common.Address, cause string) error {
	k := keysOf(token).undeliverable()
	var err error
	if cause == "" {
		err = s.rdb.Del(ctx, k).Err()
	} else {
		err = s.rdb.Set(ctx, k, cause, 0).Err()
	}
	if err != nil {
		return fmt.Errorf("record the token's delivery problem: %w", unavailable(err))
	}
	return nil
}

// DeliveryProblem is the recorded reason the model's token cannot take its
// revenue, or "" if none is recorded.
func (s *Store) DeliveryProblem(ctx context.Context, token common.Address) (string, error) {
	v, err := s.rdb.Get(ctx, keysOf(token).undeliverable()).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the token's delivery problem: %w", unavailable(err))
	}
	return v, nil
}

// ExtendHold moves a hold's expiry (when the sweeper may release it) to
// until, if the hold still exists and until is later.
func (s *Store) ExtendHold(ctx context.Context, r *metering.Reservation, until time.Time) error {
	k := keysOf(r.Token)
	err := s.rdb.ZAddArgs(ctx, k.resvExp(), redis.ZAddArgs{XX: true, GT: true,
		Members: []redis.Z{{Score: float64(until.UnixMilli()), Member: r.ReceiptID.Hex()}}}).Err()
	if err != nil {
		return fmt.Errorf("extend hold: %w", unavailable(err))
	}
	return nil
}
