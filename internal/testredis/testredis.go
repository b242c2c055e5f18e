// Package testredis gives tests a real Redis: the one at REDIS_URL (default
// redis://127.0.0.1:6379/0) if it answers, otherwise a redis-server started
// for the test binary from the PATH (Debian package redis-server). If neither
// works the test fails with a message saying what to install; it never
// skips.
package testredis

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/internal/redisproc"
)

var (
	once    sync.Once
	url     string
	initErr error
)

// URL returns the URL of a reachable Redis, starting one if needed.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { url, initErr = find() })
	if initErr != nil {
		t.Fatalf("no Redis for tests: %v", initErr)
	}
	return url
}

// Client returns a client of the test Redis, closed when the test ends.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	opts.PoolSize = 256
	opts.DialTimeout = time.Second
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func ping(u string) error {
	opts, err := redis.ParseURL(u)
	if err != nil {
		return err
	}
	opts.DialTimeout = 500 * time.Millisecond
	opts.MaxRetries = -1
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return rdb.Ping(ctx).Err()
}

func find() (string, error) {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379/0"
	}
	if err := ping(u); err == nil {
		return u, nil
	}
	dir, err := os.MkdirTemp("", "imogate-redis-")
	if err != nil {
		return "", err
	}
	// The server is a child of the test binary and dies with it;
	// scripts/test.sh normally starts Redis first, so this is the fallback
	// for a bare `go test`.
	srv, err := redisproc.Start(context.Background(), redisproc.Options{Dir: dir})
	if err != nil {
		return "", fmt.Errorf("nothing answers at %s, and starting a redis-server failed: %w", u, err)
	}
	return srv.URL(), nil
}

// Cluster starts a three-master Redis Cluster on loopback for the test and
// returns a cluster client. It fails the test if redis-server or redis-cli
// is missing.
func Cluster(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatal("redis-cli is not installed (apt-get install redis-tools)")
	}
	dir := t.TempDir()
	var addrs []string
	for i := 0; i < 3; i++ {
		srv, err := redisproc.Start(t.Context(), redisproc.Options{
			Dir:  filepath.Join(dir, strconv.Itoa(i)),
			Args: []string{"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, strconv.Itoa(i), "nodes.conf")},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Kill() })
		addrs = append(addrs, srv.Addr())
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v: %s", err, out)
	}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, DialTimeout: time.Second})
	t.Cleanup(func() { cc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		info, err := cc.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("cluster not ready: %v %s", err, info)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cc
}
