package gateway_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/metering"
)

func TestChatCompletionChargesAndSigns(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000, apikey.Key{})
	body := chatBody("demo", "hello there", nil)
	resp, b := e.do("POST", "/v1/chat/completions", secret, body, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	rc := e.receiptOf(resp)
	if resp.Header.Get(gateway.HeaderReceiptID) != rc.ID.Hex() {
		t.Fatal("Imogate-Receipt-Id differs from the receipt's id")
	}
	var out struct {
		Model   string `json:"model"`
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
		Usage struct {
			PromptTokens     uint32 `json:"prompt_tokens"`
			CompletionTokens uint32 `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Model != "demo" || !strings.HasPrefix(out.Choices[0].Message.Content, demo.Label) {
		t.Fatalf("response %s", b)
	}
	wantFee, _ := e.model.Price.Fee(uint64(out.Usage.PromptTokens), uint64(out.Usage.CompletionTokens))
	switch {
	case rc.Fee.Int64() != wantFee:
		t.Fatalf("fee %s, want %d", rc.Fee, wantFee)
	case rc.PromptTokens != out.Usage.PromptTokens || rc.CompletionTokens != out.Usage.CompletionTokens:
		t.Fatal("receipt tokens differ from the response's usage")
	case rc.RequestHash != crypto.Keccak256Hash(body):
		t.Fatal("requestHash is not keccak256 of the request body")
	case rc.ResponseHash != crypto.Keccak256Hash(b):
		t.Fatal("responseHash is not keccak256 of the response body")
	case rc.Payer != metering.PayerOf(acct) || rc.Model != e.model.Token || rc.Seq != 1:
		t.Fatalf("receipt identity fields wrong: %+v", rc.Receipt)
	}
	if got := e.balance(acct); got != 1_000_000-wantFee {
		t.Fatalf("balance %d, want %d", got, 1_000_000-wantFee)
	}
	if e.openHolds() != 0 {
		t.Fatal("a hold is left open")
	}
	// The receipt is served to its holder, identical.
	r2, b2 := e.do("GET", "/v1/receipts/"+rc.ID.Hex(), secret, nil, nil)
	if r2.StatusCode != 200 {
		t.Fatalf("get receipt: %d %s", r2.StatusCode, b2)
	}
	want, _ := json.Marshal(rc)
	if !bytes.Equal(bytes.TrimSpace(b2), want) {
		t.Fatalf("served receipt differs:\n%s\n%s", b2, want)
	}
}

func TestReceiptVisibility(t *testing.T) {
	e := newEnv(t)
	_, payer := e.key(1_000_000, apikey.Key{})
	_, other := e.key(1_000_000, apikey.Key{})
	_, owner := e.key(0, apikey.Key{Role: apikey.RoleOwner, Models: []string{"demo"}})
	_, otherOwner := e.key(0, apikey.Key{Role: apikey.RoleOwner, Models: []string{"another-model"}})
	_, auditor := e.key(0, apikey.Key{Role: apikey.RoleAuditor, Models: []string{}})
	resp, b := e.do("POST", "/v1/chat/completions", payer, chatBody("demo", "x", nil), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	id := resp.Header.Get(gateway.HeaderReceiptID)
	for _, tc := range []struct {
		name, secret string
		want         int
	}{
		{"payer", payer, 200}, {"another app", other, 404}, {"owner of the model", owner, 200},
		{"owner of another model", otherOwner, 404}, {"auditor", auditor, 200}, {"admin token", adminToken, 200},
		{"nobody", "", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, b := e.do("GET", "/v1/receipts/"+id, tc.secret, nil, nil)
			if r.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tc.want, b)
			}
		})
	}
	if r, _ := e.do("GET", "/v1/receipts/0x1234", payer, nil, nil); r.StatusCode != 400 {
		t.Fatalf("malformed id: %d", r.StatusCode)
	}
}

// failingUpstream is an OpenAI-compatible server that fails in a chosen way.
func failingUpstream(t *testing.T, mode string) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode {
		case "500":
			http.Error(w, `{"error":{"message":"boom"}}`, 500)
		case "400":
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"message":"bad temperature"}}`)
		case "hang":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "garbage":
			io.WriteString(w, "not json")
		}
	}))
	t.Cleanup(s.Close)
	return s.URL + "/v1"
}

// TestBadInputCostsNothing: every refused or failed call gets OpenAI's
// error shape, and no charge, no receipt, no hold (invariant 1).
func TestBadInputCostsNothing(t *testing.T) {
	type tc struct {
		name   string
		secret func(e *env) string
		body   []byte
		path   string
		hdr    map[string]string
		opts   []option
		status int
		code   string
	}
	appKey := func(e *env) string { _, s := e.key(1_000_000, apikey.Key{}); return s }
	big := chatBody("demo", strings.Repeat("a", 70<<10), nil)
	tests := []tc{
		{name: "malformed JSON", body: []byte(`{"model":`), status: 400, code: "invalid_request"},
		{name: "not an object", body: []byte(`[1,2]`), status: 400, code: "invalid_request"},
		{name: "missing model", body: []byte(`{"messages":[{"role":"user","content":"x"}]}`), status: 400, code: "invalid_request"},
		{name: "unknown model", body: chatBody("nope", "x", nil), status: 404, code: "model_not_found"},
		{name: "no messages", body: []byte(`{"model":"demo","messages":[]}`), status: 400, code: "invalid_request"},
		{name: "message without role", body: []byte(`{"model":"demo","messages":[{"content":"x"}]}`), status: 400, code: "invalid_request"},
		{name: "negative max_tokens", body: chatBody("demo", "x", map[string]any{"max_tokens": -1}), status: 400, code: "invalid_request"},
		{name: "max_tokens not a number", body: chatBody("demo", "x", map[string]any{"max_tokens": "10"}), status: 400, code: "invalid_request"},
		{name: "n too large", body: chatBody("demo", "x", map[string]any{"n": 99}), status: 400, code: "invalid_request"},
		{name: "stream not bool", body: chatBody("demo", "x", map[string]any{"stream": "yes"}), status: 400, code: "invalid_request"},
		{name: "stream_options not object", body: chatBody("demo", "x", map[string]any{"stream": true, "stream_options": 3}), status: 400, code: "invalid_request"},
		{name: "embeddings stream", path: "/v1/embeddings", body: []byte(`{"model":"demo","input":"x","stream":true}`), status: 400, code: "invalid_request"},
		{name: "completions without prompt", path: "/v1/completions", body: []byte(`{"model":"demo"}`), status: 400, code: "invalid_request"},
		{name: "body over limit", body: big, status: 413, code: "request_too_large"},
		{name: "no credentials", secret: func(*env) string { return "" }, body: chatBody("demo", "x", nil), status: 401, code: "invalid_api_key"},
		{name: "unknown key", secret: func(*env) string { return "imk_00" }, body: chatBody("demo", "x", nil), status: 401, code: "invalid_api_key"},
		{name: "garbage token", secret: func(*env) string { return "hello" }, body: chatBody("demo", "x", nil), status: 401, code: "invalid_api_key"},
		{name: "model not allowed", secret: func(e *env) string {
			_, s := e.key(1_000_000, apikey.Key{Models: []string{"other"}})
			return s
		}, body: chatBody("demo", "x", nil), status: 403, code: "model_not_allowed"},
		{name: "no balance", secret: func(e *env) string { _, s := e.key(0, apikey.Key{}); return s }, body: chatBody("demo", "x", nil), status: 402, code: "insufficient_balance"},
		{name: "balance below max cost", secret: func(e *env) string { _, s := e.key(1100, apikey.Key{}); return s }, body: chatBody("demo", "x", nil), status: 402, code: "insufficient_balance"},
		{name: "idempotency key too long", body: chatBody("demo", "x", nil), hdr: map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}, status: 400, code: "invalid_request"},
	}
	upstream := []struct {
		mode, code string
		status     int
	}{{"500", "upstream_error", 502}, {"hang", "upstream_timeout", 504}, {"garbage", "upstream_error", 502}, {"400", "upstream_rejected", 400}}
	for _, u := range upstream {
		for _, stream := range []bool{false, true} {
			name := "upstream " + u.mode
			if stream {
				name += " stream"
			}
			tests = append(tests, tc{name: name, body: chatBody("demo", "x", map[string]any{"stream": stream}), status: u.status, code: u.code,
				opts: []option{withTimeout(300 * time.Millisecond)}, hdr: map[string]string{"X-Upstream-Mode": u.mode}})
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if mode := tc.hdr["X-Upstream-Mode"]; mode != "" {
				opts = append(opts, withBackend(openai.New(openai.Config{BaseURL: failingUpstream(t, mode), Timeout: 300 * time.Millisecond})))
			}
			e := newEnv(t, opts...)
			e.listen() // a real socket: the body limit is enforced by the HTTP server
			secret := appKey(e)
			if tc.secret != nil {
				secret = tc.secret(e)
			}
			keys, _ := e.store.ListKeys(t.Context())
			before := map[string]int64{}
			for _, k := range keys {
				before[k.ID] = e.balance(k.ID)
			}
			path := tc.path
			if path == "" {
				path = "/v1/chat/completions"
			}
			var resp *http.Response
			var b []byte
			if len(tc.body) > 64<<10 {
				// The server refuses an over-limit body from its Content-Length
				// and closes the connection without reading the body: a client
				// still writing it may see a reset before the answer. Send the
				// headers alone, as a client waiting for the verdict would.
				resp, b = e.doHeadersOnly(path, secret, len(tc.body))
			} else {
				resp, b = e.do("POST", path, secret, tc.body, tc.hdr)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			ae := decodeError(t, b)
			if ae.Error.Code == nil || *ae.Error.Code != tc.code {
				t.Fatalf("code %v, want %s: %s", ae.Error.Code, tc.code, b)
			}
			if resp.Header.Get(gateway.HeaderReceipt) != "" {
				t.Fatal("a refused call carries a receipt")
			}
			for id, was := range before {
				if got := e.balance(id); got != was {
					t.Fatalf("balance of %s changed %d -> %d", id, was, got)
				}
			}
			if e.lastSeq() != 0 {
				t.Fatal("a receipt seq was used")
			}
			if e.openHolds() != 0 {
				t.Fatal("a hold is left open")
			}
			if strings.Contains(string(b), secret) && secret != "" {
				t.Fatal("the error echoes the credential")
			}
		})
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000, apikey.Key{RPM: 2})
	for i := 0; i < 2; i++ {
		if r, b := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "x", nil), nil); r.StatusCode != 200 {
			t.Fatalf("call %d: %d %s", i, r.StatusCode, b)
		}
	}
	bal := e.balance(acct)
	r, b := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "x", nil), nil)
	if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("third call: %d Retry-After=%q %s", r.StatusCode, r.Header.Get("Retry-After"), b)
	}
	if ae := decodeError(t, b); ae.Error.Type != "rate_limit_error" {
		t.Fatalf("type %s", ae.Error.Type)
	}
	if e.balance(acct) != bal || e.lastSeq() != 2 {
		t.Fatal("a rate-limited call was charged")
	}
}

// TestConcurrentCallsExactBalance is the acceptance test, through
// HTTP on a real socket: 1,000 concurrent calls on a key whose balance covers
// exactly 500. The price is per request only, so the hold equals the fee.
func TestConcurrentCallsExactBalance(t *testing.T) {
	const fee, calls, fits = 7_000_001, 1000, 500
	e := newEnv(t, withPrice(metering.Price{PerRequest: fee}))
	e.listen()
	acct, secret := e.key(fee*fits, apikey.Key{})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	var ok, paymentRequired, other atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	ids := make(chan string, calls)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("POST", e.base+"/v1/chat/completions", bytes.NewReader(chatBody("demo", "call", nil)))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				other.Add(1)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
				ids <- resp.Header.Get(gateway.HeaderReceiptID)
			case 402:
				paymentRequired.Add(1)
			default:
				other.Add(1)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	close(ids)
	if ok.Load() != fits || paymentRequired.Load() != calls-fits || other.Load() != 0 {
		t.Fatalf("200: %d, 402: %d, other: %d; want %d, %d, 0", ok.Load(), paymentRequired.Load(), other.Load(), fits, calls-fits)
	}
	if got := e.balance(acct); got != 0 {
		t.Fatalf("final balance %d, want 0", got)
	}
	rs, err := e.store.Receipts(t.Context(), e.model.Token, 1, calls)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != fits {
		t.Fatalf("%d receipts, want %d", len(rs), fits)
	}
	var sum int64
	seen := map[string]bool{}
	for i, r := range rs {
		if r.Seq != uint64(i+1) {
			t.Fatalf("seq gap: position %d has seq %d", i, r.Seq)
		}
		sum += r.Fee.Int64()
		seen[r.ID.Hex()] = true
	}
	if sum != fee*fits {
		t.Fatalf("fees sum to %d, debited %d", sum, fee*fits)
	}
	for id := range ids {
		if !seen[id] {
			t.Fatalf("receipt %s returned to a client is not in the log", id)
		}
	}
}

type sseEvent struct {
	raw  []byte // bytes of the event including its trailing blank line
	data []byte
}

func readSSE(t *testing.T, r io.Reader) []sseEvent {
	t.Helper()
	var out []sseEvent
	br := bufio.NewReader(r)
	var cur bytes.Buffer
	for {
		line, err := br.ReadBytes('\n')
		cur.Write(line)
		if bytes.Equal(line, []byte("\n")) {
			raw := append([]byte(nil), cur.Bytes()...)
			data := bytes.TrimSuffix(bytes.TrimPrefix(raw, []byte("data: ")), []byte("\n\n"))
			out = append(out, sseEvent{raw: raw, data: data})
			cur.Reset()
		}
		if err != nil {
			return out
		}
	}
}

func TestStreamingReceipt(t *testing.T) {
	e := newEnv(t)
	e.listen()
	acct, secret := e.key(1_000_000, apikey.Key{})
	body := chatBody("demo", "stream me", map[string]any{"stream": true})
	req, _ := http.NewRequest("POST", e.base+"/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rid := resp.Header.Get(gateway.HeaderReceiptID)
	evs := readSSE(t, resp.Body)
	if len(evs) < 4 || string(evs[len(evs)-1].data) != "[DONE]" {
		t.Fatalf("stream did not end with [DONE]: %d events", len(evs))
	}
	last := evs[len(evs)-2]
	var final struct {
		Choices []any                  `json:"choices"`
		Usage   map[string]uint32      `json:"usage"`
		Receipt metering.SignedReceipt `json:"receipt"`
		Model   string                 `json:"model"`
	}
	if err := json.Unmarshal(last.data, &final); err != nil {
		t.Fatalf("final chunk %s: %v", last.data, err)
	}
	rc := final.Receipt
	if err := rc.Verify(); err != nil {
		t.Fatal(err)
	}
	if rc.ID.Hex() != rid || len(final.Choices) != 0 || final.Model != "demo" {
		t.Fatalf("final chunk: %s", last.data)
	}
	var before []byte
	var text strings.Builder
	for _, ev := range evs[:len(evs)-2] {
		before = append(before, ev.raw...)
		var c struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal(ev.data, &c); err != nil {
			t.Fatal(err)
		}
		for _, ch := range c.Choices {
			text.WriteString(ch.Delta.Content)
		}
	}
	if rc.ResponseHash != crypto.Keccak256Hash(before) {
		t.Fatal("responseHash is not keccak256 of the bytes before the receipt event")
	}
	if rc.RequestHash != crypto.Keccak256Hash(body) {
		t.Fatal("requestHash mismatch")
	}
	// Same prompt without streaming: same text, same tokens, same fee.
	r2, b2 := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "stream me", nil), nil)
	var plain struct {
		Choices []struct{ Message struct{ Content string } } `json:"choices"`
	}
	json.Unmarshal(b2, &plain)
	rc2 := e.receiptOf(r2)
	if plain.Choices[0].Message.Content != text.String() || rc2.Fee.Cmp(rc.Fee) != 0 || rc2.CompletionTokens != rc.CompletionTokens {
		t.Fatalf("stream and plain differ: %q vs %q, fee %s vs %s", text.String(), plain.Choices[0].Message.Content, rc.Fee, rc2.Fee)
	}
	if got := e.balance(acct); got != 1_000_000-2*rc.Fee.Int64() {
		t.Fatalf("balance %d", got)
	}
	if final.Usage["completion_tokens"] != rc.CompletionTokens {
		t.Fatal("usage chunk disagrees with the receipt")
	}
}

// TestClientDisconnectBillsWhatWasGenerated closes the connection after a
// few streamed tokens: the call is charged for the tokens generated so far,
// and its receipt is committed and retrievable.
func TestClientDisconnectBillsWhatWasGenerated(t *testing.T) {
	e := newEnv(t, withBackend(demo.New(demo.Config{TokenLatency: 30 * time.Millisecond})))
	e.listen()
	acct, secret := e.key(1_000_000, apikey.Key{})
	resp := e.openStream(secret, "a long story please")
	rid := resp.Header.Get(gateway.HeaderReceiptID)
	br := bufio.NewReader(resp.Body)
	events := 0
	for events < 4 {
		line, err := br.ReadBytes('\n')
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(line, []byte("data: ")) {
			events++
		}
	}
	resp.Body.Close() // the client goes away mid-stream
	var lr metering.LoggedReceipt
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for {
		lr, err = e.store.ReceiptByID(t.Context(), e.model.Token, commonHash(rid))
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("no receipt after disconnect: %v", err)
	}
	// The full answer is longer; only part of it was generated.
	full, _ := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "a long story please", nil), nil)
	fullRc := e.receiptOf(full)
	if lr.CompletionTokens == 0 || lr.CompletionTokens >= fullRc.CompletionTokens {
		t.Fatalf("billed %d completion tokens after disconnect; full answer has %d", lr.CompletionTokens, fullRc.CompletionTokens)
	}
	want, _ := e.model.Price.Fee(uint64(lr.PromptTokens), uint64(lr.CompletionTokens))
	if lr.Fee.Int64() != want {
		t.Fatalf("fee %s for %d tokens, want %d", lr.Fee, lr.CompletionTokens, want)
	}
	if got := e.balance(acct); got != 1_000_000-want-fullRc.Fee.Int64() {
		t.Fatalf("balance %d", got)
	}
	if e.openHolds() != 0 {
		t.Fatal("hold left open")
	}
}

func TestIdempotentRetry(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "stream"}[stream], func(t *testing.T) {
			e := newEnv(t)
			acct, secret := e.key(1_000_000, apikey.Key{})
			body := chatBody("demo", "once", map[string]any{"stream": stream})
			hdr := map[string]string{"Idempotency-Key": "order-42"}
			r1, b1 := e.do("POST", "/v1/chat/completions", secret, body, hdr)
			bal := e.balance(acct)
			r2, b2 := e.do("POST", "/v1/chat/completions", secret, body, hdr)
			if r1.StatusCode != 200 || r2.StatusCode != 200 {
				t.Fatalf("%d %d", r1.StatusCode, r2.StatusCode)
			}
			if !bytes.Equal(b1, b2) {
				t.Fatalf("replayed body differs:\n%s\n%s", b1, b2)
			}
			if r2.Header.Get(gateway.HeaderReplayed) != "true" || r2.Header.Get(gateway.HeaderReceiptID) != r1.Header.Get(gateway.HeaderReceiptID) {
				t.Fatal("replay headers wrong")
			}
			if !stream && r2.Header.Get(gateway.HeaderReceipt) != r1.Header.Get(gateway.HeaderReceipt) {
				t.Fatal("replayed receipt differs")
			}
			if e.balance(acct) != bal || e.lastSeq() != 1 {
				t.Fatal("the retry was charged")
			}
			r3, b3 := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "twice", map[string]any{"stream": stream}), hdr)
			if r3.StatusCode != 422 || *decodeError(t, b3).Error.Code != "idempotency_key_reused" {
				t.Fatalf("other body: %d %s", r3.StatusCode, b3)
			}
			// Another key's Idempotency-Key space is separate.
			_, secret2 := e.key(1_000_000, apikey.Key{})
			if r4, _ := e.do("POST", "/v1/chat/completions", secret2, body, hdr); r4.StatusCode != 200 || r4.Header.Get(gateway.HeaderReplayed) != "" {
				t.Fatal("idempotency keys leak across accounts")
			}
		})
	}
}

// TestGracefulShutdownCommitsInFlight starts a slow stream, shuts the server
// down mid-stream, and checks the stream finished with its receipt.
func TestGracefulShutdownCommitsInFlight(t *testing.T) {
	e := newEnv(t, withBackend(demo.New(demo.Config{TokenLatency: 20 * time.Millisecond})))
	e.listen()
	acct, secret := e.key(1_000_000, apikey.Key{})
	resp := e.openStream(secret, "finish me")
	defer resp.Body.Close()
	done := make(chan error, 1)
	go func() {
		time.Sleep(50 * time.Millisecond)
		ctx, cancel := contextWithTimeout(10 * time.Second)
		defer cancel()
		done <- e.srv.Shutdown(ctx)
	}()
	evs := readSSE(t, resp.Body)
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if len(evs) < 2 || string(evs[len(evs)-1].data) != "[DONE]" || !bytes.Contains(evs[len(evs)-2].data, []byte(`"receipt"`)) {
		t.Fatalf("in-flight stream cut short: %d events", len(evs))
	}
	if e.lastSeq() != 1 || e.balance(acct) >= 1_000_000 || e.openHolds() != 0 {
		t.Fatal("in-flight call not committed")
	}
}

func TestModelsAndHealth(t *testing.T) {
	e := newEnv(t)
	_, secret := e.key(1_000_000, apikey.Key{})
	r, b := e.do("GET", "/v1/models", secret, nil, nil)
	if r.StatusCode != 200 || !strings.Contains(string(b), `"id":"demo"`) || !strings.Contains(string(b), `"owned_by":"imogate-demo"`) {
		t.Fatalf("%d %s", r.StatusCode, b)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if r, b := e.do("GET", p, "", nil, nil); r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", p, r.StatusCode, b)
		}
	}
	e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "x", nil), nil)
	r, b = e.do("GET", "/metrics", "", nil, nil)
	for _, m := range []string{"imogate_http_requests_total", "imogate_added_latency_seconds", "imogate_open_reservations", "imogate_upstream_latency_seconds"} {
		if !strings.Contains(string(b), m) {
			t.Errorf("metrics lack %s", m)
		}
	}
	if r, _ := e.do("GET", "/nope", "", nil, nil); r.StatusCode != 404 {
		t.Fatalf("unknown route: %d", r.StatusCode)
	}
}

func TestAdminAPI(t *testing.T) {
	e := newEnv(t)
	r, b := e.do("POST", "/admin/keys", adminToken, []byte(`{"name":"app1","models":["demo"],"rpm":10}`), nil)
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, b)
	}
	var created struct {
		Key    apikey.Key `json:"key"`
		APIKey string     `json:"api_key"`
	}
	json.Unmarshal(b, &created)
	if !strings.HasPrefix(created.APIKey, "imk_") {
		t.Fatalf("no key in %s", b)
	}
	r, b = e.do("POST", "/admin/accounts/"+created.Key.ID+"/credit", adminToken, []byte(`{"model":"demo","amount_wei":"5000"}`), nil)
	if r.StatusCode != 200 || !strings.Contains(string(b), `"balance_wei":"5000"`) {
		t.Fatalf("credit: %d %s", r.StatusCode, b)
	}
	for _, bad := range []string{`{"model":"demo","amount_wei":"1.5"}`, `{"model":"demo","amount_wei":"-6000"}`, `{"model":"x","amount_wei":"1"}`, `{`} {
		if r, b := e.do("POST", "/admin/accounts/"+created.Key.ID+"/credit", adminToken, []byte(bad), nil); r.StatusCode != 400 {
			t.Fatalf("bad credit %s: %d %s", bad, r.StatusCode, b)
		}
	}
	if _, b := e.do("POST", "/admin/accounts/"+created.Key.ID+"/credit", adminToken, []byte(`{"model":"demo","amount_wei":"-6000"}`), nil); !strings.Contains(string(b), `"code":"balance_out_of_range"`) {
		t.Fatalf("a debit below zero: %s", b)
	}
	if r, b := e.do("POST", "/admin/accounts/a:b/credit", adminToken, []byte(`{"model":"demo","amount_wei":"1"}`), nil); r.StatusCode != 400 || !strings.Contains(string(b), `"code":"invalid_account"`) {
		t.Fatalf("an invalid account: %d %s", r.StatusCode, b)
	}
	if e.balance(created.Key.ID) != 5000 {
		t.Fatal("a refused credit changed the balance")
	}
	r, b = e.do("GET", "/admin/keys", adminToken, nil, nil)
	if r.StatusCode != 200 || strings.Contains(string(b), created.APIKey) || !strings.Contains(string(b), created.Key.ID) {
		t.Fatalf("list: %d %s", r.StatusCode, b)
	}
	if r, _ := e.do("GET", "/admin/keys", created.APIKey, nil, nil); r.StatusCode != 403 {
		t.Fatal("an app key reached the admin API")
	}
	if r, _ := e.do("DELETE", "/admin/keys/"+created.Key.ID, adminToken, nil, nil); r.StatusCode != 200 {
		t.Fatal("revoke failed")
	}
	if r, _ := e.do("POST", "/v1/chat/completions", created.APIKey, chatBody("demo", "x", nil), nil); r.StatusCode != 401 {
		t.Fatal("a revoked key still works")
	}
}

func TestEmbeddingsAndCompletions(t *testing.T) {
	e := newEnv(t)
	_, secret := e.key(1_000_000, apikey.Key{})
	r, b := e.do("POST", "/v1/embeddings", secret, []byte(`{"model":"demo","input":["a b","c"]}`), nil)
	if r.StatusCode != 200 || !strings.Contains(string(b), `"embedding"`) {
		t.Fatalf("%d %s", r.StatusCode, b)
	}
	e.receiptOf(r)
	r, b = e.do("POST", "/v1/completions", secret, []byte(`{"model":"demo","prompt":"once upon"}`), nil)
	if r.StatusCode != 200 || !strings.Contains(string(b), `"text_completion"`) {
		t.Fatalf("%d %s", r.StatusCode, b)
	}
	if rc := e.receiptOf(r); rc.Seq != 2 {
		t.Fatalf("seq %d", rc.Seq)
	}
}
