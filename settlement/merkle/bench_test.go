package merkle

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// BenchmarkRoot1M measures the root of 1,000,000 receipts, leaf hashing
// included (FromReceipts), and the tree alone (New over precomputed leaves),
// with each Keccak permutation this CPU runs side by side: 1 (go-ethereum's,
// one hash at a time), 4 (circl, AVX2) and 8 (keccakx8, AVX-512) hashes at
// once; FromReceipts uses the widest. The budget is 1.5 s per op on one core:
//
//	GOMAXPROCS=1 go test ./settlement/merkle/ -run '^$' -bench Root1M -benchtime 3x -benchmem
func BenchmarkRoot1M(b *testing.B) {
	const n = 1_000_000
	rs := randomReceipts(rand.New(rand.NewPCG(1, 2)), n)
	leaves := leavesOf(rs)
	for _, ways := range supportedWays() {
		b.Run(fmt.Sprintf("receipts/ways=%d", ways), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fromReceipts(rs, ways); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, ways := range supportedWays() {
		b.Run(fmt.Sprintf("tree/ways=%d", ways), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := newTree(leaves, ways); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDump1M measures streaming the dump of 1,000,000 receipts.
func BenchmarkDump1M(b *testing.B) {
	tr, err := FromReceipts(randomReceipts(rand.New(rand.NewPCG(1, 2)), 1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := tr.WriteDump(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProof measures one proof in a tree of 1,000,000 leaves.
func BenchmarkProof(b *testing.B) {
	tr, err := New(randomLeaves(rand.New(rand.NewPCG(3, 4)), 1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := tr.Proof(i); err != nil {
			b.Fatal(err)
		}
		i = (i + 7919) % tr.Len()
	}
}

// BenchmarkVerify measures verifying one proof (20 levels) of a tree of
// 1,000,000 leaves.
func BenchmarkVerify(b *testing.B) {
	leaves := randomLeaves(rand.New(rand.NewPCG(5, 6)), 1_000_000)
	tr, err := New(leaves)
	if err != nil {
		b.Fatal(err)
	}
	proof, err := tr.Proof(12345)
	if err != nil {
		b.Fatal(err)
	}
	root := tr.Root()
	b.ReportAllocs()
	for b.Loop() {
		if !Verify(root, leaves[12345], proof) {
			b.Fatal("proof does not verify")
		}
	}
}

// BenchmarkPermutation compares the Keccak-f[1600] permutations behind each
// width, side by side: go-ethereum's one at a time (a sorted-pair hash, one
// permutation), circl's four and keccakx8's eight at once. ns/perm is the
// cost of one permutation.
func BenchmarkPermutation(b *testing.B) {
	for _, ways := range supportedWays() {
		b.Run(fmt.Sprintf("ways=%d", ways), func(b *testing.B) {
			var perm func()
			if ways == 1 {
				h := newHasher()
				var x, y common.Hash
				perm = func() { x = h.pair(&x, &y) }
			} else {
				perm = newMultiHasher(ways).permute
			}
			for b.Loop() {
				perm()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(ways), "ns/perm")
		})
	}
}
