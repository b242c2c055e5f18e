package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/internal/redisproc"
)

// redisNode is one redis-server of the run, restartable on its port with
// its data.
type redisNode struct {
	opts redisproc.Options
	srv  *redisproc.Server

	// aof samples the size of the AOF's newest file, for the host-crash
	// model (cutting the last second of AOF after a kill).
	mu      sync.Mutex
	samples []aofSample
}

type aofSample struct {
	at   time.Time
	file string
	size int64
}

func (n *redisNode) start(ctx context.Context) error {
	srv, err := redisproc.Start(ctx, n.opts)
	if err != nil {
		return err
	}
	n.srv = srv
	return nil
}

// sampleAOF records the newest AOF file's size every 50 ms until ctx ends.
func (n *redisNode) sampleAOF(ctx context.Context) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f := newestAOF(filepath.Join(n.opts.Dir, "appendonlydir"))
		if f == "" {
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			continue
		}
		n.mu.Lock()
		n.samples = append(n.samples, aofSample{at: time.Now(), file: f, size: st.Size()})
		if len(n.samples) > 400 {
			n.samples = n.samples[len(n.samples)-200:]
		}
		n.mu.Unlock()
	}
}

// newestAOF is the incremental AOF file with the highest sequence number.
func newestAOF(dir string) string {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.incr.aof"))
	if len(matches) == 0 {
		return ""
	}
	sort.Slice(matches, func(i, j int) bool { return aofSeq(matches[i]) < aofSeq(matches[j]) })
	return matches[len(matches)-1]
}

func aofSeq(name string) int {
	parts := strings.Split(filepath.Base(name), ".")
	for i := len(parts) - 1; i >= 0; i-- {
		if n, err := strconv.Atoi(parts[i]); err == nil {
			return n
		}
	}
	return 0
}

// crashHost models a host crash after a SIGKILL: the AOF keeps only what
// was on disk `lost` before the crash (what a page cache that was never
// flushed would lose). It says what it cut.
func (n *redisNode) crashHost(lost time.Duration) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	cutoff := time.Now().Add(-lost)
	var keep *aofSample
	for i := len(n.samples) - 1; i >= 0; i-- {
		if n.samples[i].at.Before(cutoff) {
			keep = &n.samples[i]
			break
		}
	}
	if keep == nil {
		return "host crash: no AOF sample a second old (just restarted): nothing cut"
	}
	if newestAOF(filepath.Join(n.opts.Dir, "appendonlydir")) != keep.file {
		return "host crash: the AOF was rewritten within the second (a resync): nothing comparable to cut"
	}
	st, err := os.Stat(keep.file)
	if err != nil || st.Size() <= keep.size {
		return "host crash: the AOF did not grow in the last second: nothing cut"
	}
	cut := st.Size() - keep.size
	_ = os.Truncate(keep.file, keep.size)
	n.samples = nil
	return fmt.Sprintf("host crash: cut the last %d bytes (1 s) of the AOF", cut)
}

// topology is the run's Redis: one server, or a cluster of masters and
// replicas.
type topology struct {
	nodes   []*redisNode
	cluster bool
}

// startSingle starts one Redis with AOF on, fsynced always (fsync
// durability) or every second (none).
func startSingle(ctx context.Context, dir string, fsyncAlways bool) (*topology, error) {
	port, err := redisproc.FreePort()
	if err != nil {
		return nil, err
	}
	fsync := "everysec"
	if fsyncAlways {
		fsync = "always"
	}
	n := &redisNode{opts: redisproc.Options{Dir: filepath.Join(dir, "redis"), Port: port,
		Args: []string{"--appendonly", "yes", "--appendfsync", fsync, "--aof-use-rdb-preamble", "no"}}}
	if err := n.start(ctx); err != nil {
		return nil, err
	}
	go n.sampleAOF(ctx)
	return &topology{nodes: []*redisNode{n}}, nil
}

// startCluster starts masters+replicas cluster nodes (one replica per
// master), AOF on and fsynced every second, with a short node timeout so a
// killed master's replica takes over within seconds.
func startCluster(ctx context.Context, dir string, masters int) (*topology, error) {
	extra := []string{"--cluster-node-timeout", "2000", "--cluster-replica-validity-factor", "0",
		"--appendonly", "yes", "--appendfsync", "everysec"}
	srvs, err := redisproc.StartCluster(ctx, redisproc.ClusterOptions{Dir: dir, Masters: masters, Replicas: 1, Args: extra})
	if err != nil {
		for _, s := range srvs {
			_ = s.Kill()
		}
		return nil, err
	}
	t := &topology{cluster: true}
	for _, srv := range srvs {
		_, p, _ := strings.Cut(srv.Addr(), ":")
		port, _ := strconv.Atoi(p)
		// Restarted with the same arguments StartCluster gave it.
		args := append([]string{"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(srv.Dir(), "nodes.conf")}, extra...)
		n := &redisNode{opts: redisproc.Options{Dir: srv.Dir(), Port: port, Args: args}, srv: srv}
		go n.sampleAOF(ctx)
		t.nodes = append(t.nodes, n)
	}
	return t, nil
}

func (t *topology) addrs() []string {
	out := make([]string, len(t.nodes))
	for i, n := range t.nodes {
		out[i] = fmt.Sprintf("127.0.0.1:%d", n.opts.Port)
	}
	return out
}

// configYAML is the redis section of the gateways' config.
func (t *topology) configYAML(durability string) string {
	if t.cluster {
		return fmt.Sprintf("{mode: cluster, addrs: [%s], durability: %q}", strings.Join(t.addrs(), ", "), durability)
	}
	return fmt.Sprintf("{url: %q, durability: %q}", "redis://"+t.addrs()[0]+"/0", durability)
}

// client is a client of the whole topology.
func (t *topology) client() redis.UniversalClient {
	if t.cluster {
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: t.addrs(), MaxRetries: 10, MaxRetryBackoff: time.Second})
	}
	return redis.NewClient(&redis.Options{Addr: t.addrs()[0], MaxRetries: 10, MaxRetryBackoff: time.Second})
}

// waitClusterOK waits until every slot is served (cluster_state:ok, as
// every node sees it).
func (t *topology) waitClusterOK(ctx context.Context, within time.Duration) error {
	return redisproc.WaitClusterOK(ctx, t.addrs(), within)
}

// master returns a node that is a master now: in a cluster, one chosen by
// pick among the masters that own one of keys' slots (the ones taking the
// load; all masters if none is found); a single server is its own master.
func (t *topology) master(ctx context.Context, pick func(int) int, keys ...string) *redisNode {
	if !t.cluster {
		return t.nodes[0]
	}
	owners := map[string]bool{}
	cc := t.client().(*redis.ClusterClient)
	for _, k := range keys {
		if c, err := cc.MasterForKey(ctx, k); err == nil {
			owners[c.Options().Addr] = true
		}
	}
	cc.Close()
	var masters, loaded []*redisNode
	for _, n := range t.nodes {
		addr := fmt.Sprintf("127.0.0.1:%d", n.opts.Port)
		c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 300 * time.Millisecond})
		info, err := c.Info(ctx, "replication").Result()
		c.Close()
		if err == nil && strings.Contains(info, "role:master") {
			masters = append(masters, n)
			if owners[addr] {
				loaded = append(loaded, n)
			}
		}
	}
	if len(loaded) > 0 {
		masters = loaded
	}
	if len(masters) == 0 {
		return nil
	}
	return masters[pick(len(masters))]
}
