package inference

import (
	"encoding/json"
	"strings"
)

// generated is what a response body or a stream chunk carries of generated
// output, in the shapes of chat completions (message or delta: content as a
// string or parts, reasoning, refusal, tool and function calls) and
// completions (text).
type generated struct {
	Choices []struct {
		Text    string   `json:"text"`
		Message *outPart `json:"message"`
		Delta   *outPart `json:"delta"`
	} `json:"choices"`
}

type outPart struct {
	Content          json.RawMessage `json:"content"`
	ReasoningContent string          `json:"reasoning_content"`
	Reasoning        string          `json:"reasoning"`
	Refusal          string          `json:"refusal"`
	ToolCalls        []struct {
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
	FunctionCall *struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function_call"`
}

// GeneratedText extracts the generated output of a response body or stream
// chunk, every choice's, and says how many non-empty pieces it holds (a
// piece is at least one generated token: a lower bound of the tokens that
// no tokenizer guess can undercut).
func GeneratedText(b []byte) (text string, pieces int) {
	var g generated
	if json.Unmarshal(b, &g) != nil {
		return "", 0
	}
	var sb strings.Builder
	add := func(s string) {
		if s != "" {
			sb.WriteString(s)
			pieces++
		}
	}
	for _, c := range g.Choices {
		add(c.Text)
		for _, p := range []*outPart{c.Message, c.Delta} {
			if p == nil {
				continue
			}
			add(contentText(p.Content))
			add(p.ReasoningContent)
			add(p.Reasoning)
			add(p.Refusal)
			for _, tc := range p.ToolCalls {
				add(tc.Function.Name + tc.Function.Arguments)
			}
			if fc := p.FunctionCall; fc != nil {
				add(fc.Name + fc.Arguments)
			}
		}
	}
	return sb.String(), pieces
}

// contentText is a content field's text: a string, or the text of its parts.
func contentText(raw json.RawMessage) string {
	if len(raw) == 0 || raw[0] == 'n' {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var sb strings.Builder
	for _, p := range parts {
		sb.WriteString(p.Text)
	}
	return sb.String()
}

// RequestText is every string value of a JSON request body (message
// contents, tool definitions, prompts, inputs…), joined: what a tokenizer
// counts for a prompt that the upstream did not report. Object keys and
// JSON syntax are left out.
func RequestText(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return string(body)
	}
	var sb strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case string:
			sb.WriteString(t)
			sb.WriteByte('\n')
		case []any:
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return sb.String()
}
