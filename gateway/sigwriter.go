package gateway

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

// sigWriter stores receipt signatures behind the hot path: signatures are
// queued and written in pipelined batches, so a paid call costs two Redis
// round trips (reserve, commit) instead of three. A signature lost in a crash
// is recomputed on read: signing is deterministic and the log records which
// signer the receipt was issued under.
type sigWriter struct {
	store *redisstore.Store
	log   *slog.Logger

	mu      sync.Mutex
	pending []metering.SignatureWrite
	wake    chan struct{}
	done    chan struct{}
	stop    chan struct{}
	once    sync.Once
}

func newSigWriter(store *redisstore.Store, log *slog.Logger) *sigWriter {
	w := &sigWriter{store: store, log: log, wake: make(chan struct{}, 1), done: make(chan struct{}), stop: make(chan struct{})}
	go w.run()
	return w
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

func (w *sigWriter) run() {
	defer close(w.done)
	for {
		select {
		case <-w.wake:
		case <-w.stop:
			w.flush()
			return
		}
		w.flush()
		// Let the next batch gather for a moment: under load this turns
		// thousands of tiny round trips a second into a few hundred.
		select {
		case <-time.After(sigGather):
		case <-w.stop:
		}
	}
}

// sigGather is the least time between two signature batches.
const sigGather = 2 * time.Millisecond

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

// close writes what is queued and stops the writer.
func (w *sigWriter) close() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}
