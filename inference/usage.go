package inference

import (
	"bytes"
	"encoding/json"
)

// usageShapes are the places upstream servers put usage: OpenAI, vLLM,
// Ollama, llama.cpp server and TGI use "usage" (vLLM on every chunk with
// continuous_usage_stats); Groq-style servers also "x_groq.usage";
// Anthropic-style servers input/output token names; llama.cpp's server also
// "timings" (on every chunk with timings_per_token).
type usageShapes struct {
	Usage *usageJSON `json:"usage"`
	// The Responses API's stream reports usage in its final event's
	// response object.
	Response *struct {
		Usage *usageJSON `json:"usage"`
	} `json:"response"`
	XGroq *struct {
		Usage *usageJSON `json:"usage"`
	} `json:"x_groq"`
	Timings *struct {
		PromptN    *int64 `json:"prompt_n"`
		CacheN     *int64 `json:"cache_n"`
		PredictedN *int64 `json:"predicted_n"`
	} `json:"timings"`
}

type usageJSON struct {
	PromptTokens     *int64 `json:"prompt_tokens"`
	CompletionTokens *int64 `json:"completion_tokens"`
	InputTokens      *int64 `json:"input_tokens"`
	OutputTokens     *int64 `json:"output_tokens"`
	TotalTokens      *int64 `json:"total_tokens"`
	// Anthropic counts cached input apart from input_tokens.
	CacheCreation *int64 `json:"cache_creation_input_tokens"`
	CacheRead     *int64 `json:"cache_read_input_tokens"`
	// OpenAI's details: reasoning tokens are part of completion_tokens and
	// cached tokens part of prompt_tokens; a server that reports them but
	// leaves them out of the totals is charged for them all the same.
	CompletionDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
	// The Responses API's names for the same details.
	OutputDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
	InputDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	PromptDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
}

// val is a reported count, clamped into [0, 2^32-1] (a receipt's range),
// so that sums of a few of them cannot overflow.
func val(p *int64) int64 {
	if p == nil || *p < 0 {
		return 0
	}
	return min(*p, 1<<32-1)
}

// ParseUsage reads token usage from a response body or stream chunk, in any
// of the shapes above. ok is false when the JSON carries no usage.
//
// Every count is read so that it is never below what the upstream said it
// served: completion tokens are at least total − prompt and at least the
// reasoning tokens; prompt tokens at least the cached tokens; Anthropic's
// cached input is added to its input tokens.
func ParseUsage(body []byte) (Usage, bool) {
	if !bytes.Contains(body, []byte(`"usage"`)) && !bytes.Contains(body, []byte(`"timings"`)) {
		return Usage{}, false // most stream chunks: skip the decode
	}
	var s usageShapes
	if err := json.Unmarshal(body, &s); err != nil {
		return Usage{}, false
	}
	u := s.Usage
	if u == nil && s.XGroq != nil {
		u = s.XGroq.Usage
	}
	if u == nil && s.Response != nil {
		u = s.Response.Usage
	}
	if u == nil {
		if t := s.Timings; t != nil && (t.PromptN != nil || t.PredictedN != nil) {
			return Usage{PromptTokens: clampU32(val(t.PromptN) + val(t.CacheN)), CompletionTokens: clampU32(val(t.PredictedN)), Reported: true}, true
		}
		return Usage{}, false
	}
	havePrompt := u.PromptTokens != nil || u.InputTokens != nil
	haveCompletion := u.CompletionTokens != nil || u.OutputTokens != nil
	if !havePrompt && !haveCompletion && u.TotalTokens == nil {
		return Usage{}, false
	}
	var p, c int64
	if u.PromptTokens != nil {
		p = val(u.PromptTokens)
	} else {
		p = val(u.InputTokens) + val(u.CacheCreation) + val(u.CacheRead)
	}
	if u.CompletionTokens != nil {
		c = val(u.CompletionTokens)
	} else {
		c = val(u.OutputTokens)
	}
	if !havePrompt && !haveCompletion {
		p = val(u.TotalTokens) // embeddings report only totals on some servers
	}
	if d := u.PromptDetails; d != nil {
		p = max(p, val(d.CachedTokens))
	}
	if d := u.CompletionDetails; d != nil {
		c = max(c, val(d.ReasoningTokens))
	}
	if d := u.OutputDetails; d != nil {
		c = max(c, val(d.ReasoningTokens))
	}
	if d := u.InputDetails; d != nil {
		p = max(p, val(d.CachedTokens))
	}
	if t := val(u.TotalTokens); t > p+c && havePrompt {
		c = t - p // generated, whatever the server called it
	}
	return Usage{PromptTokens: clampU32(p), CompletionTokens: clampU32(c), Reported: true}, true
}

func clampU32(v int64) uint32 {
	if v < 0 {
		return 0
	}
	if v > 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(v)
}
