// Package merkle builds, proves, dumps and loads Merkle trees exactly as
// OpenZeppelin's StandardMerkleTree (npm @openzeppelin/merkle-tree) does, so
// that a settlement batch committed by imogate can be checked with standard
// tools: OpenZeppelin's JavaScript library loads imogate's dump files and gets
// the same root, and every proof verifies on-chain with OpenZeppelin
// MerkleProof.verify.
//
// The format, as implemented by @openzeppelin/merkle-tree 1.0.8:
//   - a leaf is keccak256(keccak256(abi.encode(value))) (for receipts, see
//     metering.Receipt.Leaf);
//   - leaf hashes are sorted ascending (a stable sort: equal leaves keep
//     their input order) and stored in reverse at the end of an array of
//     2n-1 nodes, the k-th smallest at index 2n-2-k;
//   - node i has children 2i+1 and 2i+2 and is keccak256 of its children
//     concatenated smaller first (sorted-pair hashing); node 0 is the root;
//   - a proof is the list of siblings from the leaf up to (not including)
//     the root.
//
// Tree works on precomputed leaf hashes. ReceiptTree adds the receipt leaf
// encoding and the "standard-v1" JSON dump (Dump, WriteDump,
// LoadReceiptTree, ReadReceiptTree).
package merkle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// ErrNoLeaves is returned when a tree would have no leaves; OpenZeppelin
// refuses empty trees too ("Expected non-zero number of leaves").
var ErrNoLeaves = errors.New("merkle tree needs at least one leaf")

// ErrIndexOutOfRange is returned by Proof for an index that names no leaf.
var ErrIndexOutOfRange = errors.New("leaf index out of range")

// maxLeaves bounds the number of leaves so that tree indices fit in int32.
const maxLeaves = 1 << 30

// Tree is an OpenZeppelin StandardMerkleTree over precomputed leaf hashes.
// It is immutable after construction and safe for concurrent use.
type Tree struct {
	// nodes is OpenZeppelin's tree array: 2n-1 nodes, root at 0, leaves in
	// the last n positions.
	nodes []common.Hash
	// pos[i] is the index in nodes of the i-th leaf in input order (the
	// "treeIndex" of OpenZeppelin's values).
	pos []int32
}

// New builds the tree of leaves exactly as StandardMerkleTree.of does with
// its default options (sorted leaves). It returns ErrNoLeaves for an empty
// slice. Duplicate leaves are allowed: each keeps its own position and proof.
func New(leaves []common.Hash) (*Tree, error) { return newTree(leaves, bestWays()) }

// newTree is New hashing `ways` nodes at a time (see bestWays).
func newTree(leaves []common.Hash, ways int) (*Tree, error) {
	n := len(leaves)
	if n == 0 {
		return nil, ErrNoLeaves
	}
	if n > maxLeaves {
		return nil, fmt.Errorf("merkle tree of %d leaves exceeds the limit of %d", n, maxLeaves)
	}
	t := &Tree{nodes: make([]common.Hash, 2*n-1), pos: make([]int32, n)}
	order := sortedOrder(leaves)
	last := len(t.nodes) - 1
	for k, i := range order {
		t.nodes[last-k] = leaves[i]
		t.pos[i] = int32(last - k)
	}
	hashInner(t.nodes, n, ways)
	return t, nil
}

// sortedOrder returns the indices of leaves in ascending order of hash, ties
// in input order, which is what JavaScript's stable Array.prototype.sort
// gives OpenZeppelin. Large inputs are radix-sorted on the first 8 bytes of
// each hash (stable, so equal prefixes keep input order) and the rare runs
// of equal prefixes finished by comparing the rest; small ones are
// comparison-sorted. Both give the same order (a test holds them equal).
func sortedOrder(leaves []common.Hash) []int32 {
	items := make([]sortItem, len(leaves))
	for i := range leaves {
		items[i] = sortItem{key: binary.BigEndian.Uint64(leaves[i][:8]), idx: int32(i)}
	}
	if len(items) < radixMin {
		slices.SortFunc(items, func(a, b sortItem) int { return compareLeaves(leaves, a, b) })
	} else {
		items = radixSort(items)
		for lo := 0; lo < len(items); {
			hi := lo + 1
			for hi < len(items) && items[hi].key == items[lo].key {
				hi++
			}
			if hi-lo > 1 {
				slices.SortStableFunc(items[lo:hi], func(a, b sortItem) int {
					return bytes.Compare(leaves[a.idx][8:], leaves[b.idx][8:])
				})
			}
			lo = hi
		}
	}
	order := make([]int32, len(items))
	for k := range items {
		order[k] = items[k].idx
	}
	return order
}

// radixMin is the number of leaves from which radix sorting beats
// comparison sorting.
const radixMin = 1 << 10

// sortItem is a leaf to sort: the first 8 bytes of its hash, big-endian
// (most comparisons end there), and its input index.
type sortItem struct {
	key uint64
	idx int32
}

// compareLeaves orders two leaves by hash, then input index.
func compareLeaves(leaves []common.Hash, a, b sortItem) int {
	switch {
	case a.key < b.key:
		return -1
	case a.key > b.key:
		return 1
	}
	if c := bytes.Compare(leaves[a.idx][8:], leaves[b.idx][8:]); c != 0 {
		return c
	}
	return int(a.idx - b.idx)
}

// radixSort sorts items by key, stably (least significant byte first, one
// counting pass per byte, a pass skipped when every key has the same byte
// there). It returns the sorted slice, which is items or a buffer of the
// same length.
func radixSort(items []sortItem) []sortItem {
	var counts [8][256]int
	for i := range items {
		k := items[i].key
		for d := range 8 {
			counts[d][byte(k>>(8*d))]++
		}
	}
	buf := make([]sortItem, len(items))
	src, dst := items, buf
	for d := range 8 {
		c := &counts[d]
		if c[byte(src[0].key>>(8*d))] == len(src) {
			continue // every key has the same byte d
		}
		sum := 0
		for b := range c {
			c[b], sum = sum, sum+c[b]
		}
		shift := 8 * d
		for _, it := range src {
			b := byte(it.key >> shift)
			dst[c[b]] = it
			c[b]++
		}
		src, dst = dst, src
	}
	return src
}

// hashInner fills the inner nodes (indices 0..n-2) of a tree array whose n
// leaves are already in place, one level at a time from the deepest: the
// nodes of a level depend only on deeper ones, so a wide level is split
// across GOMAXPROCS workers, `ways` nodes at a time (see bestWays; 1
// hashes one at a time).
func hashInner(nodes []common.Hash, n int, ways int) {
	last := n - 2 // last inner node
	if last < 0 {
		return
	}
	first := 1<<(bits.Len(uint(last+1))-1) - 1 // first node of the deepest inner level
	for ; first >= 0; first = (first+1)/2 - 1 {
		hi := min(2*first, last) // level spans first..2*first
		parallelFor(hi-first+1, func(lo, end int) {
			i, end := first+lo, first+end
			if ways > 1 {
				mh := newMultiHasher(ways)
				for ; i+ways <= end; i += ways {
					mh.pairs(nodes, i)
				}
			}
			h := newHasher()
			for ; i < end; i++ {
				nodes[i] = h.pair(&nodes[2*i+1], &nodes[2*i+2])
			}
		})
		if first == 0 {
			break
		}
	}
}

// parallelChunk is the least work (hashes) worth a goroutine.
const parallelChunk = 1 << 13

// parallelFor calls fn over [0, n) split into contiguous ranges, one per
// worker up to GOMAXPROCS, or once on the calling goroutine when n is small
// or only one core may run Go code.
func parallelFor(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelChunk)
	if workers < 2 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		wg.Go(func() { fn(lo, min(lo+chunk, n)) })
	}
	wg.Wait()
}

// Root returns the Merkle root (node 0).
func (t *Tree) Root() common.Hash { return t.nodes[0] }

// Len returns the number of leaves.
func (t *Tree) Len() int { return len(t.pos) }

// Leaf returns the i-th leaf hash in input order.
func (t *Tree) Leaf(i int) (common.Hash, error) {
	if i < 0 || i >= len(t.pos) {
		return common.Hash{}, fmt.Errorf("%w: %d of %d", ErrIndexOutOfRange, i, len(t.pos))
	}
	return t.nodes[t.pos[i]], nil
}

// TreeIndex returns the position of the i-th leaf (input order) in the tree
// array, OpenZeppelin's "treeIndex".
func (t *Tree) TreeIndex(i int) (int, error) {
	if i < 0 || i >= len(t.pos) {
		return 0, fmt.Errorf("%w: %d of %d", ErrIndexOutOfRange, i, len(t.pos))
	}
	return int(t.pos[i]), nil
}

// Nodes returns a copy of the tree array in OpenZeppelin's layout.
func (t *Tree) Nodes() []common.Hash { return slices.Clone(t.nodes) }

// Proof returns the proof of the i-th leaf, i being its index in the leaves
// given to New (like OpenZeppelin's getProof(index), which takes the index
// in the values' order). The proof lists sibling hashes from the leaf up;
// it is empty for a one-leaf tree.
func (t *Tree) Proof(i int) ([]common.Hash, error) {
	if i < 0 || i >= len(t.pos) {
		return nil, fmt.Errorf("%w: %d of %d", ErrIndexOutOfRange, i, len(t.pos))
	}
	idx := int(t.pos[i])
	proof := make([]common.Hash, 0, proofLen(idx))
	for idx > 0 {
		sib := idx - 1 // right child (even index): sibling on the left
		if idx%2 == 1 {
			sib = idx + 1
		}
		proof = append(proof, t.nodes[sib])
		idx = (idx - 1) / 2
	}
	return proof, nil
}

// proofLen returns the depth of node idx.
func proofLen(idx int) int {
	d := 0
	for ; idx > 0; idx = (idx - 1) / 2 {
		d++
	}
	return d
}

// Verify reports whether proof proves leaf under root, with OpenZeppelin's
// processProof (sorted-pair hashing), the same rule as MerkleProof.verify on
// chain.
func Verify(root, leaf common.Hash, proof []common.Hash) bool {
	h := newHasher()
	cur := leaf
	for i := range proof {
		cur = h.pair(&cur, &proof[i])
	}
	return cur == root
}

// hasher hashes with one reused keccak state and buffers owned by the
// hasher, so that building a tree allocates nothing per node or leaf (a
// slice of a local array passed to the state's Write would escape).
type hasher struct {
	state crypto.KeccakState
	buf   [10 * 32]byte // a sorted pair (64 bytes) or a receipt's abi.encode (320)
	out   common.Hash
}

func newHasher() *hasher { return &hasher{state: crypto.NewKeccakState()} }

// pair returns keccak256 of a and b concatenated in ascending order.
func (h *hasher) pair(a, b *common.Hash) common.Hash {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	copy(h.buf[:32], a[:])
	copy(h.buf[32:64], b[:])
	return h.sum(h.buf[:64])
}

// sum returns keccak256 of p, which must not alias h.out.
func (h *hasher) sum(p []byte) common.Hash {
	h.state.Reset()
	h.state.Write(p)
	h.state.Read(h.out[:])
	return h.out
}
