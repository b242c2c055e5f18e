package redisproc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/internal/redisproc"
)

// TestRelativeDirectory is the bug behind the README's broken first command:
// a relative directory (as `imogate dev` gets by default, run from the
// repository root) must work, with the log file where the caller said.
func TestRelativeDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	s, err := redisproc.Start(t.Context(), redisproc.Options{Dir: filepath.Join(".imogate-dev", "redis")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Kill() })
	if !filepath.IsAbs(s.Dir()) {
		t.Fatalf("server directory %q is not absolute", s.Dir())
	}
	opts, _ := redis.ParseURL(s.URL())
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	if err := rdb.Set(t.Context(), "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(".imogate-dev", "redis", "redis.log")); err != nil {
		t.Fatalf("log not where asked: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Exited():
	default:
		t.Fatal("Stop returned before the server exited")
	}
}

// TestStartFailureSaysWhy: a server that exits at once is reported with the
// tail of its log, not as a bare timeout.
func TestStartFailureSaysWhy(t *testing.T) {
	_, err := redisproc.Start(t.Context(), redisproc.Options{Dir: t.TempDir(), Args: []string{"--maxmemory-policy", "no-such-policy"}})
	if err == nil {
		t.Fatal("a server with a bad argument started")
	}
	if !strings.Contains(err.Error(), "exited before it answered") || !strings.Contains(err.Error(), "maxmemory-policy") {
		t.Fatalf("error does not say why: %v", err)
	}
}
