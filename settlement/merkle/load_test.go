package merkle

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dumpDoc is a dump decoded generically, for corrupting.
type dumpDoc = map[string]any

func decodeDoc(t *testing.T, b []byte) dumpDoc {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var d dumpDoc
	if err := dec.Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

func encodeDoc(t *testing.T, d dumpDoc) []byte {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func treeOf(d dumpDoc) []any           { return d["tree"].([]any) }
func valuesOf(d dumpDoc) []any         { return d["values"].([]any) }
func valueAt(d dumpDoc, i int) dumpDoc { return valuesOf(d)[i].(dumpDoc) }
func fieldsAt(d dumpDoc, i int) []any  { return valueAt(d, i)["value"].([]any) }

// TestLoadRejectsCorruption corrupts OpenZeppelin's golden "seven" dump one
// way at a time; each must fail with ErrInvalidDump and a message naming
// the problem.
func TestLoadRejectsCorruption(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "seven.dump.json"))
	if err != nil {
		t.Fatal(err)
	}
	leafIndex := func(d dumpDoc, i int) int {
		n, _ := valueAt(d, i)["treeIndex"].(json.Number).Int64()
		return int(n)
	}
	tests := []struct {
		name    string
		corrupt func(d dumpDoc)
		raw     string // used instead of corrupt when set
		wantErr string
	}{
		{name: "bad format", corrupt: func(d dumpDoc) { d["format"] = "standard-v2" }, wantErr: `unknown format "standard-v2"`},
		{name: "simple format", corrupt: func(d dumpDoc) { d["format"] = "simple-v1" }, wantErr: `unknown format "simple-v1"`},
		{name: "format not a string", corrupt: func(d dumpDoc) { d["format"] = 1 }, wantErr: `"format": want a string`},
		{name: "missing format", corrupt: func(d dumpDoc) { delete(d, "format") }, wantErr: `missing "format"`},
		{name: "missing leafEncoding", corrupt: func(d dumpDoc) { delete(d, "leafEncoding") }, wantErr: `missing "leafEncoding"`},
		{name: "wrong encoding order", corrupt: func(d dumpDoc) {
			e := d["leafEncoding"].([]any)
			e[3], e[5] = e[5], e[3]
		}, wantErr: "leafEncoding is"},
		{name: "encoding alias uint", corrupt: func(d dumpDoc) { d["leafEncoding"].([]any)[7] = "uint" }, wantErr: "leafEncoding is"},
		{name: "encoding too short", corrupt: func(d dumpDoc) { d["leafEncoding"] = d["leafEncoding"].([]any)[:9] }, wantErr: "leafEncoding is"},
		{name: "missing tree", corrupt: func(d dumpDoc) { delete(d, "tree") }, wantErr: `missing "tree"`},
		{name: "missing values", corrupt: func(d dumpDoc) { delete(d, "values") }, wantErr: `missing "values"`},
		{name: "changed fee", corrupt: func(d dumpDoc) { fieldsAt(d, 3)[7] = "3000000000000004" }, wantErr: "values[3] hashes to leaf"},
		{name: "changed seq", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[3] = "2" }, wantErr: "values[0] hashes to leaf"},
		{name: "changed address", corrupt: func(d dumpDoc) {
			f := fieldsAt(d, 6)
			f[1] = "0x0000000000000000000000000000000000000001"
		}, wantErr: "values[6] hashes to leaf"},
		{name: "changed inner node", corrupt: func(d dumpDoc) {
			treeOf(d)[2] = "0x" + strings.Repeat("ab", 32)
		}, wantErr: "tree[2] is 0xabab"},
		{name: "changed root", corrupt: func(d dumpDoc) { treeOf(d)[0] = "0x" + strings.Repeat("00", 32) }, wantErr: "tree[0] is 0x0000"},
		{name: "changed leaf node", corrupt: func(d dumpDoc) {
			treeOf(d)[leafIndex(d, 4)] = "0x" + strings.Repeat("cd", 32)
		}, wantErr: "values[4] hashes to leaf"},
		{name: "upper-case node", corrupt: func(d dumpDoc) {
			treeOf(d)[1] = strings.ToUpper(treeOf(d)[1].(string))
		}, wantErr: "tree[1] is \"0X"},
		{name: "node without 0x", corrupt: func(d dumpDoc) {
			treeOf(d)[5] = treeOf(d)[5].(string)[2:]
		}, wantErr: "tree[5] is"},
		{name: "short node", corrupt: func(d dumpDoc) { treeOf(d)[0] = "0x01" }, wantErr: "tree[0] is \"0x01\""},
		{name: "node not a string", corrupt: func(d dumpDoc) { treeOf(d)[3] = 32 }, wantErr: "tree[3]: want a string"},
		{name: "swapped treeIndex", corrupt: func(d dumpDoc) {
			a, b := valueAt(d, 1), valueAt(d, 2)
			a["treeIndex"], b["treeIndex"] = b["treeIndex"], a["treeIndex"]
		}, wantErr: "values[1] hashes to leaf"},
		{name: "treeIndex of an inner node", corrupt: func(d dumpDoc) { valueAt(d, 0)["treeIndex"] = 0 }, wantErr: "values[0].treeIndex is 0, want a leaf position 6..12"},
		{name: "treeIndex past the end", corrupt: func(d dumpDoc) { valueAt(d, 0)["treeIndex"] = 13 }, wantErr: "values[0].treeIndex is 13"},
		{name: "duplicate treeIndex", corrupt: func(d dumpDoc) {
			valueAt(d, 5)["treeIndex"] = valueAt(d, 2)["treeIndex"]
		}, wantErr: "is also values[2].treeIndex"},
		{name: "negative treeIndex", corrupt: func(d dumpDoc) { valueAt(d, 0)["treeIndex"] = -1 }, wantErr: "want a non-negative integer"},
		{name: "treeIndex as string", corrupt: func(d dumpDoc) { valueAt(d, 0)["treeIndex"] = "7" }, wantErr: "values[0].treeIndex: want a non-negative integer"},
		{name: "missing treeIndex", corrupt: func(d dumpDoc) { delete(valueAt(d, 3), "treeIndex") }, wantErr: `values[3]: missing "treeIndex"`},
		{name: "missing value", corrupt: func(d dumpDoc) { delete(valueAt(d, 3), "value") }, wantErr: `values[3]: missing "value"`},
		{name: "truncated tree by one", corrupt: func(d dumpDoc) { d["tree"] = treeOf(d)[:12] }, wantErr: "tree has 12 nodes, want 2*7-1 = 13"},
		{name: "truncated tree by two", corrupt: func(d dumpDoc) { d["tree"] = treeOf(d)[:11] }, wantErr: "tree has 11 nodes"},
		{name: "padded tree", corrupt: func(d dumpDoc) { d["tree"] = append(treeOf(d), treeOf(d)[12]) }, wantErr: "tree has 14 nodes"},
		{name: "dropped value", corrupt: func(d dumpDoc) { d["values"] = valuesOf(d)[:6] }, wantErr: "tree has 13 nodes, want 2*6-1 = 11"},
		{name: "no values", corrupt: func(d dumpDoc) { d["values"] = []any{}; d["tree"] = treeOf(d)[:1] }, wantErr: "no values"},
		{name: "nine fields", corrupt: func(d dumpDoc) { valueAt(d, 2)["value"] = fieldsAt(d, 2)[:9] }, wantErr: "values[2].value has 9 fields, want 10"},
		{name: "eleven fields", corrupt: func(d dumpDoc) { valueAt(d, 2)["value"] = append(fieldsAt(d, 2), "1") }, wantErr: "values[2].value has 11 fields"},
		{name: "short bytes32", corrupt: func(d dumpDoc) { fieldsAt(d, 1)[0] = "0x01" }, wantErr: "values[1].value[0] (bytes32 id): want 0x and 64 hex digits"},
		{name: "bytes32 without 0x", corrupt: func(d dumpDoc) { fieldsAt(d, 1)[8] = fieldsAt(d, 1)[8].(string)[2:] }, wantErr: "value[8] (bytes32 requestHash)"},
		{name: "short address", corrupt: func(d dumpDoc) { fieldsAt(d, 1)[1] = "0x1234" }, wantErr: "value[1] (address model): want 0x and 40 hex digits"},
		{name: "non-hex address", corrupt: func(d dumpDoc) { fieldsAt(d, 1)[1] = "0x" + strings.Repeat("zz", 20) }, wantErr: "value[1] (address model)"},
		{name: "negative number", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[3] = "-1" }, wantErr: "value[3] (uint64 seq): want a decimal string"},
		{name: "fractional string", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[4] = "1.5" }, wantErr: "value[4] (uint64 timestamp)"},
		{name: "empty number", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[5] = "" }, wantErr: "value[5] (uint32 promptTokens)"},
		{name: "spaces in number", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[5] = " 1" }, wantErr: "value[5] (uint32 promptTokens)"},
		{name: "uint32 overflow", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[6] = "4294967296" }, wantErr: "4294967296 is out of range for uint32"},
		{name: "uint64 overflow", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[3] = "0x10000000000000000" }, wantErr: "out of range for uint64"},
		{name: "uint256 overflow", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[7] = "0x1" + strings.Repeat("0", 64) }, wantErr: "out of range for uint256"},
		{name: "unsafe JSON number", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[4] = json.Number("9007199254740993") }, wantErr: "not an integer in 0..2^53-1"},
		{name: "exponent JSON number", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[4] = json.Number("1e3") }, wantErr: "not an integer in 0..2^53-1"},
		{name: "boolean field", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[5] = true }, wantErr: "got boolean true"},
		{name: "null field", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[0] = nil }, wantErr: "got null"},
		{name: "nested array field", corrupt: func(d dumpDoc) { fieldsAt(d, 0)[0] = []any{} }, wantErr: "values[0].value[0]: want a string or number, got an array"},
		{name: "value not an object", corrupt: func(d dumpDoc) { valuesOf(d)[2] = []any{} }, wantErr: "values[2]: want '{', got an array"},
		{name: "not JSON", raw: `{"format":`, wantErr: "unexpected end of JSON"},
		{name: "not an object", raw: `[]`, wantErr: "the dump: want '{'"},
		{name: "empty input", raw: ``, wantErr: "unexpected end of JSON"},
		{name: "trailing data", raw: string(golden) + `{}`, wantErr: "trailing data"},
		{name: "duplicate key", raw: strings.Replace(string(golden), `{"format":"standard-v1",`, `{"format":"standard-v1","format":"standard-v1",`, 1), wantErr: `duplicate key "format"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.raw)
			if tt.corrupt != nil {
				d := decodeDoc(t, golden)
				tt.corrupt(d)
				in = encodeDoc(t, d)
			}
			tr, err := LoadReceiptTree(in)
			if err == nil {
				t.Fatalf("loaded a corrupt dump (root %s)", tr.Root())
			}
			if !errors.Is(err, ErrInvalidDump) {
				t.Errorf("error %v does not wrap ErrInvalidDump", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

// TestLoadAccepts covers spellings and shapes that OpenZeppelin accepts and
// that load to the same tree.
func TestLoadAccepts(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "seven.dump.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := LoadReceiptTree(golden)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(d dumpDoc)
	}{
		{"reordered keys", func(d dumpDoc) {}}, // json.Marshal sorts map keys
		{"unknown keys", func(d dumpDoc) {
			d["comment"] = map[string]any{"nested": []any{1, "x", nil}}
			valueAt(d, 0)["note"] = "ignored"
		}},
		{"leading zeros", func(d dumpDoc) { fieldsAt(d, 4)[3] = "0005" }},
		{"hex integers", func(d dumpDoc) { fieldsAt(d, 4)[4] = "0x199c82ccfa0" }}, // 1760000004000
		{"JSON number", func(d dumpDoc) { fieldsAt(d, 4)[5] = json.Number("41") }},
		{"lowercase address", func(d dumpDoc) { fieldsAt(d, 4)[1] = strings.ToLower(fieldsAt(d, 4)[1].(string)) }},
		{"upper-case bytes32 digits", func(d dumpDoc) {
			s := fieldsAt(d, 4)[0].(string)
			fieldsAt(d, 4)[0] = "0x" + strings.ToUpper(s[2:])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decodeDoc(t, golden)
			tt.change(d)
			tr, err := LoadReceiptTree(encodeDoc(t, d))
			if err != nil {
				t.Fatal(err)
			}
			if tr.Root() != want.Root() {
				t.Fatalf("root %s, want %s", tr.Root(), want.Root())
			}
			re, _ := tr.Dump()
			if !bytes.Equal(re, golden) {
				t.Errorf("re-dump is not canonical\n got %s\nwant %s", re, golden)
			}
		})
	}
}

// TestLoadUnsortedLeaves loads a tree whose leaves are not in sorted order
// (StandardMerkleTree.of(values, enc, {sortLeaves: false}) writes such
// trees and load accepts them): proofs still verify, and the dump keeps the
// layout.
func TestLoadUnsortedLeaves(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "three.dump.json"))
	if err != nil {
		t.Fatal(err)
	}
	sorted, err := LoadReceiptTree(golden)
	if err != nil {
		t.Fatal(err)
	}
	// Swap the two leaves under node 1 (indices 3 and 4): node 1 is unchanged
	// (sorted-pair hashing), so the tree stays valid with other treeIndexes.
	d := decodeDoc(t, golden)
	tree := treeOf(d)
	tree[3], tree[4] = tree[4], tree[3]
	for i := range valuesOf(d) {
		v := valueAt(d, i)
		switch v["treeIndex"].(json.Number) {
		case "3":
			v["treeIndex"] = 4
		case "4":
			v["treeIndex"] = 3
		}
	}
	tr, err := LoadReceiptTree(encodeDoc(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Root() != sorted.Root() {
		t.Fatalf("root %s, want %s", tr.Root(), sorted.Root())
	}
	for i := range tr.Len() {
		leaf, _ := tr.Tree().Leaf(i)
		if !Verify(tr.Root(), leaf, mustProof(t, tr, i)) {
			t.Errorf("proof %d does not verify", i)
		}
	}
	re, _ := tr.Dump()
	again, err := LoadReceiptTree(re)
	if err != nil || !bytes.Equal(mustDump(t, again), re) {
		t.Fatalf("unsorted tree does not round-trip: %v", err)
	}
}

func mustDump(t testing.TB, tr *ReceiptTree) []byte {
	t.Helper()
	b, err := tr.Dump()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
