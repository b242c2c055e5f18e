package gateway

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/imogate/imogate/metering"
)

// sigWriter stores receipt signatures behind the hot path: signatures are
// queued and written in pipelined batches, so a paid call costs two Redis
// round trips (reserve, commit) instead of three. A signature lost in a crash
// (or never written) is recomputed on read: signing is deterministic and the
// log records which signer the receipt was issued under. It writes only
// while Server.RunSignatureWriter runs.
type sigWriter struct {
	store interface {
		SetSignatures(ctx context.Context, ws []metering.SignatureWrite) error
	}
	log *slog.Logger

	mu      sync.Mutex
	pending []metering.SignatureWrite
	wake    chan struct{}
}

func newSigWriter(store ReceiptLog, log *slog.Logger) *sigWriter {
	return &sigWriter{store: store, log: log, wake: make(chan struct{}, 1)}
}

func (w *sigWriter) add(sw metering.SignatureWrite) {
	w.mu.Lock()
	w.pending = append(w.pending, sw)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run writes queued signatures until ctx ends, then writes what is left.
func (w *sigWriter) run(ctx context.Context) {
	for {
		select {
		case <-w.wake:
		case <-ctx.Done():
			w.flush()
			return
		}
		w.flush()
		// Let the next batch gather for a moment: under load this turns
		// thousands of tiny round trips a second into a few hundred.
		select {
		case <-time.After(sigGather):
		case <-ctx.Done():
		}
	}
}

// sigGather is the least time between two signature batches.
const sigGather = 2 * time.Millisecond

// flush writes what is queued. It runs under a context of its own: the
// last flush happens after the writer's context has ended.
func (w *sigWriter) flush() {
	w.mu.Lock()
	batch := w.pending
	w.pending = nil
	w.mu.Unlock()
	for len(batch) > 0 {
		n := min(len(batch), 1000)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := w.store.SetSignatures(ctx, batch[:n]); err != nil {
			w.log.Warn("storing receipt signatures failed; they are recomputed when read", "count", n, "err", err)
		}
		cancel()
		batch = batch[n:]
	}
}
