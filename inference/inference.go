// Package inference defines how the gateway talks to a model: a Backend takes
// an OpenAI-shaped request body and returns the response body (or a stream of
// SSE events) with the token usage it reports. Implementations: openai (any
// OpenAI-compatible upstream server) and demo (a built-in, clearly labelled
// demo model that needs no model server).
package inference

import (
	"context"
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
	// Responses is OpenAI's Responses API, passed through to an upstream
	// that serves it (vLLM and others do).
	Responses Endpoint = "responses"
)

// Request is one inference call. Body is the JSON sent upstream: the gateway
// has already set the upstream model name, capped max_tokens and, for
// streams, forced stream_options.include_usage.
type Request struct {
	Endpoint Endpoint
	Body     []byte
	// PerPrompt is the choices a stream returns per prompt (its n; 0 means
	// 1): choice i answers prompt i / PerPrompt. A stream's running usage is
	// reported per choice, and summed with it.
	PerPrompt int
}

// Kind is an upstream server family, as far as metering cares: what it
// reports while it streams. Every kind reports usage at the end of a stream
// when asked (stream_options.include_usage); some can also report a running
// count on every chunk, which is what a stream cut short is charged by.
type Kind string

// The upstream kinds.
const (
	// KindOpenAI: OpenAI and every server that follows it (Ollama's and
	// TGI's OpenAI APIs, hosted APIs): usage on the last chunk.
	KindOpenAI Kind = "openai"
	// KindVLLM: vLLM, which also reports usage on every chunk when asked
	// (stream_options.continuous_usage_stats).
	KindVLLM Kind = "vllm"
	// KindLlamaCpp: llama.cpp's server, which also reports timings
	// (prompt_n, predicted_n) on every chunk when asked (timings_per_token).
	KindLlamaCpp Kind = "llamacpp"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindOpenAI || k == KindVLLM || k == KindLlamaCpp }

// TokenCounter counts the tokens of text as a model's tokenizer does. The
// gateway uses it for what an upstream did not report.
type TokenCounter interface {
	CountTokens(text string) int
}

// Bytes counts one token per byte of UTF-8 text: an upper bound of what any
// byte-level tokenizer makes of it, and so a count no text can game.
type Bytes struct{}

// CountTokens implements TokenCounter.
func (Bytes) CountTokens(text string) int { return len(text) }

// Usage is the token usage of a call. Reported is false when the upstream
// said nothing, and the counts are zero.
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
