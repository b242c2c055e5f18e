package merkle

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
)

func TestNewRejectsNoLeaves(t *testing.T) {
	for _, leaves := range [][]common.Hash{nil, {}} {
		if _, err := New(leaves); !errors.Is(err, ErrNoLeaves) {
			t.Errorf("New(%v) error = %v, want ErrNoLeaves", leaves, err)
		}
	}
	if _, err := FromReceipts(nil); !errors.Is(err, ErrNoLeaves) {
		t.Errorf("FromReceipts(nil) error = %v, want ErrNoLeaves", err)
	}
}

// TestTreeMatchesReference checks the whole tree array and every treeIndex
// against the naive transcription of OpenZeppelin, including trees with
// duplicate leaves, where OpenZeppelin's stable sort decides the positions.
func TestTreeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b, c := randomLeaves(rng, 1)[0], randomLeaves(rng, 1)[0], randomLeaves(rng, 1)[0]
	// A leaf sharing its first 8 bytes with a, so the tie-break on the
	// remaining bytes matters.
	a2 := a
	a2[31] ^= 1
	tests := []struct {
		name   string
		leaves []common.Hash
	}{
		{"one", []common.Hash{a}},
		{"two", []common.Hash{a, b}},
		{"two reversed", []common.Hash{b, a}},
		{"three", []common.Hash{a, b, c}},
		{"same 8-byte prefix", []common.Hash{a2, b, a}},
		{"two equal", []common.Hash{a, a}},
		{"duplicates", []common.Hash{a, b, a, c, b, a}},
		{"all equal odd", []common.Hash{c, c, c, c, c}},
		{"zero hash", []common.Hash{{}, a, {}}},
		{"five random", randomLeaves(rng, 5)},
		{"thirty-three random", randomLeaves(rng, 33)},
		{"1000 random", randomLeaves(rng, 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(tt.leaves)
			if err != nil {
				t.Fatal(err)
			}
			wantNodes, wantIndex := referenceTree(tt.leaves)
			if got := tr.Nodes(); !slices.Equal(got, wantNodes) {
				t.Fatalf("tree array differs from the reference\n got %v\nwant %v", got, wantNodes)
			}
			if tr.Root() != wantNodes[0] || tr.Len() != len(tt.leaves) {
				t.Fatalf("Root/Len = %s/%d, want %s/%d", tr.Root(), tr.Len(), wantNodes[0], len(tt.leaves))
			}
			for i := range tt.leaves {
				if ti, _ := tr.TreeIndex(i); ti != wantIndex[i] {
					t.Errorf("TreeIndex(%d) = %d, want %d", i, ti, wantIndex[i])
				}
				if l, _ := tr.Leaf(i); l != tt.leaves[i] {
					t.Errorf("Leaf(%d) = %s, want %s", i, l, tt.leaves[i])
				}
			}
		})
	}
}

func TestSmallTreesByHand(t *testing.T) {
	lo := common.HexToHash("0x01")
	hi := common.HexToHash("0xff00000000000000000000000000000000000000000000000000000000000000")
	pair := func(x, y common.Hash) common.Hash { return crypto.Keccak256Hash(x[:], y[:]) }

	one, _ := New([]common.Hash{hi})
	if one.Root() != hi || len(mustProof(t, one, 0)) != 0 {
		t.Errorf("one leaf: root %s, proof %v; want the leaf itself and an empty proof", one.Root(), mustProof(t, one, 0))
	}
	// Two leaves: root = keccak(smaller ‖ larger) in either input order.
	for _, in := range [][]common.Hash{{lo, hi}, {hi, lo}} {
		tr, _ := New(in)
		if tr.Root() != pair(lo, hi) {
			t.Errorf("two leaves %v: root %s, want keccak(lo‖hi) %s", in, tr.Root(), pair(lo, hi))
		}
	}
	// Three leaves lo < mid < hi: the sorted leaves go to indices 4, 3, 2,
	// so the array is [root, n1, hi, mid, lo] with n1 = keccak(lo‖mid).
	mid := common.HexToHash("0x80")
	tr, _ := New([]common.Hash{hi, lo, mid})
	n1 := pair(lo, mid)
	want := []common.Hash{pair(n1, hi), n1, hi, mid, lo}
	if n1.Cmp(hi) > 0 {
		want[0] = pair(hi, n1)
	}
	if !slices.Equal(tr.Nodes(), want) {
		t.Errorf("three leaves: nodes %v, want %v", tr.Nodes(), want)
	}
	if p := mustProof(t, tr, 0); !slices.Equal(p, []common.Hash{n1}) {
		t.Errorf("proof of the largest leaf = %v, want [n1]", p)
	}
}

// TestProofRoundTrip proves and verifies every leaf of trees of 1..70 and
// 1000 leaves, and checks that tampering with the proof, leaf or root fails.
func TestProofRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := make([]int, 0, 71)
	for n := 1; n <= 70; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 1000)
	for _, n := range sizes {
		leaves := randomLeaves(rng, n)
		if n > 3 {
			leaves[n-1] = leaves[0] // a duplicate leaf in every larger tree
		}
		tr, err := New(leaves)
		if err != nil {
			t.Fatal(err)
		}
		root := tr.Root()
		for i, leaf := range leaves {
			p := mustProof(t, tr, i)
			if !Verify(root, leaf, p) {
				t.Fatalf("n=%d: proof of leaf %d does not verify", n, i)
			}
			if len(p) > 0 {
				bad := slices.Clone(p)
				k := rng.IntN(len(bad))
				bad[k][rng.IntN(32)] ^= 1 << rng.IntN(8)
				if Verify(root, leaf, bad) {
					t.Fatalf("n=%d leaf %d: tampered proof element %d verifies", n, i, k)
				}
				if Verify(root, leaf, p[:len(p)-1]) {
					t.Fatalf("n=%d leaf %d: truncated proof verifies", n, i)
				}
				if Verify(root, leaf, append(slices.Clone(p), leaf)) {
					t.Fatalf("n=%d leaf %d: extended proof verifies", n, i)
				}
			}
			badLeaf := leaf
			badLeaf[0] ^= 0x80
			if Verify(root, badLeaf, p) {
				t.Fatalf("n=%d leaf %d: tampered leaf verifies", n, i)
			}
			badRoot := root
			badRoot[31] ^= 1
			if Verify(badRoot, leaf, p) {
				t.Fatalf("n=%d leaf %d: proof verifies against a tampered root", n, i)
			}
		}
	}
}

func TestProofIndexOutOfRange(t *testing.T) {
	rs := randomReceipts(rand.New(rand.NewPCG(5, 6)), 3)
	tr := mustFromReceipts(t, rs)
	for _, i := range []int{-1, 3, 100} {
		if _, err := tr.Proof(i); !errors.Is(err, ErrIndexOutOfRange) {
			t.Errorf("Proof(%d) error = %v, want ErrIndexOutOfRange", i, err)
		}
		if _, err := tr.Receipt(i); !errors.Is(err, ErrIndexOutOfRange) {
			t.Errorf("Receipt(%d) error = %v, want ErrIndexOutOfRange", i, err)
		}
	}
}

// TestReceiptLeafMatchesMetering holds the allocation-free leaf encoder
// equal to metering.Receipt.Leaf, the definition.
func TestReceiptLeafMatchesMetering(t *testing.T) {
	rs := randomReceipts(rand.New(rand.NewPCG(7, 8)), 500)
	for i := range 7 {
		rs = append(rs, goldenReceipt(i))
	}
	rs = append(rs, metering.Receipt{Fee: new(big.Int)})
	lh := newHasher()
	for i := range rs {
		if got, want := lh.leaf(&rs[i]), rs[i].Leaf(); got != want {
			t.Fatalf("receipt %d: leaf %s, metering.Receipt.Leaf %s", i, got, want)
		}
	}
	tr := mustFromReceipts(t, rs)
	want, _ := New(leavesOf(rs))
	if tr.Root() != want.Root() {
		t.Fatalf("FromReceipts root %s, New(leaves) root %s", tr.Root(), want.Root())
	}
}

func TestFromReceiptsRejectsInvalid(t *testing.T) {
	tooBig := new(big.Int).Lsh(big.NewInt(1), 256)
	tests := []struct {
		name string
		fee  *big.Int
	}{
		{"nil fee", nil},
		{"negative fee", big.NewInt(-1)},
		{"fee 2^256", tooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := randomReceipts(rand.New(rand.NewPCG(9, 10)), 3)
			rs[2].Fee = tt.fee
			if _, err := FromReceipts(rs); !errors.Is(err, metering.ErrInvalidReceipt) {
				t.Fatalf("error = %v, want metering.ErrInvalidReceipt", err)
			}
		})
	}
}

// TestReceiptTreeHandsOutCopies checks that what Receipt and Receipts
// return can be modified without changing the tree.
func TestReceiptTreeHandsOutCopies(t *testing.T) {
	rs := randomReceipts(rand.New(rand.NewPCG(11, 12)), 4)
	want := rs[1].Fee.String()
	tr := mustFromReceipts(t, rs)
	got := tr.Receipts()
	got[1].Fee.SetInt64(2)
	got[1].Seq = 99
	if r, _ := tr.Receipt(1); r.Fee.String() != want || r.Seq != 2 {
		t.Fatalf("Receipts() result aliases the tree: fee %s seq %d", r.Fee, r.Seq)
	}
	one, _ := tr.Receipt(1)
	one.Fee.SetInt64(3)
	if r, _ := tr.Receipt(1); r.Fee.String() != want {
		t.Fatalf("Receipt() result aliases the tree: fee %s", r.Fee)
	}
	if again := mustFromReceipts(t, tr.Receipts()); again.Root() != tr.Root() {
		t.Fatal("the tree's values give another root")
	}
}

// TestParallelBuildMatchesReference forces the multi-worker path (several
// workers even on a one-core machine) and compares it with the reference.
func TestParallelBuildMatchesReference(t *testing.T) {
	prev := runtime.GOMAXPROCS(3)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{2 * parallelChunk, 5*parallelChunk + 3} {
		rs := randomReceipts(rng, n)
		rs[n-1] = rs[0]
		tr := mustFromReceipts(t, rs)
		wantNodes, wantIndex := referenceTree(leavesOf(rs))
		if !slices.Equal(tr.Tree().Nodes(), wantNodes) {
			t.Fatalf("n=%d: parallel tree differs from the reference", n)
		}
		for i := range rs {
			if ti, _ := tr.Tree().TreeIndex(i); ti != wantIndex[i] {
				t.Fatalf("n=%d: TreeIndex(%d) = %d, want %d", n, i, ti, wantIndex[i])
			}
		}
	}
}
