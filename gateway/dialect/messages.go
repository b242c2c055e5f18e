package dialect

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Anthropic Messages API (POST /v1/messages).

var messagesFields = []string{
	"model", "max_tokens", "messages", "system", "stop_sequences", "temperature", "top_p", "top_k",
	"stream", "metadata", "tools", "tool_choice", "thinking", "service_tier",
}

// MessagesToChat translates a Messages request onto Chat Completions.
func MessagesToChat(body []byte) (*Translated, error) { return messagesToChat(body, false) }

// MessagesCountToChat translates a count_tokens request (a Messages request
// without max_tokens and stream) onto Chat Completions.
func MessagesCountToChat(body []byte) (*Translated, error) { return messagesToChat(body, true) }

var countFields = []string{"model", "messages", "system", "tools", "tool_choice", "thinking"}

func messagesToChat(body []byte, count bool) (*Translated, error) {
	fields := messagesFields
	if count {
		fields = countFields
	}
	req, err := object(body, "", fields...)
	if err != nil {
		return nil, err
	}
	model, err := str(req, "model", "model")
	if err != nil || model == "" {
		return nil, errf("model", "model: a string naming the model is required")
	}
	if !present(req, "max_tokens") && !count {
		return nil, errf("max_tokens", "max_tokens: an integer of at least 1 is required")
	}
	maxTokens, err := integer(req, "max_tokens", "max_tokens", 1, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	budgetBase := 1
	if maxTokens != nil {
		budgetBase = *maxTokens
	}
	out := chatRequest{Model: model, MaxTokens: maxTokens}
	if system, ok := req["system"]; ok && present(req, "system") {
		s, err := systemText(system)
		if err != nil {
			return nil, err
		}
		out.Messages = append(out.Messages, chatMessage{Role: "system", Content: textContent(s)})
	}
	msgs, err := messagesOf(req["messages"])
	if err != nil {
		return nil, err
	}
	out.Messages = append(out.Messages, msgs...)
	if out.Temperature, err = number(req, "temperature", "temperature"); err != nil {
		return nil, err
	}
	if out.TopP, err = number(req, "top_p", "top_p"); err != nil {
		return nil, err
	}
	if out.TopK, err = number(req, "top_k", "top_k"); err != nil {
		return nil, err
	}
	if present(req, "stop_sequences") {
		if json.Unmarshal(req["stop_sequences"], &out.Stop) != nil {
			return nil, errf("stop_sequences", "stop_sequences: must be an array of strings")
		}
	}
	stream, err := boolean(req, "stream", "stream")
	if err != nil {
		return nil, err
	}
	out.Stream = stream != nil && *stream
	if present(req, "metadata") {
		meta, err := object(req["metadata"], "metadata", "user_id")
		if err != nil {
			return nil, err
		}
		if out.User, err = str(meta, "user_id", "metadata.user_id"); err != nil {
			return nil, err
		}
	}
	if tier, err := str(req, "service_tier", "service_tier"); err != nil {
		return nil, err
	} else if tier != "" && tier != "auto" && tier != "standard_only" {
		return nil, errf("service_tier", "service_tier: must be \"auto\" or \"standard_only\"")
	}
	if present(req, "tools") {
		if out.Tools, err = messagesTools(req["tools"]); err != nil {
			return nil, err
		}
	}
	if present(req, "tool_choice") {
		if out.ToolChoice, out.ParallelToolCalls, err = messagesToolChoice(req["tool_choice"]); err != nil {
			return nil, err
		}
	}
	if present(req, "thinking") {
		if out.ReasoningEffort, err = thinkingEffort(req["thinking"], budgetBase); err != nil {
			return nil, err
		}
	}
	return &Translated{Model: model, Stream: out.Stream, Chat: marshal(out)}, nil
}

// systemText reads a system prompt: a string or an array of text blocks.
func systemText(raw json.RawMessage) (string, *Error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var blocks []json.RawMessage
	if json.Unmarshal(raw, &blocks) != nil {
		return "", errf("system", "system: must be a string or an array of text blocks")
	}
	var texts []string
	for i, b := range blocks {
		p := fmt.Sprintf("system.%d", i)
		blk, err := object(b, p, "type", "text", "cache_control", "citations")
		if err != nil {
			return "", err
		}
		typ, _ := str(blk, "type", p+".type")
		t, err := str(blk, "text", p+".text")
		if err != nil || typ != "text" {
			return "", errf(p, "%s: system blocks must be {\"type\": \"text\", \"text\": \"...\"}", p)
		}
		texts = append(texts, t)
	}
	return strings.Join(texts, "\n\n"), nil
}

// messagesOf translates the conversation. A user turn's tool_result blocks
// become tool messages (which Chat Completions wants right after the
// assistant's tool calls), ahead of the turn's other content.
func messagesOf(raw json.RawMessage) ([]chatMessage, *Error) {
	var turns []json.RawMessage
	if json.Unmarshal(raw, &turns) != nil || len(turns) == 0 {
		return nil, errf("messages", "messages: must be a non-empty array of messages")
	}
	var out []chatMessage
	for i, t := range turns {
		p := fmt.Sprintf("messages.%d", i)
		m, err := object(t, p, "role", "content")
		if err != nil {
			return nil, err
		}
		role, err := str(m, "role", p+".role")
		if err != nil || (role != "user" && role != "assistant") {
			return nil, errf(p+".role", "%s.role: must be \"user\" or \"assistant\"", p)
		}
		var s string
		if json.Unmarshal(m["content"], &s) == nil {
			out = append(out, chatMessage{Role: role, Content: textContent(s)})
			continue
		}
		var blocks []json.RawMessage
		if json.Unmarshal(m["content"], &blocks) != nil {
			return nil, errf(p+".content", "%s.content: must be a string or an array of content blocks", p)
		}
		msgs, err := turn(role, blocks, p+".content")
		if err != nil {
			return nil, err
		}
		out = append(out, msgs...)
	}
	return out, nil
}

// turn translates one message's content blocks.
func turn(role string, blocks []json.RawMessage, param string) ([]chatMessage, *Error) {
	var (
		tools []chatMessage
		parts []chatPart
		calls []chatToolCall
	)
	for j, raw := range blocks {
		p := fmt.Sprintf("%s.%d", param, j)
		blk, err := object(raw, p)
		if err != nil {
			return nil, err
		}
		typ, _ := str(blk, "type", p+".type")
		switch {
		case typ == "text":
			if _, err := object(raw, p, "type", "text", "cache_control", "citations"); err != nil {
				return nil, err
			}
			t, err := str(blk, "text", p+".text")
			if err != nil {
				return nil, err
			}
			parts = append(parts, chatPart{Type: "text", Text: &t})
		case typ == "image" && role == "user":
			part, err := imageBlock(raw, p)
			if err != nil {
				return nil, err
			}
			parts = append(parts, part)
		case typ == "tool_result" && role == "user":
			msg, err := toolResult(raw, p)
			if err != nil {
				return nil, err
			}
			tools = append(tools, msg)
		case typ == "tool_use" && role == "assistant":
			c, err := toolUse(raw, p)
			if err != nil {
				return nil, err
			}
			calls = append(calls, c)
		case (typ == "thinking" || typ == "redacted_thinking") && role == "assistant":
			// Earlier reasoning is not part of a Chat Completions
			// conversation: dropped, as the model's own API does for turns
			// before the last.
		default:
			return nil, errf(p+".type", "%s: content blocks of type %q are not accepted in a %s message (text, image and tool_result are, for users; text, tool_use and thinking for the assistant)", p, typ, role)
		}
	}
	out := tools
	if len(parts) > 0 || len(calls) > 0 {
		m := chatMessage{Role: role, ToolCalls: calls}
		if len(parts) > 0 {
			m.Content = partsContent(parts)
		}
		out = append(out, m)
	}
	return out, nil
}

func imageBlock(raw json.RawMessage, p string) (chatPart, *Error) {
	blk, err := object(raw, p, "type", "source", "cache_control")
	if err != nil {
		return chatPart{}, err
	}
	src, err := object(blk["source"], p+".source", "type", "media_type", "data", "url")
	if err != nil {
		return chatPart{}, err
	}
	kind, _ := str(src, "type", p+".source.type")
	switch kind {
	case "base64":
		mt, err1 := str(src, "media_type", p+".source.media_type")
		data, err2 := str(src, "data", p+".source.data")
		if err1 != nil || err2 != nil || mt == "" || data == "" {
			return chatPart{}, errf(p+".source", "%s.source: a base64 image needs media_type and data", p)
		}
		return chatPart{Type: "image_url", ImageURL: &chatImage{URL: "data:" + mt + ";base64," + data}}, nil
	case "url":
		u, err := str(src, "url", p+".source.url")
		if err != nil || u == "" {
			return chatPart{}, errf(p+".source.url", "%s.source.url: must be a URL", p)
		}
		return chatPart{Type: "image_url", ImageURL: &chatImage{URL: u}}, nil
	}
	return chatPart{}, errf(p+".source.type", "%s.source.type: must be \"base64\" or \"url\"", p)
}

func toolResult(raw json.RawMessage, p string) (chatMessage, *Error) {
	blk, err := object(raw, p, "type", "tool_use_id", "content", "is_error", "cache_control")
	if err != nil {
		return chatMessage{}, err
	}
	id, err := str(blk, "tool_use_id", p+".tool_use_id")
	if err != nil || id == "" {
		return chatMessage{}, errf(p+".tool_use_id", "%s.tool_use_id: the id of the tool_use this answers is required", p)
	}
	if _, err := boolean(blk, "is_error", p+".is_error"); err != nil {
		return chatMessage{}, err
	}
	var content string
	if present(blk, "content") {
		if json.Unmarshal(blk["content"], &content) != nil {
			var parts []json.RawMessage
			if json.Unmarshal(blk["content"], &parts) != nil {
				return chatMessage{}, errf(p+".content", "%s.content: must be a string or an array of text blocks", p)
			}
			var sb strings.Builder
			for k, part := range parts {
				pp := fmt.Sprintf("%s.content.%d", p, k)
				tb, err := object(part, pp, "type", "text", "cache_control", "citations")
				if err != nil {
					return chatMessage{}, err
				}
				typ, _ := str(tb, "type", pp+".type")
				t, err := str(tb, "text", pp+".text")
				if err != nil || typ != "text" {
					return chatMessage{}, errf(pp, "%s: a tool result's content blocks must be text here (the upstream's tool messages carry text only)", pp)
				}
				sb.WriteString(t)
			}
			content = sb.String()
		}
	}
	return chatMessage{Role: "tool", ToolCallID: id, Content: textContent(content)}, nil
}

func toolUse(raw json.RawMessage, p string) (chatToolCall, *Error) {
	blk, err := object(raw, p, "type", "id", "name", "input", "cache_control")
	if err != nil {
		return chatToolCall{}, err
	}
	id, err1 := str(blk, "id", p+".id")
	name, err2 := str(blk, "name", p+".name")
	if err1 != nil || err2 != nil || id == "" || name == "" {
		return chatToolCall{}, errf(p, "%s: a tool_use block needs a string id and name", p)
	}
	if _, err := object(blk["input"], p+".input"); err != nil {
		return chatToolCall{}, err
	}
	return chatToolCall{ID: id, Type: "function", Function: chatCallFunction{Name: name, Arguments: string(compact(blk["input"]))}}, nil
}

func compact(raw json.RawMessage) []byte {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	return marshal(v)
}

// messagesTools translates client tool definitions; Anthropic's server
// tools (web search, code execution, ...) run on Anthropic's side and are
// refused.
func messagesTools(raw json.RawMessage) ([]chatTool, *Error) {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil, errf("tools", "tools: must be an array of tool definitions")
	}
	var out []chatTool
	for i, t := range list {
		p := fmt.Sprintf("tools.%d", i)
		obj, err := object(t, p)
		if err != nil {
			return nil, err
		}
		if typ, _ := str(obj, "type", p+".type"); typ != "" && typ != "custom" {
			return nil, errf(p+".type", "%s.type: %q is a tool Anthropic runs on its own servers; imogate serves client tools (type \"custom\" or none) only", p, typ)
		}
		obj, err = object(t, p, "type", "name", "description", "input_schema", "cache_control")
		if err != nil {
			return nil, err
		}
		name, err := str(obj, "name", p+".name")
		if err != nil || name == "" {
			return nil, errf(p+".name", "%s.name: a tool needs a name", p)
		}
		desc, err := str(obj, "description", p+".description")
		if err != nil {
			return nil, err
		}
		params, err := schema(obj["input_schema"], p+".input_schema")
		if err != nil {
			return nil, err
		}
		out = append(out, chatTool{Type: "function", Function: chatFunction{Name: name, Description: desc, Parameters: params}})
	}
	return out, nil
}

func messagesToolChoice(raw json.RawMessage) (json.RawMessage, *bool, *Error) {
	obj, err := object(raw, "tool_choice", "type", "name", "disable_parallel_tool_use")
	if err != nil {
		return nil, nil, err
	}
	typ, _ := str(obj, "type", "tool_choice.type")
	var choice json.RawMessage
	switch typ {
	case "auto":
		choice = json.RawMessage(`"auto"`)
	case "any":
		choice = json.RawMessage(`"required"`)
	case "none":
		choice = json.RawMessage(`"none"`)
	case "tool":
		name, err := str(obj, "name", "tool_choice.name")
		if err != nil || name == "" {
			return nil, nil, errf("tool_choice.name", "tool_choice.name: the tool to use is required")
		}
		choice = marshal(map[string]any{"type": "function", "function": map[string]string{"name": name}})
	default:
		return nil, nil, errf("tool_choice.type", "tool_choice.type: must be \"auto\", \"any\", \"tool\" or \"none\"")
	}
	var parallel *bool
	if dis, err := boolean(obj, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use"); err != nil {
		return nil, nil, err
	} else if dis != nil && *dis {
		f := false
		parallel = &f
	}
	return choice, parallel, nil
}

// thinkingEffort maps extended thinking onto Chat Completions' reasoning
// effort by the share of max_tokens the budget allows. The thinking counts
// in max_tokens either way, so it never changes what the call can cost.
func thinkingEffort(raw json.RawMessage, maxTokens int) (string, *Error) {
	obj, err := object(raw, "thinking", "type", "budget_tokens")
	if err != nil {
		return "", err
	}
	typ, _ := str(obj, "type", "thinking.type")
	switch typ {
	case "disabled":
		return "", nil
	case "enabled":
		budget, err := integer(obj, "budget_tokens", "thinking.budget_tokens", 1, math.MaxInt32)
		if err != nil || budget == nil {
			return "", errf("thinking.budget_tokens", "thinking.budget_tokens: an integer of at least 1 is required")
		}
		switch share := float64(*budget) / float64(maxTokens); {
		case share < 0.25:
			return "low", nil
		case share < 0.6:
			return "medium", nil
		}
		return "high", nil
	}
	return "", errf("thinking.type", "thinking.type: must be \"enabled\" or \"disabled\"")
}

// message is a Messages API response object.
type message struct {
	ID           string       `json:"id"`
	Type         string       `json:"type"`
	Role         string       `json:"role"`
	Model        string       `json:"model"`
	Content      []block      `json:"content"`
	StopReason   *string      `json:"stop_reason"`
	StopSequence *string      `json:"stop_sequence"`
	Usage        messageUsage `json:"usage"`
}

type messageUsage struct {
	InputTokens  uint32 `json:"input_tokens"`
	OutputTokens uint32 `json:"output_tokens"`
}

type block struct {
	Type      string          `json:"type"`
	Text      *string         `json:"text,omitempty"`
	Thinking  *string         `json:"thinking,omitempty"`
	Signature *string         `json:"signature,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
}

// stopReason maps a finish reason (and the stop string, where known).
func stopReason(finish string, stop *string) (*string, *string) {
	r := ""
	switch finish {
	case "":
		return nil, nil
	case "length":
		r = "max_tokens"
	case "tool_calls", "function_call":
		r = "tool_use"
	case "content_filter":
		r = "refusal"
	default:
		if stop != nil {
			return ptr("stop_sequence"), stop
		}
		r = "end_turn"
	}
	return &r, nil
}

func ptr(s string) *string { return &s }

// toolInput is a tool call's arguments as a Messages input object; text that
// is not a JSON object is kept, as the one string field "arguments".
func toolInput(args string) json.RawMessage {
	if strings.TrimSpace(args) == "" {
		return json.RawMessage(`{}`)
	}
	var obj map[string]any
	if json.Unmarshal([]byte(args), &obj) == nil && obj != nil {
		return marshal(obj)
	}
	return marshal(map[string]string{"arguments": args})
}

// ChatToMessage translates a chat completion into a Message with the given
// id and public model name, reporting usage u.
func ChatToMessage(chat []byte, id, model string, u Usage) ([]byte, error) {
	a, ok := readAnswer(chat, "message")
	if !ok {
		return nil, fmt.Errorf("the upstream's completion has no choices")
	}
	m := message{ID: id, Type: "message", Role: "assistant", Model: model, Content: []block{},
		Usage: messageUsage{InputTokens: u.Input, OutputTokens: u.Output}}
	if a.Reasoning != "" {
		sig := ""
		m.Content = append(m.Content, block{Type: "thinking", Thinking: &a.Reasoning, Signature: &sig})
	}
	if t := a.Text + a.Refusal; t != "" {
		m.Content = append(m.Content, block{Type: "text", Text: &t})
	}
	for i, c := range a.Calls {
		m.Content = append(m.Content, block{Type: "tool_use", ID: callID(c.ID, id, i), Name: c.Name, Input: toolInput(c.Arguments)})
	}
	m.StopReason, m.StopSequence = stopReason(a.Finish, a.StopSeq)
	return marshal(m), nil
}

// callID is a tool call's id, made from the response's when the upstream
// sent none.
func callID(upstream, base string, i int) string {
	if upstream != "" {
		return upstream
	}
	return fmt.Sprintf("toolu_%s_%d", strings.TrimPrefix(base, "msg_"), i)
}

// MessagesStream translates a chat completion stream into Messages events.
type MessagesStream struct {
	id, model string
	open      string // the open block's kind: "text", "thinking", "tool_use" or ""
	index     int    // the open block's index
	next      int    // the next block's index
	tools     map[int]int
	finish    string
	stop      *string
}

// NewMessagesStream starts the translation of one stream.
func NewMessagesStream(id, model string) *MessagesStream {
	return &MessagesStream{id: id, model: model, tools: map[int]int{}}
}

// Start is the message_start event.
func (s *MessagesStream) Start() []byte {
	m := message{ID: s.id, Type: "message", Role: "assistant", Model: s.model, Content: []block{}}
	return sse("message_start", marshal(map[string]any{"type": "message_start", "message": m}))
}

func (s *MessagesStream) startBlock(out []byte, kind string, b block) []byte {
	out = s.stopBlock(out)
	s.open, s.index = kind, s.next
	s.next++
	return append(out, sse("content_block_start", marshal(map[string]any{"type": "content_block_start", "index": s.index, "content_block": b}))...)
}

func (s *MessagesStream) stopBlock(out []byte) []byte {
	if s.open == "" {
		return out
	}
	s.open = ""
	return append(out, sse("content_block_stop", marshal(map[string]any{"type": "content_block_stop", "index": s.index}))...)
}

func delta(index int, d any) []byte {
	return sse("content_block_delta", marshal(map[string]any{"type": "content_block_delta", "index": index, "delta": d}))
}

// Chunk translates one chat completion chunk.
func (s *MessagesStream) Chunk(chunk []byte) []byte {
	a, ok := readAnswer(chunk, "delta")
	if !ok {
		return nil
	}
	var out []byte
	if a.Reasoning != "" {
		if s.open != "thinking" {
			empty := ""
			out = s.startBlock(out, "thinking", block{Type: "thinking", Thinking: &empty, Signature: &empty})
		}
		out = append(out, delta(s.index, map[string]string{"type": "thinking_delta", "thinking": a.Reasoning})...)
	}
	if t := a.Text + a.Refusal; t != "" {
		if s.open != "text" {
			empty := ""
			out = s.startBlock(out, "text", block{Type: "text", Text: &empty})
		}
		out = append(out, delta(s.index, map[string]string{"type": "text_delta", "text": t})...)
	}
	for _, c := range a.Calls {
		idx, known := s.tools[c.Index]
		if !known || c.ID != "" && s.open != "tool_use" {
			out = s.startBlock(out, "tool_use", block{Type: "tool_use", ID: callID(c.ID, s.id, c.Index), Name: c.Name, Input: json.RawMessage(`{}`)})
			idx = s.index
			s.tools[c.Index] = idx
		}
		if c.Arguments != "" {
			out = append(out, delta(idx, map[string]string{"type": "input_json_delta", "partial_json": c.Arguments})...)
		}
	}
	if a.Finish != "" {
		s.finish, s.stop = a.Finish, a.StopSeq
	}
	return out
}

// Close ends the open content block: the last bytes before the receipt.
func (s *MessagesStream) Close() []byte { return s.stopBlock(nil) }

// Tail is what the closing events are rebuilt from: the message_delta
// without its usage, and for a stream cut short (cut is why) the cut, so an
// idempotent replay ends as the first answer did.
func (s *MessagesStream) Tail(cut string) []byte {
	r, seq := stopReason(s.finish, s.stop)
	ev := map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": r, "stop_sequence": seq}}
	if cut != "" {
		ev[cutKey] = cut
	}
	return marshal(ev)
}

// cutKey marks a tail's cut; it is never sent.
const cutKey = "imogate_cut"

// MessagesFinal is a stream's closing events: message_delta with the usage
// billed and the signed receipt, then message_stop; or, for a stream cut
// short, an error event saying so.
func MessagesFinal(tail []byte, u Usage, receipt json.RawMessage) ([]byte, error) {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(tail, &ev); err != nil {
		return nil, fmt.Errorf("message_delta tail: %w", err)
	}
	var cut string
	_ = json.Unmarshal(ev[cutKey], &cut)
	delete(ev, cutKey)
	ev["usage"] = marshal(messageUsage{InputTokens: u.Input, OutputTokens: u.Output})
	ev["receipt"] = receipt
	out := sse("message_delta", marshal(ev))
	if cut != "" {
		return append(out, MessagesError("api_error", cut)...), nil
	}
	return append(out, sse("message_stop", []byte(`{"type":"message_stop"}`))...), nil
}

// MessagesError is an error event (Anthropic's error shape).
func MessagesError(typ, msg string) []byte {
	return sse("error", marshal(map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": msg}}))
}
