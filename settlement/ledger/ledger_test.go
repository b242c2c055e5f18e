package ledger_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/ledger"
	"github.com/imogate/imogate/settlement/merkle"
)

// The ledger reads two small interfaces; in-memory fakes of them are all a
// test of its logic needs (the Redis store's side of them is tested in
// redisstore and, end to end, through the gateway).

type fakeRecords struct{ batches []settlement.Batch }

func (f *fakeRecords) Batch(_ context.Context, _ common.Address, id uint64) (settlement.Batch, error) {
	if id >= uint64(len(f.batches)) {
		return settlement.Batch{}, settlement.ErrBatchNotFound
	}
	return f.batches[id], nil
}

func (f *fakeRecords) LastBatch(ctx context.Context, t common.Address) (settlement.Batch, error) {
	if len(f.batches) == 0 {
		return settlement.Batch{}, settlement.ErrBatchNotFound
	}
	return f.batches[len(f.batches)-1], nil
}

func (f *fakeRecords) Batches(_ context.Context, _ common.Address, from uint64, count int64) ([]settlement.Batch, error) {
	var out []settlement.Batch
	for _, b := range f.batches {
		if b.ID >= from && int64(len(out)) < count {
			out = append(out, b)
		}
	}
	return out, nil
}

type fakeLog struct {
	bySeq map[uint64]metering.LoggedReceipt
}

func (f *fakeLog) Receipts(_ context.Context, _ common.Address, first, last uint64) ([]metering.LoggedReceipt, error) {
	var out []metering.LoggedReceipt
	for s := first; s <= last; s++ {
		if r, ok := f.bySeq[s]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

type world struct {
	token   common.Address
	signer  *metering.Signer
	records *fakeRecords
	log     *fakeLog
	arch    *archive.Dir
	ledger  *ledger.Ledger
	signed  int // receipts signed by the ledger's SignFunc
}

// newWorld logs receipts 1..9 and seals them as batches [1..3] [4] [5..9].
func newWorld(t *testing.T, withArchive bool) *world {
	t.Helper()
	key, _ := crypto.GenerateKey()
	w := &world{token: common.Address{0x7e}, signer: metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), common.Address{0x5e})),
		records: &fakeRecords{}, log: &fakeLog{bySeq: map[uint64]metering.LoggedReceipt{}}}
	for s := uint64(1); s <= 9; s++ {
		r := metering.Receipt{ID: common.Hash{byte(s), 0xaa}, Model: w.token, Payer: metering.PayerOf("acct"), Seq: s, Timestamp: 1_700_000_000_000 + s,
			PromptTokens: uint32(s), CompletionTokens: 2, Fee: big.NewInt(int64(100 * s))}
		w.log.bySeq[s] = metering.LoggedReceipt{Receipt: r, Signer: w.signer.Address(), Account: "acct", ModelName: "m"}
	}
	for i, rg := range [][2]uint64{{1, 3}, {4, 4}, {5, 9}} {
		lrs, _ := w.log.Receipts(t.Context(), w.token, rg[0], rg[1])
		tree, fee, err := ledger.TreeOf(lrs)
		if err != nil {
			t.Fatal(err)
		}
		w.records.batches = append(w.records.batches, settlement.Batch{Token: w.token, ID: uint64(i), FirstSeq: rg[0], LastSeq: rg[1],
			Fee: fee, Root: tree.Root(), State: settlement.StateSealed})
	}
	cfg := ledger.Config{Records: w.records, Log: w.log, Sign: func(_ context.Context, lr metering.LoggedReceipt) (metering.SignedReceipt, error) {
		w.signed++
		sig, err := w.signer.Sign(&lr.Receipt)
		return metering.SignedReceipt{Receipt: lr.Receipt, Signature: sig, Signer: w.signer.Address(), Domain: w.signer.Domain()}, err
	}}
	if withArchive {
		a, err := archive.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		w.arch, cfg.Archive = a, a
	}
	l, err := ledger.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.ledger = l
	return w
}

// settleAndTrim marks batch id settled, archives it (if there is an
// archive) and removes its receipts from the live log, as the batcher does.
func (w *world) settleAndTrim(t *testing.T, id uint64) {
	t.Helper()
	b := &w.records.batches[id]
	b.State, b.Archived, b.Trimmed = settlement.StateSettled, w.arch != nil, true
	lrs, _ := w.log.Receipts(t.Context(), w.token, b.FirstSeq, b.LastSeq)
	if w.arch != nil {
		tree, _, _ := ledger.TreeOf(lrs)
		dump, err := tree.Dump()
		if err != nil {
			t.Fatal(err)
		}
		var signed []metering.SignedReceipt
		for _, lr := range lrs {
			sig, _ := w.signer.Sign(&lr.Receipt)
			signed = append(signed, metering.SignedReceipt{Receipt: lr.Receipt, Signature: sig, Signer: w.signer.Address(), Domain: w.signer.Domain()})
		}
		if err := archive.Write(t.Context(), w.arch, archive.Batch{Token: w.token, ID: id, Tree: dump, Receipts: signed,
			Settlement: archive.Settlement{Root: b.Root}}); err != nil {
			t.Fatal(err)
		}
	}
	for s := b.FirstSeq; s <= b.LastSeq; s++ {
		delete(w.log.bySeq, s)
	}
}

func TestBatchOfSeq(t *testing.T) {
	w := newWorld(t, false)
	want := map[uint64]uint64{1: 0, 2: 0, 3: 0, 4: 1, 5: 2, 9: 2}
	for seq, id := range want {
		b, err := w.ledger.BatchOfSeq(t.Context(), w.token, seq)
		if err != nil || b.ID != id {
			t.Fatalf("seq %d: batch %d, %v; want batch %d", seq, b.ID, err, id)
		}
	}
	for _, seq := range []uint64{0, 10, 1 << 40} {
		if _, err := w.ledger.BatchOfSeq(t.Context(), w.token, seq); !errors.Is(err, ledger.ErrNotBatched) {
			t.Fatalf("seq %d: %v, want ErrNotBatched", seq, err)
		}
	}
	w.records.batches = nil
	if _, err := w.ledger.BatchOfSeq(t.Context(), w.token, 1); !errors.Is(err, ledger.ErrNotBatched) {
		t.Fatalf("no batches: %v, want ErrNotBatched", err)
	}
}

// TestLiveThenArchived: a batch is read from the live log while its
// receipts are there and from the archive once they have left; the tree,
// the NDJSON receipts and a proof are the same either way.
func TestLiveThenArchived(t *testing.T) {
	w := newWorld(t, true)
	ctx := t.Context()
	b := w.records.batches[2]
	read := func() (tree []byte, nd []byte) {
		t.Helper()
		body, err := w.ledger.OpenTree(ctx, &b)
		if err != nil {
			t.Fatal(err)
		}
		var tb, nb bytes.Buffer
		if err := body(ctx, &tb); err != nil {
			t.Fatal(err)
		}
		body, err = w.ledger.OpenReceipts(ctx, &b)
		if err != nil {
			t.Fatal(err)
		}
		if err := body(ctx, &nb); err != nil {
			t.Fatal(err)
		}
		return tb.Bytes(), nb.Bytes()
	}
	liveTree, liveND := read()
	if w.signed != 5 {
		t.Fatalf("%d receipts signed for the live stream, want 5", w.signed)
	}
	lr := w.log.bySeq[7]
	liveProof, err := w.ledger.Proof(ctx, &lr.Receipt)
	if err != nil {
		t.Fatal(err)
	}

	w.settleAndTrim(t, 2)
	b = w.records.batches[2]
	archTree, archND := read()
	if !bytes.Equal(liveTree, archTree) {
		t.Fatal("the archived tree differs from the live one")
	}
	if !bytes.Equal(liveND, archND) {
		t.Fatalf("archived receipts differ from the live stream:\n%s\n%s", liveND, archND)
	}
	if n := strings.Count(string(archND), "\n"); n != 5 {
		t.Fatalf("%d receipt lines, want 5", n)
	}
	tree, err := merkle.LoadReceiptTree(archTree)
	if err != nil || tree.Root() != b.Root {
		t.Fatalf("dump does not load to the batch root: %v", err)
	}
	archProof, err := w.ledger.Proof(ctx, &lr.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if !merkle.Verify(b.Root, lr.Leaf(), archProof.Hashes) || len(archProof.Hashes) != len(liveProof.Hashes) || archProof.Batch.ID != 2 {
		t.Fatal("the proof from the archive does not verify")
	}
	got, err := w.ledger.ArchivedReceipt(ctx, w.token, 7, lr.ID)
	if err != nil || got.Receipt.Leaf() != lr.Leaf() || got.Signer != w.signer.Address() || len(got.Signature) != 65 {
		t.Fatalf("archived receipt: %+v, %v", got, err)
	}
	if _, err := w.ledger.ArchivedReceipt(ctx, w.token, 7, common.Hash{0xff}); !errors.Is(err, ledger.ErrNotArchived) {
		t.Fatalf("an id not in the batch: %v, want ErrNotArchived", err)
	}
}

// TestUnavailable: with no archive, a trimmed batch is unavailable, and a
// live log that no longer gives the recorded root is an error, never a
// wrong tree.
func TestUnavailable(t *testing.T) {
	w := newWorld(t, false)
	ctx := t.Context()
	w.settleAndTrim(t, 0)
	b := w.records.batches[0]
	for name, open := range map[string]func(context.Context, *settlement.Batch) (ledger.Body, error){
		"tree": w.ledger.OpenTree, "receipts": w.ledger.OpenReceipts,
	} {
		var ue *ledger.UnavailableError
		if _, err := open(ctx, &b); !errors.As(err, &ue) || ue.Batch != 0 || !errors.Is(err, ledger.ErrUnavailable) {
			t.Fatalf("%s of a trimmed batch without an archive: %v", name, err)
		}
	}
	if _, err := w.ledger.ArchivedReceipt(ctx, w.token, 2, common.Hash{2, 0xaa}); !errors.Is(err, ledger.ErrNotArchived) {
		t.Fatalf("archived receipt without an archive: %v", err)
	}
	// Tamper with a live receipt of batch 1: its tree no longer has the root.
	lr := w.log.bySeq[4]
	lr.Fee = big.NewInt(1)
	w.log.bySeq[4] = lr
	b1 := w.records.batches[1]
	if _, err := w.ledger.Tree(ctx, &b1); err == nil || !strings.Contains(err.Error(), "root") {
		t.Fatalf("a tampered live log gave a tree: %v", err)
	}
}

func TestRevenue(t *testing.T) {
	w := newWorld(t, false)
	w.settleAndTrim(t, 0)
	w.settleAndTrim(t, 1)
	rv, err := w.ledger.Revenue(t.Context(), w.token)
	if err != nil {
		t.Fatal(err)
	}
	// Fees are 100 × seq: batches [1..3] and [4] settled, [5..9] not.
	if rv.Settled.Int64() != 100*(1+2+3+4) || rv.InSettlement.Int64() != 100*(5+6+7+8+9) ||
		rv.SettledBatches != 2 || rv.UnsettledBatches != 1 || rv.LastSettledSeq != 4 {
		t.Fatalf("revenue %+v", rv)
	}
}

func TestConfigValidate(t *testing.T) {
	_, err := ledger.New(ledger.Config{})
	for _, want := range []string{"batch records", "receipt log", "signing function"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("an empty config: %v, want it to name %q", err, want)
		}
	}
}
