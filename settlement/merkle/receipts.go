package merkle

import (
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
	receipts []metering.Receipt // input order; never modified, never handed out
}

// FromReceipts builds the tree of rs, in the order given (Proof(i) proves
// rs[i]), exactly as StandardMerkleTree.of(values, LeafEncoding) would. The
// tree keeps rs as its values, without copying (a deep copy of a million
// receipts costs a fifth of the build): the caller must not modify rs or the
// fees it points to afterwards. It fails on an empty slice or an invalid
// receipt (see metering.Receipt.Validate).
func FromReceipts(rs []metering.Receipt) (*ReceiptTree, error) { return fromReceipts(rs, bestWays()) }

// fromReceipts is FromReceipts hashing `ways` leaves and nodes at a time
// (see bestWays).
func fromReceipts(rs []metering.Receipt, ways int) (*ReceiptTree, error) {
	if len(rs) == 0 {
		return nil, ErrNoLeaves
	}
	for i := range rs {
		if err := rs[i].Validate(); err != nil {
			return nil, fmt.Errorf("receipt %d: %w", i, err)
		}
	}
	leaves := make([]common.Hash, len(rs))
	hashLeaves(rs, leaves, ways)
	t, err := newTree(leaves, ways)
	if err != nil {
		return nil, err
	}
	return &ReceiptTree{tree: t, receipts: rs}, nil
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
	encodeLeaf(b, r)
	inner := h.sum(b[:])
	copy(b[:32], inner[:])
	return h.sum(b[:32])
}

// hashLeaves sets leaves[i] to the standard Merkle leaf of rs[i], across
// GOMAXPROCS workers, `ways` at a time (see bestWays; 1 hashes one at a
// time).
func hashLeaves(rs []metering.Receipt, leaves []common.Hash, ways int) {
	parallelFor(len(rs), func(lo, hi int) {
		if ways > 1 {
			mh := newMultiHasher(ways)
			for ; lo+ways <= hi; lo += ways {
				mh.leaves(rs[lo:lo+ways], leaves[lo:lo+ways])
			}
		}
		h := newHasher()
		for i := lo; i < hi; i++ {
			leaves[i] = h.leaf(&rs[i])
		}
	})
}
