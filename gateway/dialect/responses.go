package dialect

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// OpenAI Responses API (POST /v1/responses), stateless: imogate stores no
// responses, so a conversation is continued by sending its items again.

var responsesFields = []string{
	"model", "input", "instructions", "max_output_tokens", "temperature", "top_p", "stream",
	"stream_options", "tools", "tool_choice", "parallel_tool_calls", "text", "reasoning", "store",
	"metadata", "user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention",
	"service_tier", "truncation", "include", "top_logprobs", "background", "previous_response_id",
	"conversation", "max_tool_calls",
}

// errStateless explains why stored state is refused.
const errStateless = "imogate keeps no responses or conversations: send \"store\": false and the whole conversation in \"input\" (earlier output items included) on every call"

// ResponsesToChat translates a Responses request onto Chat Completions.
func ResponsesToChat(body []byte) (*Translated, error) {
	if req, err := object(body, ""); err == nil {
		for _, k := range []string{"previous_response_id", "conversation"} {
			if present(req, k) {
				return nil, errf(k, "%s: %s", k, errStateless)
			}
		}
		if present(req, "prompt") {
			return nil, errf("prompt", "prompt: stored prompt templates are not served by imogate; send the prompt in \"instructions\" and \"input\"")
		}
	}
	req, err := object(body, "", responsesFields...)
	if err != nil {
		return nil, err
	}
	model, err := str(req, "model", "model")
	if err != nil || model == "" {
		return nil, errf("model", "\"model\" is required and must be a string")
	}
	if store, err := boolean(req, "store", "store"); err != nil {
		return nil, err
	} else if store != nil && *store {
		return nil, errf("store", "%s", errStateless)
	}
	if bg, err := boolean(req, "background", "background"); err != nil {
		return nil, err
	} else if bg != nil && *bg {
		return nil, errf("background", "background responses are not served by imogate (they need stored responses); call without \"background\"")
	}
	out := chatRequest{Model: model}
	echo := map[string]json.RawMessage{}
	if present(req, "instructions") {
		ins, err := str(req, "instructions", "instructions")
		if err != nil {
			return nil, err
		}
		out.Messages = append(out.Messages, chatMessage{Role: "system", Content: textContent(ins)})
		echo["instructions"] = req["instructions"]
	}
	msgs, err := inputOf(req["input"])
	if err != nil {
		return nil, err
	}
	out.Messages = append(out.Messages, msgs...)
	if out.MaxTokens, err = integer(req, "max_output_tokens", "max_output_tokens", 1, math.MaxInt32); err != nil {
		return nil, err
	}
	if out.Temperature, err = number(req, "temperature", "temperature"); err != nil {
		return nil, err
	}
	if out.TopP, err = number(req, "top_p", "top_p"); err != nil {
		return nil, err
	}
	stream, err := boolean(req, "stream", "stream")
	if err != nil {
		return nil, err
	}
	out.Stream = stream != nil && *stream
	if present(req, "stream_options") {
		if _, err := object(req["stream_options"], "stream_options", "include_obfuscation"); err != nil {
			return nil, err
		}
	}
	if present(req, "tools") {
		if out.Tools, err = responsesTools(req["tools"]); err != nil {
			return nil, err
		}
	}
	if present(req, "tool_choice") {
		if out.ToolChoice, err = responsesToolChoice(req["tool_choice"]); err != nil {
			return nil, err
		}
	}
	if out.ParallelToolCalls, err = boolean(req, "parallel_tool_calls", "parallel_tool_calls"); err != nil {
		return nil, err
	}
	if present(req, "text") {
		if out.ResponseFormat, err = textFormat(req["text"]); err != nil {
			return nil, err
		}
	}
	if present(req, "reasoning") {
		if out.ReasoningEffort, err = reasoningEffort(req["reasoning"]); err != nil {
			return nil, err
		}
	}
	if present(req, "metadata") {
		var meta map[string]string
		if json.Unmarshal(req["metadata"], &meta) != nil {
			return nil, errf("metadata", "\"metadata\" must be an object of strings")
		}
	}
	for _, k := range []string{"user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "service_tier"} {
		if _, err := str(req, k, k); err != nil {
			return nil, err
		}
	}
	out.User, _ = str(req, "user", "user")
	if out.User == "" {
		out.User, _ = str(req, "safety_identifier", "safety_identifier")
	}
	if tr, err := str(req, "truncation", "truncation"); err != nil || (tr != "" && tr != "auto" && tr != "disabled") {
		return nil, errf("truncation", "\"truncation\" must be \"auto\" or \"disabled\"")
	}
	if _, err := integer(req, "max_tool_calls", "max_tool_calls", 1, math.MaxInt32); err != nil {
		return nil, err
	}
	if present(req, "include") {
		var inc []string
		if json.Unmarshal(req["include"], &inc) != nil {
			return nil, errf("include", "\"include\" must be an array of strings")
		}
		out.Logprobs = slices.Contains(inc, "message.output_text.logprobs")
	}
	if out.TopLogprobs, err = integer(req, "top_logprobs", "top_logprobs", 0, 20); err != nil {
		return nil, err
	}
	if out.TopLogprobs != nil {
		out.Logprobs = true
	}
	for _, k := range []string{"max_output_tokens", "metadata", "parallel_tool_calls", "reasoning", "temperature", "text", "tool_choice", "tools", "top_p", "truncation", "user", "top_logprobs", "service_tier"} {
		if present(req, k) {
			echo[k] = req[k]
		}
	}
	return &Translated{Model: model, Stream: out.Stream, Chat: marshal(out), echo: echo}, nil
}

// inputOf translates the input: a string (one user message) or items.
func inputOf(raw json.RawMessage) ([]chatMessage, *Error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []chatMessage{{Role: "user", Content: textContent(s)}}, nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		return nil, errf("input", "\"input\" is required: a string or a non-empty array of input items")
	}
	var out []chatMessage
	for i, it := range items {
		p := fmt.Sprintf("input[%d]", i)
		obj, err := object(it, p)
		if err != nil {
			return nil, err
		}
		typ, _ := str(obj, "type", p+".type")
		if typ == "" && present(obj, "role") {
			typ = "message"
		}
		switch typ {
		case "message":
			m, err := inputMessage(it, p)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		case "function_call":
			c, err := inputCall(it, p)
			if err != nil {
				return nil, err
			}
			// Calls join the assistant turn before them, as Chat
			// Completions has them: one message, several tool_calls.
			if n := len(out); n > 0 && out[n-1].Role == "assistant" {
				out[n-1].ToolCalls = append(out[n-1].ToolCalls, c)
			} else {
				out = append(out, chatMessage{Role: "assistant", ToolCalls: []chatToolCall{c}})
			}
		case "function_call_output":
			m, err := inputCallOutput(it, p)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		case "reasoning":
			// Earlier reasoning is not part of a Chat Completions
			// conversation: dropped (an upstream serving the Responses API
			// reads it, so its fields are checked all the same).
			if _, err := object(it, p, "type", "id", "summary", "content", "encrypted_content", "status"); err != nil {
				return nil, err
			}
		case "item_reference":
			return nil, errf(p+".type", "%s: item references need stored items; %s", p, errStateless)
		default:
			return nil, errf(p+".type", "%s: input items of type %q are not accepted (message, function_call, function_call_output and reasoning are)", p, typ)
		}
	}
	return out, nil
}

func inputMessage(raw json.RawMessage, p string) (chatMessage, *Error) {
	obj, err := object(raw, p, "type", "role", "content", "id", "status")
	if err != nil {
		return chatMessage{}, err
	}
	role, _ := str(obj, "role", p+".role")
	switch role {
	case "developer":
		role = "system" // every upstream knows "system"; some refuse "developer"
	case "user", "assistant", "system":
	default:
		return chatMessage{}, errf(p+".role", "%s.role: must be \"user\", \"assistant\", \"system\" or \"developer\"", p)
	}
	var s string
	if json.Unmarshal(obj["content"], &s) == nil {
		return chatMessage{Role: role, Content: textContent(s)}, nil
	}
	var parts []json.RawMessage
	if json.Unmarshal(obj["content"], &parts) != nil {
		return chatMessage{}, errf(p+".content", "%s.content: must be a string or an array of content parts", p)
	}
	var out []chatPart
	for j, raw := range parts {
		pp := fmt.Sprintf("%s.content[%d]", p, j)
		part, err := object(raw, pp)
		if err != nil {
			return chatMessage{}, err
		}
		typ, _ := str(part, "type", pp+".type")
		switch typ {
		case "input_text", "output_text":
			if _, err := object(raw, pp, "type", "text", "annotations", "logprobs"); err != nil {
				return chatMessage{}, err
			}
			t, err := str(part, "text", pp+".text")
			if err != nil {
				return chatMessage{}, err
			}
			out = append(out, chatPart{Type: "text", Text: &t})
		case "refusal":
			if _, err := object(raw, pp, "type", "refusal"); err != nil {
				return chatMessage{}, err
			}
			t, err := str(part, "refusal", pp+".refusal")
			if err != nil {
				return chatMessage{}, err
			}
			out = append(out, chatPart{Type: "text", Text: &t})
		case "input_image":
			if _, err := object(raw, pp, "type", "image_url", "file_id", "detail"); err != nil {
				return chatMessage{}, err
			}
			if present(part, "file_id") {
				return chatMessage{}, errf(pp+".file_id", "%s.file_id: imogate stores no files; send the image as image_url (a URL or a data: URL)", pp)
			}
			u, err := str(part, "image_url", pp+".image_url")
			if err != nil || u == "" {
				return chatMessage{}, errf(pp+".image_url", "%s.image_url: a URL or data: URL is required", pp)
			}
			detail, err := str(part, "detail", pp+".detail")
			if err != nil {
				return chatMessage{}, err
			}
			out = append(out, chatPart{Type: "image_url", ImageURL: &chatImage{URL: u, Detail: detail}})
		case "input_audio":
			if _, err := object(raw, pp, "type", "input_audio"); err != nil {
				return chatMessage{}, err
			}
			audio, err := object(part["input_audio"], pp+".input_audio", "data", "format")
			if err != nil {
				return chatMessage{}, err
			}
			out = append(out, chatPart{Type: "input_audio", InputAudio: marshal(audio)})
		default:
			return chatMessage{}, errf(pp+".type", "%s: content parts of type %q are not accepted (input_text, output_text, refusal, input_image and input_audio are)", pp, typ)
		}
	}
	if len(out) == 0 {
		return chatMessage{Role: role, Content: textContent("")}, nil
	}
	if role != "user" {
		// Only user turns carry media in Chat Completions; the others are
		// text, joined.
		var sb strings.Builder
		for _, part := range out {
			if part.Text == nil {
				return chatMessage{}, errf(p+".content", "%s.content: only user messages may carry images or audio", p)
			}
			sb.WriteString(*part.Text)
		}
		return chatMessage{Role: role, Content: textContent(sb.String())}, nil
	}
	return chatMessage{Role: role, Content: partsContent(out)}, nil
}

func inputCall(raw json.RawMessage, p string) (chatToolCall, *Error) {
	obj, err := object(raw, p, "type", "id", "call_id", "name", "arguments", "status")
	if err != nil {
		return chatToolCall{}, err
	}
	id, err1 := str(obj, "call_id", p+".call_id")
	name, err2 := str(obj, "name", p+".name")
	args, err3 := str(obj, "arguments", p+".arguments")
	if err1 != nil || err2 != nil || err3 != nil || id == "" || name == "" {
		return chatToolCall{}, errf(p, "%s: a function_call item needs string call_id, name and arguments", p)
	}
	return chatToolCall{ID: id, Type: "function", Function: chatCallFunction{Name: name, Arguments: args}}, nil
}

func inputCallOutput(raw json.RawMessage, p string) (chatMessage, *Error) {
	obj, err := object(raw, p, "type", "id", "call_id", "output", "status")
	if err != nil {
		return chatMessage{}, err
	}
	id, err := str(obj, "call_id", p+".call_id")
	if err != nil || id == "" {
		return chatMessage{}, errf(p+".call_id", "%s.call_id: the call_id of the function_call this answers is required", p)
	}
	var output string
	if json.Unmarshal(obj["output"], &output) != nil {
		var parts []map[string]json.RawMessage
		if json.Unmarshal(obj["output"], &parts) != nil {
			return chatMessage{}, errf(p+".output", "%s.output: must be a string or an array of input_text parts", p)
		}
		var sb strings.Builder
		for j, part := range parts {
			typ, _ := str(part, "type", "")
			t, err := str(part, "text", "")
			if typ != "input_text" || err != nil {
				return chatMessage{}, errf(fmt.Sprintf("%s.output[%d]", p, j), "%s.output[%d]: a function's output must be text here (the upstream's tool messages carry text only)", p, j)
			}
			sb.WriteString(t)
		}
		output = sb.String()
	}
	return chatMessage{Role: "tool", ToolCallID: id, Content: textContent(output)}, nil
}

// responsesTools translates function tools; OpenAI's hosted tools (web
// search, file search, code interpreter, ...) run on OpenAI's side and are
// refused.
func responsesTools(raw json.RawMessage) ([]chatTool, *Error) {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil, errf("tools", "\"tools\" must be an array of tool definitions")
	}
	var out []chatTool
	for i, t := range list {
		p := fmt.Sprintf("tools[%d]", i)
		obj, err := object(t, p)
		if err != nil {
			return nil, err
		}
		if typ, _ := str(obj, "type", p+".type"); typ != "function" {
			return nil, errf(p+".type", "%s.type: only function tools are served (%q is a tool OpenAI runs on its own servers)", p, typ)
		}
		obj, err = object(t, p, "type", "name", "description", "parameters", "strict")
		if err != nil {
			return nil, err
		}
		name, err := str(obj, "name", p+".name")
		if err != nil || name == "" {
			return nil, errf(p+".name", "%s.name: a function tool needs a name", p)
		}
		desc, err := str(obj, "description", p+".description")
		if err != nil {
			return nil, err
		}
		f := chatFunction{Name: name, Description: desc}
		if present(obj, "parameters") {
			if f.Parameters, err = schema(obj["parameters"], p+".parameters"); err != nil {
				return nil, err
			}
		}
		if f.Strict, err = boolean(obj, "strict", p+".strict"); err != nil {
			return nil, err
		}
		out = append(out, chatTool{Type: "function", Function: f})
	}
	return out, nil
}

func responsesToolChoice(raw json.RawMessage) (json.RawMessage, *Error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s != "auto" && s != "none" && s != "required" {
			return nil, errf("tool_choice", "\"tool_choice\" must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"name\": ...}")
		}
		return textContent(s), nil
	}
	obj, err := object(raw, "tool_choice", "type", "name")
	if err != nil {
		return nil, err
	}
	typ, _ := str(obj, "type", "tool_choice.type")
	name, _ := str(obj, "name", "tool_choice.name")
	if typ != "function" || name == "" {
		return nil, errf("tool_choice", "\"tool_choice\" must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"name\": ...}")
	}
	return marshal(map[string]any{"type": "function", "function": map[string]string{"name": name}}), nil
}

// textFormat translates text.format into response_format.
func textFormat(raw json.RawMessage) (json.RawMessage, *Error) {
	obj, err := object(raw, "text", "format", "verbosity")
	if err != nil {
		return nil, err
	}
	if v, err := str(obj, "verbosity", "text.verbosity"); err != nil || (v != "" && v != "low" && v != "medium" && v != "high") {
		return nil, errf("text.verbosity", "\"text.verbosity\" must be \"low\", \"medium\" or \"high\"")
	}
	if !present(obj, "format") {
		return nil, nil
	}
	f, err := object(obj["format"], "text.format", "type", "name", "schema", "strict", "description")
	if err != nil {
		return nil, err
	}
	typ, _ := str(f, "type", "text.format.type")
	switch typ {
	case "text":
		return nil, nil
	case "json_object":
		return json.RawMessage(`{"type":"json_object"}`), nil
	case "json_schema":
		name, err := str(f, "name", "text.format.name")
		if err != nil || name == "" {
			return nil, errf("text.format.name", "\"text.format.name\" is required for a json_schema format")
		}
		sch, err := schema(f["schema"], "text.format.schema")
		if err != nil {
			return nil, err
		}
		js := map[string]any{"name": name, "schema": sch}
		if desc, err := str(f, "description", "text.format.description"); err != nil {
			return nil, err
		} else if desc != "" {
			js["description"] = desc
		}
		if strict, err := boolean(f, "strict", "text.format.strict"); err != nil {
			return nil, err
		} else if strict != nil {
			js["strict"] = *strict
		}
		return marshal(map[string]any{"type": "json_schema", "json_schema": js}), nil
	}
	return nil, errf("text.format.type", "\"text.format.type\" must be \"text\", \"json_object\" or \"json_schema\"")
}

func reasoningEffort(raw json.RawMessage) (string, *Error) {
	obj, err := object(raw, "reasoning", "effort", "summary", "generate_summary")
	if err != nil {
		return "", err
	}
	effort, err := str(obj, "effort", "reasoning.effort")
	if err != nil {
		return "", err
	}
	switch effort {
	case "", "none":
		return "", nil
	case "minimal", "low":
		return "low", nil
	case "medium":
		return "medium", nil
	case "high", "xhigh":
		return "high", nil
	}
	return "", errf("reasoning.effort", "\"reasoning.effort\" must be none, minimal, low, medium, high or xhigh")
}

// response is a Responses API response object.
type response struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	CreatedAt          int64             `json:"created_at"`
	Status             string            `json:"status"`
	Background         bool              `json:"background"`
	Error              json.RawMessage   `json:"error"`
	IncompleteDetails  json.RawMessage   `json:"incomplete_details"`
	Instructions       json.RawMessage   `json:"instructions"`
	MaxOutputTokens    json.RawMessage   `json:"max_output_tokens"`
	Model              string            `json:"model"`
	Output             []json.RawMessage `json:"output"`
	ParallelToolCalls  bool              `json:"parallel_tool_calls"`
	PreviousResponseID json.RawMessage   `json:"previous_response_id"`
	Reasoning          json.RawMessage   `json:"reasoning"`
	ServiceTier        json.RawMessage   `json:"service_tier"`
	Store              bool              `json:"store"`
	Temperature        json.RawMessage   `json:"temperature"`
	Text               json.RawMessage   `json:"text"`
	ToolChoice         json.RawMessage   `json:"tool_choice"`
	Tools              json.RawMessage   `json:"tools"`
	TopLogprobs        json.RawMessage   `json:"top_logprobs"`
	TopP               json.RawMessage   `json:"top_p"`
	Truncation         json.RawMessage   `json:"truncation"`
	Usage              json.RawMessage   `json:"usage"`
	User               json.RawMessage   `json:"user"`
	Metadata           json.RawMessage   `json:"metadata"`
}

var null = json.RawMessage("null")

// base is the response object of t before any output: the request's
// settings as the API repeats them.
func (t *Translated) base(id, model string, created int64) response {
	get := func(k string, def json.RawMessage) json.RawMessage {
		if v, ok := t.echo[k]; ok {
			return json.RawMessage(strings.TrimSpace(string(v)))
		}
		return def
	}
	parallel := true
	_ = json.Unmarshal(get("parallel_tool_calls", nil), &parallel)
	r := response{
		ID: id, Object: "response", CreatedAt: created, Status: "in_progress", Error: null, IncompleteDetails: null,
		Instructions: get("instructions", null), MaxOutputTokens: get("max_output_tokens", null), Model: model,
		Output: []json.RawMessage{}, ParallelToolCalls: parallel, PreviousResponseID: null,
		Reasoning:   get("reasoning", json.RawMessage(`{"effort":null,"summary":null}`)),
		ServiceTier: get("service_tier", json.RawMessage(`"default"`)), Temperature: get("temperature", json.RawMessage("1")),
		Text: get("text", json.RawMessage(`{"format":{"type":"text"}}`)), ToolChoice: get("tool_choice", json.RawMessage(`"auto"`)),
		Tools: get("tools", json.RawMessage("[]")), TopLogprobs: get("top_logprobs", json.RawMessage("0")),
		TopP: get("top_p", json.RawMessage("1")), Truncation: get("truncation", json.RawMessage(`"disabled"`)),
		Usage: null, User: get("user", null), Metadata: get("metadata", json.RawMessage("{}")),
	}
	return r
}

func responseUsage(u Usage) json.RawMessage {
	return marshal(map[string]any{
		"input_tokens": u.Input, "input_tokens_details": map[string]int{"cached_tokens": 0},
		"output_tokens": u.Output, "output_tokens_details": map[string]int{"reasoning_tokens": 0},
		"total_tokens": uint64(u.Input) + uint64(u.Output),
	})
}

// finishStatus is a response's status and incomplete_details for a finish
// reason.
func finishStatus(finish string) (string, json.RawMessage) {
	switch finish {
	case "length":
		return "incomplete", json.RawMessage(`{"reason":"max_output_tokens"}`)
	case "content_filter":
		return "incomplete", json.RawMessage(`{"reason":"content_filter"}`)
	}
	return "completed", null
}

// item is one output item being built.
type item struct {
	kind   string // "reasoning", "message", "function_call"
	id     string
	index  int
	text   strings.Builder // reasoning or message text, or the arguments
	refuse bool            // a message's text is a refusal
	// logprobs are a message's token logprobs, when the client asked.
	logprobs []json.RawMessage
	callID   string
	name     string
	done     bool
}

func (it *item) json(status string) json.RawMessage {
	switch it.kind {
	case "reasoning":
		content := []any{}
		if status == "completed" {
			content = append(content, map[string]string{"type": "reasoning_text", "text": it.text.String()})
		}
		return marshal(map[string]any{"id": it.id, "type": "reasoning", "summary": []any{}, "content": content})
	case "function_call":
		return marshal(map[string]any{"id": it.id, "type": "function_call", "status": status,
			"arguments": it.text.String(), "call_id": it.callID, "name": it.name})
	}
	content := []any{}
	if status == "completed" || it.text.Len() > 0 {
		content = append(content, it.part())
	}
	return marshal(map[string]any{"id": it.id, "type": "message", "status": status, "role": "assistant", "content": content})
}

func (it *item) part() any {
	if it.refuse {
		return map[string]string{"type": "refusal", "refusal": it.text.String()}
	}
	return map[string]any{"type": "output_text", "annotations": []any{}, "logprobs": it.logprobList(), "text": it.text.String()}
}

func (it *item) logprobList() []json.RawMessage {
	if it.logprobs == nil {
		return []json.RawMessage{}
	}
	return it.logprobs
}

// ChatToResponse translates a chat completion into a Response object.
func (t *Translated) ChatToResponse(chat []byte, id, model string, created int64, u Usage) ([]byte, error) {
	a, ok := readAnswer(chat, "message")
	if !ok {
		return nil, fmt.Errorf("the upstream's completion has no choices")
	}
	r := t.base(id, model, created)
	ids := itemIDs(id)
	if a.Reasoning != "" {
		it := &item{kind: "reasoning", id: ids("rs", 0)}
		it.text.WriteString(a.Reasoning)
		r.Output = append(r.Output, it.json("completed"))
	}
	if a.Text != "" || a.Refusal != "" || len(a.Calls) == 0 {
		it := &item{kind: "message", id: ids("msg", 0), refuse: a.Text == "" && a.Refusal != "", logprobs: a.Logprobs}
		it.text.WriteString(a.Text + a.Refusal)
		r.Output = append(r.Output, it.json("completed"))
	}
	for i, c := range a.Calls {
		it := &item{kind: "function_call", id: ids("fc", i), callID: c.ID, name: c.Name}
		if it.callID == "" {
			it.callID = ids("call", i)
		}
		it.text.WriteString(c.Arguments)
		r.Output = append(r.Output, it.json("completed"))
	}
	r.Status, r.IncompleteDetails = finishStatus(a.Finish)
	r.Usage = responseUsage(u)
	return marshal(r), nil
}

// itemIDs derives output item ids from the response id.
func itemIDs(respID string) func(prefix string, i int) string {
	base := strings.TrimPrefix(respID, "resp_")
	return func(prefix string, i int) string {
		if i == 0 {
			return prefix + "_" + base
		}
		return fmt.Sprintf("%s_%s_%d", prefix, base, i)
	}
}

// ResponsesStream translates a chat completion stream into Responses events.
type ResponsesStream struct {
	t       *Translated
	r       response
	ids     func(string, int) string
	seq     int
	items   []*item
	open    *item
	calls   map[int]*item
	nCalls  int
	finish  string
	started bool
}

// NewResponsesStream starts the translation of one stream.
func (t *Translated) NewResponsesStream(id, model string, created int64) *ResponsesStream {
	return &ResponsesStream{t: t, r: t.base(id, model, created), ids: itemIDs(id), calls: map[int]*item{}}
}

func (s *ResponsesStream) event(typ string, fields map[string]any) []byte {
	fields["type"] = typ
	fields["sequence_number"] = s.seq
	s.seq++
	return sse(typ, marshal(fields))
}

// Start is the response.created and response.in_progress events.
func (s *ResponsesStream) Start() []byte {
	out := s.event("response.created", map[string]any{"response": s.r})
	return append(out, s.event("response.in_progress", map[string]any{"response": s.r})...)
}

func (s *ResponsesStream) add(out []byte, it *item) []byte {
	out = s.closeItem(out)
	it.index = len(s.items)
	s.items = append(s.items, it)
	s.open = it
	out = append(out, s.event("response.output_item.added", map[string]any{"output_index": it.index, "item": it.json("in_progress")})...)
	switch it.kind {
	case "message":
		out = append(out, s.event("response.content_part.added", map[string]any{"item_id": it.id, "output_index": it.index, "content_index": 0, "part": it.part()})...)
	case "reasoning":
		out = append(out, s.event("response.content_part.added", map[string]any{"item_id": it.id, "output_index": it.index, "content_index": 0,
			"part": map[string]string{"type": "reasoning_text", "text": ""}})...)
	}
	return out
}

func (s *ResponsesStream) closeItem(out []byte) []byte {
	it := s.open
	if it == nil {
		return out
	}
	s.open = nil
	it.done = true
	loc := map[string]any{"item_id": it.id, "output_index": it.index}
	with := func(k string, v any) map[string]any {
		m := map[string]any{k: v}
		for k, v := range loc {
			m[k] = v
		}
		return m
	}
	switch it.kind {
	case "message":
		m := with("content_index", 0)
		if it.refuse {
			m["refusal"] = it.text.String()
			out = append(out, s.event("response.refusal.done", m)...)
		} else {
			m["text"], m["logprobs"] = it.text.String(), it.logprobList()
			out = append(out, s.event("response.output_text.done", m)...)
		}
		p := with("content_index", 0)
		p["part"] = it.part()
		out = append(out, s.event("response.content_part.done", p)...)
	case "reasoning":
		m := with("content_index", 0)
		m["text"] = it.text.String()
		out = append(out, s.event("response.reasoning_text.done", m)...)
		p := with("content_index", 0)
		p["part"] = map[string]string{"type": "reasoning_text", "text": it.text.String()}
		out = append(out, s.event("response.content_part.done", p)...)
	case "function_call":
		m := with("arguments", it.text.String())
		m["name"] = it.name
		out = append(out, s.event("response.function_call_arguments.done", m)...)
	}
	return append(out, s.event("response.output_item.done", map[string]any{"output_index": it.index, "item": it.json("completed")})...)
}

// Chunk translates one chat completion chunk.
func (s *ResponsesStream) Chunk(chunk []byte) []byte {
	a, ok := readAnswer(chunk, "delta")
	if !ok {
		return nil
	}
	var out []byte
	if a.Reasoning != "" {
		if s.open == nil || s.open.kind != "reasoning" {
			out = s.add(out, &item{kind: "reasoning", id: s.ids("rs", len(s.items))})
		}
		s.open.text.WriteString(a.Reasoning)
		out = append(out, s.event("response.reasoning_text.delta", map[string]any{"item_id": s.open.id, "output_index": s.open.index, "content_index": 0, "delta": a.Reasoning})...)
	}
	for _, piece := range []struct {
		text   string
		refuse bool
	}{{a.Text, false}, {a.Refusal, true}} {
		if piece.text == "" {
			continue
		}
		if s.open == nil || s.open.kind != "message" || s.open.refuse != piece.refuse {
			out = s.add(out, &item{kind: "message", id: s.ids("msg", len(s.items)), refuse: piece.refuse})
		}
		s.open.text.WriteString(piece.text)
		m := map[string]any{"item_id": s.open.id, "output_index": s.open.index, "content_index": 0, "delta": piece.text}
		if piece.refuse {
			out = append(out, s.event("response.refusal.delta", m)...)
		} else {
			lp := a.Logprobs
			if lp == nil {
				lp = []json.RawMessage{}
			}
			m["logprobs"] = lp
			s.open.logprobs = append(s.open.logprobs, a.Logprobs...)
			out = append(out, s.event("response.output_text.delta", m)...)
		}
	}
	for _, c := range a.Calls {
		it, known := s.calls[c.Index]
		if !known {
			it = &item{kind: "function_call", id: s.ids("fc", s.nCalls), callID: c.ID, name: c.Name}
			if it.callID == "" {
				it.callID = s.ids("call", s.nCalls)
			}
			s.nCalls++
			s.calls[c.Index] = it
			out = s.add(out, it)
		}
		if c.Arguments != "" {
			it.text.WriteString(c.Arguments)
			out = append(out, s.event("response.function_call_arguments.delta", map[string]any{"item_id": it.id, "output_index": it.index, "delta": c.Arguments})...)
		}
	}
	if a.Finish != "" {
		s.finish = a.Finish
	}
	return out
}

// Close ends the open output item: the last bytes before the receipt.
func (s *ResponsesStream) Close() []byte { return s.closeItem(nil) }

// Tail is what the closing event is rebuilt from: response.completed (or
// response.incomplete) without its usage. cut, when not empty, makes it
// response.failed with that message.
func (s *ResponsesStream) Tail(cut string) []byte {
	r := s.r
	r.Status, r.IncompleteDetails = finishStatus(s.finish)
	if cut != "" {
		r.Status, r.IncompleteDetails = "failed", null
		r.Error = marshal(map[string]string{"code": "server_error", "message": cut})
	}
	for _, it := range s.items {
		r.Output = append(r.Output, it.json("completed"))
	}
	typ := "response." + r.Status
	return marshal(map[string]any{"type": typ, "sequence_number": s.seq, "response": r})
}

// ResponsesFinal is a stream's closing event: the tail (a response.completed,
// response.incomplete or response.failed event) with the usage billed and
// the signed receipt. Every other field of the tail is kept, so an
// upstream's own final event passes through with only these two set.
func ResponsesFinal(tail []byte, u Usage, receipt json.RawMessage) ([]byte, error) {
	var ev map[string]json.RawMessage
	var resp map[string]json.RawMessage
	var typ string
	if err := json.Unmarshal(tail, &ev); err != nil || json.Unmarshal(ev["response"], &resp) != nil || resp == nil ||
		json.Unmarshal(ev["type"], &typ) != nil || typ == "" {
		return nil, fmt.Errorf("response tail: not an event with a type and a response")
	}
	resp["usage"] = responseUsage(u)
	ev["response"] = marshal(resp)
	ev["receipt"] = receipt
	return sse(typ, marshal(ev)), nil
}

// Event frames one named server-sent event.
func Event(name string, data []byte) []byte { return sse(name, data) }

// ResponsesFailed is the closing event of a passed-through Responses stream
// that ended without its own: response.failed, with the last response object
// the upstream sent (or a minimal one) and msg as its error.
func ResponsesFailed(last json.RawMessage, id, model string, created int64, seq int, msg string) []byte {
	resp := map[string]json.RawMessage{}
	if json.Unmarshal(last, &resp) != nil || resp == nil {
		resp = map[string]json.RawMessage{}
	}
	if _, ok := resp["id"]; !ok {
		resp["id"], resp["object"], resp["created_at"], resp["output"] = marshal(id), marshal("response"), marshal(created), json.RawMessage("[]")
	}
	resp["model"] = marshal(model)
	resp["status"] = marshal("failed")
	resp["error"] = marshal(map[string]string{"code": "server_error", "message": msg})
	return marshal(map[string]any{"type": "response.failed", "sequence_number": seq, "response": resp})
}

// ResponsesErrorEvent is an error event of a Responses stream.
func ResponsesErrorEvent(seq int, code, msg string) []byte {
	return sse("error", marshal(map[string]any{"type": "error", "code": code, "message": msg, "param": nil, "sequence_number": seq}))
}

// ResponsesError is an error event (code and message as OpenAI's).
func (s *ResponsesStream) Error(code, msg string) []byte {
	return s.event("error", map[string]any{"code": code, "message": msg, "param": nil})
}
