package merkle

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cloudflare/circl/simd/keccakf1600"
	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/settlement/merkle/internal/keccakx8"
)

// supportedWays lists the hash widths this CPU runs: always 1, then 4 with
// AVX2 and 8 with AVX-512.
func supportedWays() []int {
	ways := []int{1}
	if simdAllowed && keccakf1600.IsEnabledX4() {
		ways = append(ways, 4)
	}
	if keccakx8.Enabled() {
		ways = append(ways, 8)
	}
	return ways
}

// TestBestWaysIsSupported guards the dispatch: the width New and
// FromReceipts pick is one the CPU runs, and the widest.
func TestBestWaysIsSupported(t *testing.T) {
	ways := supportedWays()
	if got, want := bestWays(), ways[len(ways)-1]; got != want {
		t.Fatalf("bestWays() = %d, want the widest supported, %d (supported: %v)", got, want, ways)
	}
}

// TestEveryWidthMatchesReference builds receipt trees with each hash width
// this CPU runs, at sizes around multiples of 4 and 8 (so the SIMD groups
// and the one-at-a-time remainder both run, at every level), and compares
// the leaves with metering.Receipt.Leaf (go-ethereum's Keccak) and the whole
// tree array with the naive reference.
func TestEveryWidthMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 257, 1000, radixMin + 5}
	for _, ways := range supportedWays() {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("ways=%d/n=%d", ways, n), func(t *testing.T) {
				rs := randomReceipts(rng, n)
				if n > 4 {
					rs[n-1] = rs[1] // a duplicate leaf
				}
				want := leavesOf(rs)
				got := make([]common.Hash, n)
				hashLeaves(rs, got, ways)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("leaf %d = %s, want %s", i, got[i], want[i])
					}
				}
				tr, err := fromReceipts(rs, ways)
				if err != nil {
					t.Fatal(err)
				}
				wantNodes, wantIndex := referenceTree(want)
				if !slices.Equal(tr.Tree().Nodes(), wantNodes) {
					t.Fatal("tree array differs from the reference")
				}
				for i := range rs {
					if ti, _ := tr.Tree().TreeIndex(i); ti != wantIndex[i] {
						t.Fatalf("TreeIndex(%d) = %d, want %d", i, ti, wantIndex[i])
					}
				}
			})
		}
	}
}

// TestPairsOfEqualAndOrderedChildren checks the sorted-pair rule in the SIMD
// path where it is easiest to get wrong: children already in order, in
// reverse order, and equal.
func TestPairsOfEqualAndOrderedChildren(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, ways := range supportedWays()[1:] {
		nodes := make([]common.Hash, 4*ways+1) // nodes ways..2ways-1 and their children
		for i := range nodes {
			fill(rng, nodes[i][:])
		}
		for s := 0; s < ways; s += 3 {
			nodes[2*(ways+s)+2] = nodes[2*(ways+s)+1] // equal children
		}
		want := slices.Clone(nodes)
		h := newHasher()
		for i := ways; i < 2*ways; i++ {
			want[i] = h.pair(&want[2*i+1], &want[2*i+2])
		}
		newMultiHasher(ways).pairs(nodes, ways)
		for i := ways; i < 2*ways; i++ {
			if nodes[i] != want[i] {
				t.Fatalf("ways=%d: node %d = %s, want %s", ways, i, nodes[i], want[i])
			}
		}
	}
}

// TestRadixSortMatchesComparisonSort sorts leaves with equal 8-byte
// prefixes, duplicates, and prefixes shared by every leaf (so that whole
// counting passes are skipped, leaving the result in either buffer), and
// requires the order of a stable comparison sort: what OpenZeppelin's
// JavaScript sort gives.
func TestRadixSortMatchesComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, n := range []int{radixMin, radixMin + 1, 5000} {
		for _, shared := range []int{0, 3, 4, 7, 8} { // leading bytes every leaf has in common
			leaves := randomLeaves(rng, n)
			for i := range leaves {
				copy(leaves[i][:shared], leaves[0][:shared])
			}
			for i := 0; i < n; i += 7 {
				copy(leaves[i][:8], leaves[0][:8]) // an equal 8-byte key, a different rest
			}
			for i := 3; i < n; i += 11 {
				leaves[i] = leaves[1] // duplicates
			}
			got := sortedOrder(leaves)
			want := make([]int32, n)
			for i := range want {
				want[i] = int32(i)
			}
			slices.SortStableFunc(want, func(a, b int32) int { return leaves[a].Cmp(leaves[b]) })
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d, %d shared leading bytes: radix order differs from the stable comparison sort", n, shared)
			}
		}
	}
}
