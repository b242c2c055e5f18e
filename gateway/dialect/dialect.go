// Package dialect translates the other two APIs clients speak, OpenAI's
// Responses API and Anthropic's Messages API, onto Chat Completions (the API
// every upstream imogate fronts serves) and the answers back: a request
// becomes one Chat Completions request, a completion becomes one Response or
// Message object, and a stream of completion chunks becomes that API's
// server-sent events.
//
// The translation is strict where money is concerned: every field of a
// request is either translated, checked and dropped (metadata the upstream
// never sees), or refused with an Error naming it. No client field reaches the
// upstream unread, so the gateway's bounds on a call's cost hold for the
// translated request exactly as for a Chat Completions request sent directly.
// Output is deterministic: the same input gives the same bytes, which is what
// the receipts' response hashes and the idempotent replays rely on.
package dialect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Error is a request the translator refuses. Param names the offending field
// of the client's request, in that API's terms.
type Error struct {
	Param   string
	Message string
}

func (e *Error) Error() string {
	if e.Param == "" {
		return e.Message
	}
	return e.Param + ": " + e.Message
}

func errf(param, format string, args ...any) *Error {
	return &Error{Param: param, Message: fmt.Sprintf(format, args...)}
}

// Usage is the token usage reported back to the client.
type Usage struct {
	Input, Output uint32
}

// Translated is a request translated onto Chat Completions.
type Translated struct {
	Model  string // the model the client named
	Stream bool
	Chat   []byte // the Chat Completions request body
	// echo holds request fields a Response object repeats (Responses only).
	echo map[string]json.RawMessage
}

// chatRequest is the Chat Completions request a translation produces; its
// field order is the order of the bytes sent.
type chatRequest struct {
	Model             string          `json:"model"`
	Messages          []chatMessage   `json:"messages"`
	MaxTokens         *int            `json:"max_tokens,omitempty"`
	Temperature       json.RawMessage `json:"temperature,omitempty"`
	TopP              json.RawMessage `json:"top_p,omitempty"`
	TopK              json.RawMessage `json:"top_k,omitempty"`
	Stop              []string        `json:"stop,omitempty"`
	Stream            bool            `json:"stream,omitempty"`
	Tools             []chatTool      `json:"tools,omitempty"`
	ToolChoice        json.RawMessage `json:"tool_choice,omitempty"`
	ParallelToolCalls *bool           `json:"parallel_tool_calls,omitempty"`
	ResponseFormat    json.RawMessage `json:"response_format,omitempty"`
	ReasoningEffort   string          `json:"reasoning_effort,omitempty"`
	Logprobs          bool            `json:"logprobs,omitempty"`
	TopLogprobs       *int            `json:"top_logprobs,omitempty"`
	User              string          `json:"user,omitempty"`
}

type chatMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content,omitempty"`
	ToolCalls  []chatToolCall  `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
}

type chatPart struct {
	Type       string          `json:"type"`
	Text       *string         `json:"text,omitempty"`
	ImageURL   *chatImage      `json:"image_url,omitempty"`
	InputAudio json.RawMessage `json:"input_audio,omitempty"`
}

type chatImage struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

type chatTool struct {
	Type     string       `json:"type"`
	Function chatFunction `json:"function"`
}

type chatFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

type chatToolCall struct {
	ID       string           `json:"id"`
	Type     string           `json:"type"`
	Function chatCallFunction `json:"function"`
}

type chatCallFunction struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// textContent is a chat message content of one string.
func textContent(s string) json.RawMessage { return marshal(s) }

// partsContent is a chat message content of parts; a single text part is
// sent as a string, the form every upstream accepts.
func partsContent(parts []chatPart) json.RawMessage {
	if len(parts) == 1 && parts[0].Type == "text" {
		return textContent(*parts[0].Text)
	}
	return marshal(parts)
}

// object decodes raw as a JSON object, refusing anything else and keys not in
// allowed (a nil allowed accepts any key).
func object(raw json.RawMessage, param string, allowed ...string) (map[string]json.RawMessage, *Error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		if param == "" {
			return nil, errf("", "the request body must be a JSON object")
		}
		return nil, errf(param, "must be an object")
	}
	if allowed != nil {
		var unknown []string
		for k := range obj {
			if !slices.Contains(allowed, k) {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			p := join(param, unknown[0])
			return nil, errf(p, "%q is not a field imogate accepts here (it accepts %s)", unknown[0], strings.Join(allowed, ", "))
		}
	}
	return obj, nil
}

// join builds a parameter path.
func join(base, field string) string {
	if base == "" {
		return field
	}
	return base + "." + field
}

func present(obj map[string]json.RawMessage, k string) bool {
	raw, ok := obj[k]
	return ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// str reads an optional string field.
func str(obj map[string]json.RawMessage, k, param string) (string, *Error) {
	if !present(obj, k) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(obj[k], &s); err != nil {
		return "", errf(param, "must be a string")
	}
	return s, nil
}

// number checks an optional numeric field and returns it as sent.
func number(obj map[string]json.RawMessage, k, param string) (json.RawMessage, *Error) {
	if !present(obj, k) {
		return nil, nil
	}
	var f float64
	if err := json.Unmarshal(obj[k], &f); err != nil {
		return nil, errf(param, "must be a number")
	}
	return json.RawMessage(bytes.TrimSpace(obj[k])), nil
}

// integer reads an optional integer field in [lo, hi].
func integer(obj map[string]json.RawMessage, k, param string, lo, hi int) (*int, *Error) {
	if !present(obj, k) {
		return nil, nil
	}
	var v int
	if err := json.Unmarshal(obj[k], &v); err != nil || v < lo || v > hi {
		return nil, errf(param, "must be an integer from %d to %d", lo, hi)
	}
	return &v, nil
}

// boolean reads an optional boolean field.
func boolean(obj map[string]json.RawMessage, k, param string) (*bool, *Error) {
	if !present(obj, k) {
		return nil, nil
	}
	var v bool
	if err := json.Unmarshal(obj[k], &v); err != nil {
		return nil, errf(param, "must be a boolean")
	}
	return &v, nil
}

// schema checks a JSON schema (any object) and returns it as sent.
func schema(raw json.RawMessage, param string) (json.RawMessage, *Error) {
	if _, err := object(raw, param); err != nil {
		return nil, errf(param, "must be a JSON schema object")
	}
	return json.RawMessage(bytes.TrimSpace(raw)), nil
}

// marshal encodes v without escaping <, > and & (the bytes a client sent
// stay the bytes it gets back).
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("dialect: encode %T: %v", v, err)) // every type here encodes
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// sse frames one named server-sent event.
func sse(event string, data []byte) []byte {
	out := make([]byte, 0, len(event)+len(data)+16)
	out = append(out, "event: "...)
	out = append(out, event...)
	out = append(out, "\ndata: "...)
	out = append(out, data...)
	return append(out, "\n\n"...)
}
