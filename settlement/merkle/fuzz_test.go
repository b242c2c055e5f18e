package merkle

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzLoadReceiptTree feeds arbitrary bytes to LoadReceiptTree: it must
// never panic, and whatever it accepts must re-dump to an equivalent tree
// (same root, nodes, treeIndexes and receipts) whose dump is a fixed point.
func FuzzLoadReceiptTree(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.dump.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no golden dumps: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(bytes.Replace(b, []byte(`"treeIndex":`), []byte(`"treeIndex":1`), 1))
	}
	tr, err := FromReceipts(randomReceipts(rand.New(rand.NewPCG(1, 1)), 4))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mustDump(f, tr))
	f.Add([]byte(`{"format":"standard-v1","leafEncoding":[],"tree":[],"values":[]}`))
	f.Add([]byte(`{"values":[{"value":[1,2,3],"treeIndex":0}]}`))

	f.Fuzz(func(t *testing.T, in []byte) {
		tr, err := LoadReceiptTree(in)
		if err != nil {
			return
		}
		d1 := mustDump(t, tr)
		again, err := LoadReceiptTree(d1)
		if err != nil {
			t.Fatalf("accepted dump does not re-load after Dump: %v\ninput %q\ndump  %s", err, in, d1)
		}
		if again.Root() != tr.Root() || !slices.Equal(again.tree.nodes, tr.tree.nodes) || !slices.Equal(again.tree.pos, tr.tree.pos) {
			t.Fatalf("re-loaded tree differs")
		}
		a, b := tr.Receipts(), again.Receipts()
		for i := range a {
			if !sameReceipt(&a[i], &b[i]) {
				t.Fatalf("receipt %d differs after re-load", i)
			}
		}
		if d2 := mustDump(t, again); !bytes.Equal(d1, d2) {
			t.Fatalf("dump is not a fixed point\n%s\n%s", d1, d2)
		}
		for i := range tr.Len() {
			leaf, _ := tr.Tree().Leaf(i)
			if !Verify(tr.Root(), leaf, mustProof(t, tr, i)) {
				t.Fatalf("proof %d of an accepted tree does not verify", i)
			}
		}
	})
}
