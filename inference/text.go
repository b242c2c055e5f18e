package inference

import (
	"encoding/json"
	"strings"
)

// GeneratedText extracts the generated output of a response body or stream
// chunk, every choice's, in the shapes of chat completions (message or
// delta: content as a string or parts, reasoning, refusal, tool and function
// calls) and completions (text), and says how many non-empty pieces it
// holds (a piece is at least one generated token: a lower bound of the
// tokens that no tokenizer guess can undercut). It reads each field on its
// own, so a field of an unexpected type (tool-call arguments as an object)
// is counted as its JSON text and never hides the rest.
//
// It reads the Responses API's shapes too: a response object's output items
// (message text, refusals, reasoning, function call names and arguments)
// and a stream's delta events. Other stream events (items added or done,
// the final response) repeat what the deltas delivered and count nothing.
func GeneratedText(b []byte) (text string, pieces int) {
	var g struct {
		Choices []map[string]json.RawMessage `json:"choices"`
		Object  string                       `json:"object"`
		Output  []map[string]json.RawMessage `json:"output"`
		Type    string                       `json:"type"`
		Delta   json.RawMessage              `json:"delta"`
	}
	if json.Unmarshal(b, &g) != nil {
		return "", 0
	}
	var sb strings.Builder
	if g.Choices == nil && (g.Object == "response" || strings.HasPrefix(g.Type, "response.")) {
		return responsesText(g.Output, g.Type, g.Delta)
	}
	add := func(raw json.RawMessage) {
		if s := fieldText(raw); s != "" {
			sb.WriteString(s)
			pieces++
		}
	}
	for _, c := range g.Choices {
		add(c["text"])
		for _, key := range []string{"message", "delta"} {
			var part map[string]json.RawMessage
			if json.Unmarshal(c[key], &part) != nil {
				continue
			}
			for _, f := range []string{"content", "reasoning_content", "reasoning", "refusal", "function_call"} {
				add(part[f])
			}
			var calls []json.RawMessage
			_ = json.Unmarshal(part["tool_calls"], &calls)
			for _, tc := range calls {
				var call map[string]json.RawMessage
				if json.Unmarshal(tc, &call) == nil {
					add(call["function"])
				}
			}
		}
	}
	return sb.String(), pieces
}

// FieldText is the text a generated field carries: a string as is; parts
// (content arrays) by their text; a function call by its name and
// arguments; anything else by its JSON; null or absent as nothing. It is
// what GeneratedText counts, and what a translation into another API
// delivers.
func FieldText(raw json.RawMessage) string { return fieldText(raw) }

func fieldText(raw json.RawMessage) string {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Text *string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var sb strings.Builder
		for _, p := range parts {
			if p.Text != nil {
				sb.WriteString(*p.Text)
			}
		}
		if sb.Len() > 0 {
			return sb.String()
		}
	}
	var fn struct {
		Name      *string         `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if json.Unmarshal(raw, &fn) == nil && (fn.Name != nil || fn.Arguments != nil) {
		out := ""
		if fn.Name != nil {
			out = *fn.Name
		}
		return out + fieldText(fn.Arguments)
	}
	return string(raw)
}

// RequestText is the text of a JSON request body a tokenizer counts for a
// prompt the upstream did not report: every string value (message
// contents, tool definitions, prompts, inputs…), every object key (tool
// schemas are mostly keys) and every number (token-id prompts: each id is a
// token), each on its own line. JSON punctuation is left out.
func RequestText(body []byte) string {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return string(body)
	}
	var sb strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case string:
			sb.WriteString(t)
			sb.WriteByte('\n')
		case json.Number:
			sb.WriteString(t.String())
			sb.WriteByte('\n')
		case []any:
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			for k, e := range t {
				sb.WriteString(k)
				sb.WriteByte('\n')
				walk(e)
			}
		}
	}
	walk(v)
	return sb.String()
}

// responsesText is GeneratedText of a Responses API object (output) or
// stream event (typ and delta).
func responsesText(output []map[string]json.RawMessage, typ string, delta json.RawMessage) (string, int) {
	var sb strings.Builder
	pieces := 0
	add := func(raw json.RawMessage) {
		if s := fieldText(raw); s != "" {
			sb.WriteString(s)
			pieces++
		}
	}
	if strings.HasSuffix(typ, ".delta") {
		add(delta)
		return sb.String(), pieces
	}
	for _, item := range output {
		add(item["name"])
		add(item["arguments"])
		add(item["input"])
		for _, key := range []string{"content", "summary"} {
			var parts []map[string]json.RawMessage
			_ = json.Unmarshal(item[key], &parts)
			for _, p := range parts {
				add(p["text"])
				add(p["refusal"])
			}
		}
	}
	return sb.String(), pieces
}
