package redisproc

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ClusterOptions configure a Redis Cluster of loopback servers.
type ClusterOptions struct {
	// Dir holds one subdirectory per node (0, 1, …). Required.
	Dir string
	// Masters is the number of primaries. Default 3 (the least redis-cli
	// accepts).
	Masters int
	// Replicas is the number of replicas per primary. Default 0.
	Replicas int
	// Args are extra redis-server arguments for every node (AOF settings,
	// --cluster-node-timeout, …).
	Args []string
}

// StartCluster starts Masters×(1+Replicas) cluster-enabled servers, joins
// them with redis-cli --cluster create and waits until every node reports
// cluster_state:ok. It returns the servers in start order (the first
// Masters are the primaries); on an error, the servers already started are
// returned too, for the caller to stop.
func StartCluster(ctx context.Context, o ClusterOptions) ([]*Server, error) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		return nil, errors.New("redis-cli is not installed (apt-get install redis-tools)")
	}
	if o.Masters == 0 {
		o.Masters = 3
	}
	var servers []*Server
	var addrs []string
	for i := 0; i < o.Masters*(1+o.Replicas); i++ {
		nd := filepath.Join(o.Dir, strconv.Itoa(i))
		args := append([]string{"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(nd, "nodes.conf")}, o.Args...)
		srv, err := Start(ctx, Options{Dir: nd, Args: args})
		if err != nil {
			return servers, err
		}
		servers = append(servers, srv)
		addrs = append(addrs, srv.Addr())
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(o.Replicas), "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		return servers, fmt.Errorf("redis-cli --cluster create: %v: %s", err, out)
	}
	return servers, WaitClusterOK(ctx, addrs, 30*time.Second)
}

// WaitClusterOK waits until every node at addrs reports cluster_state:ok.
func WaitClusterOK(ctx context.Context, addrs []string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		bad := ""
		for _, a := range addrs {
			c := redis.NewClient(&redis.Options{Addr: a, MaxRetries: -1, DialTimeout: 300 * time.Millisecond})
			info, err := c.ClusterInfo(ctx).Result()
			c.Close()
			if err != nil || !strings.Contains(info, "cluster_state:ok") {
				bad = a
				break
			}
		}
		if bad == "" {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the cluster did not reach cluster_state:ok within %s (%s is not ok)", within, bad)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
