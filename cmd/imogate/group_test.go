package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"
)

// recorder notes the order in which parts stop.
type recorder struct {
	mu      sync.Mutex
	stopped []string
}

func (r *recorder) part(name string) part {
	return part{name: name, run: func(ctx context.Context) error {
		<-ctx.Done()
		r.mu.Lock()
		defer r.mu.Unlock()
		r.stopped = append(r.stopped, name)
		return nil
	}}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestRunGroupStopsInReverseOrder: on the signal, the last part given (the
// server) stops first and the first (the batcher) last, each only after the
// ones after it have returned.
func TestRunGroupStopsInReverseOrder(t *testing.T) {
	var r recorder
	ctx, cancel := context.WithCancel(t.Context())
	names := []string{"batcher", "signature writer", "sweeper", "gateway"}
	var parts []part
	for _, n := range names {
		parts = append(parts, r.part(n))
	}
	done := make(chan error, 1)
	go func() { done <- runGroup(ctx, quietLog(), parts...) }()
	time.Sleep(20 * time.Millisecond)
	r.mu.Lock()
	if len(r.stopped) != 0 {
		t.Fatalf("parts stopped before the signal: %v", r.stopped)
	}
	r.mu.Unlock()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(names)
	slices.Reverse(want)
	if !slices.Equal(r.stopped, want) {
		t.Fatalf("stop order %v, want %v", r.stopped, want)
	}
}

// TestRunGroupPartFailure: a part that fails on its own stops the group,
// and its error is returned with its name.
func TestRunGroupPartFailure(t *testing.T) {
	var r recorder
	boom := errors.New("listen: address in use")
	parts := []part{r.part("batcher"), {name: "gateway", run: func(context.Context) error { return boom }}}
	err := runGroup(t.Context(), quietLog(), parts...)
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the gateway's error", err)
	}
	if !slices.Equal(r.stopped, []string{"batcher"}) {
		t.Fatalf("the other parts were not stopped: %v", r.stopped)
	}
}
