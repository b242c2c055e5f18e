package gateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/internal/vllmsim"
	"github.com/imogate/imogate/metering"
)

// passEnv is a pass-through model (upstream.api: responses) on vllmsim.
// counted sets the model's tokenizer (as a deployment with
// models[].tokenizer does).
func passEnv(t *testing.T, counted bool) (*env, *vllmsim.Server) {
	t.Helper()
	sim, err := vllmsim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	e := newEnv(t, withBackend(openai.New(openai.Config{BaseURL: sim.URL()})), func(c *gateway.Config) {
		c.Models[0].PassResponses = true
		c.Models[0].Demo = false
		c.Models[0].Counter = nil
		if counted {
			c.Models[0].Counter = demo.Tokenizer{}
		}
	})
	e.listen()
	return e, sim
}

func finalReceipt(t *testing.T, body []byte) (string, metering.SignedReceipt) {
	t.Helper()
	evs := namedEvents(t, body)
	last := evs[len(evs)-1]
	var f struct {
		Receipt metering.SignedReceipt `json:"receipt"`
	}
	if err := json.Unmarshal(last.data, &f); err != nil || f.Receipt.Verify() != nil {
		t.Fatalf("no verifiable receipt on the last event: %s", last.raw)
	}
	return last.name, f.Receipt
}

// TestReviewPassThroughReasoningItemsUncharged: in pass-through mode the
// client's "reasoning" input items go upstream verbatim (the translation
// neither checks their keys nor keeps them: it drops them), and the upstream
// reads them as prompt. When the upstream does not report usage (a stream
// cut by the upstream or by a client that disconnects before
// response.completed), the prompt is counted by the model's tokenizer over
// the TRANSLATED request, which has no reasoning items: whatever the client
// put in them is served but never charged.
func TestReviewPassThroughReasoningItemsUncharged(t *testing.T) {
	e, sim := passEnv(t, true)
	_, secret := e.key(100_000_000, apikey.Key{})
	charged := func(user string, input any) (metering.SignedReceipt, vllmsim.Served) {
		body := responsesBody(map[string]any{"user": user, "stream": true, "input": input,
			"metadata": map[string]string{"vllmsim": `{"drop_after":3,"length":10}`}})
		resp, b := e.do("POST", "/v1/responses", secret, body, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		name, rc := finalReceipt(t, b)
		if name != "response.failed" {
			t.Fatalf("want a cut stream, got %s", name)
		}
		served, _ := sim.Served(user)
		return rc, served
	}
	user := map[string]any{"type": "message", "role": "user", "content": "Say something about tokens."}
	small, _ := charged("small", []any{user})
	// 20,000 punctuation characters: 20,000 tokens to the demo tokenizer.
	big := strings.Repeat("!", 20_000)
	reasoning := map[string]any{"type": "reasoning", "id": "rs_1", "summary": []any{},
		"content": []any{map[string]any{"type": "reasoning_text", "text": big}}}
	large, served := charged("large", []any{user, reasoning, map[string]any{"type": "message", "role": "user", "content": "Go on."}})
	if served.PromptTokens < 20_000 {
		t.Fatalf("the upstream did not read the reasoning item (%d prompt tokens)", served.PromptTokens)
	}
	if large.PromptTokens < small.PromptTokens+20_000 {
		t.Fatalf("a 20,000-token reasoning item went upstream and was not charged: prompt charged %d with it, %d without (the upstream read %d)",
			large.PromptTokens, small.PromptTokens, served.PromptTokens)
	}
}

// TestReviewPassThroughServiceTier: in pass-through mode service_tier goes
// upstream verbatim. Against a hosted Responses API (OpenAI's), "priority"
// bills the operator at a higher rate per token than the price imogate
// charges was set for; the translated route drops it.
func TestReviewPassThroughServiceTier(t *testing.T) {
	e, sim := passEnv(t, false)
	_, secret := e.key(100_000_000, apikey.Key{})
	resp, b := e.do("POST", "/v1/responses", secret, responsesBody(map[string]any{"user": "tier", "service_tier": "priority"}), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	served, _ := sim.Served("tier")
	if raw, ok := served.Request["service_tier"]; ok && !bytes.Equal(raw, []byte(`"default"`)) && !bytes.Equal(raw, []byte(`"auto"`)) {
		t.Fatalf("the client's service_tier reached the upstream: %s", raw)
	}
}

// TestReviewMessagesCutReplay: an idempotent retry of a Messages stream the
// upstream cut must replay it byte for byte (apis.go's final says so). The
// original ends with message_delta and an error event (no message_stop);
// the replay is rebuilt with cut = nil (paid.go writeReplay) and ends with
// message_stop, telling the SDK the message ended normally.
func TestReviewMessagesCutReplay(t *testing.T) {
	e := newEnv(t, withBackend(brokenStream{words: 3}))
	e.listen()
	acct, secret := e.key(1_000_000, apikey.Key{})
	hdr := messagesHeaders(secret, map[string]string{"Idempotency-Key": "cut-replay"})
	body := messagesBody(map[string]any{"stream": true})
	_, first := e.do("POST", "/v1/messages", "", body, hdr)
	bal := e.balance(acct)
	resp, again := e.do("POST", "/v1/messages", "", body, hdr)
	if resp.Header.Get(gateway.HeaderReplayed) != "true" || e.balance(acct) != bal {
		t.Fatalf("not a free replay: %v", resp.Header)
	}
	if !bytes.Equal(first, again) {
		fe, ae := namedEvents(t, first), namedEvents(t, again)
		t.Fatalf("the replay of a cut stream differs: first ends %q, replay ends %q", fe[len(fe)-1].name, ae[len(ae)-1].name)
	}
}

// TestReviewMessagesErrorShapes: every failure on /v1/messages is in
// Anthropic's error shape: bad credentials, an unknown sub-route, a body
// over the limit, a model the key may not use, a rate limit.
func TestReviewMessagesErrorShapes(t *testing.T) {
	e := newEnv(t) // in memory: over a socket, a client still writing a body over the limit may see a reset
	_, secret := e.key(1_000_000, apikey.Key{})
	_, limited := e.key(1_000_000, apikey.Key{RPM: 1})
	_, other := e.key(1_000_000, apikey.Key{Models: []string{"nope"}})
	check := func(name string, resp *http.Response, b []byte, status int, typ string) {
		t.Helper()
		var ae struct {
			Type  string `json:"type"`
			Error struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if resp.StatusCode != status || json.Unmarshal(b, &ae) != nil || ae.Type != "error" || ae.Error.Type != typ || ae.Error.Message == "" {
			t.Errorf("%s: %d %s (want %d %s in Anthropic's shape)", name, resp.StatusCode, b, status, typ)
		}
	}
	resp, b := e.do("POST", "/v1/messages", "", messagesBody(nil), messagesHeaders("bad-key", nil))
	check("bad key", resp, b, 401, "authentication_error")
	resp, b = e.do("POST", "/v1/messages/batches", "", messagesBody(nil), messagesHeaders(secret, nil))
	check("unknown sub-route", resp, b, 404, "not_found_error")
	// Over a socket, announcing a body over the limit (decided from
	// Content-Length, before the body is read).
	big := newEnv(t)
	big.listen()
	_, bigSecret := big.key(1_000_000, apikey.Key{})
	resp, b = big.doHeadersOnly("/v1/messages", bigSecret, 70<<10)
	check("body too large", resp, b, 413, "request_too_large")
	resp, b = e.do("POST", "/v1/messages", "", messagesBody(nil), messagesHeaders(other, nil))
	check("model not allowed", resp, b, 403, "permission_error")
	e.do("POST", "/v1/messages", "", messagesBody(nil), messagesHeaders(limited, nil))
	resp, b = e.do("POST", "/v1/messages", "", messagesBody(nil), messagesHeaders(limited, nil))
	check("rate limit", resp, b, 429, "rate_limit_error")
	resp, b = e.do("POST", "/v1/messages/count_tokens", "", []byte(`{"model":"demo","messages":[]}`), messagesHeaders(secret, nil))
	check("count_tokens bad input", resp, b, 400, "invalid_request_error")
	// Fiber routes case-insensitively: /v1/Messages is served by the
	// Messages handler, but anthropicRoute compares the path exactly.
	resp, b = e.do("POST", "/v1/Messages", "", []byte(`{"model":"demo"}`), messagesHeaders(secret, nil))
	check("case-variant path", resp, b, 400, "invalid_request_error")
}

// TestReviewReplayAcrossRoutes: an Idempotency-Key is matched on the body
// alone, not the route. A Messages request is also a valid Chat Completions
// request, so a retry of it on /v1/chat/completions "replays" the Anthropic
// Message (and a stream's Messages events with a Chat receipt chunk) to an
// OpenAI client. Nothing is charged twice, but the answer is not in the
// route's API.
func TestReviewReplayAcrossRoutes(t *testing.T) {
	e := newEnv(t)
	_, secret := e.key(1_000_000, apikey.Key{})
	body := messagesBody(nil)
	resp, first := e.do("POST", "/v1/messages", "", body, messagesHeaders(secret, map[string]string{"Idempotency-Key": "x-route"}))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, first)
	}
	resp, b := e.do("POST", "/v1/chat/completions", secret, body, map[string]string{"Idempotency-Key": "x-route"})
	var chat struct {
		Object string `json:"object"`
	}
	json.Unmarshal(b, &chat)
	if resp.StatusCode == 200 && chat.Object != "chat.completion" {
		t.Fatalf("/v1/chat/completions answered a retry with another route's answer (replayed %q): %s",
			resp.Header.Get(gateway.HeaderReplayed), b)
	}
}
