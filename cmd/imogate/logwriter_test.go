package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the writer's goroutine and the test.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
func (s *syncBuffer) Writes() int    { s.mu.Lock(); defer s.mu.Unlock(); return s.writes }

func TestLogWriterBatchesAndFlushes(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out, time.Hour) // no periodic flush during the test
	log := slog.New(flushingHandler{slog.NewJSONHandler(w, nil), w})
	for i := range 100 {
		log.Info("request", "n", i)
	}
	if out.Writes() != 0 {
		t.Fatalf("%d writes for 100 info lines before any flush, want 0 (batched)", out.Writes())
	}
	log.Warn("problem")
	if n := strings.Count(out.String(), "\n"); n != 101 || out.Writes() != 1 {
		t.Fatalf("after a warning: %d lines in %d writes, want 101 in 1 (the warning flushes)", n, out.Writes())
	}
	log.Info("last")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 102 || !strings.Contains(lines[101], `"last"`) {
		t.Fatalf("after Close: %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	log.Info("after close")
	if !strings.Contains(out.String(), "after close") {
		t.Fatal("a line logged after Close was held back")
	}
	lines = strings.Split(strings.TrimSpace(out.String()), "\n")
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d is not JSON: %q", i, l)
		}
	}
}

func TestLogWriterPeriodicFlush(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out, 20*time.Millisecond)
	defer w.Close()
	fmt.Fprintln(w, `{"msg":"one"}`)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "one") {
		if time.Now().After(deadline) {
			t.Fatal("an info line was not written within 5 s by the periodic flush")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLogWriterFlushesWhenFull(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out, time.Hour)
	line := strings.Repeat("x", 1000) + "\n"
	for range logBufferLimit/len(line) + 1 {
		w.Write([]byte(line))
	}
	if out.Writes() != 1 {
		t.Fatalf("%d writes after more than %d bytes, want 1", out.Writes(), logBufferLimit)
	}
	w.Close()
}

// TestLogWriterConcurrentLinesStayWhole logs from many goroutines and
// requires every line to come out whole.
func TestLogWriterConcurrentLinesStayWhole(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out, time.Millisecond)
	log := slog.New(flushingHandler{slog.NewJSONHandler(w, nil), w})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				log.Info("request", "g", g, "i", i, "pad", strings.Repeat("p", i%200))
			}
		})
	}
	wg.Wait()
	w.Close()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4000 {
		t.Fatalf("%d lines, want 4000", len(lines))
	}
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d is not whole JSON: %q", i, l)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLogWriterReportsWriteErrors(t *testing.T) {
	w := newLogWriter(failingWriter{}, time.Hour)
	w.Write([]byte("x\n"))
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v, want the write error", err)
	}
}
