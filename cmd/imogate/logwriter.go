package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// logWriter holds log lines in memory and writes them in batches: every
// flushInterval, when logBufferLimit bytes are waiting, and on Flush or
// Close. A gateway logs one line per request, and one write system call per
// line is a measurable share of a paid call's CPU under load (see
// BENCHMARKS.md); batched, thousands of lines cost a few writes a second.
// Warnings and errors are flushed at once (see newLogger), so only info and
// debug lines can wait, at most flushInterval; those are lost if the process
// dies without exiting (SIGKILL, an uncaught signal). It is safe for
// concurrent use.
type logWriter struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	closed bool  // after Close, lines are written at once
	err    error // the first write error, reported by Flush and Close
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

// Log buffering: how long a line may wait, and how much may wait.
const (
	flushInterval  = 100 * time.Millisecond
	logBufferLimit = 64 << 10
)

func newLogWriter(w io.Writer, interval time.Duration) *logWriter {
	l := &logWriter{w: w, buf: make([]byte, 0, logBufferLimit), stop: make(chan struct{}), done: make(chan struct{})}
	go l.run(interval)
	return l
}

func (l *logWriter) run(interval time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = l.Flush()
		case <-l.stop:
			return
		}
	}
}

// Write queues p (one log line from slog's handler) and writes the queue
// out when it is full.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if l.closed || len(l.buf) >= logBufferLimit {
		l.flushLocked()
	}
	return len(p), nil
}

// Flush writes every queued line.
func (l *logWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
	return l.err
}

func (l *logWriter) flushLocked() {
	if len(l.buf) == 0 {
		return
	}
	if _, err := l.w.Write(l.buf); err != nil && l.err == nil {
		l.err = err
	}
	l.buf = l.buf[:0]
}

// Close stops the periodic flush and writes what is queued; lines written
// after it (by goroutines still winding down) go out at once.
func (l *logWriter) Close() error {
	l.once.Do(func() { close(l.stop) })
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.flushLocked()
	return l.err
}

// flushingHandler flushes the log writer after every record at or above
// Warn, so that problems reach the log at once.
type flushingHandler struct {
	slog.Handler
	w *logWriter
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(as), h.w}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.w}
}

// newLogger returns the binary's JSON logger on stderr at level and the
// function that flushes it, to call before exiting. Unless unbuffered, lines
// below Warn are batched (logWriter).
func newLogger(level string, unbuffered bool) (*slog.Logger, func()) {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if unbuffered {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), func() {}
	}
	w := newLogWriter(os.Stderr, flushInterval)
	return slog.New(flushingHandler{slog.NewJSONHandler(w, opts), w}), func() { _ = w.Close() }
}
