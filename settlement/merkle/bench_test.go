package merkle

import (
	"io"
	"math/rand/v2"
	"testing"
)

// BenchmarkRoot1M measures the root of 1,000,000 receipts, with leaf
// hashing (FromReceipts) and for the tree alone (New over precomputed
// leaves). The budget is 1.5 s per op on one core:
//
//	GOMAXPROCS=1 go test ./settlement/merkle/ -run '^$' -bench Root1M -benchtime 3x -benchmem
func BenchmarkRoot1M(b *testing.B) {
	const n = 1_000_000
	rs := randomReceipts(rand.New(rand.NewPCG(1, 2)), n)
	b.Run("receipts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := FromReceipts(rs); err != nil {
				b.Fatal(err)
			}
		}
	})
	leaves := leavesOf(rs)
	b.Run("tree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := New(leaves); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("leaves", func(b *testing.B) {
		lh := newHasher()
		for b.Loop() {
			for i := range rs {
				lh.leaf(&rs[i])
			}
		}
	})
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
