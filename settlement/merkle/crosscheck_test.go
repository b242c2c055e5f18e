package merkle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// crosscheckExpect is <name>.expect.json: Go's root and proofs by value
// index, for jstest/merkle-crosscheck.mjs to compare with OpenZeppelin's.
type crosscheckExpect struct {
	Root   common.Hash     `json:"root"`
	Proofs [][]common.Hash `json:"proofs"`
}

// TestCrossCheckWithOpenZeppelin writes Go dumps of random receipt trees,
// has OpenZeppelin's library load them, compare roots and proofs, verify
// every proof and rebuild each tree from its values (byte-identical dump
// required), then loads OpenZeppelin's dumps back in Go. It needs node and
// the repository's node_modules: without them it fails, it never skips.
func TestCrossCheckWithOpenZeppelin(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "jstest", "merkle-crosscheck.mjs")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required for the OpenZeppelin cross-check (install Node 20+ and put it on PATH): %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@openzeppelin", "merkle-tree", "package.json")); err != nil {
		t.Fatalf("@openzeppelin/merkle-tree is not installed in %s/node_modules (run npm ci in the repository root): %v", root, err)
	}

	rng := rand.New(rand.NewPCG(2024, 7641))
	dir := t.TempDir()
	trees := map[string]*ReceiptTree{}
	cases := []struct {
		name string
		n    int
		dups bool
	}{
		{"n1", 1, false}, {"n2", 2, false}, {"n3", 3, false}, {"n7", 7, false},
		{"n100", 100, false}, {"n1000", 1000, false}, {"dups9", 9, true},
		{"dups1100", radixMin + 76, true}, // radix-sorted leaves

	}
	for _, c := range cases {
		rs := randomReceipts(rng, c.n)
		if c.dups {
			rs[4], rs[7], rs[8] = rs[1], rs[1], rs[0]
		}
		tr := mustFromReceipts(t, rs)
		trees[c.name] = tr
		exp := crosscheckExpect{Root: tr.Root(), Proofs: make([][]common.Hash, tr.Len())}
		for i := range exp.Proofs {
			exp.Proofs[i] = mustProof(t, tr, i)
		}
		writeFile(t, filepath.Join(dir, c.name+".dump.json"), mustDump(t, tr))
		ej, err := json.Marshal(exp)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, c.name+".expect.json"), ej)
	}

	cmd := exec.CommandContext(t.Context(), node, script, dir)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	t.Logf("node %s:\n%s", filepath.Base(script), out)
	if err != nil {
		t.Fatalf("OpenZeppelin cross-check failed: %v", err)
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := trees[c.name]
			nodeDump, err := os.ReadFile(filepath.Join(dir, c.name+".node.json"))
			if err != nil {
				t.Fatalf("node wrote no dump: %v", err)
			}
			got, err := LoadReceiptTree(nodeDump)
			if err != nil {
				t.Fatalf("load OpenZeppelin's dump: %v", err)
			}
			if got.Root() != want.Root() {
				t.Fatalf("root %s, want %s", got.Root(), want.Root())
			}
			for i := range want.Len() {
				if p, w := mustProof(t, got, i), mustProof(t, want, i); !slices.Equal(p, w) {
					t.Fatalf("proof %d: %v, want %v", i, p, w)
				}
			}
			if !bytes.Equal(nodeDump, mustDump(t, want)) {
				t.Errorf("OpenZeppelin's dump is not byte-identical to Go's")
			}
		})
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(fmt.Errorf("write %s: %w", path, err))
	}
}
