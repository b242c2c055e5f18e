package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/imogate/imogate/metering"
)

// account is an API key with the model it was credited for.
type account struct {
	id, secret, model string
}

// callRecord is what a client knows of one logical call (all its attempts
// share one Idempotency-Key).
type callRecord struct {
	key      string
	model    string
	stream   bool
	attempts int
	// receipt is the receipt the client holds (nil: none).
	receipt *metering.SignedReceipt
	// rids are the receipt ids the gateway named (Imogate-Receipt-Id) on
	// every attempt, for calls whose answer never carried the receipt.
	rids []string
	// content is true if any generated content reached the client.
	content bool
	last    string // the last status or error
}

// load sends paid calls from workers to random gateways until ctx ends,
// retrying each call with its Idempotency-Key on errors, as clients do.
type load struct {
	gateways []string
	accounts []account
	client   *http.Client

	mu    sync.Mutex
	calls []*callRecord
}

func (l *load) run(ctx context.Context, workers int, streamShare float64) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				acct := l.accounts[rand.IntN(len(l.accounts))]
				rec := &callRecord{key: fmt.Sprintf("chaos-%d-%d-%d", w, n, rand.Int64()), model: acct.model, stream: rand.Float64() < streamShare}
				l.call(ctx, acct, rec)
				l.mu.Lock()
				l.calls = append(l.calls, rec)
				l.mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// call makes one logical call: up to 12 attempts over about 40 s while it
// gets no definite answer (a gateway down, 409 while the first attempt is
// still held, 503 while the store fails over).
func (l *load) call(ctx context.Context, acct account, rec *callRecord) {
	body, _ := json.Marshal(map[string]any{"model": acct.model, "stream": rec.stream, "max_tokens": 24,
		"messages": []any{map[string]any{"role": "user", "content": "chaos " + rec.key}}})
	for attempt := 0; attempt < 12; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(min(attempt*400, 4000)) * time.Millisecond)
		}
		rec.attempts++
		gw := l.gateways[rand.IntN(len(l.gateways))]
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		done := l.attempt(actx, gw, acct, body, rec)
		cancel()
		if done {
			return
		}
	}
}

// attempt makes one HTTP attempt; done is true when the answer is final
// (a receipt, or a definite refusal).
func (l *load) attempt(ctx context.Context, gw string, acct account, body []byte, rec *callRecord) bool {
	req, _ := http.NewRequestWithContext(ctx, "POST", gw+"/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+acct.secret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", rec.key)
	resp, err := l.client.Do(req)
	if err != nil {
		rec.last = "error: " + err.Error()
		return false
	}
	defer resp.Body.Close()
	if rid := resp.Header.Get("Imogate-Receipt-Id"); rid != "" {
		rec.rids = append(rec.rids, rid)
	}
	rec.last = resp.Status
	switch {
	case resp.StatusCode == 200 && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream"):
		return l.readStream(resp.Body, rec)
	case resp.StatusCode == 200:
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return false
		}
		if strings.Contains(string(b), `"content"`) {
			rec.content = true
		}
		rc, err := metering.ParseHeader(resp.Header.Get("Imogate-Receipt"))
		if err != nil {
			rec.last = "200 without a receipt"
			return false
		}
		rec.receipt = &rc
		return true
	case resp.StatusCode == 402 || resp.StatusCode == 400 || resp.StatusCode == 422:
		return true // definite refusals: nothing charged
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return false
}

// readStream reads an SSE answer; done when it ended with the receipt.
func (l *load) readStream(r io.Reader, rec *callRecord) bool {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var ev struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
			Receipt json.RawMessage `json:"receipt"`
		}
		if json.Unmarshal([]byte(data), &ev) != nil {
			continue
		}
		for _, c := range ev.Choices {
			if c.Delta.Content != "" {
				rec.content = true
			}
		}
		if len(ev.Receipt) > 0 {
			var rc metering.SignedReceipt
			if rc.UnmarshalJSON(ev.Receipt) == nil {
				rec.receipt = &rc
			}
		}
	}
	return rec.receipt != nil
}

// snapshot returns the calls made so far.
func (l *load) snapshot() []*callRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*callRecord(nil), l.calls...)
}
