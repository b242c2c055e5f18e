// Package testredis gives tests a real Redis: the one at REDIS_URL (default
// redis://127.0.0.1:6379/0) if it answers, otherwise a redis-server started
// for the test binary from the PATH (Debian package redis-server). If neither
// works the test fails with a message saying what to install; it never
// skips.
//
// With REDIS_MODE=cluster, Client and ConfigYAML give a Redis Cluster
// instead — the one at REDIS_CLUSTER_ADDRS (comma-separated host:port), or
// one started for the test binary — so the whole suite can run a second
// time against a cluster (scripts/test.sh does).
package testredis

import (
	"context"
	"fmt"
	"os"
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

// ClusterMode reports whether tests run against a Redis Cluster.
func ClusterMode() bool { return os.Getenv("REDIS_MODE") == "cluster" }

var (
	clusterOnce  sync.Once
	clusterAddrs []string
	clusterErr   error
)

// sharedCluster returns the addresses of the test binary's cluster.
func sharedCluster(t testing.TB) []string {
	t.Helper()
	clusterOnce.Do(func() {
		if v := os.Getenv("REDIS_CLUSTER_ADDRS"); v != "" {
			clusterAddrs = strings.Split(v, ",")
			return
		}
		dir, err := os.MkdirTemp("", "imogate-cluster-")
		if err != nil {
			clusterErr = err
			return
		}
		clusterAddrs, clusterErr = startCluster(dir, nil)
	})
	if clusterErr != nil {
		t.Fatalf("no Redis Cluster for tests: %v", clusterErr)
	}
	return clusterAddrs
}

// ConfigYAML is the test Redis as an imogate config's redis section (a
// flow mapping): a URL, or in cluster mode the cluster's addresses.
func ConfigYAML(t testing.TB) string {
	t.Helper()
	if ClusterMode() {
		return fmt.Sprintf("{mode: cluster, addrs: [%s]}", strings.Join(sharedCluster(t), ", "))
	}
	return fmt.Sprintf("{url: %q}", URL(t))
}

// Client returns a client of the test Redis (a cluster client in cluster
// mode), closed when the test ends.
func Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	if ClusterMode() {
		cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: sharedCluster(t), PoolSize: 256, DialTimeout: time.Second})
		t.Cleanup(func() { cc.Close() })
		return cc
	}
	return Single(t)
}

// Single returns a client of the single test Redis, whatever the mode, for
// tests about a single server.
func Single(t testing.TB) *redis.Client {
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
	var servers []*redisproc.Server
	addrs, err := startCluster(t.TempDir(), &servers)
	for _, s := range servers {
		t.Cleanup(func() { _ = s.Kill() })
	}
	if err != nil {
		t.Fatal(err)
	}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, DialTimeout: time.Second})
	t.Cleanup(func() { cc.Close() })
	return cc
}

// startCluster starts a three-master cluster in dir and returns its
// addresses. The servers are appended to *servers when it is not nil (else
// they live as long as the test binary).
func startCluster(dir string, servers *[]*redisproc.Server) ([]string, error) {
	srvs, err := redisproc.StartCluster(context.Background(), redisproc.ClusterOptions{Dir: dir})
	var addrs []string
	for _, s := range srvs {
		addrs = append(addrs, s.Addr())
	}
	if servers != nil {
		*servers = append(*servers, srvs...)
	}
	return addrs, err
}
