package redisstore

import (
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

func newHotPath(rdb redis.UniversalClient) *hotPath {
	h := &hotPath{direct: rdb}
	if ap, err := rdb.AutoPipeline(); err == nil {
		h.piped = ap
	}
	return h
}

// acquire returns the client for one script call; the caller calls done when
// the reply is in.
func (h *hotPath) acquire() (c redis.Scripter, done func()) {
	n := h.inflight.Add(1)
	if h.piped != nil && n > pipelineFrom {
		h.nPiped.Add(1)
		return h.piped, h.release
	}
	return h.direct, h.release
}

func (h *hotPath) release() { h.inflight.Add(-1) }
