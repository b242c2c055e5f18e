package merkle

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
)

// goldenReceipt is receipt i of the golden recipe. The throwaway Node script
// that produced testdata/*.json built the same values with ethers:
//
//	id       = keccak256(utf8("golden-id-" + i))
//	model    = getAddress(dataSlice(keccak256(utf8("golden-model-" + i%2)), 12))
//	payer    = keccak256(utf8("golden-payer-" + i%3))
//	seq      = i == 3 ? 2^64-1 : i+1
//	timestamp = 1760000000000 + 1000*i
//	promptTokens = 10*i + 1; completionTokens = i == 2 ? 2^32-1 : 7*i
//	fee      = i == 0 ? 0 : i == 1 ? 2^256-1 : 10^15*i + i
//	requestHash/responseHash = keccak256(utf8("golden-request-"/"golden-response-" + i))
//
// and wrote JSON.stringify(StandardMerkleTree.of(values, LeafEncoding).dump())
// to <set>.dump.json, and the root, leaf hashes and getProof(i) of every
// value to <set>.proofs.json.
func goldenReceipt(i int) metering.Receipt {
	k := func(s string) common.Hash { return crypto.Keccak256Hash([]byte(s)) }
	seq := uint64(i + 1)
	if i == 3 {
		seq = ^uint64(0)
	}
	completion := uint32(7 * i)
	if i == 2 {
		completion = ^uint32(0)
	}
	var fee *big.Int
	switch i {
	case 0:
		fee = new(big.Int)
	case 1:
		fee = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	default:
		fee = new(big.Int).Mul(big.NewInt(1_000_000_000_000_000), big.NewInt(int64(i)))
		fee.Add(fee, big.NewInt(int64(i)))
	}
	model := k(fmt.Sprintf("golden-model-%d", i%2))
	return metering.Receipt{
		ID:               k(fmt.Sprintf("golden-id-%d", i)),
		Model:            common.BytesToAddress(model[12:]),
		Payer:            k(fmt.Sprintf("golden-payer-%d", i%3)),
		Seq:              seq,
		Timestamp:        1_760_000_000_000 + 1000*uint64(i),
		PromptTokens:     uint32(10*i + 1),
		CompletionTokens: completion,
		Fee:              fee,
		RequestHash:      k(fmt.Sprintf("golden-request-%d", i)),
		ResponseHash:     k(fmt.Sprintf("golden-response-%d", i)),
	}
}

// goldenSets are the recipe indices of each golden tree in testdata/.
var goldenSets = []struct {
	name    string
	indices []int
}{
	{"one", []int{0}},
	{"two", []int{0, 1}},
	{"three", []int{0, 1, 2}},
	{"seven", []int{0, 1, 2, 3, 4, 5, 6}},
	{"dups", []int{0, 1, 2, 1, 0}},
}

// randomReceipts returns n pseudo-random valid receipts from rng, with fees
// spread over the whole uint256 range and the integer fields over theirs.
func randomReceipts(rng *rand.Rand, n int) []metering.Receipt {
	rs := make([]metering.Receipt, n)
	for i := range rs {
		r := &rs[i]
		fill(rng, r.ID[:])
		fill(rng, r.Model[:])
		fill(rng, r.Payer[:])
		fill(rng, r.RequestHash[:])
		fill(rng, r.ResponseHash[:])
		r.Seq = uint64(i + 1)
		r.Timestamp = 1_760_000_000_000 + rng.Uint64N(1<<40)
		r.PromptTokens = rng.Uint32()
		r.CompletionTokens = rng.Uint32N(100_000)
		fee := make([]byte, rng.IntN(33))
		fill(rng, fee)
		r.Fee = new(big.Int).SetBytes(fee)
	}
	return rs
}

func fill(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}

// randomLeaves returns n pseudo-random leaf hashes.
func randomLeaves(rng *rand.Rand, n int) []common.Hash {
	ls := make([]common.Hash, n)
	for i := range ls {
		fill(rng, ls[i][:])
	}
	return ls
}

// referenceTree is a deliberately naive transcription of OpenZeppelin's
// StandardMerkleTree.of (merkletree.js prepare + core.js makeMerkleTree):
// stable sort of leaves, reversed into the array tail, sorted-pair keccak.
// It returns the tree array and the treeIndex of each leaf.
func referenceTree(leaves []common.Hash) ([]common.Hash, []int) {
	type hv struct {
		hash common.Hash
		idx  int
	}
	hashed := make([]hv, len(leaves))
	for i, l := range leaves {
		hashed[i] = hv{l, i}
	}
	slices.SortStableFunc(hashed, func(a, b hv) int { return bytes.Compare(a.hash[:], b.hash[:]) })
	tree := make([]common.Hash, 2*len(leaves)-1)
	for i, h := range hashed {
		tree[len(tree)-1-i] = h.hash
	}
	for i := len(tree) - 1 - len(leaves); i >= 0; i-- {
		a, b := tree[2*i+1], tree[2*i+2]
		pair := [][]byte{a[:], b[:]}
		slices.SortFunc(pair, bytes.Compare)
		tree[i] = crypto.Keccak256Hash(pair[0], pair[1])
	}
	index := make([]int, len(leaves))
	for k, h := range hashed {
		index[h.idx] = len(tree) - k - 1
	}
	return tree, index
}

func leavesOf(rs []metering.Receipt) []common.Hash {
	ls := make([]common.Hash, len(rs))
	for i := range rs {
		ls[i] = rs[i].Leaf()
	}
	return ls
}

func mustFromReceipts(t testing.TB, rs []metering.Receipt) *ReceiptTree {
	t.Helper()
	tr, err := FromReceipts(rs)
	if err != nil {
		t.Fatalf("FromReceipts(%d receipts): %v", len(rs), err)
	}
	return tr
}

func mustProof(t testing.TB, tr interface {
	Proof(int) ([]common.Hash, error)
}, i int) []common.Hash {
	t.Helper()
	p, err := tr.Proof(i)
	if err != nil {
		t.Fatalf("Proof(%d): %v", i, err)
	}
	return p
}

// sameReceipt reports whether two receipts have equal fields.
func sameReceipt(a, b *metering.Receipt) bool {
	fa, fb := a.Fee, b.Fee
	if fa == nil || fb == nil {
		return fa == fb
	}
	x, y := *a, *b
	x.Fee, y.Fee = nil, nil
	return x == y && fa.Cmp(fb) == 0
}
