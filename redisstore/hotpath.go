package redisstore

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// hotPath sends the scripts of a paid call (reserve, commit, release, rate
// limit) to Redis. Alone, a call writes its command and waits for the reply
// on its own connection: the lowest latency. When several calls are in
// flight at once, they go through go-redis's automatic pipelining instead,
// which writes many callers' commands in one system call and reads their
// replies in one, so under load Redis and the gateway each spend far less
// time in the kernel per call. Both routes run the same scripts with the
// same atomicity; only the batching of bytes on the wire differs.
type hotPath struct {
	direct   redis.Scripter
	piped    redis.Scripter // nil: automatic pipelining is unavailable, always direct
	inflight atomic.Int32
	nPiped   atomic.Int64 // calls sent through the pipeline, for tests
}

// pipelineFrom is how many other paid-call scripts must be in flight for a
// new one to join a pipeline.
const pipelineFrom = 2

func newHotPath(rdb redis.UniversalClient, pipelining bool) *hotPath {
	h := &hotPath{direct: rdb}
	if !pipelining {
		return h
	}
	if ap, err := rdb.AutoPipeline(); err == nil {
		h.piped = ap
	}
	return h
}

// run runs a script of a paid call, pipelined when several are in flight.
// large marks calls whose arguments are big (a stored idempotent response):
// they always go direct, so as not to hold up the small ones behind them on
// the pipeline's connection.
//
// Retries: a client that loses its connection re-sends what it sent, and a
// pipeline re-sends the whole batch, so the scripts run here must be
// harmless to run twice: reserve.lua and commit.lua check for their own
// earlier run, release_hold finds nothing the second time. ratelimit.lua
// is the exception: run twice, it counts the request twice, which can only
// make a limit bite early, never let a call through unpaid.
//
// Deadlines: once a command is queued in the pipeline, its context no longer
// cancels it; the client's read and write timeouts bound how long it waits.
func (h *hotPath) run(ctx context.Context, sc *redis.Script, large bool, keys []string, args ...any) *redis.Cmd {
	n := h.inflight.Add(1)
	defer h.inflight.Add(-1)
	if h.piped != nil && n > pipelineFrom && !large {
		h.nPiped.Add(1)
		return sc.Run(ctx, h.piped, keys, args...)
	}
	return sc.Run(ctx, h.direct, keys, args...)
}

// largeArgs is the size of script arguments from which a call goes direct.
const largeArgs = 16 << 10
