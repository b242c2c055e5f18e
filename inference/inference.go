// Package inference defines how the gateway talks to a model: a Backend takes
// an OpenAI-shaped request body and returns the response body (or a stream of
// SSE events) with the token usage it reports. Implementations: openai (any
// OpenAI-compatible upstream server) and demo (a built-in, clearly labelled
// demo model that needs no model server).
package inference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Endpoint is an OpenAI API route below /v1.
type Endpoint string

// The endpoints imogate serves.
const (
	ChatCompletions Endpoint = "chat/completions"
	Completions     Endpoint = "completions"
	Embeddings      Endpoint = "embeddings"
)

// Request is one inference call. Body is the JSON sent upstream: the gateway
// has already set the upstream model name, capped max_tokens and, for
// streams, forced stream_options.include_usage.
type Request struct {
	Endpoint Endpoint
	Body     []byte
}

// Usage is the token usage of a call. Reported is false when the upstream
// said nothing and the counts are the gateway's own estimate.
type Usage struct {
	PromptTokens     uint32
	CompletionTokens uint32
	Reported         bool
}

// Response is a complete (non-streaming) upstream answer.
type Response struct {
	Body  []byte // the upstream's JSON body
	Usage Usage
}

// Event is one SSE data payload of a stream (the JSON after "data: ").
type Event struct {
	Data []byte
}

// Stream yields a streaming call's events in order. Next returns io.EOF after
// the upstream's "[DONE]" (or end of stream). Usage is valid after io.EOF and
// reflects what was generated so far at any time. Close releases the
// connection and may be called at any point, including mid-stream.
type Stream interface {
	Next() (Event, error)
	Usage() Usage
	Close() error
}

// Backend runs inference calls. Implementations are safe for concurrent use.
type Backend interface {
	// Complete runs a non-streaming call.
	Complete(ctx context.Context, req Request) (*Response, error)
	// Stream starts a streaming call; ctx bounds the whole stream.
	Stream(ctx context.Context, req Request) (Stream, error)
}

// UpstreamError is an error answer from the upstream server. Status is the
// upstream's HTTP status; Message is the upstream's error message if it sent
// one in OpenAI's error shape.
type UpstreamError struct {
	Status  int
	Message string
}

func (e *UpstreamError) Error() string {
	return fmt.Sprintf("upstream answered %d: %s", e.Status, e.Message)
}

// ErrTimeout wraps an upstream call that ran out of time.
var ErrTimeout = errors.New("upstream timed out")

// usageShapes are the places upstream servers put usage: OpenAI, vLLM,
// Ollama, llama.cpp server and TGI use "usage"; Groq-style servers also
// "x_groq.usage"; some use input/output token names.
type usageShapes struct {
	Usage *usageJSON `json:"usage"`
	XGroq *struct {
		Usage *usageJSON `json:"usage"`
	} `json:"x_groq"`
}

type usageJSON struct {
	PromptTokens     *int64 `json:"prompt_tokens"`
	CompletionTokens *int64 `json:"completion_tokens"`
	InputTokens      *int64 `json:"input_tokens"`
	OutputTokens     *int64 `json:"output_tokens"`
	TotalTokens      *int64 `json:"total_tokens"`
}

// ParseUsage reads token usage from a response body or stream chunk, in any
// of the shapes above. ok is false when the JSON carries no usage.
func ParseUsage(body []byte) (Usage, bool) {
	var s usageShapes
	if err := json.Unmarshal(body, &s); err != nil {
		return Usage{}, false
	}
	u := s.Usage
	if u == nil && s.XGroq != nil {
		u = s.XGroq.Usage
	}
	if u == nil {
		return Usage{}, false
	}
	pick := func(a, b *int64) (int64, bool) {
		if a != nil {
			return *a, true
		}
		if b != nil {
			return *b, true
		}
		return 0, false
	}
	p, okP := pick(u.PromptTokens, u.InputTokens)
	c, okC := pick(u.CompletionTokens, u.OutputTokens)
	if !okP && !okC {
		if u.TotalTokens == nil {
			return Usage{}, false
		}
		p, okP = *u.TotalTokens, true // embeddings report only totals on some servers
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
