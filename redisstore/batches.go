package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/settlement"
)

// Settlement batch records, the batcher's lease and its fencing counter live
// under the model's hash tag next to the receipt log:
//
//	imogate:{token}:batch:<id>       hash: one batch record (settlement.Batch)
//	imogate:{token}:batches          zset: batch ids (score = id)
//	imogate:{token}:batch:archived   string: the next batch id to archive
//	imogate:{token}:batcher:lease    string "<owner>|<fence>", PX lease TTL
//	imogate:{token}:batcher:fence    counter: the fencing token, INCR per new lease
//
// Every write of batcher state (records, the archive cursor, log trimming)
// runs as a script that first compares the caller's fencing token with the
// counter, so a batcher that lost its lease cannot write: a new leader
// always increments the counter when it takes the lease.

func (k modelKeys) batch(id uint64) string { return k.p + "batch:" + strconv.FormatUint(id, 10) }
func (k modelKeys) batches() string        { return k.p + "batches" }
func (k modelKeys) archiveCursor() string  { return k.p + "batch:archived" }
func (k modelKeys) lease() string          { return k.p + "batcher:lease" }
func (k modelKeys) fence() string          { return k.p + "batcher:fence" }

// SaveBatch writes a batch record (every field, replacing the previous
// version) if fence is the current fencing token, and fails with
// settlement.ErrFenced otherwise.
func (s *Store) SaveBatch(ctx context.Context, fence int64, b settlement.Batch) error {
	if b.Fee == nil || b.Fee.Sign() < 0 {
		return fmt.Errorf("save batch %d: fee must be set and not negative", b.ID)
	}
	if !b.State.Valid() {
		return fmt.Errorf("save batch %d: invalid state %q", b.ID, b.State)
	}
	k := keysOf(b.Token)
	id := strconv.FormatUint(b.ID, 10)
	args := []any{fence, id}
	args = append(args, batchFields(b)...)
	err := saveBatchScript.Run(ctx, s.rdb, []string{k.fence(), k.batch(b.ID), k.batches()}, args...).Err()
	if err != nil {
		if strings.Contains(err.Error(), "FENCED") {
			return fmt.Errorf("save batch %d: %w", b.ID, settlement.ErrFenced)
		}
		return fmt.Errorf("save batch %d: %w", b.ID, err)
	}
	return nil
}

func batchFields(b settlement.Batch) []any {
	hashes := make([]string, len(b.TxHashes))
	for i, h := range b.TxHashes {
		hashes[i] = h.Hex()
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	ms := func(t time.Time) string {
		if t.IsZero() {
			return "0"
		}
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	raw := ""
	if len(b.RawTx) > 0 {
		raw = hexutil.Encode(b.RawTx)
	}
	return []any{
		"id", u(b.ID), "token", strings.ToLower(b.Token.Hex()), "first", u(b.FirstSeq), "last", u(b.LastSeq),
		"count", u(b.Count()), "fee", b.Fee.String(), "root", b.Root.Hex(), "state", string(b.State),
		"sealed", ms(b.SealedAt), "nonce", u(b.Nonce), "txs", strings.Join(hashes, ","), "raw", raw,
		"sent", ms(b.SentAt), "tx", b.TxHash.Hex(), "block", u(b.BlockNumber), "bhash", b.BlockHash.Hex(),
		"gas", u(b.GasUsed), "settled", ms(b.SettledAt), "archived", strconv.FormatBool(b.Archived),
		"trimmed", strconv.FormatBool(b.Trimmed),
	}
}

func decodeBatch(m map[string]string) (settlement.Batch, error) {
	var errs []error
	u := func(f string) uint64 {
		v, err := strconv.ParseUint(m[f], 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("field %s: %w", f, err))
		}
		return v
	}
	ms := func(f string) time.Time {
		v, err := strconv.ParseInt(m[f], 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("field %s: %w", f, err))
		}
		if v == 0 {
			return time.Time{}
		}
		return time.UnixMilli(v)
	}
	b := settlement.Batch{
		Token: common.HexToAddress(m["token"]), ID: u("id"), FirstSeq: u("first"), LastSeq: u("last"),
		Root: common.HexToHash(m["root"]), State: settlement.BatchState(m["state"]), SealedAt: ms("sealed"),
		Nonce: u("nonce"), SentAt: ms("sent"), TxHash: common.HexToHash(m["tx"]), BlockNumber: u("block"),
		BlockHash: common.HexToHash(m["bhash"]), GasUsed: u("gas"), SettledAt: ms("settled"),
		Archived: m["archived"] == "true", Trimmed: m["trimmed"] == "true",
	}
	fee, ok := new(big.Int).SetString(m["fee"], 10)
	if !ok {
		errs = append(errs, fmt.Errorf("field fee: %q is not a decimal integer", m["fee"]))
	}
	b.Fee = fee
	if m["txs"] != "" {
		for _, h := range strings.Split(m["txs"], ",") {
			b.TxHashes = append(b.TxHashes, common.HexToHash(h))
		}
	}
	if m["raw"] != "" {
		raw, err := hexutil.Decode(m["raw"])
		if err != nil {
			errs = append(errs, fmt.Errorf("field raw: %w", err))
		}
		b.RawTx = raw
	}
	if !b.State.Valid() {
		errs = append(errs, fmt.Errorf("field state: unknown state %q", b.State))
	}
	return b, errors.Join(errs...)
}

// Batch loads one batch record; settlement.ErrBatchNotFound if none.
func (s *Store) Batch(ctx context.Context, token common.Address, id uint64) (settlement.Batch, error) {
	m, err := s.rdb.HGetAll(ctx, keysOf(token).batch(id)).Result()
	if err != nil {
		return settlement.Batch{}, fmt.Errorf("load batch %d: %w", id, err)
	}
	if len(m) == 0 {
		return settlement.Batch{}, fmt.Errorf("batch %d: %w", id, settlement.ErrBatchNotFound)
	}
	b, err := decodeBatch(m)
	if err != nil {
		return settlement.Batch{}, fmt.Errorf("decode batch %d: %w", id, err)
	}
	return b, nil
}

// LastBatch loads the model's batch record with the highest id;
// settlement.ErrBatchNotFound if there is none yet.
func (s *Store) LastBatch(ctx context.Context, token common.Address) (settlement.Batch, error) {
	ids, err := s.rdb.ZRevRangeByScore(ctx, keysOf(token).batches(), &redis.ZRangeBy{Min: "-inf", Max: "+inf", Count: 1}).Result()
	if err != nil {
		return settlement.Batch{}, fmt.Errorf("last batch: %w", err)
	}
	if len(ids) == 0 {
		return settlement.Batch{}, fmt.Errorf("last batch: %w", settlement.ErrBatchNotFound)
	}
	id, err := strconv.ParseUint(ids[0], 10, 64)
	if err != nil {
		return settlement.Batch{}, fmt.Errorf("last batch: bad id %q", ids[0])
	}
	return s.Batch(ctx, token, id)
}

// Batches loads up to count batch records with id ≥ from, in id order.
func (s *Store) Batches(ctx context.Context, token common.Address, from uint64, count int64) ([]settlement.Batch, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, keysOf(token).batches(), &redis.ZRangeBy{
		Min: strconv.FormatUint(from, 10), Max: "+inf", Count: count,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	out := make([]settlement.Batch, 0, len(ids))
	for _, v := range ids {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("list batches: bad id %q", v)
		}
		b, err := s.Batch(ctx, token, id)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// ArchiveCursor is the id of the next batch to archive (0 at first).
func (s *Store) ArchiveCursor(ctx context.Context, token common.Address) (uint64, error) {
	v, err := s.rdb.Get(ctx, keysOf(token).archiveCursor()).Uint64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("archive cursor: %w", err)
	}
	return v, nil
}

// SetArchiveCursor moves the archive cursor to next, fenced like SaveBatch.
func (s *Store) SetArchiveCursor(ctx context.Context, token common.Address, fence int64, next uint64) error {
	k := keysOf(token)
	err := setCursorScript.Run(ctx, s.rdb, []string{k.fence(), k.archiveCursor()}, fence, strconv.FormatUint(next, 10)).Err()
	if err != nil {
		if strings.Contains(err.Error(), "FENCED") {
			return fmt.Errorf("set archive cursor: %w", settlement.ErrFenced)
		}
		return fmt.Errorf("set archive cursor: %w", err)
	}
	return nil
}

// TrimReceipts deletes every log entry with seq ≤ last and the signatures of
// seqs first..last, fenced like SaveBatch, and returns how many log entries
// it deleted. The caller must have archived every receipt up to last: the
// log is trimmed by minimum id, so everything older goes too. The receipt id
// index is left alone (it is what makes a repeated commit idempotent).
func (s *Store) TrimReceipts(ctx context.Context, token common.Address, fence int64, first, last uint64) (int64, error) {
	if last < first || last >= 1<<53 {
		return 0, fmt.Errorf("trim receipts: bad range %d..%d", first, last)
	}
	k := keysOf(token)
	n, err := trimScript.Run(ctx, s.rdb, []string{k.fence(), k.log(), k.sig()},
		fence, "0-"+strconv.FormatUint(last+1, 10), first, last).Int64()
	if err != nil {
		if strings.Contains(err.Error(), "FENCED") {
			return 0, fmt.Errorf("trim receipts: %w", settlement.ErrFenced)
		}
		return 0, fmt.Errorf("trim receipts: %w", err)
	}
	return n, nil
}
