package gateway

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// FuzzParseCall feeds arbitrary bodies to the request parser: it must never
// panic, every refusal must be an *APIError with a 4xx status, and every
// accepted body must yield an upstream body that is a JSON object naming the
// upstream model with max_tokens within the cap, and a bounded maximum fee.
func FuzzParseCall(f *testing.F) {
	s := &Server{models: map[string]*Model{"m": {
		Name: "m", Upstream: "up", MaxTokens: 100, Timeout: time.Second,
		Price: metering.Price{PerRequest: 1, Per1KPrompt: 2, Per1KCompletion: 3},
	}}}
	for _, seed := range []string{
		`{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":false}}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"max_tokens":5,"n":2}`,
		`{"model":"m","prompt":"x","max_completion_tokens":1000}`,
		`{"model":"m","input":["a","b"]}`,
		`{"model":"m","messages":null}`, `{"model":1}`, `[]`, `null`, `{`, `{"model":"m","n":0}`,
	} {
		f.Add(byte(0), []byte(seed))
		f.Add(byte(1), []byte(seed))
		f.Add(byte(2), []byte(seed))
	}
	eps := []inference.Endpoint{inference.ChatCompletions, inference.Completions, inference.Embeddings}
	f.Fuzz(func(t *testing.T, which byte, body []byte) {
		ep := eps[int(which)%len(eps)]
		c, err := s.parseCall(ep, body)
		if err != nil {
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status < 400 || ae.Status > 499 || ae.Message == "" {
				t.Fatalf("refusal is not a client error: %v", err)
			}
			return
		}
		up, err := c.upstreamBody()
		if err != nil {
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != 400 {
				t.Fatalf("upstream body: %v", err)
			}
			return
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(up, &obj); err != nil {
			t.Fatalf("upstream body is not an object: %s", up)
		}
		if string(obj["model"]) != `"up"` {
			t.Fatalf("upstream model %s", obj["model"])
		}
		if ep != inference.Embeddings {
			var mt int
			raw := obj["max_tokens"]
			if raw == nil {
				raw = obj["max_completion_tokens"]
			}
			if err := json.Unmarshal(raw, &mt); err != nil || mt < 1 || mt > 100 {
				t.Fatalf("max tokens %s not within the cap", raw)
			}
		}
		if c.stream {
			var so map[string]json.RawMessage
			if err := json.Unmarshal(obj["stream_options"], &so); err != nil || string(so["include_usage"]) != "true" {
				t.Fatalf("include_usage not forced: %s", obj["stream_options"])
			}
		}
		fee, ok := c.maxFee()
		if !ok || fee < 1 {
			t.Fatalf("max fee %d %v", fee, ok)
		}
	})
}
