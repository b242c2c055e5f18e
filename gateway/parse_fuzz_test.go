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
	s := fuzzServer()
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
		fee, ok := c.hold(fuzzPrice)
		if !ok || fee < 1 {
			t.Fatalf("max fee %d %v", fee, ok)
		}
	})
}

var fuzzPrice = metering.Price{PerRequest: 1, Per1KPrompt: 2, Per1KCompletion: 3, Per1KEmbedding: 5}

func fuzzServer() *Server {
	return &Server{models: map[string]*Model{"m": {
		Name: "m", Upstream: "up", MaxTokens: 100, Timeout: time.Second, Price: fuzzPrice,
		Media: Media{ImageTokens: 1000}, PromptOverhead: 64,
	}}}
}

// FuzzHoldBoundsFee checks the money rule of every accepted request: the
// hold is a true upper bound. Independently of parseCall, it decodes the
// request the way an upstream like vLLM reads it (prompts, n, best_of,
// max tokens, media parts) and requires the bounds to cover what that
// upstream may generate; then, for any usage an upstream reports, the
// receipt's tokens are the usage capped at the bounds, its fee is exactly
// their price, and the fee never exceeds the hold.
func FuzzHoldBoundsFee(f *testing.F) {
	s := fuzzServer()
	for _, seed := range []string{
		`{"model":"m","prompt":["a","b","c"],"n":2,"best_of":3,"max_tokens":50}`,
		`{"model":"m","prompt":[[1,2],[3]],"max_tokens":7}`,
		`{"model":"m","prompt":[1,2,3]}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"url":"http://i"}}]}],"n":4}`,
		`{"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":3,"max_tokens":9}`,
		`{"model":"m","input":["a","b"]}`,
	} {
		for ep := byte(0); ep < 3; ep++ {
			f.Add(ep, []byte(seed), uint32(10), uint32(10))
			f.Add(ep, []byte(seed), uint32(1<<32-1), uint32(1<<32-1))
		}
	}
	eps := []inference.Endpoint{inference.ChatCompletions, inference.Completions, inference.Embeddings}
	f.Fuzz(func(t *testing.T, which byte, body []byte, pt, ct uint32) {
		ep := eps[int(which)%len(eps)]
		c, err := s.parseCall(ep, body)
		if err != nil {
			return
		}
		hold, ok := c.hold(fuzzPrice)
		if !ok {
			return // refused by the handler before any hold
		}
		// The oracle: what the upstream may generate for this request. It
		// decodes as an upstream written in Go would (encoding/json matches
		// keys case-insensitively): parseCall must refuse any key it would
		// read differently.
		var req struct {
			Prompt   json.RawMessage `json:"prompt"`
			Messages []struct {
				Content json.RawMessage `json:"content"`
			} `json:"messages"`
			N         *int `json:"n"`
			BestOf    *int `json:"best_of"`
			MaxTokens *int `json:"max_tokens"`
			MaxCompl  *int `json:"max_completion_tokens"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Fatalf("accepted a body the oracle cannot read: %s", body)
		}
		if ep != inference.Embeddings {
			prompts := uint64(1)
			if ep == inference.Completions {
				var many []json.RawMessage
				if json.Unmarshal(req.Prompt, &many) == nil && len(many) > 0 {
					var id int
					if json.Unmarshal(many[0], &id) != nil {
						prompts = uint64(len(many))
					}
				}
			}
			seqs := 1
			if req.N != nil {
				seqs = max(seqs, *req.N)
			}
			if req.BestOf != nil {
				seqs = max(seqs, *req.BestOf)
			}
			maxT := 100
			for _, v := range []*int{req.MaxTokens, req.MaxCompl} {
				if v != nil {
					maxT = min(maxT, *v)
				}
			}
			if need := prompts * uint64(seqs) * uint64(maxT); c.completionBound < need {
				t.Fatalf("completion bound %d below the %d tokens the upstream may generate: %s", c.completionBound, need, body)
			}
		}
		media := uint64(0)
		for _, m := range req.Messages {
			var parts []struct {
				Type string `json:"type"`
			}
			if json.Unmarshal(m.Content, &parts) == nil {
				for _, p := range parts {
					if p.Type == "image_url" {
						media += 1000
					}
				}
			}
		}
		if ep == inference.ChatCompletions && c.promptBound < uint64(len(body))+media {
			t.Fatalf("prompt bound %d below the body's %d bytes and %d media tokens", c.promptBound, len(body), media)
		}
		// Any usage: the receipt is self-consistent and within the hold.
		u := inference.Usage{PromptTokens: pt, CompletionTokens: ct, Reported: true}
		gotPT, gotCT, fee, over := c.billed(fuzzPrice, u)
		if fee > hold {
			t.Fatalf("fee %d above the hold %d for usage %+v: %s", fee, hold, u, body)
		}
		var want int64
		if ep == inference.Embeddings {
			want, _ = fuzzPrice.EmbeddingFee(uint64(gotPT))
		} else {
			want, _ = fuzzPrice.Fee(uint64(gotPT), uint64(gotCT))
		}
		if fee != want {
			t.Fatalf("fee %d is not the price of its own tokens (%d, %d): %d", fee, gotPT, gotCT, want)
		}
		within := uint64(pt) <= c.promptBound && uint64(ct) <= c.completionBound
		if within && (gotPT != pt || gotCT != ct || over) {
			t.Fatalf("usage within the bounds was changed: %+v → (%d, %d)", u, gotPT, gotCT)
		}
		if !within && !over {
			t.Fatalf("usage beyond the bounds not flagged: %+v", u)
		}
	})
}
