package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/internal/vllmsim"
	"github.com/imogate/imogate/metering"
)

// namedEvent is one server-sent event of the Responses or Messages API.
type namedEvent struct {
	name string
	data []byte
	raw  []byte
}

// namedEvents splits a stream body into its events.
func namedEvents(t *testing.T, body []byte) []namedEvent {
	t.Helper()
	var out []namedEvent
	for _, block := range bytes.SplitAfter(body, []byte("\n\n")) {
		if len(block) == 0 {
			continue
		}
		ev := namedEvent{raw: block}
		for _, line := range strings.Split(strings.TrimSpace(string(block)), "\n") {
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				ev.name = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				ev.data = []byte(v)
			} else {
				t.Fatalf("not an SSE line: %q", line)
			}
		}
		if ev.name == "" || !json.Valid(ev.data) {
			t.Fatalf("event without a name or JSON data: %q", block)
		}
		out = append(out, ev)
	}
	return out
}

var anthropicHeaders = map[string]string{"Authorization": "", "X-Api-Key": "", "Anthropic-Version": "2023-06-01"}

// messagesHeaders authenticates as Anthropic's SDKs do: x-api-key, no bearer.
func messagesHeaders(secret string, extra map[string]string) map[string]string {
	h := map[string]string{"X-Api-Key": secret, "Anthropic-Version": "2023-06-01"}
	for k, v := range extra {
		h[k] = v
	}
	return h
}

func responsesBody(extra map[string]any) []byte {
	m := map[string]any{"model": "demo", "instructions": "Be terse.", "input": "Say something about tokens.", "store": false}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func messagesBody(extra map[string]any) []byte {
	m := map[string]any{"model": "demo", "max_tokens": 40, "system": "Be terse.",
		"messages": []map[string]any{{"role": "user", "content": "Say something about tokens."}}}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// TestTranslatedPlainCalls: a plain call on each new route is charged,
// signed and answered in its API's shape; the usage it reports is the
// receipt's; requestHash covers the bytes sent and responseHash the bytes
// received, exactly as on the Chat Completions route.
func TestTranslatedPlainCalls(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000, apikey.Key{})

	body := responsesBody(nil)
	resp, b := e.do("POST", "/v1/responses", secret, body, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("responses: %d %s", resp.StatusCode, b)
	}
	rc := e.receiptOf(resp)
	var r struct {
		ID     string `json:"id"`
		Object string `json:"object"`
		Status string `json:"status"`
		Model  string `json:"model"`
		Store  bool   `json:"store"`
		Output []struct {
			Type    string `json:"type"`
			Role    string `json:"role"`
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
		} `json:"output"`
		Instructions string `json:"instructions"`
		Usage        struct {
			InputTokens  uint32 `json:"input_tokens"`
			OutputTokens uint32 `json:"output_tokens"`
			TotalTokens  uint32 `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Object != "response" || r.Status != "completed" || r.Model != "demo" || r.Store || r.Instructions != "Be terse." ||
		!strings.HasPrefix(r.ID, "resp_") || len(r.Output) != 1 || r.Output[0].Type != "message" ||
		r.Output[0].Content[0].Type != "output_text" || !strings.HasPrefix(r.Output[0].Content[0].Text, demo.Label) {
		t.Fatalf("response object: %s", b)
	}
	if r.Usage.InputTokens != rc.PromptTokens || r.Usage.OutputTokens != rc.CompletionTokens || r.Usage.TotalTokens != rc.PromptTokens+rc.CompletionTokens {
		t.Fatalf("usage %+v, receipt %d/%d", r.Usage, rc.PromptTokens, rc.CompletionTokens)
	}
	if rc.RequestHash != crypto.Keccak256Hash(body) || rc.ResponseHash != crypto.Keccak256Hash(b) {
		t.Fatal("receipt hashes do not cover the exact bytes sent and received")
	}
	if got := e.balance(acct); got != 1_000_000-rc.Fee.Int64() || rc.Seq != 1 {
		t.Fatalf("balance %d, fee %s, seq %d", got, rc.Fee, rc.Seq)
	}

	body = messagesBody(nil)
	resp, b = e.do("POST", "/v1/messages", "", body, messagesHeaders(secret, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("messages: %d %s", resp.StatusCode, b)
	}
	rc2 := e.receiptOf(resp)
	var m struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Role       string `json:"role"`
		Model      string `json:"model"`
		StopReason string `json:"stop_reason"`
		Content    []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		Usage struct {
			InputTokens  uint32 `json:"input_tokens"`
			OutputTokens uint32 `json:"output_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "message" || m.Role != "assistant" || m.Model != "demo" || !strings.HasPrefix(m.ID, "msg_") ||
		len(m.Content) != 1 || m.Content[0].Type != "text" || !strings.HasPrefix(m.Content[0].Text, demo.Label) ||
		(m.StopReason != "end_turn" && m.StopReason != "max_tokens") {
		t.Fatalf("message: %s", b)
	}
	if m.Usage.InputTokens != rc2.PromptTokens || m.Usage.OutputTokens != rc2.CompletionTokens {
		t.Fatalf("usage %+v, receipt %d/%d", m.Usage, rc2.PromptTokens, rc2.CompletionTokens)
	}
	if rc2.RequestHash != crypto.Keccak256Hash(body) || rc2.ResponseHash != crypto.Keccak256Hash(b) || rc2.Seq != 2 {
		t.Fatal("messages receipt: hashes or seq wrong")
	}
	if got := e.balance(acct); got != 1_000_000-rc.Fee.Int64()-rc2.Fee.Int64() {
		t.Fatalf("balance %d", got)
	}
	// The same conversation costs the same on every route: the translation
	// adds nothing the client pays for beyond its own bytes.
	resp, b = e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "Say something about tokens.", nil), nil)
	rc3 := e.receiptOf(resp)
	if rc3.CompletionTokens != rc.CompletionTokens && rc3.CompletionTokens == 0 {
		t.Fatalf("chat: %s", b)
	}
}

// TestTranslatedStreams: each new route streams its API's events; the last
// event carries the signed receipt and the usage billed; responseHash is
// keccak256 of every byte before that event; an idempotent retry replays
// the stream byte for byte and charges nothing.
func TestTranslatedStreams(t *testing.T) {
	cases := []struct {
		name, path  string
		body        []byte
		hdr         func(secret string) map[string]string
		first, last string
	}{
		{"responses", "/v1/responses", responsesBody(map[string]any{"stream": true}),
			func(string) map[string]string { return nil }, "response.created", "response.completed"},
		{"messages", "/v1/messages", messagesBody(map[string]any{"stream": true}),
			func(s string) map[string]string { return messagesHeaders(s, nil) }, "message_start", "message_stop"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			acct, secret := e.key(1_000_000, apikey.Key{})
			auth := secret
			if tc.name == "messages" {
				auth = ""
			}
			hdr := tc.hdr(secret)
			if hdr == nil {
				hdr = map[string]string{}
			}
			hdr["Idempotency-Key"] = "stream-" + tc.name
			resp, b := e.do("POST", tc.path, auth, tc.body, hdr)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			evs := namedEvents(t, b)
			if evs[0].name != tc.first || evs[len(evs)-1].name != tc.last {
				t.Fatalf("events from %s to %s", evs[0].name, evs[len(evs)-1].name)
			}
			receiptAt := len(evs) - 1
			if tc.name == "messages" {
				receiptAt = len(evs) - 2 // message_delta, then message_stop
			}
			var final struct {
				Receipt  metering.SignedReceipt `json:"receipt"`
				Usage    map[string]any         `json:"usage"`
				Response struct {
					Usage  map[string]any    `json:"usage"`
					Status string            `json:"status"`
					Output []json.RawMessage `json:"output"`
				} `json:"response"`
			}
			if err := json.Unmarshal(evs[receiptAt].data, &final); err != nil {
				t.Fatal(err)
			}
			rc := final.Receipt
			if err := rc.Verify(); err != nil {
				t.Fatalf("receipt in %s: %v", evs[receiptAt].name, err)
			}
			if rc.ID.Hex() != resp.Header.Get(gateway.HeaderReceiptID) || rc.RequestHash != crypto.Keccak256Hash(tc.body) {
				t.Fatal("receipt id or request hash wrong")
			}
			var before []byte
			var text strings.Builder
			for _, ev := range evs[:receiptAt] {
				before = append(before, ev.raw...)
				var d struct {
					Delta json.RawMessage `json:"delta"`
				}
				_ = json.Unmarshal(ev.data, &d)
				if ev.name == "response.output_text.delta" {
					var s string
					_ = json.Unmarshal(d.Delta, &s)
					text.WriteString(s)
				}
				if ev.name == "content_block_delta" {
					var td struct{ Text string }
					_ = json.Unmarshal(d.Delta, &td)
					text.WriteString(td.Text)
				}
			}
			if rc.ResponseHash != crypto.Keccak256Hash(before) {
				t.Fatal("responseHash is not keccak256 of the bytes before the receipt event")
			}
			if !strings.HasPrefix(text.String(), demo.Label) {
				t.Fatalf("streamed text %q", text.String())
			}
			usage := final.Usage
			in, out := "input_tokens", "output_tokens"
			if tc.name == "responses" {
				usage = final.Response.Usage
				if final.Response.Status != "completed" || len(final.Response.Output) != 1 {
					t.Fatalf("completed response: %s", evs[receiptAt].data)
				}
			}
			if usage[in] != float64(rc.PromptTokens) || usage[out] != float64(rc.CompletionTokens) || rc.CompletionTokens == 0 {
				t.Fatalf("usage %v, receipt %d/%d", usage, rc.PromptTokens, rc.CompletionTokens)
			}
			bal := e.balance(acct)
			if bal != 1_000_000-rc.Fee.Int64() {
				t.Fatalf("balance %d, fee %s", bal, rc.Fee)
			}
			r2, b2 := e.do("POST", tc.path, auth, tc.body, hdr)
			if r2.StatusCode != 200 || !bytes.Equal(b, b2) || r2.Header.Get(gateway.HeaderReplayed) != "true" {
				t.Fatalf("replay differs (%d):\n%s\n---\n%s", r2.StatusCode, b, b2)
			}
			if e.balance(acct) != bal || e.lastSeq() != 1 {
				t.Fatal("the replay was charged")
			}
		})
	}
}

// TestTranslatedToolCalls: tools go upstream as Chat Completions tools, the
// model's call comes back as the API's own tool call (plain and streamed),
// and the call's tokens are billed.
func TestTranslatedToolCalls(t *testing.T) {
	e := newEnv(t)
	_, secret := e.key(1_000_000, apikey.Key{})
	schema := map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"}}

	resp, b := e.do("POST", "/v1/responses", secret, responsesBody(map[string]any{
		"tools": []any{map[string]any{"type": "function", "name": "get_weather", "description": "Weather of a city", "parameters": schema}},
	}), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	var r struct {
		Output []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			CallID    string `json:"call_id"`
			Arguments string `json:"arguments"`
		} `json:"output"`
	}
	json.Unmarshal(b, &r)
	fc := r.Output[len(r.Output)-1]
	var args map[string]string
	if fc.Type != "function_call" || fc.Name != "get_weather" || fc.CallID == "" || json.Unmarshal([]byte(fc.Arguments), &args) != nil || args["city"] == "" {
		t.Fatalf("no function call: %s", b)
	}
	if rc := e.receiptOf(resp); rc.CompletionTokens == 0 {
		t.Fatal("a tool call was not billed")
	}
	// The call's result goes back as a function_call_output: the model
	// answers in text.
	resp, b = e.do("POST", "/v1/responses", secret, responsesBody(map[string]any{
		"tools": []any{map[string]any{"type": "function", "name": "get_weather", "parameters": schema}},
		"input": []any{
			map[string]any{"role": "user", "content": "Weather in Paris?"},
			map[string]any{"type": "function_call", "call_id": fc.CallID, "name": "get_weather", "arguments": fc.Arguments},
			map[string]any{"type": "function_call_output", "call_id": fc.CallID, "output": "sunny"},
		},
	}), nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"output_text"`) {
		t.Fatalf("after the tool's output: %d %s", resp.StatusCode, b)
	}

	tools := []any{map[string]any{"name": "get_weather", "description": "Weather of a city", "input_schema": schema}}
	resp, b = e.do("POST", "/v1/messages", "", messagesBody(map[string]any{"tools": tools, "stream": true}), messagesHeaders(secret, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	var partial strings.Builder
	var started, stopReason string
	for _, ev := range namedEvents(t, b) {
		var d struct {
			ContentBlock struct{ Type, Name string } `json:"content_block"`
			Delta        struct {
				Type        string `json:"type"`
				PartialJSON string `json:"partial_json"`
				StopReason  string `json:"stop_reason"`
			} `json:"delta"`
		}
		json.Unmarshal(ev.data, &d)
		switch ev.name {
		case "content_block_start":
			started = d.ContentBlock.Type + ":" + d.ContentBlock.Name
		case "content_block_delta":
			partial.WriteString(d.Delta.PartialJSON)
		case "message_delta":
			stopReason = d.Delta.StopReason
		}
	}
	if started != "tool_use:get_weather" || stopReason != "tool_use" || json.Unmarshal([]byte(partial.String()), &args) != nil || args["city"] == "" {
		t.Fatalf("streamed tool_use: %s %s %q\n%s", started, stopReason, partial.String(), b)
	}
}

// TestTranslatedBadInputCostsNothing: malformed or unsupported requests on
// the new routes are refused in their API's error shape, with nothing held,
// charged or numbered.
func TestTranslatedBadInputCostsNothing(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000, apikey.Key{})
	responses := map[string]string{
		"not json":              `{"model":`,
		"no input":              `{"model":"demo"}`,
		"unknown model":         `{"model":"nope","input":"hi"}`,
		"previous_response_id":  `{"model":"demo","input":"hi","previous_response_id":"resp_1"}`,
		"conversation":          `{"model":"demo","input":"hi","conversation":"conv_1"}`,
		"store true":            `{"model":"demo","input":"hi","store":true}`,
		"background":            `{"model":"demo","input":"hi","background":true}`,
		"hosted tool":           `{"model":"demo","input":"hi","tools":[{"type":"web_search"}]}`,
		"unknown field":         `{"model":"demo","input":"hi","n_predict":100000}`,
		"file input":            `{"model":"demo","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]}`,
		"image on text model":   `{"model":"demo","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://x/y.png"}]}]}`,
		"item reference":        `{"model":"demo","input":[{"type":"item_reference","id":"msg_1"}]}`,
		"bad max_output_tokens": `{"model":"demo","input":"hi","max_output_tokens":-1}`,
		"wrong text format":     `{"model":"demo","input":"hi","text":{"format":{"type":"xml"}}}`,
		"uppercase key":         `{"model":"demo","input":"hi","Max_Output_Tokens":100000}`,
	}
	for name, body := range responses {
		resp, b := e.do("POST", "/v1/responses", secret, []byte(body), nil)
		if resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Errorf("responses %s: %d %s", name, resp.StatusCode, b)
			continue
		}
		decodeError(t, b) // OpenAI's shape
	}
	messages := map[string]string{
		"not json":        `[]`,
		"no max_tokens":   `{"model":"demo","messages":[{"role":"user","content":"hi"}]}`,
		"no messages":     `{"model":"demo","max_tokens":10}`,
		"bad role":        `{"model":"demo","max_tokens":10,"messages":[{"role":"system","content":"hi"}]}`,
		"server tool":     `{"model":"demo","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}`,
		"document":        `{"model":"demo","max_tokens":10,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","data":"x","media_type":"text/plain"}}]}]}`,
		"unknown field":   `{"model":"demo","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"n":8}`,
		"bad tool choice": `{"model":"demo","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"all"}}`,
		"image on text":   `{"model":"demo","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}`,
		"unknown model":   `{"model":"nope","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`,
		"string tokens":   `{"model":"demo","max_tokens":"10","messages":[{"role":"user","content":"hi"}]}`,
	}
	for name, body := range messages {
		resp, b := e.do("POST", "/v1/messages", "", []byte(body), messagesHeaders(secret, nil))
		var ae struct {
			Type  string `json:"type"`
			Error struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(b, &ae); err != nil || ae.Type != "error" || ae.Error.Message == "" ||
			(ae.Error.Type != "invalid_request_error" && ae.Error.Type != "not_found_error") || (resp.StatusCode != 400 && resp.StatusCode != 404) {
			t.Errorf("messages %s: %d %s", name, resp.StatusCode, b)
		}
	}
	if e.balance(acct) != 1_000_000 || e.lastSeq() != 0 || e.openHolds() != 0 {
		t.Fatalf("bad input cost something: balance %d, seq %d, holds %d", e.balance(acct), e.lastSeq(), e.openHolds())
	}
	// Credentials on /v1/messages are refused in Anthropic's shape too.
	resp, b := e.do("POST", "/v1/messages", "", messagesBody(nil), map[string]string{"X-Api-Key": "imo_wrong"})
	if resp.StatusCode != 401 || !strings.Contains(string(b), `"authentication_error"`) {
		t.Fatalf("bad key: %d %s", resp.StatusCode, b)
	}
	resp, b = e.do("GET", "/v1/responses/resp_123", secret, nil, nil)
	if resp.StatusCode != 404 || !strings.Contains(decodeError(t, b).Error.Message, "store") {
		t.Fatalf("stored response: %d %s", resp.StatusCode, b)
	}
}

// TestTranslatedHoldsAreBounds: the limits a client sets in its own API
// (max_tokens, max_output_tokens) are the limits the hold pays for, capped by
// the model's; a request beyond the balance is refused before anything runs.
func TestTranslatedHoldsAreBounds(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000, apikey.Key{})
	resp, b := e.do("POST", "/v1/messages", "", messagesBody(map[string]any{"max_tokens": 1 << 30}), messagesHeaders(secret, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if rc := e.receiptOf(resp); rc.CompletionTokens > uint32(e.model.MaxTokens) {
		t.Fatalf("completion %d beyond the model's cap %d", rc.CompletionTokens, e.model.MaxTokens)
	}
	resp, b = e.do("POST", "/v1/responses", secret, responsesBody(map[string]any{"max_output_tokens": 3}), nil)
	var r struct {
		Status            string `json:"status"`
		IncompleteDetails struct {
			Reason string `json:"reason"`
		} `json:"incomplete_details"`
	}
	json.Unmarshal(b, &r)
	rc := e.receiptOf(resp)
	if rc.CompletionTokens > 3 || r.Status != "incomplete" || r.IncompleteDetails.Reason != "max_output_tokens" {
		t.Fatalf("max_output_tokens 3: %d tokens, %s", rc.CompletionTokens, b)
	}
	_, poor := e.key(10, apikey.Key{})
	resp, b = e.do("POST", "/v1/messages", "", messagesBody(nil), messagesHeaders(poor, nil))
	if resp.StatusCode != http.StatusPaymentRequired || !strings.Contains(string(b), `"billing_error"`) {
		t.Fatalf("no balance: %d %s", resp.StatusCode, b)
	}
	_ = acct
}

// TestCountTokens: /v1/messages/count_tokens says the most a call's prompt
// can be charged as (the upstream's own count, when it reports one, may be
// lower), and charges nothing.
func TestCountTokens(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000, apikey.Key{})
	body := []byte(`{"model":"demo","system":"Be terse.","messages":[{"role":"user","content":"Say something about tokens."}]}`)
	resp, b := e.do("POST", "/v1/messages/count_tokens", "", body, messagesHeaders(secret, nil))
	var n struct {
		InputTokens uint32 `json:"input_tokens"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &n) != nil || n.InputTokens == 0 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	resp, _ = e.do("POST", "/v1/messages", "", messagesBody(nil), messagesHeaders(secret, nil))
	if rc := e.receiptOf(resp); rc.PromptTokens > n.InputTokens || rc.PromptTokens == 0 {
		t.Fatalf("count_tokens said %d, the call was charged %d prompt tokens", n.InputTokens, rc.PromptTokens)
	}
	if e.lastSeq() != 1 || e.balance(acct) >= 1_000_000 {
		t.Fatal("count_tokens charged, or the call did not")
	}
}

// TestResponsesPassThrough: a model whose upstream serves the Responses API
// (upstream.api: responses) gets the client's request as sent, with its
// model name, the capped max_output_tokens and store false; the answer comes
// back with the public model name, charged the upstream's usage, with the
// receipt on the plain answer's header and on the stream's final event; a
// stream the upstream drops is charged what was delivered and ends with
// response.failed carrying the receipt.
func TestResponsesPassThrough(t *testing.T) {
	sim, err := vllmsim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	e := newEnv(t, withBackend(openai.New(openai.Config{BaseURL: sim.URL()})), func(c *gateway.Config) {
		c.Models[0].PassResponses = true
		c.Models[0].Demo = false
		c.Models[0].Counter = nil
	})
	e.listen()
	acct, secret := e.key(100_000_000, apikey.Key{})

	body := responsesBody(map[string]any{"user": "pass-plain", "max_output_tokens": 1 << 20})
	resp, b := e.do("POST", "/v1/responses", secret, body, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	served, _ := sim.Served("pass-plain")
	var sent struct {
		Model     string `json:"model"`
		MaxOutput int    `json:"max_output_tokens"`
		Store     *bool  `json:"store"`
	}
	raw, _ := json.Marshal(served.Request)
	json.Unmarshal(raw, &sent)
	if sent.Model != "demo-up" || sent.MaxOutput != e.model.MaxTokens || sent.Store == nil || *sent.Store {
		t.Fatalf("the upstream got %s", raw)
	}
	rc := e.receiptOf(resp)
	var r struct {
		Model  string `json:"model"`
		Object string `json:"object"`
	}
	json.Unmarshal(b, &r)
	if r.Model != "demo" || r.Object != "response" || rc.ResponseHash != crypto.Keccak256Hash(b) || rc.RequestHash != crypto.Keccak256Hash(body) {
		t.Fatalf("answer: %s", b)
	}
	if int(rc.PromptTokens) != served.PromptTokens || int(rc.CompletionTokens) != served.CompletionTokens {
		t.Fatalf("charged %d/%d, the upstream served %d/%d", rc.PromptTokens, rc.CompletionTokens, served.PromptTokens, served.CompletionTokens)
	}

	resp, b = e.do("POST", "/v1/responses", secret, responsesBody(map[string]any{"user": "pass-stream", "stream": true}), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	evs := namedEvents(t, b)
	last := evs[len(evs)-1]
	var final struct {
		Receipt  metering.SignedReceipt `json:"receipt"`
		Response struct {
			Model string            `json:"model"`
			Usage map[string]uint32 `json:"usage"`
		} `json:"response"`
	}
	json.Unmarshal(last.data, &final)
	served, _ = sim.Served("pass-stream")
	if last.name != "response.completed" || final.Response.Model != "demo" || final.Receipt.Verify() != nil ||
		int(final.Receipt.CompletionTokens) != served.CompletionTokens || final.Response.Usage["output_tokens"] != final.Receipt.CompletionTokens {
		t.Fatalf("final event: %s", last.data)
	}
	var before []byte
	for _, ev := range evs[:len(evs)-1] {
		before = append(before, ev.raw...)
		if bytes.Contains(ev.data, []byte(`"demo-up"`)) {
			t.Fatalf("the upstream's model name leaked: %s", ev.data)
		}
	}
	if final.Receipt.ResponseHash != crypto.Keccak256Hash(before) {
		t.Fatal("responseHash is not keccak256 of the bytes before the final event")
	}

	bal := e.balance(acct)
	resp, b = e.do("POST", "/v1/responses", secret, responsesBody(map[string]any{"user": "pass-drop", "stream": true,
		"metadata": map[string]string{"vllmsim": `{"drop_after":3,"length":10}`}}), nil)
	evs = namedEvents(t, b)
	last = evs[len(evs)-1]
	json.Unmarshal(last.data, &final)
	served, _ = sim.Served("pass-drop")
	if last.name != "response.failed" || final.Receipt.Verify() != nil || int(final.Receipt.CompletionTokens) < served.WrittenTokens ||
		served.WrittenTokens != 3 || !strings.Contains(string(last.data), "charged only for what was delivered") {
		t.Fatalf("dropped stream (%d written): %s", served.WrittenTokens, last.data)
	}
	if e.balance(acct) != bal-final.Receipt.Fee.Int64() || e.openHolds() != 0 {
		t.Fatal("the dropped stream's charge is not its receipt's fee")
	}
}

// brokenStream is an upstream whose streams send a few words and then fail.
type brokenStream struct{ words int }

func (b brokenStream) Complete(context.Context, inference.Request) (*inference.Response, error) {
	return nil, &inference.UpstreamError{Status: 500, Message: "down"}
}

func (b brokenStream) Stream(context.Context, inference.Request) (inference.Stream, error) {
	return &brokenChunks{left: b.words}, nil
}

type brokenChunks struct{ left, sent int }

func (s *brokenChunks) Next() (inference.Event, error) {
	if s.left == 0 {
		return inference.Event{}, &inference.UpstreamError{Status: 500, Message: "engine died"}
	}
	s.left--
	s.sent++
	return inference.Event{Data: []byte(`{"id":"x","object":"chat.completion.chunk","model":"demo-up","choices":[{"index":0,"delta":{"content":" word"}}]}`)}, nil
}
func (s *brokenChunks) Usage() inference.Usage { return inference.Usage{} }
func (s *brokenChunks) Close() error           { return nil }

// TestTranslatedStreamCut: a stream the upstream breaks after content is
// charged for what was delivered, and the client's API says so: the
// Messages stream ends with message_delta (the receipt) and an error event,
// the Responses stream with response.failed carrying the receipt. One that
// breaks before any content is charged nothing.
func TestTranslatedStreamCut(t *testing.T) {
	for _, words := range []int{3, 0} {
		e := newEnv(t, withBackend(brokenStream{words: words}))
		e.listen()
		acct, secret := e.key(1_000_000, apikey.Key{})
		_, mb := e.do("POST", "/v1/messages", "", messagesBody(map[string]any{"stream": true}), messagesHeaders(secret, nil))
		_, rb := e.do("POST", "/v1/responses", secret, responsesBody(map[string]any{"stream": true}), nil)
		mevs, revs := namedEvents(t, mb), namedEvents(t, rb)
		if words == 0 {
			if mevs[len(mevs)-1].name != "error" || revs[len(revs)-1].name != "error" || e.balance(acct) != 1_000_000 || e.lastSeq() != 0 {
				t.Fatalf("a stream without content was charged, or did not end in an error:\n%s\n%s", mb, rb)
			}
			continue
		}
		if mevs[len(mevs)-2].name != "message_delta" || mevs[len(mevs)-1].name != "error" || !bytes.Contains(mevs[len(mevs)-1].data, []byte("charged only for what was delivered")) {
			t.Fatalf("messages cut:\n%s", mb)
		}
		var md struct {
			Receipt metering.SignedReceipt `json:"receipt"`
		}
		json.Unmarshal(mevs[len(mevs)-2].data, &md)
		var rf struct {
			Receipt  metering.SignedReceipt `json:"receipt"`
			Response struct {
				Status string `json:"status"`
			} `json:"response"`
		}
		json.Unmarshal(revs[len(revs)-1].data, &rf)
		if revs[len(revs)-1].name != "response.failed" || rf.Response.Status != "failed" || rf.Receipt.Verify() != nil || md.Receipt.Verify() != nil {
			t.Fatalf("responses cut:\n%s", rb)
		}
		if md.Receipt.CompletionTokens < 3 || rf.Receipt.CompletionTokens < 3 ||
			e.balance(acct) != 1_000_000-md.Receipt.Fee.Int64()-rf.Receipt.Fee.Int64() || e.lastSeq() != 2 {
			t.Fatal("the delivered words were not charged, or charged otherwise than the receipts say")
		}
	}
}
