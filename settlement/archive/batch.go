package archive

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/merkle"
)

// Settlement is settlement.json: what an auditor needs to find and check a
// batch on-chain. Integers are decimal strings, hashes and addresses 0x hex.
type Settlement struct {
	ChainID     string         `json:"chainId"`
	Contract    common.Address `json:"contract"` // the UsageSettlement contract
	Operator    common.Address `json:"operator"`
	Token       common.Address `json:"token"`
	BatchID     string         `json:"batchId"`
	FirstSeq    string         `json:"firstSeq"`
	LastSeq     string         `json:"lastSeq"`
	Count       string         `json:"count"`
	Root        common.Hash    `json:"root"`
	Value       string         `json:"value"` // wei deposited: the sum of the receipts' fees
	Signer      common.Address `json:"signer"`
	TxHash      common.Hash    `json:"txHash"`
	BlockNumber string         `json:"blockNumber"`
	BlockHash   common.Hash    `json:"blockHash"`
	GasUsed     string         `json:"gasUsed"`
	SealedAt    string         `json:"sealedAt"`  // RFC 3339
	SettledAt   string         `json:"settledAt"` // RFC 3339
}

// Batch is one archived batch's content.
type Batch struct {
	Token      common.Address
	ID         uint64
	Tree       []byte // standard-v1 dump
	Receipts   []metering.SignedReceipt
	Settlement Settlement
	// Prices is the model's price schedule (prices.json); nil writes no
	// prices.json, and Read gives nil for a batch archived without one.
	Prices metering.PriceSchedule
}

// Write stores the batch's four files, settlement.json last, so a
// settlement.json on disk means the batch directory is complete.
func Write(ctx context.Context, s Store, b Batch) error {
	var nd bytes.Buffer
	for i := range b.Receipts {
		line, err := b.Receipts[i].MarshalJSON()
		if err != nil {
			return fmt.Errorf("encode receipt %d: %w", b.Receipts[i].Seq, err)
		}
		nd.Write(line)
		nd.WriteByte('\n')
	}
	st, err := json.MarshalIndent(b.Settlement, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settlement: %w", err)
	}
	st = append(st, '\n')
	files := []struct {
		name string
		data []byte
	}{{ReceiptsFile, nd.Bytes()}, {TreeFile, b.Tree}}
	if b.Prices != nil {
		pj, err := json.MarshalIndent(b.Prices, "", "  ")
		if err != nil {
			return fmt.Errorf("encode prices: %w", err)
		}
		files = append(files, struct {
			name string
			data []byte
		}{PricesFile, append(pj, '\n')})
	}
	files = append(files, struct {
		name string
		data []byte
	}{SettlementFile, st})
	for _, f := range files {
		if err := s.Put(ctx, BatchPath(b.Token, b.ID, f.name), f.data); err != nil {
			return fmt.Errorf("write batch %d: %w", b.ID, err)
		}
	}
	return nil
}

// Read loads an archived batch; an error wrapping ErrNotFound if it is not
// (completely) archived.
func Read(ctx context.Context, s Store, token common.Address, id uint64) (*Batch, error) {
	st, err := s.Get(ctx, BatchPath(token, id, SettlementFile))
	if err != nil {
		return nil, err
	}
	out := &Batch{Token: token, ID: id}
	if err := json.Unmarshal(st, &out.Settlement); err != nil {
		return nil, fmt.Errorf("decode %s: %w", SettlementFile, err)
	}
	if out.Tree, err = s.Get(ctx, BatchPath(token, id, TreeFile)); err != nil {
		return nil, err
	}
	switch pj, err := s.Get(ctx, BatchPath(token, id, PricesFile)); {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(pj, &out.Prices); err != nil {
			return nil, fmt.Errorf("decode %s: %w", PricesFile, err)
		}
		if out.Prices == nil {
			out.Prices = metering.PriceSchedule{}
		}
	}
	nd, err := s.Get(ctx, BatchPath(token, id, ReceiptsFile))
	if err != nil {
		return nil, err
	}
	err = ScanReceipts(bytes.NewReader(nd), func(r metering.SignedReceipt) error {
		out.Receipts = append(out.Receipts, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ErrStop, returned by a ScanReceipts callback, ends the scan early without
// an error.
var ErrStop = errors.New("stop scanning")

// ScanReceipts reads a receipts.ndjson stream and calls fn with each
// receipt in order, skipping blank lines; it stops at fn's first error
// (ErrStop: stop without one) or at the first line that is not a receipt.
func ScanReceipts(r io.Reader, fn func(metering.SignedReceipt) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var rc metering.SignedReceipt
		if err := rc.UnmarshalJSON(sc.Bytes()); err != nil {
			return fmt.Errorf("decode %s line %d: %w", ReceiptsFile, line, err)
		}
		if err := fn(rc); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", ReceiptsFile, err)
	}
	return nil
}

// Check verifies an archived batch on its own terms: the tree loads and its
// root is the recorded root; every receipt is in the tree, in seq order,
// covering the recorded range, signed by the recorded signer; and the fees
// add up to the recorded value. Whether the root and value are on-chain is
// for the caller to check against the contract.
func (b *Batch) Check() error {
	tree, err := merkle.LoadReceiptTree(b.Tree)
	if err != nil {
		return fmt.Errorf("load tree: %w", err)
	}
	if tree.Root() != b.Settlement.Root {
		return fmt.Errorf("tree root %s, settlement root %s", tree.Root(), b.Settlement.Root)
	}
	if tree.Len() != len(b.Receipts) {
		return fmt.Errorf("tree has %d receipts, %s has %d", tree.Len(), ReceiptsFile, len(b.Receipts))
	}
	var errs []error
	sum := new(big.Int)
	for i := range b.Receipts {
		r := &b.Receipts[i]
		want, err := tree.Receipt(i)
		if err != nil || want.Leaf() != r.Leaf() {
			errs = append(errs, fmt.Errorf("receipt %d: not the tree's value %d", r.Seq, i))
		}
		if r.Signer != b.Settlement.Signer {
			errs = append(errs, fmt.Errorf("receipt %d: signer %s, batch signer %s", r.Seq, r.Signer, b.Settlement.Signer))
		}
		if err := r.Verify(); err != nil {
			errs = append(errs, fmt.Errorf("receipt %d: %w", r.Seq, err))
		}
		sum.Add(sum, r.Fee)
	}
	first, err1 := strconv.ParseUint(b.Settlement.FirstSeq, 10, 64)
	last, err2 := strconv.ParseUint(b.Settlement.LastSeq, 10, 64)
	if err := errors.Join(err1, err2); err != nil || last < first || last-first+1 != uint64(len(b.Receipts)) {
		errs = append(errs, fmt.Errorf("settlement range %s..%s does not match %d receipts", b.Settlement.FirstSeq, b.Settlement.LastSeq, len(b.Receipts)))
	} else {
		for i := range b.Receipts {
			if b.Receipts[i].Seq != first+uint64(i) {
				errs = append(errs, fmt.Errorf("line %d holds receipt %d, want %d", i+1, b.Receipts[i].Seq, first+uint64(i)))
				break
			}
		}
	}
	if sum.String() != b.Settlement.Value {
		errs = append(errs, fmt.Errorf("fees add up to %s, settlement value %s", sum, b.Settlement.Value))
	}
	return errors.Join(errs...)
}
