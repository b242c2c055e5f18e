package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"golang.org/x/sync/errgroup"
)

// part is one long-running piece of a process (the gateway's server, its
// sweeper and signature writer, the batcher). run returns when its context
// ends, after stopping cleanly, or earlier on a failure.
type part struct {
	name string
	run  func(ctx context.Context) error
}

// runGroup runs parts until ctx ends or one of them returns, then stops
// them one at a time in the reverse of the order given: each part's context
// is cancelled only once every part after it has returned. So the server
// given last stops first (finishing in-flight calls, which still need the
// sweeper, the signature writer and Redis), and the batcher given first
// stops last. It returns the parts' errors joined.
func runGroup(ctx context.Context, log *slog.Logger, parts ...part) error {
	var g errgroup.Group
	cancels := make([]context.CancelFunc, len(parts))
	done := make([]chan struct{}, len(parts))
	errs := make([]error, len(parts))
	ended := make(chan string, len(parts))
	for i, p := range parts {
		// Each part's context is cut from ctx's cancellation: runGroup
		// decides when each one stops.
		pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cancels[i], done[i] = cancel, make(chan struct{})
		g.Go(func() error {
			defer close(done[i])
			errs[i] = p.run(pctx)
			ended <- p.name
			return nil
		})
	}
	select {
	case <-ctx.Done():
	case name := <-ended:
		log.Warn("a part of the process stopped on its own; stopping the rest", "part", name)
	}
	for i := len(parts) - 1; i >= 0; i-- {
		cancels[i]()
		<-done[i]
		if errs[i] != nil && !errors.Is(errs[i], context.Canceled) {
			log.Error("stopped with an error", "part", parts[i].name, "err", errs[i])
		} else {
			log.Info("stopped", "part", parts[i].name)
		}
	}
	_ = g.Wait()
	var failed []error
	for i, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			failed = append(failed, fmt.Errorf("%s: %w", parts[i].name, err))
		}
	}
	return errors.Join(failed...)
}
