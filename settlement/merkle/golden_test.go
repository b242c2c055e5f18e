package merkle

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
)

// goldenVectors is testdata/<set>.proofs.json, written by OpenZeppelin's
// library (see goldenReceipt).
type goldenVectors struct {
	Root   common.Hash     `json:"root"`
	Leaves []common.Hash   `json:"leaves"`
	Proofs [][]common.Hash `json:"proofs"`
}

func readGolden(t *testing.T, name string) ([]byte, goldenVectors) {
	t.Helper()
	dump, err := os.ReadFile(filepath.Join("testdata", name+".dump.json"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", name+".proofs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v goldenVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s.proofs.json: %v", name, err)
	}
	return dump, v
}

// TestGolden builds each golden receipt set in Go and requires OpenZeppelin's
// output exactly: every leaf, the root, every proof, and the dump byte for
// byte; then loads OpenZeppelin's dump and requires the same again.
func TestGolden(t *testing.T) {
	for _, set := range goldenSets {
		t.Run(set.name, func(t *testing.T) {
			dump, want := readGolden(t, set.name)
			rs := make([]metering.Receipt, len(set.indices))
			for k, i := range set.indices {
				rs[k] = goldenReceipt(i)
			}
			if got := leavesOf(rs); !slices.Equal(got, want.Leaves) {
				t.Fatalf("leaves\n got %v\nwant %v", got, want.Leaves)
			}
			lt, err := New(want.Leaves)
			if err != nil {
				t.Fatal(err)
			}
			built := mustFromReceipts(t, rs)
			loaded, err := LoadReceiptTree(dump)
			if err != nil {
				t.Fatalf("load OpenZeppelin's dump: %v", err)
			}
			for _, tc := range []struct {
				name string
				tree interface {
					Root() common.Hash
					Proof(int) ([]common.Hash, error)
				}
			}{{"New", lt}, {"FromReceipts", built}, {"LoadReceiptTree", loaded}} {
				if tc.tree.Root() != want.Root {
					t.Errorf("%s: root %s, want %s", tc.name, tc.tree.Root(), want.Root)
				}
				for i := range rs {
					if p := mustProof(t, tc.tree, i); !slices.Equal(p, want.Proofs[i]) {
						t.Errorf("%s: proof %d\n got %v\nwant %v", tc.name, i, p, want.Proofs[i])
					}
					if !Verify(want.Root, want.Leaves[i], want.Proofs[i]) {
						t.Errorf("OpenZeppelin's proof %d does not verify in Go", i)
					}
				}
			}
			got, err := built.Dump()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, dump) {
				t.Errorf("Dump differs from OpenZeppelin's dump\n got %s\nwant %s", got, dump)
			}
			if re, _ := loaded.Dump(); !bytes.Equal(re, dump) {
				t.Errorf("loaded and re-dumped differs from OpenZeppelin's dump\n got %s\nwant %s", re, dump)
			}
			for i, r := range loaded.Receipts() {
				if !sameReceipt(&r, &rs[i]) {
					t.Errorf("loaded receipt %d = %+v, want %+v", i, r, rs[i])
				}
			}
		})
	}
}

// TestGoldenSpelling loads a dump OpenZeppelin wrote for the "seven" receipts
// spelled otherwise (lowercase address, upper-case bytes32 digits, 0x hex
// integers, a JSON number): same root and proofs, and the re-dump is the
// canonical "seven" dump.
func TestGoldenSpelling(t *testing.T) {
	odd, oddVectors := readGolden(t, "spelling")
	canonical, want := readGolden(t, "seven")
	if oddVectors.Root != want.Root {
		t.Fatalf("golden files disagree: spelling root %s, seven root %s", oddVectors.Root, want.Root)
	}
	tr, err := LoadReceiptTree(odd)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Root() != want.Root {
		t.Fatalf("root %s, want %s", tr.Root(), want.Root)
	}
	for i := range want.Proofs {
		if p := mustProof(t, tr, i); !slices.Equal(p, want.Proofs[i]) {
			t.Errorf("proof %d differs", i)
		}
	}
	re, err := tr.Dump()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(re, canonical) {
		t.Errorf("re-dump is not the canonical dump\n got %s\nwant %s", re, canonical)
	}
}
