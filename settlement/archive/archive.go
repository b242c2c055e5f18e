// Package archive keeps settled batches for auditors after their receipts
// leave Redis: for each batch, under "<token>/<batchId>/", the Merkle tree
// dump (tree.json, OpenZeppelin standard-v1), every receipt as signed JSON
// (receipts.ndjson, one DESIGN.md receipt object per line), the model's
// price schedule (prices.json) and the settlement facts (settlement.json). Store is the small interface the
// batcher writes through; Dir is the local-directory implementation.
package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// File names inside a batch's directory.
const (
	TreeFile       = "tree.json"
	ReceiptsFile   = "receipts.ndjson"
	SettlementFile = "settlement.json"
	// PricesFile is the model's published price schedule as of archiving
	// (DESIGN.md's price versions): every receipt's fee is the version in
	// force at its timestamp applied to its tokens.
	PricesFile = "prices.json"
)

// ErrNotFound is returned by Get for a path that holds nothing.
var ErrNotFound = errors.New("archive object not found")

// Store holds archive objects by slash-separated relative path.
//
// Put stores data at path atomically: a reader sees the whole object or
// nothing, never a partial one, and a Put that fails leaves any previous
// object in place. Putting the same path again replaces the object. Get
// returns the object or an error wrapping ErrNotFound.
type Store interface {
	Put(ctx context.Context, path string, data []byte) error
	Get(ctx context.Context, path string) ([]byte, error)
}

// Opener is an optional capability of a Store: Open streams an object
// instead of loading it whole (a batch's receipts.ndjson can be large). It
// returns an error wrapping ErrNotFound for a path that holds nothing.
type Opener interface {
	Open(ctx context.Context, path string) (io.ReadCloser, error)
}

// Open streams the object at path from s: through s's Opener where it has
// one, else from a whole Get.
func Open(ctx context.Context, s Store, path string) (io.ReadCloser, error) {
	if o, ok := s.(Opener); ok {
		return o.Open(ctx, path)
	}
	data, err := s.Get(ctx, path)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// BatchDir is the directory of a batch: "<token lowercase hex>/<batchId>".
func BatchDir(token common.Address, batchID uint64) string {
	return strings.ToLower(token.Hex()) + "/" + strconv.FormatUint(batchID, 10)
}

// BatchPath is the path of one of a batch's files (TreeFile, ReceiptsFile,
// SettlementFile).
func BatchPath(token common.Address, batchID uint64, name string) string {
	return BatchDir(token, batchID) + "/" + name
}

// Dir is a Store in a local directory. Writes go to a temporary file in the
// target directory, are synced, and are renamed into place.
type Dir struct {
	root string
}

var (
	_ Store  = (*Dir)(nil)
	_ Opener = (*Dir)(nil)
)

// NewDir returns a Store rooted at dir, creating it if needed.
func NewDir(dir string) (*Dir, error) {
	if dir == "" {
		return nil, errors.New("archive directory is required")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create archive directory: %w", err)
	}
	return &Dir{root: dir}, nil
}

// Root is the directory the store writes under.
func (d *Dir) Root() string { return d.root }

func (d *Dir) file(p string) (string, error) {
	if p == "" || path.IsAbs(p) || path.Clean(p) != p || strings.HasPrefix(p, "../") || p == ".." || strings.Contains(p, "\\") {
		return "", fmt.Errorf("invalid archive path %q", p)
	}
	return filepath.Join(d.root, filepath.FromSlash(p)), nil
}

// Put implements Store.
func (d *Dir) Put(ctx context.Context, p string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := d.file(p)
	if err != nil {
		return err
	}
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("archive %s: %w", p, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("archive %s: %w", p, err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("archive %s: %w", p, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("archive %s: %w", p, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("archive %s: %w", p, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("archive %s: %w", p, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("archive %s: %w", p, err)
	}
	ok = true
	// Sync the directory so the rename itself survives a crash.
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
	return nil
}

// Get implements Store.
func (d *Dir) Get(ctx context.Context, p string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name, err := d.file(p)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("archive %s: %w", p, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", p, err)
	}
	return b, nil
}

// Open implements Opener.
func (d *Dir) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name, err := d.file(p)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("archive %s: %w", p, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", p, err)
	}
	return f, nil
}
