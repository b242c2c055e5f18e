// Package ledger is the read side of settlement: which batch holds a
// receipt, a batch's Merkle tree and its signed receipts — from the live
// receipt log while the batch's receipts are still there, from the archive
// once they have left it — a receipt's inclusion proof, and a model's
// revenue as metered, settled and pending. The gateway's receipt, owner and
// auditor handlers read through it; the batcher builds its trees with
// TreeOf. It writes nothing.
package ledger

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/merkle"
)

// Records reads settlement batch records. Batch and LastBatch fail with
// settlement.ErrBatchNotFound when there is no such record.
type Records interface {
	Batch(ctx context.Context, token common.Address, id uint64) (settlement.Batch, error)
	LastBatch(ctx context.Context, token common.Address) (settlement.Batch, error)
	// Batches loads up to count records with id ≥ from, in id order.
	Batches(ctx context.Context, token common.Address, from uint64, count int64) ([]settlement.Batch, error)
}

// Log reads a model's live receipt log: the receipts first..last that are
// still in it, in seq order, with their signatures where stored.
type Log interface {
	Receipts(ctx context.Context, token common.Address, first, last uint64) ([]metering.LoggedReceipt, error)
}

// SignFunc returns a logged receipt with its signature, signing it again if
// the signature was never stored (signatures are deterministic).
type SignFunc func(ctx context.Context, lr metering.LoggedReceipt) (metering.SignedReceipt, error)

// Config is what a Ledger reads.
type Config struct {
	// Records holds the batch records. Required.
	Records Records
	// Log is the live receipt log. Required.
	Log Log
	// Archive holds settled batches once their receipts leave the log;
	// nil: only batches still in the log can be read.
	Archive archive.Store
	// Sign completes receipts read from the live log. Required.
	Sign SignFunc
}

// Validate reports every missing part at once.
func (c *Config) Validate() error {
	var errs []error
	if c.Records == nil {
		errs = append(errs, errors.New("no batch records"))
	}
	if c.Log == nil {
		errs = append(errs, errors.New("no receipt log"))
	}
	if c.Sign == nil {
		errs = append(errs, errors.New("no signing function"))
	}
	return errors.Join(errs...)
}

// Ledger reads settled and settling batches.
type Ledger struct {
	cfg Config
}

// New returns a Ledger reading what cfg names.
func New(cfg Config) (*Ledger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ledger config: %w", err)
	}
	return &Ledger{cfg: cfg}, nil
}

// Errors of reading the ledger.
var (
	// ErrNotBatched: the receipt's seq is in no batch yet (the next one
	// sealed will hold it).
	ErrNotBatched = errors.New("the receipt is not in a settlement batch yet")
	// ErrUnavailable: the batch's receipts have left the live log and no
	// archive here holds them.
	ErrUnavailable = errors.New("batch data unavailable")
	// ErrNotArchived: a receipt that left the live log is not in its
	// batch's archived receipts (no archive here, or not written yet).
	ErrNotArchived = errors.New("the receipt was settled and is not in this archive")
)

// UnavailableError is ErrUnavailable for one batch.
type UnavailableError struct{ Batch uint64 }

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("the receipts of batch %d have left the live log and no archive holds them", e.Batch)
}

// Unwrap makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Unwrap() error { return ErrUnavailable }

// BatchOfSeq finds the batch whose range holds seq, or fails with
// ErrNotBatched.
func (l *Ledger) BatchOfSeq(ctx context.Context, token common.Address, seq uint64) (settlement.Batch, error) {
	last, err := l.cfg.Records.LastBatch(ctx, token)
	if errors.Is(err, settlement.ErrBatchNotFound) || (err == nil && seq > last.LastSeq) {
		return settlement.Batch{}, ErrNotBatched
	}
	if err != nil {
		return settlement.Batch{}, err
	}
	var b settlement.Batch
	id, found, err := settlement.SearchBatches(ctx, last.ID+1, seq, func(ctx context.Context, id uint64) (uint64, uint64, error) {
		var err error
		b, err = l.cfg.Records.Batch(ctx, token, id)
		return b.FirstSeq, b.LastSeq, err
	})
	if err != nil {
		return settlement.Batch{}, err
	}
	if !found {
		if seq == 0 || (b.ID == 0 && seq < b.FirstSeq) {
			return settlement.Batch{}, ErrNotBatched
		}
		return settlement.Batch{}, fmt.Errorf("receipt %d: no batch covers it below the last batch %d", seq, last.ID)
	}
	if b.ID != id {
		return settlement.Batch{}, fmt.Errorf("batch search returned %d, read %d", id, b.ID)
	}
	return b, nil
}

// archived opens a settled batch's archive file; ok is false when there is
// no archive, the batch has not settled, or the archive lacks the file.
func (l *Ledger) archived(ctx context.Context, b *settlement.Batch, name string) (io.ReadCloser, bool, error) {
	if l.cfg.Archive == nil || b.State != settlement.StateSettled {
		return nil, false, nil
	}
	rc, err := archive.Open(ctx, l.cfg.Archive, archive.BatchPath(b.Token, b.ID, name))
	if errors.Is(err, archive.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return rc, true, nil
}

// TreeOf builds the Merkle tree of logged receipts and sums their fees.
func TreeOf(rs []metering.LoggedReceipt) (*merkle.ReceiptTree, *big.Int, error) {
	plain := make([]metering.Receipt, len(rs))
	fee := new(big.Int)
	for i := range rs {
		plain[i] = rs[i].Receipt
		fee.Add(fee, rs[i].Fee)
	}
	tree, err := merkle.FromReceipts(plain)
	if err != nil {
		return nil, nil, fmt.Errorf("build merkle tree: %w", err)
	}
	return tree, fee, nil
}

// liveTree builds a batch's tree from the live log and checks it against
// the recorded root.
func (l *Ledger) liveTree(ctx context.Context, b *settlement.Batch) (*merkle.ReceiptTree, error) {
	if b.Trimmed || b.Count() == 0 {
		return nil, &UnavailableError{Batch: b.ID}
	}
	lrs, err := l.cfg.Log.Receipts(ctx, b.Token, b.FirstSeq, b.LastSeq)
	if err != nil {
		return nil, err
	}
	if uint64(len(lrs)) != b.Count() {
		return nil, &UnavailableError{Batch: b.ID}
	}
	tree, _, err := TreeOf(lrs)
	if err != nil {
		return nil, fmt.Errorf("tree of batch %d: %w", b.ID, err)
	}
	if tree.Root() != b.Root {
		return nil, fmt.Errorf("batch %d: live log gives root %s, record says %s", b.ID, tree.Root().Hex(), b.Root.Hex())
	}
	return tree, nil
}

// Tree loads a batch's tree from the archive, else builds it from the live
// log; either way its root is checked against the record.
func (l *Ledger) Tree(ctx context.Context, b *settlement.Batch) (*merkle.ReceiptTree, error) {
	rc, ok, err := l.archived(ctx, b, archive.TreeFile)
	if err != nil {
		return nil, err
	}
	if !ok {
		return l.liveTree(ctx, b)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("read archived tree of batch %d: %w", b.ID, err)
	}
	tree, err := merkle.LoadReceiptTree(data)
	if err != nil {
		return nil, fmt.Errorf("archived tree of batch %d: %w", b.ID, err)
	}
	if tree.Root() != b.Root {
		return nil, fmt.Errorf("archived tree of batch %d has root %s, record says %s", b.ID, tree.Root().Hex(), b.Root.Hex())
	}
	return tree, nil
}

// Body writes a response body whose availability has been checked. It runs
// after the request that asked for it may have ended, so it takes a context
// of its own.
type Body func(ctx context.Context, w io.Writer) error

// OpenTree returns a batch's tree as OpenZeppelin's standard-v1 dump: the
// archived file as stored, else the live tree's dump.
func (l *Ledger) OpenTree(ctx context.Context, b *settlement.Batch) (Body, error) {
	rc, ok, err := l.archived(ctx, b, archive.TreeFile)
	if err != nil {
		return nil, err
	}
	if ok {
		return copyBody(rc), nil
	}
	tree, err := l.liveTree(ctx, b)
	if err != nil {
		return nil, err
	}
	return func(_ context.Context, w io.Writer) error { return tree.WriteDump(w) }, nil
}

func copyBody(rc io.ReadCloser) Body {
	return func(_ context.Context, w io.Writer) error {
		defer rc.Close()
		_, err := io.Copy(w, rc)
		return err
	}
}

// liveChunk is how many receipts one read of the live log loads.
const liveChunk = 1000

// OpenReceipts returns a batch's signed receipts as NDJSON, one DESIGN.md
// receipt object per line in seq order: the archived file as stored, else
// streamed from the live log liveChunk receipts at a time, so a batch of a
// million receipts is never held in memory.
func (l *Ledger) OpenReceipts(ctx context.Context, b *settlement.Batch) (Body, error) {
	rc, ok, err := l.archived(ctx, b, archive.ReceiptsFile)
	if err != nil {
		return nil, err
	}
	if ok {
		return copyBody(rc), nil
	}
	if b.Trimmed || b.Count() == 0 {
		return nil, &UnavailableError{Batch: b.ID}
	}
	// The first receipt must still be in the log, or there is nothing to stream.
	if first, err := l.cfg.Log.Receipts(ctx, b.Token, b.FirstSeq, b.FirstSeq); err != nil {
		return nil, err
	} else if len(first) == 0 {
		return nil, &UnavailableError{Batch: b.ID}
	}
	batch := *b
	return func(ctx context.Context, w io.Writer) error {
		bw := bufio.NewWriter(w)
		for from := batch.FirstSeq; from <= batch.LastSeq; from += liveChunk {
			to := min(from+liveChunk-1, batch.LastSeq)
			lrs, err := l.cfg.Log.Receipts(ctx, batch.Token, from, to)
			if err != nil {
				return err
			}
			if uint64(len(lrs)) != to-from+1 {
				return fmt.Errorf("batch %d: %d of receipts %d..%d are in the log", batch.ID, len(lrs), from, to)
			}
			for i := range lrs {
				sr, err := l.cfg.Sign(ctx, lrs[i])
				if err != nil {
					return fmt.Errorf("receipt %d: %w", lrs[i].Seq, err)
				}
				line, err := sr.AppendJSON(nil)
				if err != nil {
					return fmt.Errorf("receipt %d: %w", lrs[i].Seq, err)
				}
				_, _ = bw.Write(line)
				_ = bw.WriteByte('\n')
			}
			if err := bw.Flush(); err != nil {
				return err // the reader went away
			}
		}
		return nil
	}, nil
}

// ArchivedReceipt reads receipt id, seq seq, of token from its settled
// batch's archived receipts: for a receipt that has left the live log. It
// fails with ErrNotBatched or ErrNotArchived when it cannot be found.
func (l *Ledger) ArchivedReceipt(ctx context.Context, token common.Address, seq uint64, id common.Hash) (metering.LoggedReceipt, error) {
	b, err := l.BatchOfSeq(ctx, token, seq)
	if err != nil {
		return metering.LoggedReceipt{}, err
	}
	rc, ok, err := l.archived(ctx, &b, archive.ReceiptsFile)
	if err != nil {
		return metering.LoggedReceipt{}, err
	}
	if !ok {
		return metering.LoggedReceipt{}, ErrNotArchived
	}
	defer rc.Close()
	var found *metering.SignedReceipt
	err = archive.ScanReceipts(rc, func(r metering.SignedReceipt) error {
		if r.ID == id {
			found = &r
			return archive.ErrStop
		}
		return nil
	})
	if err != nil {
		return metering.LoggedReceipt{}, fmt.Errorf("archived receipts of batch %d: %w", b.ID, err)
	}
	if found == nil {
		return metering.LoggedReceipt{}, ErrNotArchived
	}
	return metering.LoggedReceipt{Receipt: found.Receipt, Signature: found.Signature, Signer: found.Signer}, nil
}

// Proof is a receipt's inclusion proof in its batch.
type Proof struct {
	Batch  settlement.Batch
	Leaf   common.Hash
	Hashes []common.Hash
}

// Proof finds the batch holding r and r's proof in that batch's tree.
func (l *Ledger) Proof(ctx context.Context, r *metering.Receipt) (Proof, error) {
	b, err := l.BatchOfSeq(ctx, r.Model, r.Seq)
	if err != nil {
		return Proof{}, err
	}
	tree, err := l.Tree(ctx, &b)
	if err != nil {
		return Proof{}, err
	}
	i := int(r.Seq - b.FirstSeq)
	if got, err := tree.Receipt(i); err != nil || got.ID != r.ID {
		return Proof{}, fmt.Errorf("batch %d: tree value %d is not receipt %s", b.ID, i, r.ID.Hex())
	}
	hashes, err := tree.Proof(i)
	if err != nil {
		return Proof{}, err
	}
	return Proof{Batch: b, Leaf: r.Leaf(), Hashes: hashes}, nil
}

// Revenue is a model's revenue by settlement state, in wei.
type Revenue struct {
	// Settled is the fee sum of the batches settled on-chain.
	Settled *big.Int
	// InSettlement is the fee sum of sealed or sent batches.
	InSettlement     *big.Int
	SettledBatches   int64
	UnsettledBatches int64
	// LastSettledSeq is the highest seq in a settled batch (0: none).
	LastSettledSeq uint64
}

// revenuePage is how many batch records one read of Revenue loads.
const revenuePage = 500

// Revenue sums the model's batch records by state.
func (l *Ledger) Revenue(ctx context.Context, token common.Address) (Revenue, error) {
	rv := Revenue{Settled: new(big.Int), InSettlement: new(big.Int)}
	for from := uint64(0); ; {
		bs, err := l.cfg.Records.Batches(ctx, token, from, revenuePage)
		if err != nil {
			return Revenue{}, err
		}
		for i := range bs {
			b := &bs[i]
			if b.State == settlement.StateSettled {
				rv.Settled.Add(rv.Settled, b.Fee)
				rv.SettledBatches++
				rv.LastSettledSeq = max(rv.LastSettledSeq, b.LastSeq)
			} else {
				rv.InSettlement.Add(rv.InSettlement, b.Fee)
				rv.UnsettledBatches++
			}
		}
		if len(bs) < revenuePage {
			return rv, nil
		}
		from = bs[len(bs)-1].ID + 1
	}
}
