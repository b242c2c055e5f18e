package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// recordingBackend answers every call like the demo model would, but
// records the body sent upstream and reports the usage it is told to.
type recordingBackend struct {
	last  atomic.Value // []byte: the last upstream body
	usage inference.Usage
	calls atomic.Int32
}

func (b *recordingBackend) Complete(_ context.Context, req inference.Request) (*inference.Response, error) {
	b.last.Store(req.Body)
	b.calls.Add(1)
	body := `{"id":"x","object":"chat.completion","model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`
	return &inference.Response{Body: []byte(body), Usage: b.usage}, nil
}

func (b *recordingBackend) Stream(context.Context, inference.Request) (inference.Stream, error) {
	return nil, &inference.UpstreamError{Status: 500, Message: "not used"}
}

func (b *recordingBackend) upstream(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	raw, _ := b.last.Load().([]byte)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("upstream body %s: %v", raw, err)
	}
	return m
}

// TestHoldBoundsEveryShape: every request shape is held at a true upper
// bound of what it may cost, and the upstream request is capped to what was
// held; shapes whose cost cannot be bounded are refused with a 400 naming
// the parameter, before anything is held.
func TestHoldBoundsEveryShape(t *testing.T) {
	price := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}
	rb := &recordingBackend{usage: inference.Usage{PromptTokens: 1, CompletionTokens: 1, Reported: true}}
	e := newEnv(t, withBackend(rb), withPrice(price), func(c *gateway.Config) {
		c.Models[0].Media = gateway.Media{ImageTokens: 1500}
		c.Models[0].PromptOverhead = 64
	})
	const balance = 1_000_000_000
	tests := []struct {
		name   string
		path   string
		body   string
		status int
		param  string // the 400's param
		// For accepted calls: the hold's completion tokens and the max
		// tokens sent upstream.
		completion int
		maxUp      int
		media      int
	}{
		{name: "prompt array × n × best_of", path: "/v1/completions",
			body: `{"model":"demo","prompt":["a","b","c","d"],"n":2,"best_of":3,"max_tokens":10}`, status: 200, completion: 4 * 3 * 10, maxUp: 10},
		{name: "token-id prompt is one prompt", path: "/v1/completions",
			body: `{"model":"demo","prompt":[1,2,3,4,5],"max_tokens":10}`, status: 200, completion: 10, maxUp: 10},
		{name: "token-id prompt arrays", path: "/v1/completions",
			body: `{"model":"demo","prompt":[[1,2],[3],[4]]}`, status: 200, completion: 3 * 64, maxUp: 64},
		{name: "absent max_tokens: the model's cap is forced", path: "/v1/chat/completions",
			body: `{"model":"demo","messages":[{"role":"user","content":"x"}]}`, status: 200, completion: 64, maxUp: 64},
		{name: "max_tokens above the cap is capped", path: "/v1/chat/completions",
			body: `{"model":"demo","messages":[{"role":"user","content":"x"}],"max_tokens":100000}`, status: 200, completion: 64, maxUp: 64},
		{name: "the smaller of max_tokens and max_completion_tokens", path: "/v1/chat/completions",
			body: `{"model":"demo","messages":[{"role":"user","content":"x"}],"max_tokens":50,"max_completion_tokens":7}`, status: 200, completion: 7, maxUp: 7},
		{name: "n multiplies chat", path: "/v1/chat/completions",
			body: `{"model":"demo","messages":[{"role":"user","content":"x"}],"n":8,"max_tokens":5}`, status: 200, completion: 40, maxUp: 5},
		{name: "an image part is held at its bound", path: "/v1/chat/completions",
			body:   `{"model":"demo","messages":[{"role":"user","content":[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}],"max_tokens":5}`,
			status: 200, completion: 5, maxUp: 5, media: 1500},
		{name: "tools are held with the template overhead", path: "/v1/chat/completions",
			body:   `{"model":"demo","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"max_tokens":5}`,
			status: 200, completion: 5, maxUp: 5},
		{name: "an audio part without a bound", path: "/v1/chat/completions",
			body:   `{"model":"demo","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}`,
			status: 400, param: "messages[0].content[0]"},
		{name: "a video part without a bound", path: "/v1/chat/completions",
			body:   `{"model":"demo","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"x"},{"type":"video_url","video_url":{"url":"v"}}]}]}`,
			status: 400, param: "messages[1].content[1]"},
		{name: "an unknown part type", path: "/v1/chat/completions",
			body:   `{"model":"demo","messages":[{"role":"user","content":[{"type":"image_embeds","data":"x"}]}]}`,
			status: 400, param: "messages[0].content[0]"},
		{name: "mm_processor_kwargs", path: "/v1/chat/completions",
			body:   `{"model":"demo","messages":[{"role":"user","content":"x"}],"mm_processor_kwargs":{"max_pixels":99999999}}`,
			status: 400, param: "mm_processor_kwargs"},
		// An upstream written in Go (Ollama) matches keys case-insensitively:
		// a key the gateway would not read exactly is refused.
		{name: "a content key in another case", path: "/v1/chat/completions",
			body: `{"model":"demo","messages":[{"role":"user","Content":[{"type":"image_url","image_url":{"url":"x"}}]}]}`, status: 400, param: "messages[0].Content"},
		{name: "a type key in another case", path: "/v1/chat/completions",
			body: `{"model":"demo","messages":[{"role":"user","content":[{"tYpe":"video_url"}]}]}`, status: 400, param: "messages[0].content[0].tYpe"},
		{name: "MAX_TOKENS", path: "/v1/completions", body: `{"model":"demo","prompt":"x","MAX_TOKENS":100000}`, status: 400, param: "MAX_TOKENS"},
		{name: "a Unicode fold of stream", path: "/v1/completions", body: "{\"model\":\"demo\",\"prompt\":\"x\",\"ſtream\":true}", status: 400, param: "ſtream"},
		// Aliases an upstream reads before the limits the gateway caps, and
		// inputs or knobs it cannot bound.
		{name: "llama.cpp n_predict", path: "/v1/chat/completions", body: `{"model":"demo","messages":[{"role":"user","content":"x"}],"max_tokens":1,"n_predict":-1}`, status: 400, param: "n_predict"},
		{name: "llama.cpp n_cmpl", path: "/v1/completions", body: `{"model":"demo","prompt":"x","n_cmpl":8}`, status: 400, param: "n_cmpl"},
		{name: "vLLM prompt_embeds", path: "/v1/completions", body: `{"model":"demo","prompt":"x","prompt_embeds":["AAAA"]}`, status: 400, param: "prompt_embeds"},
		{name: "a client chat template", path: "/v1/chat/completions", body: `{"model":"demo","messages":[{"role":"user","content":"x"}],"chat_template":"{% for i in range(99999) %}x{% endfor %}"}`, status: 400, param: "chat_template"},
		{name: "max_completion_tokens alone on completions caps max_tokens", path: "/v1/completions",
			body: `{"model":"demo","prompt":"x","max_completion_tokens":1,"n":8}`, status: 200, completion: 8, maxUp: 1},
		{name: "n above 8", path: "/v1/completions", body: `{"model":"demo","prompt":"x","n":9}`, status: 400, param: "n"},
		{name: "best_of below n", path: "/v1/completions", body: `{"model":"demo","prompt":"x","n":3,"best_of":2}`, status: 400, param: "best_of"},
		{name: "best_of with stream", path: "/v1/completions", body: `{"model":"demo","prompt":"x","best_of":2,"stream":true}`, status: 400, param: "best_of"},
		{name: "min_tokens above the cap", path: "/v1/chat/completions",
			body: `{"model":"demo","messages":[{"role":"user","content":"x"}],"max_tokens":10,"min_tokens":11}`, status: 400, param: "min_tokens"},
		{name: "an empty prompt array", path: "/v1/completions", body: `{"model":"demo","prompt":[]}`, status: 400, param: "prompt"},
		{name: "a prompt of objects", path: "/v1/completions", body: `{"model":"demo","prompt":[{"a":1}]}`, status: 400, param: "prompt"},
		{name: "an empty token-id prompt", path: "/v1/completions", body: `{"model":"demo","prompt":[[1],[]]}`, status: 400, param: "prompt"},
		{name: "chat-style embeddings", path: "/v1/embeddings",
			body: `{"model":"demo","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}`, status: 400, param: "messages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, secret := e.key(balance, apikey.Key{})
			calls := rb.calls.Load()
			resp, body := e.do("POST", tt.path, secret, []byte(tt.body), nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				var eb struct {
					Error struct {
						Param *string `json:"param"`
						Code  string  `json:"code"`
					} `json:"error"`
				}
				_ = json.Unmarshal(body, &eb)
				if eb.Error.Param == nil || *eb.Error.Param != tt.param {
					t.Fatalf("param %v, want %q: %s", eb.Error.Param, tt.param, body)
				}
				if got := e.balance(acct); got != balance {
					t.Fatalf("a refused request changed the balance: %d", got)
				}
				if rb.calls.Load() != calls || resp.Header.Get(gateway.HeaderReceiptID) != "" {
					t.Fatal("a refused request reached the upstream or got a receipt")
				}
				return
			}
			up := rb.upstream(t)
			for _, f := range []string{"max_tokens", "max_completion_tokens"} {
				if raw, ok := up[f]; ok && string(raw) != fmt.Sprint(tt.maxUp) {
					t.Fatalf("upstream %s = %s, want %d", f, raw, tt.maxUp)
				}
			}
			if _, ok := up["max_tokens"]; !ok {
				// Only chat may carry the cap in max_completion_tokens alone.
				if _, ok := up["max_completion_tokens"]; !ok || !strings.Contains(tt.path, "chat") {
					t.Fatalf("the cap did not go upstream in max_tokens: %v", up)
				}
			}
			// The hold: what the 402 message names when the balance is one
			// wei short of it.
			promptBound := len(tt.body) + tt.media
			if strings.Contains(tt.path, "chat") {
				promptBound += 64
			}
			hold, _ := price.Fee(uint64(promptBound), uint64(tt.completion))
			_, poor := e.key(hold-1, apikey.Key{})
			resp, body = e.do("POST", tt.path, poor, []byte(tt.body), nil)
			if resp.StatusCode != http.StatusPaymentRequired || !strings.Contains(string(body), fmt.Sprintf("up to %d wei", hold)) {
				t.Fatalf("one wei below the hold of %d: %d %s", hold, resp.StatusCode, body)
			}
			_, rich := e.key(hold, apikey.Key{})
			if resp, body := e.do("POST", tt.path, rich, []byte(tt.body), nil); resp.StatusCode != 200 {
				t.Fatalf("exactly the hold of %d: %d %s", hold, resp.StatusCode, body)
			}
		})
	}
}

// TestMoreTokensThanAReceiptRecords: a request that could generate more
// completion tokens than a receipt's uint32 field can record is refused.
func TestMoreTokensThanAReceiptRecords(t *testing.T) {
	e := newEnv(t, func(c *gateway.Config) { c.Models[0].MaxTokens = 1 << 20 })
	acct, secret := e.key(1_000_000_000, apikey.Key{})
	body := `{"model":"demo","prompt":[` + strings.Repeat(`"a",`, 1000) + `"a"],"n":8,"max_tokens":1048576}`
	resp, b := e.do("POST", "/v1/completions", secret, []byte(body), nil)
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"param":"max_tokens"`) || !strings.Contains(string(b), "1001 prompts") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if e.balance(acct) != 1_000_000_000 {
		t.Fatal("the refusal changed the balance")
	}
}

// TestUsageBeyondTheHold: an upstream that reports more than the request
// allowed (it ignored max_tokens) never yields an inconsistent receipt: the
// receipt records the tokens the hold paid for, its fee is their price, and
// the call is counted in imogate_usage_beyond_hold_total.
func TestUsageBeyondTheHold(t *testing.T) {
	price := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}
	rb := &recordingBackend{usage: inference.Usage{PromptTokens: 10, CompletionTokens: 5000, Reported: true}}
	e := newEnv(t, withBackend(rb), withPrice(price))
	acct, secret := e.key(1_000_000_000, apikey.Key{})
	resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "x", map[string]any{"max_tokens": 20}), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	rc := e.receiptOf(resp)
	if rc.CompletionTokens != 20 || rc.PromptTokens != 10 {
		t.Fatalf("receipt tokens %d/%d, want 10 prompt and the 20 completion tokens held", rc.PromptTokens, rc.CompletionTokens)
	}
	want, _ := price.Fee(10, 20)
	if rc.Fee.Int64() != want {
		t.Fatalf("fee %s, want the price of its own tokens, %d", rc.Fee, want)
	}
	if got := e.balance(acct); got != 1_000_000_000-want {
		t.Fatalf("balance %d", got)
	}
	_, metricsBody := e.do("GET", "/metrics", "", nil, nil)
	if !strings.Contains(string(metricsBody), `imogate_usage_beyond_hold_total{model="demo"} 1`) {
		t.Fatal("the over-report is not counted in imogate_usage_beyond_hold_total")
	}
}

// TestUnreportedUsageIsCounted: an upstream answer without usage is
// charged by the model's tokenizer over what was delivered, never the
// word-splitter estimate a hostile prompt could game.
func TestUnreportedUsageIsCounted(t *testing.T) {
	price := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}
	rb := &recordingBackend{} // reports nothing
	e := newEnv(t, withBackend(rb), withPrice(price), func(c *gateway.Config) { c.Models[0].Counter = nil })
	_, secret := e.key(1_000_000_000, apikey.Key{})
	han := strings.Repeat("中文", 2000)
	reqBody := chatBody("demo", han, map[string]any{"max_tokens": 5})
	resp, body := e.do("POST", "/v1/chat/completions", secret, reqBody, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	rc := e.receiptOf(resp)
	// Without a tokenizer, the prompt is the hold's byte bound and the
	// completion one token per byte of "ok" (capped at max_tokens).
	if int(rc.PromptTokens) != len(reqBody)+64 || rc.CompletionTokens != 2 {
		t.Fatalf("receipt tokens %d/%d, want %d/2", rc.PromptTokens, rc.CompletionTokens, len(reqBody)+64)
	}
}

// TestUnreportedPromptCountsEveryToken: with a tokenizer and an upstream
// that reports nothing, token-id prompts and tool schemas (mostly keys) are
// counted, never read as a handful of words.
func TestUnreportedPromptCountsEveryToken(t *testing.T) {
	price := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}
	rb := &recordingBackend{} // reports nothing
	e := newEnv(t, withBackend(rb), withPrice(price))
	_, secret := e.key(1_000_000_000, apikey.Key{})
	ids := strings.TrimSuffix(strings.Repeat("101,", 5000), ",")
	resp, body := e.do("POST", "/v1/completions", secret, []byte(`{"model":"demo","prompt":[`+ids+`],"max_tokens":2}`), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if rc := e.receiptOf(resp); rc.PromptTokens < 5000 {
		t.Fatalf("a prompt of 5000 token ids was charged %d prompt tokens", rc.PromptTokens)
	}
}
