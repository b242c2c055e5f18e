package redisstore_test

import (
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/settlement"
)

func TestBatchLeaseAndFencing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	fa, err := f.st.AcquireLease(ctx, f.token, "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AcquireLease(ctx, f.token, "b", time.Minute); !errors.Is(err, settlement.ErrLeaseHeld) {
		t.Fatalf("second owner: %v, want ErrLeaseHeld", err)
	}
	if again, err := f.st.AcquireLease(ctx, f.token, "a", time.Minute); err != nil || again != fa {
		t.Fatalf("renewal = %d, %v, want %d", again, err, fa)
	}
	if _, err := f.st.AcquireLease(ctx, f.token, "a|x", time.Minute); err == nil {
		t.Fatal("owner with a separator accepted")
	}
	b0 := settlement.Batch{Token: f.token, ID: 0, FirstSeq: 1, LastSeq: 3, Fee: big.NewInt(7), Root: common.HexToHash("0x01"),
		State: settlement.StateSealed, SealedAt: time.UnixMilli(1_700_000_000_123)}
	if err := f.st.SaveBatch(ctx, fa, b0); err != nil {
		t.Fatal(err)
	}
	// Releasing by a non-owner does nothing; by the owner frees the lease.
	if err := f.st.ReleaseLease(ctx, f.token, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AcquireLease(ctx, f.token, "b", time.Minute); !errors.Is(err, settlement.ErrLeaseHeld) {
		t.Fatalf("after a foreign release: %v", err)
	}
	if err := f.st.ReleaseLease(ctx, f.token, "a"); err != nil {
		t.Fatal(err)
	}
	fb, err := f.st.AcquireLease(ctx, f.token, "b", time.Minute)
	if err != nil || fb <= fa {
		t.Fatalf("new owner's fence = %d, %v, want above %d", fb, err, fa)
	}
	// The old owner's writes are refused and change nothing.
	stale := b0
	stale.State = settlement.StateSent
	if err := f.st.SaveBatch(ctx, fa, stale); !errors.Is(err, settlement.ErrFenced) {
		t.Fatalf("stale save: %v, want ErrFenced", err)
	}
	if err := f.st.SetArchiveCursor(ctx, f.token, fa, 5); !errors.Is(err, settlement.ErrFenced) {
		t.Fatalf("stale cursor: %v", err)
	}
	if _, err := f.st.TrimReceipts(ctx, f.token, fa, 1, 3); !errors.Is(err, settlement.ErrFenced) {
		t.Fatalf("stale trim: %v", err)
	}
	if got, err := f.st.Batch(ctx, f.token, 0); err != nil || got.State != settlement.StateSealed {
		t.Fatalf("batch after stale write = %+v, %v", got, err)
	}
	if err := f.st.SetArchiveCursor(ctx, f.token, fb, 1); err != nil {
		t.Fatal(err)
	}
	if c, err := f.st.ArchiveCursor(ctx, f.token); err != nil || c != 1 {
		t.Fatalf("cursor = %d, %v", c, err)
	}
}

func TestBatchRecordRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.LastBatch(ctx, f.token); !errors.Is(err, settlement.ErrBatchNotFound) {
		t.Fatalf("last batch of a new model: %v", err)
	}
	fence, err := f.st.AcquireLease(ctx, f.token, "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	fee, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	full := settlement.Batch{
		Token: f.token, ID: 1, FirstSeq: 4, LastSeq: 9, Fee: fee, Root: common.HexToHash("0xabc"),
		State: settlement.StateSettled, SealedAt: time.UnixMilli(1_700_000_000_001), Nonce: 42,
		TxHashes: []common.Hash{common.HexToHash("0x1"), common.HexToHash("0x2")}, RawTx: []byte{1, 2, 3},
		SentAt: time.UnixMilli(1_700_000_000_002), TxHash: common.HexToHash("0x2"), BlockNumber: 77,
		BlockHash: common.HexToHash("0x77"), GasUsed: 50_000, SettledAt: time.UnixMilli(1_700_000_000_003),
		Archived: true, Trimmed: true,
	}
	first := settlement.Batch{Token: f.token, ID: 0, FirstSeq: 1, LastSeq: 3, Fee: big.NewInt(0), Root: common.HexToHash("0x1"),
		State: settlement.StateSent, TxHashes: []common.Hash{common.HexToHash("0x9")}}
	for _, b := range []settlement.Batch{first, full} {
		if err := f.st.SaveBatch(ctx, fence, b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.st.Batch(ctx, f.token, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, full) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, full)
	}
	if last, err := f.st.LastBatch(ctx, f.token); err != nil || last.ID != 1 {
		t.Fatalf("last batch = %+v, %v", last, err)
	}
	// Rewriting a record clears fields that became empty.
	first.State, first.TxHashes = settlement.StateSealed, nil
	if err := f.st.SaveBatch(ctx, fence, first); err != nil {
		t.Fatal(err)
	}
	list, err := f.st.Batches(ctx, f.token, 0, 10)
	if err != nil || len(list) != 2 || list[0].ID != 0 || list[0].TxHashes != nil || list[0].State != settlement.StateSealed || list[1].ID != 1 {
		t.Fatalf("batches = %+v, %v", list, err)
	}
	if err := f.st.SaveBatch(ctx, fence, settlement.Batch{Token: f.token, ID: 2, State: settlement.StateSealed}); err == nil {
		t.Fatal("a batch without a fee was saved")
	}
	if err := f.st.SaveBatch(ctx, fence, settlement.Batch{Token: f.token, ID: 2, Fee: big.NewInt(1), State: "bogus"}); err == nil {
		t.Fatal("a batch with an unknown state was saved")
	}
}

func TestTrimReceipts(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Credit(ctx, f.token, "a", 1000); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r, _ := f.reserve(t, "a", 10)
		rc, err := f.commit(t, r, 10)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.SetSignature(ctx, f.token, rc.Seq, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	fence, err := f.st.AcquireLease(ctx, f.token, "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.TrimReceipts(ctx, f.token, fence, 3, 2); err == nil {
		t.Fatal("empty range accepted")
	}
	n, err := f.st.TrimReceipts(ctx, f.token, fence, 1, 3)
	if err != nil || n != 3 {
		t.Fatalf("trim = %d, %v, want 3", n, err)
	}
	rs, err := f.st.Receipts(ctx, f.token, 1, 5)
	if err != nil || len(rs) != 2 || rs[0].Seq != 4 || len(rs[0].Signature) != 1 {
		t.Fatalf("receipts after trim = %+v, %v", rs, err)
	}
	if left, _ := f.rdb.HLen(ctx, "imogate:{"+lower(f.token)+"}:sig").Result(); left != 2 {
		t.Fatalf("%d signatures left, want 2", left)
	}
	// Trimming again is a no-op; the seq counter is untouched.
	if n, err := f.st.TrimReceipts(ctx, f.token, fence, 1, 3); err != nil || n != 0 {
		t.Fatalf("second trim = %d, %v", n, err)
	}
	if s, _ := f.st.LastSeq(ctx, f.token); s != 5 {
		t.Fatalf("last seq %d after trim", s)
	}
}

func lower(a common.Address) string {
	b := []byte(a.Hex())
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
