package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/metering"
)

// Durability is when a commit counts as durable: none (Redis has it in
// memory), fsync (the primaries write and fsync their AOF before they reply,
// checked by CheckDurability) or Replicas > 0 (each commit is followed by
// WAIT Replicas on the same connection).
type Durability struct {
	Replicas int
	Timeout  time.Duration // each WAIT's; zero means 1s
}

// WithDurability sets the store's durability (see Durability).
func WithDurability(d Durability) Option { return func(o *storeOptions) { o.durability = d } }

// ErrNotDurable: a commit ran but fewer replicas than required acknowledged
// it within the timeout. Committing again is safe: it answers with the same
// receipt and waits again.
var ErrNotDurable = errors.New("the commit is not yet on the required replicas")

// commitDurably runs the commit script and then WAIT on the one connection
// of the primary that owns the model's slot: WAIT acknowledges the writes of
// its connection. A small write before WAIT moves the connection's
// replication offset to now, so a repeated commit (which writes nothing:
// it answers DUP) also waits for the first commit's writes to replicate.
func (s *Store) commitDurably(ctx context.Context, keys []string, args ...any) (*redis.Cmd, error) {
	node, err := s.primaryFor(ctx, keys[0])
	if err != nil {
		return nil, err
	}
	timeout := s.durability.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	run := func(eval bool) (*redis.Cmd, *redis.Cmd, error) {
		p := node.Pipeline()
		var cmd *redis.Cmd
		if eval {
			cmd = commitScript.Eval(ctx, p, keys, args...)
		} else {
			cmd = commitScript.EvalSha(ctx, p, keys, args...)
		}
		p.Set(ctx, keys[3]+":wait", strconv.FormatInt(s.now().UnixMilli(), 10), time.Hour) // same slot as the seq key
		wait := p.Do(ctx, "WAIT", s.durability.Replicas, timeout.Milliseconds())
		_, err := p.Exec(ctx)
		return cmd, wait, err
	}
	cmd, wait, err := run(false)
	if err != nil && redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd, wait, err = run(true) // the script cache was flushed (a restart)
	}
	if cmd.Err() != nil {
		return cmd, cmd.Err()
	}
	if err != nil {
		return cmd, err
	}
	if n, _ := wait.Int64(); n < int64(s.durability.Replicas) {
		return cmd, fmt.Errorf("%w: %d of %d replicas within %s", ErrNotDurable, n, s.durability.Replicas, timeout)
	}
	return cmd, nil
}

// primaryFor is the client of the primary that owns key's slot: the
// cluster's node for it, or the client itself.
func (s *Store) primaryFor(ctx context.Context, key string) (*redis.Client, error) {
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		return c.MasterForKey(ctx, key)
	case *redis.Client:
		return c, nil
	}
	return nil, fmt.Errorf("durability with replicas needs a *redis.Client or *redis.ClusterClient, not %T", s.rdb)
}

// CheckDurability checks that Redis can give the durability asked for:
// with fsync, every primary must run appendonly yes with appendfsync
// always (refused otherwise); with replicas, every primary should have at
// least that many replicas connected (returned as warnings: a replica may
// be restarting). It reads CONFIG and INFO, which some managed Redis
// services disable: then it says so.
func CheckDurability(ctx context.Context, rdb redis.UniversalClient, fsync bool, replicas int) (warnings []string, err error) {
	var problems []string
	check := func(ctx context.Context, c *redis.Client) error {
		addr := c.Options().Addr
		if fsync {
			cfg, err := c.ConfigGet(ctx, "append*").Result()
			if err != nil {
				return fmt.Errorf("read the AOF settings of %s (CONFIG GET): %w", addr, err)
			}
			if cfg["appendonly"] != "yes" || cfg["appendfsync"] != "always" {
				problems = append(problems, fmt.Sprintf("%s runs appendonly %s, appendfsync %s; durability fsync needs appendonly yes and appendfsync always",
					addr, cfg["appendonly"], cfg["appendfsync"]))
			}
		}
		if replicas > 0 {
			info, err := c.Info(ctx, "replication").Result()
			if err != nil {
				return fmt.Errorf("read the replication of %s (INFO): %w", addr, err)
			}
			n := 0
			for _, line := range strings.Split(info, "\n") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), "connected_slaves:"); ok {
					n, _ = strconv.Atoi(v)
				}
			}
			if n < replicas {
				warnings = append(warnings, fmt.Sprintf("%s has %d replicas connected; durability replicas:%d answers every paid call 503 charge_unconfirmed until it has %d",
					addr, n, replicas, replicas))
			}
		}
		return nil
	}
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, check)
	case *redis.Client:
		err = check(ctx, c)
	default:
		err = fmt.Errorf("cannot check the durability of a %T", rdb)
	}
	if err != nil {
		return warnings, err
	}
	if len(problems) > 0 {
		return warnings, fmt.Errorf("%w: %s", metering.ErrNotDurableConfig, strings.Join(problems, "; "))
	}
	return warnings, nil
}

// unavailable marks errors after which the store did not answer (the
// network, a timeout, a server loading its data, restarting or failing
// over) with metering.ErrStoreUnavailable; a Redis error reply of a script
// is returned as is.
func unavailable(err error) error {
	if err == nil || errors.Is(err, metering.ErrStoreUnavailable) {
		return err
	}
	var re redis.Error
	if errors.As(err, &re) {
		msg := re.Error()
		for _, p := range []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "NOREPLICAS", "BUSY"} {
			if strings.HasPrefix(msg, p) {
				return fmt.Errorf("%w: %w", metering.ErrStoreUnavailable, err)
			}
		}
		return err
	}
	return fmt.Errorf("%w: %w", metering.ErrStoreUnavailable, err)
}
