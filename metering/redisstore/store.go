// Package redisstore is the Redis implementation of imogate's metering
// state: balances, reservations, the per-model receipt log and sequence,
// usage counters, idempotency records, API keys and rate limits.
//
// Every key that one paid call's charge touches is prefixed
// "imogate:{<token address>}:", so a call's whole state sits in one Redis
// Cluster hash slot and the Lua scripts run unchanged on a single Redis or a
// cluster (DESIGN.md invariant 5). Amounts are only ever computed by Redis's
// integer INCRBY/DECRBY; Lua never does arithmetic on them (invariant 4).
package redisstore

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/metering"
)

var (
	//go:embed reserve.lua
	reserveSrc string
	//go:embed commit.lua
	commitSrc string
	//go:embed hold.lua
	holdSrc string
	//go:embed release.lua
	releaseSrc string
	//go:embed sweep.lua
	sweepSrc string
	//go:embed ratelimit.lua
	rateLimitSrc string

	reserveScript   = redis.NewScript(reserveSrc)
	commitScript    = redis.NewScript(commitSrc)
	releaseScript   = redis.NewScript(holdSrc + releaseSrc)
	sweepScript     = redis.NewScript(holdSrc + sweepSrc)
	rateLimitScript = redis.NewScript(rateLimitSrc)
)

// Store is the Redis metering store. It is safe for concurrent use.
type Store struct {
	rdb redis.UniversalClient
	hot *hotPath
	now func() time.Time
}

var _ metering.Meter = (*Store)(nil)

// Option configures a Store.
type Option func(*storeOptions)

type storeOptions struct{ noPipelining bool }

// WithoutAutoPipelining sends every paid-call script on its own round trip,
// never through go-redis's automatic pipelining (see hotPath).
func WithoutAutoPipelining() Option { return func(o *storeOptions) { o.noPipelining = true } }

// New returns a store on rdb. now is the clock (time.Now when nil).
func New(rdb redis.UniversalClient, now func() time.Time, opts ...Option) *Store {
	if now == nil {
		now = time.Now
	}
	var o storeOptions
	for _, opt := range opts {
		opt(&o)
	}
	return &Store{rdb: rdb, hot: newHotPath(rdb, !o.noPipelining), now: now}
}

// Client returns the underlying Redis client.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Prefix is the key prefix of a model's state; the braces make the token
// address the Redis Cluster hash tag.
func Prefix(token common.Address) string {
	// Plain lowercase hex: Address.Hex would compute an EIP-55 checksum
	// (a keccak) on every call of the hot path.
	return "imogate:{0x" + hex.EncodeToString(token[:]) + "}:"
}

type modelKeys struct{ p string }

func keysOf(token common.Address) modelKeys { return modelKeys{Prefix(token)} }

func (k modelKeys) balance(acct string) string { return k.p + "bal:" + acct }
func (k modelKeys) resv() string               { return k.p + "resv" }
func (k modelKeys) resvExp() string            { return k.p + "resv:exp" }
func (k modelKeys) seq() string                { return k.p + "seq" }
func (k modelKeys) log() string                { return k.p + "log" }
func (k modelKeys) rid() string                { return k.p + "rid" }
func (k modelKeys) sig() string                { return k.p + "sig" }
func (k modelKeys) totals() string             { return k.p + "use:total" }
func (k modelKeys) hour(h int64) string        { return k.p + "use:h:" + strconv.FormatInt(h, 10) }
func (k modelKeys) acctHour(acct string, h int64) string {
	return k.p + "use:a:" + acct + ":h:" + strconv.FormatInt(h, 10)
}
func (k modelKeys) idem(acct, keyHash string) string { return k.p + "idem:" + acct + ":" + keyHash }

// placeholder is a never-written key in the model's slot, passed where a
// script takes an optional key.
func (k modelKeys) placeholder() string { return k.p + "none" }

// idemHash shortens a client's Idempotency-Key to a fixed-size key part.
func idemHash(key string) string {
	if key == "" {
		return ""
	}
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:16])
}

// Reserve implements metering.Meter.
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
		[]string{k.balance(req.Account), k.resv(), k.resvExp(), idemKey, k.rid()},
		rid, req.Amount, exp, req.Account, ih, req.BodyHash.Hex(), req.TTL.Milliseconds()+1000,
	).StringSlice()
	if err != nil {
		return nil, nil, fmt.Errorf("reserve: %w", err)
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

// Commit implements metering.Meter.
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
	res, err := s.hot.run(ctx, commitScript, len(body)+len(tail) > largeArgs,
		[]string{
			k.balance(rv.Account), k.resv(), k.resvExp(), k.seq(), k.log(), k.rid(),
			k.hour(req.Hour), k.acctHour(rv.Account, req.Hour), k.totals(), idemKey,
		},
		rid, r.Fee.String(), r.PromptTokens, r.CompletionTokens, r.Timestamp,
		r.Payer.Hex(), r.RequestHash.Hex(), r.ResponseHash.Hex(), "0x"+hex.EncodeToString(rv.Token[:]),
		rv.Account, req.ModelName, ih, rv.IdempotencyTTL.Milliseconds(), status, ctype, body, 0, tail, req.Signer.Hex(),
		rv.Amount, refund,
	).Slice()
	if err != nil {
		return metering.Receipt{}, fmt.Errorf("commit: %w", err)
	}
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
	case "BAD_REFUND":
		return metering.Receipt{}, fmt.Errorf("commit: %w: refund of %d wei from a hold of %d", metering.ErrAmountRange, refund, rv.Amount)
	case "HOLD_MISMATCH":
		return metering.Receipt{}, fmt.Errorf("commit: %w: the reservation's record is not a hold of %d wei for account %s", metering.ErrAmountRange, rv.Amount, rv.Account)
	}
	return metering.Receipt{}, fmt.Errorf("commit: unexpected script reply %v", res)
}

// Release implements metering.Meter.
func (s *Store) Release(ctx context.Context, r *metering.Reservation) error {
	k := keysOf(r.Token)
	if err := s.hot.run(ctx, releaseScript, false, []string{k.resv(), k.resvExp()}, r.ReceiptID.Hex(), k.p).Err(); err != nil {
		return fmt.Errorf("release: %w", err)
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
			return 0, fmt.Errorf("credit: %w: the balance would exceed %d wei", metering.ErrAmountRange, int64(^uint64(0)>>1))
		}
		if strings.Contains(err.Error(), "NEGATIVE") {
			return 0, fmt.Errorf("credit: %w: the balance would go below zero", metering.ErrAmountRange)
		}
		return 0, fmt.Errorf("credit: %w", err)
	}
	return v, nil
}

var creditScript = redis.NewScript(`
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v < 0 then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return redis.error_reply('NEGATIVE balance')
end
return v`)

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

// SignatureWrite is one receipt signature to store.
type SignatureWrite struct {
	Token common.Address
	Seq   uint64
	Sig   []byte
}

// SetSignatures stores many signatures in one pipelined round trip: one
// HSET per model, with every (seq, signature) pair of that model in it.
func (s *Store) SetSignatures(ctx context.Context, ws []SignatureWrite) error {
	if len(ws) == 0 {
		return nil
	}
	byToken := make(map[common.Address][]any, 1)
	for _, w := range ws {
		byToken[w.Token] = append(byToken[w.Token], strconv.FormatUint(w.Seq, 10), hexutil.Encode(w.Sig))
	}
	p := s.rdb.Pipeline()
	for tok, pairs := range byToken {
		p.HSet(ctx, keysOf(tok).sig(), pairs...)
	}
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("store signatures: %w", err)
	}
	return nil
}

// SetSignature stores a receipt's signature. Signatures are deterministic
// (RFC 6979), so writing one again after a crash gives the same bytes.
func (s *Store) SetSignature(ctx context.Context, token common.Address, seq uint64, sig []byte) error {
	if err := s.rdb.HSet(ctx, keysOf(token).sig(), strconv.FormatUint(seq, 10), hexutil.Encode(sig)).Err(); err != nil {
		return fmt.Errorf("store signature: %w", err)
	}
	return nil
}

// LoggedReceipt is a receipt as held in the log, with its signature if one
// has been stored, and the account and model name it was issued to.
type LoggedReceipt struct {
	metering.Receipt
	Signature []byte
	Signer    common.Address // the signer at commit time
	Account   string
	ModelName string
}

// ReceiptByID finds a receipt of the model by its id.
func (s *Store) ReceiptByID(ctx context.Context, token common.Address, id common.Hash) (LoggedReceipt, error) {
	seq, err := s.rdb.HGet(ctx, keysOf(token).rid(), id.Hex()).Uint64()
	if errors.Is(err, redis.Nil) {
		return LoggedReceipt{}, metering.ErrNotFound
	}
	if err != nil {
		return LoggedReceipt{}, fmt.Errorf("receipt by id: %w", err)
	}
	lr, err := s.ReceiptBySeq(ctx, token, seq)
	if errors.Is(err, metering.ErrNotFound) {
		return lr, &ArchivedError{Seq: seq}
	}
	return lr, err
}

// ArchivedError says a receipt's log entry has been trimmed after its batch
// was settled and archived: look it up in the archive by Seq.
type ArchivedError struct{ Seq uint64 }

func (e *ArchivedError) Error() string {
	return fmt.Sprintf("receipt %d was archived and trimmed from the log", e.Seq)
}

// ReceiptBySeq loads one receipt from the log.
func (s *Store) ReceiptBySeq(ctx context.Context, token common.Address, seq uint64) (LoggedReceipt, error) {
	rs, err := s.Receipts(ctx, token, seq, seq)
	if err != nil {
		return LoggedReceipt{}, err
	}
	if len(rs) == 0 {
		return LoggedReceipt{}, metering.ErrNotFound
	}
	return rs[0], nil
}

// Receipts loads the receipts with first ≤ seq ≤ last, in seq order.
func (s *Store) Receipts(ctx context.Context, token common.Address, first, last uint64) ([]LoggedReceipt, error) {
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
	out := make([]LoggedReceipt, 0, len(msgs))
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

func decodeLogEntry(v map[string]any) (LoggedReceipt, error) {
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
		return LoggedReceipt{}, err
	}
	return LoggedReceipt{
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

// Totals returns a model's lifetime usage counters.
func (s *Store) Totals(ctx context.Context, token common.Address) (metering.Usage, error) {
	return s.usage(ctx, keysOf(token).totals())
}

// HourUsage returns a model's usage in one unix hour (account "" = all).
func (s *Store) HourUsage(ctx context.Context, token common.Address, account string, hour int64) (metering.Usage, error) {
	k := keysOf(token)
	if account == "" {
		return s.usage(ctx, k.hour(hour))
	}
	return s.usage(ctx, k.acctHour(account, hour))
}

// HourUsages returns the usage of each unix hour first..last in one
// pipelined round trip (account "" = all accounts).
func (s *Store) HourUsages(ctx context.Context, token common.Address, account string, first, last int64) ([]metering.Usage, error) {
	if last < first {
		return nil, nil
	}
	k := keysOf(token)
	p := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, 0, last-first+1)
	for h := first; h <= last; h++ {
		key := k.hour(h)
		if account != "" {
			key = k.acctHour(account, h)
		}
		cmds = append(cmds, p.HGetAll(ctx, key))
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("usage: %w", err)
	}
	out := make([]metering.Usage, len(cmds))
	for i, c := range cmds {
		out[i] = usageOf(c.Val())
	}
	return out, nil
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

func (s *Store) usage(ctx context.Context, key string) (metering.Usage, error) {
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return metering.Usage{}, fmt.Errorf("usage: %w", err)
	}
	return usageOf(m), nil
}

// usageOf decodes a usage counter hash; fees are fee_e18 × 10^18 + fee.
func usageOf(m map[string]string) metering.Usage {
	i := func(f string) int64 { v, _ := strconv.ParseInt(m[f], 10, 64); return v }
	fees := new(big.Int).Mul(big.NewInt(i("fee_e18")), big.NewInt(1_000_000_000_000_000_000))
	fees.Add(fees, big.NewInt(i("fee")))
	return metering.Usage{Calls: i("calls"), PromptTokens: i("pt"), CompletionTokens: i("ct"), Fees: fees}
}

// ErrBadAccount is returned for an account id that cannot be a key part.
var ErrBadAccount = errors.New("invalid account id")

func checkAccount(a string) error {
	if a == "" || len(a) > 128 || strings.ContainsAny(a, "|:{} \t\r\n") {
		return fmt.Errorf("%w: %q", ErrBadAccount, a)
	}
	return nil
}

// RateLimit counts one request against the account's per-minute request and
// token limits (0 = unlimited) and reports whether it may go ahead and, if
// not, how long until the window resets.
func (s *Store) RateLimit(ctx context.Context, account string, rpm, tpm int64) (bool, time.Duration, error) {
	if rpm <= 0 && tpm <= 0 {
		return true, 0, nil
	}
	now := s.now()
	minute := now.Unix() / 60
	base := "imogate:rl:{" + account + "}:" + strconv.FormatInt(minute, 10)
	ok, err := s.hot.run(ctx, rateLimitScript, false, []string{base + ":req", base + ":tok"}, rpm, tpm).Int()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if ok == 1 {
		return true, 0, nil
	}
	return false, time.Unix((minute+1)*60, 0).Sub(now), nil
}

// CountTokens adds a finished call's tokens to the account's token window.
func (s *Store) CountTokens(ctx context.Context, account string, tokens int64) error {
	minute := s.now().Unix() / 60
	key := "imogate:rl:{" + account + "}:" + strconv.FormatInt(minute, 10) + ":tok"
	p := s.rdb.Pipeline()
	p.IncrBy(ctx, key, tokens)
	p.Expire(ctx, key, 2*time.Minute)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("count tokens: %w", err)
	}
	return nil
}
