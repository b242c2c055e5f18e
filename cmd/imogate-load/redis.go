package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/internal/redisproc"
)

// redisSetup is the Redis a load run uses: the one at -redis, or servers
// this run started (and stops).
type redisSetup struct {
	client   redis.UniversalClient
	describe string
	url      string   // single server
	addrs    []string // cluster nodes
	servers  []*redisproc.Server
	dir      string
}

// startRedis connects to the external Redis, or starts a single server or a
// three-primary cluster shaped for the durability: fsync needs appendfsync
// always; replicas:N needs N replicas per primary.
func startRedis(ctx context.Context, topology, url, durability string) (*redisSetup, error) {
	replicas := 0
	if n, ok := strings.CutPrefix(durability, "replicas:"); ok {
		if _, err := fmt.Sscan(n, &replicas); err != nil || replicas < 1 {
			return nil, fmt.Errorf("-durability %q: want none, fsync or replicas:N", durability)
		}
	} else if durability != "none" && durability != "fsync" {
		return nil, fmt.Errorf("-durability %q: want none, fsync or replicas:N", durability)
	}
	fsync := "everysec"
	if durability == "fsync" {
		fsync = "always"
	}
	aof := []string{"--appendonly", "yes", "--appendfsync", fsync}
	switch topology {
	case "external":
		opts, err := redis.ParseURL(url)
		if err != nil {
			return nil, err
		}
		return &redisSetup{client: redis.NewClient(opts), describe: url, url: url}, nil
	case "single":
		if replicas > 0 {
			return nil, fmt.Errorf("-topology single has no replicas for -durability %s (use -topology cluster)", durability)
		}
		dir, err := os.MkdirTemp("", "imogate-load-redis-")
		if err != nil {
			return nil, err
		}
		srv, err := redisproc.Start(ctx, redisproc.Options{Dir: dir, Args: aof})
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts, _ := redis.ParseURL(srv.URL())
		return &redisSetup{client: redis.NewClient(opts), describe: "a private redis-server, appendfsync " + fsync, url: srv.URL(),
			servers: []*redisproc.Server{srv}, dir: dir}, nil
	case "cluster":
		if durability == "fsync" {
			return nil, fmt.Errorf("-topology cluster measures none and replicas:N; fsync is measured with -topology single")
		}
		dir, err := os.MkdirTemp("", "imogate-load-cluster-")
		if err != nil {
			return nil, err
		}
		srvs, err := redisproc.StartCluster(ctx, redisproc.ClusterOptions{Dir: dir, Masters: 3, Replicas: replicas, Args: aof})
		rs := &redisSetup{servers: srvs, dir: dir,
			describe: fmt.Sprintf("a private cluster of 3 primaries with %d replica(s) each, appendfsync %s", replicas, fsync)}
		for _, s := range srvs {
			rs.addrs = append(rs.addrs, s.Addr())
		}
		if err != nil {
			rs.stop()
			return nil, err
		}
		rs.client = redis.NewClusterClient(&redis.ClusterOptions{Addrs: rs.addrs})
		return rs, nil
	}
	return nil, fmt.Errorf("-topology %q: want external, single or cluster", topology)
}

// yaml is the gateways' redis section (indented two spaces).
// auto_pipelining is written only to turn it off, and durability only when
// it is not none, so that binaries older than those settings (the "before"
// of BENCHMARKS.md) accept the config.
func (r *redisSetup) yaml(durability string, pipelining bool) string {
	var b strings.Builder
	if len(r.addrs) > 0 {
		fmt.Fprintf(&b, "  mode: cluster\n  addrs: [%s]", strings.Join(r.addrs, ", "))
	} else {
		fmt.Fprintf(&b, "  url: %q", r.url)
	}
	if durability != "none" {
		fmt.Fprintf(&b, "\n  durability: %q", durability)
	}
	if !pipelining {
		b.WriteString("\n  auto_pipelining: false")
	}
	return b.String()
}

// stop closes the client and stops the servers this run started.
func (r *redisSetup) stop() {
	if r.client != nil {
		_ = r.client.Close()
	}
	for _, s := range r.servers {
		_ = s.Stop()
	}
	if r.dir != "" {
		_ = os.RemoveAll(r.dir)
	}
}
