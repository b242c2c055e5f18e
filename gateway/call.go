package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"

	"github.com/imogate/imogate/gateway/dialect"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// Bounds of one call's shape.
const (
	// maxN bounds "n" and "best_of" (sequences per prompt).
	maxN = 8
	// maxTokenCount is the most tokens of one class a receipt can record
	// (its fields are uint32): a call that could need more is refused.
	maxTokenCount = math.MaxUint32
)

// call is one parsed paid request and the bounds its hold pays for. The
// bounds are true upper bounds of what the upstream may bill for the request
// as it is sent upstream (capped): every shape that could cost more than
// they say is refused by parseCall before anything is held.
type call struct {
	endpoint inference.Endpoint
	model    *Model
	// body is the request as the upstream reads it: the bytes received, or
	// for a translated API the Chat Completions request made of them.
	body []byte
	// api is the API the client speaks; tr its translation onto Chat
	// Completions (nil for the OpenAI routes, which go upstream as sent).
	api clientAPI
	tr  *dialect.Translated
	// pass is the client's Responses request, when it goes upstream as
	// it came (the model's upstream serves the Responses API); nil when
	// it is translated.
	pass   map[string]json.RawMessage
	fields map[string]json.RawMessage
	stream bool

	// maxTokens is the completion tokens allowed per sequence, sent upstream.
	maxTokens int
	// prompts is the number of prompts (completions: prompt arrays).
	prompts uint64
	// perPrompt is the sequences generated per prompt: max(n, best_of).
	perPrompt uint64
	// promptBound is the prompt tokens held: one per body byte (an upper
	// bound for byte-level tokenizers), the configured bound of each media
	// part, and the model's template overhead for chat calls.
	promptBound uint64
	// completionBound is the completion tokens held:
	// prompts × perPrompt × maxTokens.
	completionBound uint64
	// media is the part of promptBound held for media parts.
	media uint64
}

// parseCall validates an OpenAI request body and computes its bounds. Every
// problem is a 400 (404 for an unknown model) in OpenAI's shape naming the
// offending field; nothing has been held or charged yet.
func (s *Server) parseCall(ep inference.Endpoint, body []byte) (*call, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, badRequest("", "the request body is not a JSON object")
	}
	if err := checkKeys(fields, ""); err != nil {
		return nil, err
	}
	c := &call{endpoint: ep, body: body, fields: fields, prompts: 1, perPrompt: 1}
	var name string
	if err := json.Unmarshal(fields["model"], &name); err != nil || name == "" {
		return nil, badRequest("model", "\"model\" is required and must be a string")
	}
	m, ok := s.models[name]
	if !ok {
		e := apiErr(http.StatusNotFound, "invalid_request_error", "model_not_found", "the model %q does not exist; GET /v1/models lists the models served", name)
		e.Param = "model"
		return nil, e
	}
	c.model = m
	for name, why := range costlyParams {
		if present(fields, name) {
			return nil, badRequest(name, "%q is not accepted: %s, which the gateway could not bound when it holds credit for the call", name, why)
		}
	}
	var media uint64
	switch ep {
	case inference.ChatCompletions:
		var err error
		if media, err = c.parseMessages(); err != nil {
			return nil, err
		}
	case inference.Completions:
		n, err := countInputs(fields["prompt"], "prompt")
		if err != nil {
			return nil, err
		}
		c.prompts = n
	case inference.Embeddings:
		if present(fields, "messages") {
			return nil, badRequest("messages", "embeddings take \"input\"; chat-style \"messages\" are not accepted on this route")
		}
		if _, err := countInputs(fields["input"], "input"); err != nil {
			return nil, err
		}
	}
	if raw, ok := fields["stream"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &c.stream); err != nil {
			return nil, badRequest("stream", "\"stream\" must be a boolean")
		}
	}
	if c.stream && ep == inference.Embeddings {
		return nil, badRequest("stream", "embeddings cannot stream")
	}
	if ep == inference.Embeddings {
		c.promptBound = uint64(len(body))
		return c, nil
	}
	if err := c.parseSampling(); err != nil {
		return nil, err
	}
	c.media = media
	c.promptBound = uint64(len(body)) + media
	if ep == inference.ChatCompletions {
		c.promptBound += uint64(m.PromptOverhead)
	}
	// Overflow-free: each factor is far below 2^21, checked against the
	// receipt's uint32 fields before any multiplication could wrap.
	seqs := c.prompts * c.perPrompt
	if seqs > maxTokenCount/uint64(max(c.maxTokens, 1)) {
		return nil, badRequest("max_tokens", "this request could generate more than %d tokens (%d prompts × %d sequences × %d max tokens); send fewer prompts, a smaller n or best_of, or a lower max_tokens",
			uint64(maxTokenCount), c.prompts, c.perPrompt, c.maxTokens)
	}
	c.completionBound = seqs * uint64(c.maxTokens)
	if c.promptBound > maxTokenCount {
		return nil, badRequest("messages", "the request's media parts could become more than %d prompt tokens", uint64(maxTokenCount))
	}
	return c, nil
}

// parseSampling reads what bounds the generation: n, best_of, the
// max-tokens fields and min_tokens.
func (c *call) parseSampling() error {
	f := c.fields
	n, err := intField(f, "n", 1, maxN)
	if err != nil {
		return err
	}
	bestOf, err := intField(f, "best_of", n, maxN)
	if err != nil {
		return err
	}
	if bestOf > n && c.stream {
		return badRequest("best_of", "\"best_of\" cannot be used with \"stream\"")
	}
	c.perPrompt = uint64(max(n, bestOf))
	c.maxTokens = c.model.MaxTokens
	for _, name := range []string{"max_tokens", "max_completion_tokens"} {
		v, err := intField(f, name, 1, math.MaxInt32)
		if err != nil {
			return err
		}
		if present(f, name) {
			c.maxTokens = min(v, c.maxTokens)
		}
	}
	if _, err := intField(f, "min_tokens", 0, c.maxTokens); err != nil {
		return badRequest("min_tokens", "\"min_tokens\" must be an integer from 0 to the call's max tokens (%d here)", c.maxTokens)
	}
	return nil
}

// intField reads an optional integer field in [lo, hi]; absent or null
// gives lo.
func intField(f map[string]json.RawMessage, name string, lo, hi int) (int, error) {
	raw, ok := f[name]
	if !ok || isNull(raw) {
		return lo, nil
	}
	var v int
	if err := json.Unmarshal(raw, &v); err != nil || v < lo || v > hi {
		return 0, badRequest(name, "%q must be an integer from %d to %d", name, lo, hi)
	}
	return v, nil
}

// countInputs checks a completions prompt or an embeddings input (a string,
// an array of strings, an array of token ids, or an array of such arrays)
// and returns how many separate inputs it holds.
func countInputs(raw json.RawMessage, param string) (uint64, error) {
	bad := badRequest(param, "%q must be a string, an array of strings, an array of token ids, or an array of token-id arrays, and not empty", param)
	if len(raw) == 0 || isNull(raw) {
		return 0, badRequest(param, "%q is required", param)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return 1, nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		return 0, bad
	}
	var id uint64
	if json.Unmarshal(items[0], &id) == nil { // one prompt of token ids
		for _, it := range items {
			if json.Unmarshal(it, &id) != nil {
				return 0, bad
			}
		}
		return 1, nil
	}
	for _, it := range items {
		var ids []uint64
		if json.Unmarshal(it, &s) != nil && (json.Unmarshal(it, &ids) != nil || len(ids) == 0) {
			return 0, bad
		}
	}
	return uint64(len(items)), nil
}

// parseMessages checks chat messages and returns the prompt tokens held
// for their media parts.
func (c *call) parseMessages() (uint64, error) {
	var msgs []map[string]json.RawMessage
	if err := json.Unmarshal(c.fields["messages"], &msgs); err != nil || len(msgs) == 0 {
		return 0, badRequest("messages", "\"messages\" must be a non-empty array of message objects")
	}
	var media uint64
	for i, msg := range msgs {
		if err := checkKeys(msg, fmt.Sprintf("messages[%d].", i)); err != nil {
			return 0, err
		}
		var role string
		if err := json.Unmarshal(msg["role"], &role); err != nil || role == "" {
			return 0, badRequest(fmt.Sprintf("messages[%d].role", i), "each message needs a string \"role\"")
		}
		raw, ok := msg["content"]
		if !ok || isNull(raw) || raw[0] == '"' {
			continue
		}
		var parts []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &parts); err != nil {
			return 0, badRequest(fmt.Sprintf("messages[%d].content", i), "a message's content must be a string or an array of content parts")
		}
		for j, p := range parts {
			if err := checkKeys(p, fmt.Sprintf("messages[%d].content[%d].", i, j)); err != nil {
				return 0, err
			}
			t, err := c.model.Media.partTokens(p)
			if err != nil {
				return 0, badRequest(fmt.Sprintf("messages[%d].content[%d]", i, j), "%s", err.Error())
			}
			media += t
		}
	}
	return media, nil
}

// Media bounds what multimodal content parts may cost, per model: the
// prompt tokens held for each part of a kind. Zero refuses that kind: a part
// whose cost cannot be bounded is never accepted.
type Media struct {
	ImageTokens uint64 // per image_url part
	AudioTokens uint64 // per input_audio or audio_url part
	VideoTokens uint64 // per video_url part
}

// partTokens is the prompt tokens held for one content part, or why the
// part is refused.
func (m Media) partTokens(p map[string]json.RawMessage) (uint64, error) {
	var typ string
	if err := json.Unmarshal(p["type"], &typ); err != nil {
		return 0, fmt.Errorf("each content part needs a string \"type\"")
	}
	bound := func(tokens uint64, kind string) (uint64, error) {
		if tokens == 0 {
			return 0, fmt.Errorf("this model does not accept %s parts: the operator has set no bound on what one may cost", kind)
		}
		return tokens, nil
	}
	switch typ {
	case "text", "refusal":
		return 0, nil // its text is in the body's bytes
	case "image_url":
		return bound(m.ImageTokens, "image")
	case "input_audio", "audio_url":
		return bound(m.AudioTokens, "audio")
	case "video_url":
		return bound(m.VideoTokens, "video")
	}
	return 0, fmt.Errorf("content parts of type %q are not accepted (text, image_url, input_audio, audio_url and video_url are, as the model allows)", typ)
}

// costlyParams are parameters some upstream honours that would make a call
// cost more than its bounds say: aliases of the sampling limits the gateway
// caps (llama.cpp reads n_predict before max_tokens and n_cmpl before n),
// inputs that become prompt tokens without bytes (prompt embeddings), and
// knobs that change what a prompt or a media part expands to.
var costlyParams = map[string]string{
	"n_predict":           "llama.cpp reads it before max_tokens (the limit the gateway caps)",
	"n_cmpl":              "llama.cpp reads it before n (the completions the gateway holds for)",
	"num_predict":         "Ollama reads it as the generation limit",
	"max_new_tokens":      "TGI reads it as the generation limit",
	"max_length":          "some servers read it as the generation limit",
	"options":             "Ollama reads its num_predict as the generation limit",
	"prompt_embeds":       "vLLM turns it into prompt tokens that have no bytes in the request",
	"mm_processor_kwargs": "it changes how many tokens media parts become",
	"media_io_kwargs":     "it changes how media is loaded (for example how many video frames)",
	"chat_template":       "a client's chat template can expand the prompt without bound",
	"vllm_xargs":          "it passes arbitrary arguments to vLLM's engine",
	"kv_transfer_params":  "it passes arbitrary arguments to vLLM's engine",
	"logits_processors":   "it runs custom processors in vLLM's engine",
}

// checkKeys refuses object keys that are not lowercase ASCII names
// ([a-z0-9_.-]). Every parameter of the OpenAI and vLLM APIs is one, and an
// upstream written in Go matches JSON keys to its fields case-insensitively
// (with Unicode folding: "Content", "ſtream" and "MAX_TOKENS" all match), so a
// key the gateway does not read exactly could be read upstream as a
// parameter the hold did not bound.
func checkKeys(obj map[string]json.RawMessage, path string) error {
	for k := range obj {
		for i := 0; i < len(k); i++ {
			c := k[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '.' && c != '-' {
				return badRequest(path+k, "parameter names are lowercase ASCII (a-z, 0-9, _ . -); %q is not", k)
			}
		}
		if k == "" {
			return badRequest(path, "an empty parameter name")
		}
	}
	return nil
}

func present(f map[string]json.RawMessage, name string) bool {
	raw, ok := f[name]
	return ok && !isNull(raw)
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// hold is the most the call can cost under price p: its prompt and
// completion bounds priced as the call's route is. It reports false when
// that would not fit in int64.
func (c *call) hold(p metering.Price) (int64, bool) {
	if c.endpoint == inference.Embeddings {
		return p.EmbeddingFee(c.promptBound)
	}
	return p.Fee(c.promptBound, c.completionBound)
}

// billed is what a receipt records and charges for the usage u: each token
// class capped at what the hold paid for, and the fee of those counts under
// p, so the receipt's fee is always its own tokens priced (and never above
// the hold). over is true when the usage was beyond the bounds: the upstream
// served more than the request allowed.
func (c *call) billed(p metering.Price, u inference.Usage) (pt, ct uint32, fee int64, over bool) {
	pt64, ct64 := uint64(u.PromptTokens), uint64(u.CompletionTokens)
	if pt64 > c.promptBound {
		pt64, over = c.promptBound, true
	}
	if ct64 > c.completionBound {
		ct64, over = c.completionBound, true
	}
	var ok bool
	if c.endpoint == inference.Embeddings {
		fee, ok = p.EmbeddingFee(pt64)
	} else {
		fee, ok = p.Fee(pt64, ct64)
	}
	if !ok { // unreachable: below the hold, which fits
		panic("fee of bounded usage overflows")
	}
	return uint32(pt64), uint32(ct64), fee, over
}

// usage is what the call is charged for, given what the upstream reported
// (up) and the generated text the client received in pieces. Where the
// upstream reported nothing, the count cannot be pushed below the truth by
// the client: the model's tokenizer (or one token per byte) over what was
// delivered, and for the prompt the tokenizer over the request's text plus
// its media and template bounds, or else the hold's byte bound. Either way
// the completion is never fewer tokens than the pieces delivered.
func (c *call) usage(up inference.Usage, delivered string, pieces int) inference.Usage {
	u := up
	if !up.Reported {
		u.PromptTokens = uint32(min(c.promptCount(), maxTokenCount))
	}
	if c.endpoint != inference.Embeddings && (!up.Reported || up.CompletionTokens == 0) {
		// Nothing reported, or an upstream that says it generated nothing
		// while text was delivered: count the text.
		u.CompletionTokens = uint32(min(uint64(c.count(delivered)), maxTokenCount))
	}
	if uint64(pieces) > uint64(u.CompletionTokens) {
		u.CompletionTokens = uint32(min(uint64(pieces), maxTokenCount))
	}
	return u
}

// promptCount counts the prompt the upstream did not report.
func (c *call) promptCount() uint64 {
	if c.model.Counter == nil {
		return c.promptBound
	}
	n := uint64(c.model.Counter.CountTokens(inference.RequestText(c.body))) + c.media
	if c.endpoint == inference.ChatCompletions || c.endpoint == inference.Responses {
		n += uint64(c.model.PromptOverhead)
	}
	return min(n, c.promptBound)
}

// count counts generated text with the model's tokenizer, or one token per
// byte without one.
func (c *call) count(text string) int {
	if c.model.Counter == nil {
		return len(text)
	}
	return c.model.Counter.CountTokens(text)
}
