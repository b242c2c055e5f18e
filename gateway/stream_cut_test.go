package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// scriptedBackend streams `chunks` content chunks, then ends with `end`
// (nil: a normal finish with a usage chunk). usage is what Usage reports
// (the upstream's running count, or nothing).
type scriptedBackend struct {
	chunks []string
	end    error
	usage  func(sent int) inference.Usage
	gap    time.Duration
}

func (b *scriptedBackend) Complete(context.Context, inference.Request) (*inference.Response, error) {
	return nil, &inference.UpstreamError{Status: 500, Message: "not used"}
}

func (b *scriptedBackend) Stream(ctx context.Context, _ inference.Request) (inference.Stream, error) {
	return &scripted{b: b, ctx: ctx}, nil
}

type scripted struct {
	b    *scriptedBackend
	ctx  context.Context
	sent int
	done bool
}

func (s *scripted) Next() (inference.Event, error) {
	if s.sent > 0 && s.b.gap > 0 {
		select {
		case <-s.ctx.Done():
			return inference.Event{}, fmt.Errorf("%w: %v", inference.ErrTimeout, s.ctx.Err())
		case <-time.After(s.b.gap):
		}
	}
	if s.sent < len(s.b.chunks) {
		c := s.b.chunks[s.sent]
		s.sent++
		d, _ := json.Marshal(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": "up",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": c}, "finish_reason": nil}}})
		return inference.Event{Data: d}, nil
	}
	if s.b.end != nil {
		return inference.Event{}, s.b.end
	}
	if !s.done {
		s.done = true
		u := s.Usage()
		d, _ := json.Marshal(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": "up", "choices": []any{},
			"usage": map[string]any{"prompt_tokens": u.PromptTokens, "completion_tokens": u.CompletionTokens}})
		return inference.Event{Data: d}, nil
	}
	return inference.Event{}, io.EOF
}

func (s *scripted) Usage() inference.Usage {
	if s.b.usage == nil {
		return inference.Usage{}
	}
	return s.b.usage(s.sent)
}

func (s *scripted) Close() error { return nil }

// sse reads a whole SSE body into its data payloads.
func sse(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

// TestStreamCutAfterContentIsCharged: once content has reached the client,
// an upstream error or timeout ends the stream in a committed receipt for
// what was delivered (the receipt chunk, then a stream_interrupted error
// event); before any content, the hold is released and nothing is charged.
func TestStreamCutAfterContentIsCharged(t *testing.T) {
	price := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}
	words := []string{"one", " two", " three", " four"}
	running := func(sent int) inference.Usage {
		return inference.Usage{PromptTokens: 9, CompletionTokens: uint32(sent), Reported: true}
	}
	tests := []struct {
		name    string
		b       *scriptedBackend
		charged bool
		ct      uint32 // completion tokens on the receipt
		code    string // the error event's code
	}{
		{"upstream error after content, running usage", &scriptedBackend{chunks: words, end: &inference.UpstreamError{Status: 500, Message: "boom"}, usage: running},
			true, 4, "stream_interrupted"},
		{"upstream timeout after content, no usage at all", &scriptedBackend{chunks: words, end: fmt.Errorf("%w: deadline", inference.ErrTimeout)},
			true, 4 /* the demo tokenizer counts "one two three four" as 4 */, "stream_interrupted"},
		{"upstream that under-reports: never below the pieces delivered", &scriptedBackend{chunks: words, end: &inference.UpstreamError{Status: 502},
			usage: func(int) inference.Usage { return inference.Usage{PromptTokens: 9, Reported: true} }},
			true, 4, "stream_interrupted"},
		{"upstream error before content", &scriptedBackend{end: &inference.UpstreamError{Status: 500, Message: "boom"}},
			false, 0, "upstream_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withBackend(tt.b), withPrice(price))
			acct, secret := e.key(1_000_000_000, apikey.Key{})
			resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "count", map[string]any{"stream": true}), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			events := sse(t, body)
			last := events[len(events)-2] // before [DONE]
			if !strings.Contains(last, `"code":"`+tt.code+`"`) {
				t.Fatalf("last event %s, want code %s", last, tt.code)
			}
			rid := resp.Header.Get(gateway.HeaderReceiptID)
			lr, err := e.store.ReceiptByID(t.Context(), e.model.Token, commonHash(rid))
			if !tt.charged {
				if err == nil || e.balance(acct) != 1_000_000_000 {
					t.Fatalf("nothing was delivered, yet a receipt (%v) or a charge (balance %d)", err, e.balance(acct))
				}
				if strings.Contains(string(body), `"receipt"`) {
					t.Fatal("a receipt chunk for a call that was not charged")
				}
				return
			}
			if err != nil {
				t.Fatalf("content was delivered but no receipt: %v", err)
			}
			if lr.CompletionTokens != tt.ct {
				t.Fatalf("receipt completion tokens %d, want %d", lr.CompletionTokens, tt.ct)
			}
			want, _ := price.Fee(uint64(lr.PromptTokens), uint64(lr.CompletionTokens))
			if lr.Fee.Int64() != want || e.balance(acct) != 1_000_000_000-want {
				t.Fatalf("fee %s (price of its tokens %d), balance %d", lr.Fee, want, e.balance(acct))
			}
			// The receipt chunk came before the error, with the receipt.
			var final struct {
				Receipt metering.SignedReceipt `json:"receipt"`
			}
			if err := json.Unmarshal([]byte(events[len(events)-3]), &final); err != nil || final.Receipt.ID.Hex() != rid {
				t.Fatalf("no receipt chunk before the error: %s", events[len(events)-3])
			}
			if !strings.Contains(last, rid) || strings.Contains(last, "not charged") {
				t.Fatalf("the error event must name the receipt and not claim no charge: %s", last)
			}
		})
	}
}

// TestShutdownCutsStreamsAndChargesWhatWasDelivered: a shutdown that runs
// out of time cuts the streams still running; each ends in a receipt for
// what it delivered.
func TestShutdownCutsStreamsAndChargesWhatWasDelivered(t *testing.T) {
	b := &scriptedBackend{chunks: strings.Split("a b c d e f g h i j k l m n o p q r s t", " "), gap: 100 * time.Millisecond,
		usage: func(sent int) inference.Usage {
			return inference.Usage{PromptTokens: 3, CompletionTokens: uint32(sent), Reported: true}
		}}
	e := newEnv(t, withBackend(b), withTimeout(time.Minute))
	e.listen()
	acct, secret := e.key(1_000_000_000, apikey.Key{})
	resp := e.openStream(secret, "x")
	defer resp.Body.Close()
	rid := resp.Header.Get(gateway.HeaderReceiptID)
	time.Sleep(350 * time.Millisecond) // a few chunks delivered
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err == nil {
		t.Fatal("Shutdown reported no cut stream")
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"shutting down`) && !strings.Contains(string(body), "the gateway is shutting down") {
		t.Fatalf("the stream does not say it was cut by the shutdown: %s", body)
	}
	lr, err := e.store.ReceiptByID(t.Context(), e.model.Token, commonHash(rid))
	if err != nil {
		t.Fatalf("no receipt for the cut stream: %v", err)
	}
	if lr.CompletionTokens == 0 || lr.CompletionTokens >= 20 {
		t.Fatalf("charged %d completion tokens; some but not all were delivered", lr.CompletionTokens)
	}
	if e.balance(acct) != 1_000_000_000-lr.Fee.Int64() {
		t.Fatalf("balance %d, fee %s", e.balance(acct), lr.Fee)
	}
}

// TestStalledReaderIsCharged: a client that stops reading a stream for
// longer than its credit hold would live cannot take the content free: the
// hold is kept alive while the stream runs, so when the stream ends it is
// charged, however long the client stalled.
func TestStalledReaderIsCharged(t *testing.T) {
	big := strings.Repeat("x", 64<<10)
	chunks := make([]string, 300) // ~19 MB: far more than socket buffers hold
	for i := range chunks {
		chunks[i] = big
	}
	b := &scriptedBackend{chunks: chunks,
		usage: func(sent int) inference.Usage {
			return inference.Usage{PromptTokens: 3, CompletionTokens: uint32(sent), Reported: true}
		}}
	e := newEnv(t, withBackend(b), withTimeout(time.Second), func(c *gateway.Config) { c.ReservationTTL = time.Second })
	e.listen()
	sctx, stopSweep := context.WithCancel(context.Background())
	swept := make(chan struct{})
	go func() { defer close(swept); e.srv.RunSweeper(sctx, 100*time.Millisecond) }()
	t.Cleanup(func() { stopSweep(); <-swept })
	acct, secret := e.key(1_000_000_000, apikey.Key{})
	resp := e.openStream(secret, "x")
	defer resp.Body.Close()
	rid := resp.Header.Get(gateway.HeaderReceiptID)
	buf := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	// Stall for longer than the hold would live without the keepalive
	// (the model's 1 s timeout plus the 1 s grace), while the sweeper runs.
	time.Sleep(4 * time.Second)
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	var lr metering.LoggedReceipt
	var err error
	waitUntil := time.Now().Add(3 * time.Second)
	for {
		lr, err = e.store.ReceiptByID(t.Context(), e.model.Token, commonHash(rid))
		if err == nil || time.Now().After(waitUntil) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("a stalled reader's stream has no receipt: %v", err)
	}
	if lr.CompletionTokens == 0 {
		t.Fatalf("charged %d completion tokens", lr.CompletionTokens)
	}
	if e.balance(acct) != 1_000_000_000-lr.Fee.Int64() {
		t.Fatalf("balance %d, fee %s", e.balance(acct), lr.Fee)
	}
}

// TestReplayOfACutStream: a stream cut after content, retried with its
// Idempotency-Key, replays what was delivered and its receipt, charging
// nothing more.
func TestReplayOfACutStream(t *testing.T) {
	b := &scriptedBackend{chunks: []string{"one", " two"}, end: &inference.UpstreamError{Status: 500, Message: "boom"},
		usage: func(sent int) inference.Usage {
			return inference.Usage{PromptTokens: 3, CompletionTokens: uint32(sent), Reported: true}
		}}
	e := newEnv(t, withBackend(b))
	acct, secret := e.key(1_000_000_000, apikey.Key{})
	hdr := map[string]string{gateway.HeaderIdemKey: "cut-1"}
	body := chatBody("demo", "x", map[string]any{"stream": true})
	resp, first := e.do("POST", "/v1/chat/completions", secret, body, hdr)
	if resp.StatusCode != 200 || !strings.Contains(string(first), "stream_interrupted") {
		t.Fatalf("%d %s", resp.StatusCode, first)
	}
	charged := e.balance(acct)
	resp, again := e.do("POST", "/v1/chat/completions", secret, body, hdr)
	if resp.StatusCode != 200 || resp.Header.Get(gateway.HeaderReplayed) != "true" {
		t.Fatalf("replay: %d %s", resp.StatusCode, again)
	}
	if !strings.Contains(string(again), `"content":"one"`) || !strings.Contains(string(again), `"receipt"`) {
		t.Fatalf("the replay lacks the delivered content or the receipt: %s", again)
	}
	if e.balance(acct) != charged {
		t.Fatal("the replay charged again")
	}
}
