package merkle

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
)

// LeafEncoding is the StandardMerkleTree leaf encoding of a receipt: the
// Solidity types of metering.ReceiptType's fields, in order. It must not be
// modified.
var LeafEncoding = []string{"bytes32", "address", "bytes32", "uint64", "uint64", "uint32", "uint32", "uint256", "bytes32", "bytes32"}

// FormatStandardV1 is the "format" of OpenZeppelin's StandardMerkleTree dump.
const FormatStandardV1 = "standard-v1"

// ReceiptTree is a StandardMerkleTree whose values are receipts, with the
// leaf encoding LeafEncoding. It is immutable and safe for concurrent use.
type ReceiptTree struct {
	tree     *Tree
	receipts []metering.Receipt // input order; Fee values owned by the tree
}

// FromReceipts builds the tree of rs, in the order given (Proof(i) proves
// rs[i]), exactly as StandardMerkleTree.of(values, LeafEncoding) would. The
// tree keeps its own copy of the receipts. It fails on an empty slice or an
// invalid receipt (see metering.Receipt.Validate).
func FromReceipts(rs []metering.Receipt) (*ReceiptTree, error) {
	if len(rs) == 0 {
		return nil, ErrNoLeaves
	}
	for i := range rs {
		if err := rs[i].Validate(); err != nil {
			return nil, fmt.Errorf("receipt %d: %w", i, err)
		}
	}
	own := copyReceipts(rs)
	leaves := make([]common.Hash, len(rs))
	parallelFor(len(own), func(lo, hi int) {
		h := newHasher()
		for i := lo; i < hi; i++ {
			leaves[i] = h.leaf(&own[i])
		}
	})
	t, err := New(leaves)
	if err != nil {
		return nil, err
	}
	return &ReceiptTree{tree: t, receipts: own}, nil
}

// Root returns the Merkle root.
func (t *ReceiptTree) Root() common.Hash { return t.tree.Root() }

// Len returns the number of receipts.
func (t *ReceiptTree) Len() int { return t.tree.Len() }

// Tree returns the underlying tree of leaf hashes.
func (t *ReceiptTree) Tree() *Tree { return t.tree }

// Proof returns the proof of the i-th receipt (in the order given to
// FromReceipts, or the order of "values" in a loaded dump).
func (t *ReceiptTree) Proof(i int) ([]common.Hash, error) { return t.tree.Proof(i) }

// Receipt returns a copy of the i-th receipt.
func (t *ReceiptTree) Receipt(i int) (metering.Receipt, error) {
	if i < 0 || i >= len(t.receipts) {
		return metering.Receipt{}, fmt.Errorf("%w: %d of %d", ErrIndexOutOfRange, i, len(t.receipts))
	}
	r := t.receipts[i]
	r.Fee = new(big.Int).Set(r.Fee)
	return r, nil
}

// Receipts returns a copy of the receipts in value order (the caller may
// modify it freely).
func (t *ReceiptTree) Receipts() []metering.Receipt { return copyReceipts(t.receipts) }

// copyReceipts deep-copies receipts with valid (non-nil, non-negative) fees
// in three allocations: the receipts, the fees' big.Int headers, and one
// word array shared by all fees (each fee's slice capped to its own words,
// so no fee can grow into another's).
func copyReceipts(rs []metering.Receipt) []metering.Receipt {
	out := slices.Clone(rs)
	fees := make([]big.Int, len(rs))
	words := 0
	for i := range rs {
		words += len(rs[i].Fee.Bits())
	}
	backing := make([]big.Word, words)
	for i := range out {
		w := copy(backing, rs[i].Fee.Bits())
		out[i].Fee = fees[i].SetBits(backing[:w:w])
		backing = backing[w:]
	}
	return out
}

// leaf returns keccak256(keccak256(abi.encode(fields))) of a valid receipt,
// the same value as metering.Receipt.Leaf (a test holds them equal), without
// allocating.
func (h *hasher) leaf(r *metering.Receipt) common.Hash {
	b := &h.buf
	clear(b[:])
	copy(b[0:32], r.ID[:])
	copy(b[32+12:64], r.Model[:])
	copy(b[64:96], r.Payer[:])
	binary.BigEndian.PutUint64(b[96+24:128], r.Seq)
	binary.BigEndian.PutUint64(b[128+24:160], r.Timestamp)
	binary.BigEndian.PutUint32(b[160+28:192], r.PromptTokens)
	binary.BigEndian.PutUint32(b[192+28:224], r.CompletionTokens)
	r.Fee.FillBytes(b[224:256]) // Validate guarantees 0 <= fee < 2^256
	copy(b[256:288], r.RequestHash[:])
	copy(b[288:320], r.ResponseHash[:])
	inner := h.sum(b[:])
	copy(b[:32], inner[:])
	return h.sum(b[:32])
}
