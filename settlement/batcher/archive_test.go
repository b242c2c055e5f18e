package batcher_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/merkle"
	"github.com/imogate/imogate/settlement/onchain"
)

func newArchive(t *testing.T) *archive.Dir {
	t.Helper()
	d, err := archive.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func toBinding(r *metering.Receipt) bindings.UsageSettlementReceipt {
	return bindings.UsageSettlementReceipt{
		Id: r.ID, Model: r.Model, Payer: r.Payer, Seq: r.Seq, Timestamp: r.Timestamp,
		PromptTokens: r.PromptTokens, CompletionTokens: r.CompletionTokens, Fee: new(big.Int).Set(r.Fee),
		RequestHash: r.RequestHash, ResponseHash: r.ResponseHash,
	}
}

func TestArchiveThenTrim(t *testing.T) {
	for _, keep := range []bool{false, true} {
		name := "trim"
		if keep {
			name = "keep receipts"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			ctx := t.Context()
			dir := newArchive(t)
			e.issue(10)
			b := e.newBatcher(func(c *batcher.Config) { c.Archive = dir; c.KeepReceipts = keep })
			e.settleAll(b)
			if err := b.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			e.checkInvariant()

			p := redisstore.Prefix(e.token)
			logLen, _ := e.rdb.XLen(ctx, p+"log").Result()
			sigs, _ := e.rdb.HLen(ctx, p+"sig").Result()
			if cur, _ := e.store.ArchiveCursor(ctx, e.token); cur != 3 {
				t.Fatalf("archive cursor %d, want 3", cur)
			}
			if keep && (logLen != 10 || sigs != 10) || !keep && (logLen != 0 || sigs != 0) {
				t.Fatalf("log has %d entries and %d signatures after archiving (keep=%v)", logLen, sigs, keep)
			}

			// Every receipt is provable from the archive alone, on-chain.
			sc := onchain.SettlementABI.Instance(e.client, e.settlement)
			evs := e.settledEvents()
			for id := range uint64(3) {
				rec, err := e.store.Batch(ctx, e.token, id)
				if err != nil || !rec.Archived || rec.Trimmed == keep {
					t.Fatalf("record of batch %d = %+v, %v", id, rec, err)
				}
				ab, err := archive.Read(ctx, dir, e.token, id)
				if err != nil {
					t.Fatal(err)
				}
				if err := ab.Check(); err != nil {
					t.Fatalf("archived batch %d: %v", id, err)
				}
				st := ab.Settlement
				if st.TxHash != evs[id].Raw.TxHash || st.Root != evs[id].Root || st.Value != evs[id].Value.String() ||
					st.Contract != e.settlement || st.Operator != e.operator || st.ChainID != chaintest.ChainID.String() ||
					st.Signer != chaintest.Address(signerKey) {
					t.Fatalf("settlement.json of batch %d = %+v, event %+v", id, st, evs[id])
				}
				tree, err := merkle.LoadReceiptTree(ab.Tree)
				if err != nil {
					t.Fatal(err)
				}
				for i := range tree.Len() {
					r, _ := tree.Receipt(i)
					if r.Leaf() != e.receipts[r.Seq-1].Leaf() {
						t.Fatalf("archived receipt %d differs from the one issued", r.Seq)
					}
					proof, err := tree.Proof(i)
					if err != nil {
						t.Fatal(err)
					}
					pf := make([][32]byte, len(proof))
					for j := range proof {
						pf[j] = proof[j]
					}
					ok, err := bind.Call(sc, nil, onchain.SettlementABI.PackVerifyReceipt(e.operator, e.token, id, toBinding(&r), pf), onchain.SettlementABI.UnpackVerifyReceipt)
					if err != nil || !ok {
						t.Fatalf("verifyReceipt(batch %d, seq %d) = %v, %v", id, r.Seq, ok, err)
					}
					sr := ab.Receipts[i]
					ok, err = bind.Call(sc, nil, onchain.SettlementABI.PackVerifyReceiptSignature(e.operator, e.token, id, toBinding(&sr.Receipt), sr.Signature), onchain.SettlementABI.UnpackVerifyReceiptSignature)
					if err != nil || !ok {
						t.Fatalf("verifyReceiptSignature(batch %d, seq %d) = %v, %v", id, sr.Seq, ok, err)
					}
				}
			}
		})
	}
}

// TestTrimWaitsForFinality: a settled batch is archived at once, but its
// receipts leave the log only once its block is final: by default at or
// below the node's finalized block (the simulated chain finalizes every
// 32nd block), or FinalityDepth blocks deep. Batches behind one that is
// not final are archived meanwhile.
func TestTrimWaitsForFinality(t *testing.T) {
	for _, depth := range []int{0, 24} {
		t.Run(fmt.Sprintf("depth %d", depth), func(t *testing.T) {
			e := newEnv(t)
			ctx := t.Context()
			dir := newArchive(t)
			e.issue(10)
			b := e.newBatcher(func(c *batcher.Config) { c.Archive = dir; c.FinalityDepth = depth })
			e.settleAll(b)
			if err := b.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			p := redisstore.Prefix(e.token)
			logLen := func() int64 { n, _ := e.rdb.XLen(ctx, p+"log").Result(); return n }
			for id := range uint64(3) {
				rec, err := e.store.Batch(ctx, e.token, id)
				if err != nil || !rec.Archived || rec.Trimmed {
					t.Fatalf("batch %d before finality: %+v, %v", id, rec, err)
				}
			}
			if n := logLen(); n != 10 {
				t.Fatalf("the log has %d entries before finality, want 10", n)
			}
			if cur, _ := e.store.ArchiveCursor(ctx, e.token); cur != 0 {
				t.Fatalf("cursor %d before finality, want 0", cur)
			}
			last, _ := e.store.Batch(ctx, e.token, 2)
			// Mine until the last batch's block is final, checking at every
			// block that nothing is trimmed before it is.
			for range 40 {
				head, err := e.client.BlockNumber(ctx)
				if err != nil {
					t.Fatal(err)
				}
				final := depth > 0 && head+1 >= last.BlockNumber+uint64(depth) || depth == 0 && head/32*32 >= last.BlockNumber
				if err := b.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
				rec, _ := e.store.Batch(ctx, e.token, 2)
				if rec.Trimmed != final {
					t.Fatalf("head %d, batch 2 in block %d (depth %d): trimmed %v", head, last.BlockNumber, depth, rec.Trimmed)
				}
				if final {
					break
				}
				e.backend.Commit()
			}
			if n := logLen(); n != 0 {
				t.Fatalf("the log has %d entries once every batch is final", n)
			}
			if cur, _ := e.store.ArchiveCursor(ctx, e.token); cur != 3 {
				t.Fatalf("cursor %d once final, want 3", cur)
			}
			e.checkInvariant()
		})
	}
}

func TestArchiveWaitsForMissingSignature(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	dir := newArchive(t)
	e.issue(2)
	e.issue(1, true) // seq 3 has no stored signature
	e.issue(1)
	b := e.newBatcher(func(c *batcher.Config) { c.Archive = dir })
	e.settleAll(b) // settlement does not wait for the archive
	e.checkInvariant()
	if err := b.RunOnce(ctx); !errors.Is(err, batcher.ErrMissingSignature) {
		t.Fatalf("archiving a batch with an unsigned receipt: %v", err)
	}
	rec, _ := e.store.Batch(ctx, e.token, 0)
	if rec.Archived || rec.Trimmed {
		t.Fatalf("record = %+v", rec)
	}
	if n, _ := e.rdb.XLen(ctx, redisstore.Prefix(e.token)+"log").Result(); n != 4 {
		t.Fatalf("log has %d entries, want all 4 kept", n)
	}
	if _, err := archive.Read(ctx, dir, e.token, 0); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("incomplete batch readable from the archive: %v", err)
	}
	// A few failed attempts are not a stall (a gateway's sweep stores a lost
	// signature again within a few ticks); five in a row are, with the fix.
	if nr := b.NotReady(); len(nr) != 0 {
		t.Fatalf("not ready after one failed archive: %v", nr)
	}
	for range 4 {
		b.RunOnce(ctx)
	}
	if nr := b.NotReady(); len(nr) != 1 || !strings.Contains(nr[0], batcher.StallArchive) || !strings.Contains(nr[0], "imogate repair signatures") {
		t.Fatalf("not ready after five failed archives: %v", nr)
	}

	// The batcher asked for it; a gateway's repair (what every sweep runs)
	// stores it again, the bytes the client was given; the archive catches up.
	if wanted, err := e.store.WantedSignatures(ctx, e.token, 10); err != nil || !slices.Equal(wanted, []uint64{3}) {
		t.Fatalf("wanted signatures = %v, %v; want [3]", wanted, err)
	}
	rep, err := gateway.RepairSignatures(ctx, e.store, e.signer, e.token, false, nil)
	if err != nil || rep.Signed != 1 || len(rep.Foreign) != 0 {
		t.Fatalf("repair = %+v, %v", rep, err)
	}
	sig, err := e.signer.Sign(&e.receipts[2])
	if err != nil {
		t.Fatal(err)
	}
	if lr, err := e.store.ReceiptBySeq(ctx, e.token, 3); err != nil || !bytes.Equal(lr.Signature, sig) {
		t.Fatalf("repaired signature = %x, %v; want %x", lr.Signature, err, sig)
	}
	if wanted, _ := e.store.WantedSignatures(ctx, e.token, 10); len(wanted) != 0 {
		t.Fatalf("still wanted after the repair: %v", wanted)
	}
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if rec, _ := e.store.Batch(ctx, e.token, 0); !rec.Archived || !rec.Trimmed {
		t.Fatalf("record = %+v", rec)
	}
	if nr := b.NotReady(); len(nr) != 0 {
		t.Fatalf("still not ready once archived: %v", nr)
	}
	ab, err := archive.Read(ctx, dir, e.token, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := ab.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotKeeper(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.snapshotInterval = time.Second })
	ctx := t.Context()
	tc := onchain.TokenABI.Instance(e.client, e.token)
	snapshotID := func() *big.Int {
		t.Helper()
		v, err := bind.Call(tc, nil, onchain.TokenABI.PackCurrentSnapshotId(), onchain.TokenABI.UnpackCurrentSnapshotId)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	e.issue(4)
	b := e.newBatcher(func(c *batcher.Config) { c.Snapshots = true })
	chaintest.Advance(t, e.backend, 2*time.Second)
	e.settleAll(b)
	e.backend.Commit()
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if id := snapshotID(); id.Sign() == 0 {
		t.Fatal("no snapshot taken")
	}
	e.checkInvariant()
	// The revenue settled before the snapshot became claimable.
	if last := e.lastBatch(); last.State != settlement.StateSettled {
		t.Fatalf("last batch = %+v", last)
	}
}

// TestStuckSnapshotIsReplaced: a snapshot transaction shares the operator's
// nonces with settlements; one left unmined past StuckAfter is replaced at
// its nonce with fees raised by at least 12.5% (not followed by another at
// the next nonce, which would wait behind it), and the settlement behind it
// then goes through.
func TestStuckSnapshotIsReplaced(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.snapshotInterval = time.Second })
	ctx := t.Context()
	fc := &faultyChain{Chain: e.client}
	b := e.newBatcher(func(c *batcher.Config) { c.Snapshots = true; c.Chain = fc })
	chaintest.Advance(t, e.backend, 2*time.Second)
	if err := b.RunOnce(ctx); err != nil { // sends the snapshot; no block is sealed
		t.Fatal(err)
	}
	if len(fc.sent) != 1 {
		t.Fatalf("%d transactions sent, want the snapshot", len(fc.sent))
	}
	first := fc.sent[0]
	e.clk.advance(30 * time.Second) // before StuckAfter (1 min): nothing
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(fc.sent) != 1 {
		t.Fatalf("%d transactions sent before the snapshot was stuck", len(fc.sent))
	}
	e.clk.advance(time.Minute)
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(fc.sent) != 2 {
		t.Fatalf("%d transactions sent once the snapshot was stuck, want its replacement", len(fc.sent))
	}
	repl := fc.sent[1]
	if repl.Nonce() != first.Nonce() || !bytes.Equal(repl.Data(), first.Data()) ||
		new(big.Int).Mul(repl.GasTipCap(), big.NewInt(1000)).Cmp(new(big.Int).Mul(first.GasTipCap(), big.NewInt(1125))) < 0 ||
		new(big.Int).Mul(repl.GasFeeCap(), big.NewInt(1000)).Cmp(new(big.Int).Mul(first.GasFeeCap(), big.NewInt(1125))) < 0 {
		t.Fatalf("replacement nonce %d tip %s cap %s, original nonce %d tip %s cap %s", repl.Nonce(), repl.GasTipCap(), repl.GasFeeCap(),
			first.Nonce(), first.GasTipCap(), first.GasFeeCap())
	}
	if pn, _ := e.client.PendingNonceAt(ctx, e.operator); pn != first.Nonce()+1 {
		t.Fatalf("pending nonce %d: something else waits behind the snapshot's %d", pn, first.Nonce())
	}
	// The replacement is mined; the settlement behind it goes through.
	e.issue(4)
	e.settleAll(b)
	// (settleAll's clock moves on too: the replacement may itself be
	// replaced before a block is sealed.) One version at the nonce is mined,
	// a replacement, and it took the snapshot.
	var mined []common.Hash
	for _, tx := range fc.sent {
		if tx.Nonce() != first.Nonce() {
			continue
		}
		if r, err := e.client.TransactionReceipt(ctx, tx.Hash()); err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("snapshot %s reverted", tx.Hash())
			}
			mined = append(mined, tx.Hash())
		}
	}
	if len(mined) != 1 || mined[0] == first.Hash() {
		t.Fatalf("mined at the snapshot's nonce: %v (the stuck original was %s)", mined, first.Hash())
	}
	e.checkInvariant()
}
