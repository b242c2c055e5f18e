package contracts_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// generatedDirs are the directories build.mjs writes, relative to
// settlement/contracts.
var generatedDirs = []string{"artifacts", "bindings", "testbindings"}

// TestGeneratedFilesUpToDate regenerates the artifacts and bindings into a
// temporary directory with build.mjs (solc-js from node_modules, abigen from
// go.mod) and requires them to be byte-identical to the committed files. It
// needs node and the repository's npm dependencies (`npm ci`); without them
// it fails rather than passing unchecked.
func TestGeneratedFilesUpToDate(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is required to check the generated contract files: %v", err)
	}
	if _, err := os.Stat(filepath.Join("..", "..", "node_modules", "solc", "package.json")); err != nil {
		t.Fatalf("npm dependencies are missing: run `npm ci` at the repository root (%v)", err)
	}
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "node", "build.mjs", "--out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node build.mjs: %v\n%s", err, msg)
	}
	for _, dir := range generatedDirs {
		fresh := generatedFiles(t, filepath.Join(out, dir))
		committed := generatedFiles(t, dir)
		if !slices.Equal(fresh, committed) {
			t.Errorf("%s: regeneration writes %v, committed generated files are %v", dir, fresh, committed)
			continue
		}
		for _, name := range fresh {
			want, err := os.ReadFile(filepath.Join(out, dir, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s differs from a fresh build: run `go generate ./settlement/contracts`", dir, name)
			}
		}
	}
}

// generatedFiles lists the generated files of dir, sorted: every artifact,
// and the Go files that carry the "Code generated" header (not doc.go).
func generatedFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if filepath.Ext(e.Name()) == ".go" {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("// Code generated")) {
				continue
			}
		}
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}
