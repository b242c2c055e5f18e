package archive_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/settlement/archive"
)

func TestDirPutGet(t *testing.T) {
	root := t.TempDir()
	d, err := archive.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	token := common.HexToAddress("0x00000000000000000000000000000000000000AB")
	p := archive.BatchPath(token, 7, archive.TreeFile)
	if p != "0x00000000000000000000000000000000000000ab/7/tree.json" {
		t.Fatalf("path = %q", p)
	}
	if _, err := d.Get(ctx, p); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("get before put: %v", err)
	}
	for _, data := range [][]byte{[]byte("first"), []byte("second, longer")} {
		if err := d.Put(ctx, p, data); err != nil {
			t.Fatal(err)
		}
		got, err := d.Get(ctx, p)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("get = %q, %v, want %q", got, err, data)
		}
	}
	// No temporary files are left behind.
	entries, err := os.ReadDir(filepath.Join(root, filepath.Dir(filepath.FromSlash(p))))
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %v, %v", entries, err)
	}
	for _, bad := range []string{"", "/abs", "../escape", "a/../../b", "a//b", "./a", `a\b`} {
		if err := d.Put(ctx, bad, []byte("x")); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	if _, err := archive.NewDir(""); err == nil {
		t.Fatal("empty directory accepted")
	}
}
