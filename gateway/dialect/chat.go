package dialect

import (
	"encoding/json"

	"github.com/imogate/imogate/inference"
)

// answer is what one choice of a chat completion (or one chunk's delta)
// carries, read leniently: a field of an unexpected shape is read as its
// text, never dropped (what the gateway counted as delivered must be
// delivered).
type answer struct {
	Reasoning string
	Text      string
	Refusal   string
	Calls     []call
	// Finish is the choice's finish_reason ("" while a stream runs);
	// StopSeq the stop string that ended it, where the upstream says (vLLM's
	// stop_reason).
	Finish  string
	StopSeq *string
	// Logprobs is the choice's logprobs.content: one entry per token
	// (token, logprob, bytes, top_logprobs), the shape the Responses API's
	// output_text logprobs share.
	Logprobs []json.RawMessage
}

// call is a tool call, or a piece of one in a stream.
type call struct {
	Index     int
	ID        string
	Name      string
	Arguments string
}

// chatUsage is a completion's usage as the upstream reported it.
type chatUsage struct {
	PromptTokens     uint32 `json:"prompt_tokens"`
	CompletionTokens uint32 `json:"completion_tokens"`
}

// readAnswer reads the first choice of a completion (key "message") or a
// chunk (key "delta").
func readAnswer(body []byte, key string) (answer, bool) {
	var doc struct {
		Choices []map[string]json.RawMessage `json:"choices"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Choices) == 0 {
		return answer{}, false
	}
	ch := doc.Choices[0]
	var a answer
	_ = json.Unmarshal(ch["finish_reason"], &a.Finish)
	var stop string
	if json.Unmarshal(ch["stop_reason"], &stop) == nil && stop != "" {
		a.StopSeq = &stop
	}
	var lp struct {
		Content []json.RawMessage `json:"content"`
	}
	if json.Unmarshal(ch["logprobs"], &lp) == nil {
		a.Logprobs = lp.Content
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(ch[key], &m) != nil {
		return a, true
	}
	a.Reasoning = text(m["reasoning_content"]) + text(m["reasoning"])
	a.Text = text(m["content"])
	a.Refusal = text(m["refusal"])
	var calls []map[string]json.RawMessage
	_ = json.Unmarshal(m["tool_calls"], &calls)
	for i, c := range calls {
		tc := call{Index: i}
		_ = json.Unmarshal(c["index"], &tc.Index)
		_ = json.Unmarshal(c["id"], &tc.ID)
		var fn map[string]json.RawMessage
		_ = json.Unmarshal(c["function"], &fn)
		tc.Name = text(fn["name"])
		tc.Arguments = text(fn["arguments"])
		a.Calls = append(a.Calls, tc)
	}
	if fc := m["function_call"]; len(fc) > 0 && string(fc) != "null" { // the legacy single call
		var fn map[string]json.RawMessage
		_ = json.Unmarshal(fc, &fn)
		a.Calls = append(a.Calls, call{Index: len(a.Calls), Name: text(fn["name"]), Arguments: text(fn["arguments"])})
	}
	return a, true
}

// readUsage reads a completion's or chunk's usage, if it has one.
func readUsage(body []byte) (chatUsage, bool) {
	var doc struct {
		Usage *chatUsage `json:"usage"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.Usage == nil {
		return chatUsage{}, false
	}
	return *doc.Usage, true
}

// text is the text of a field as the gateway counts it (inference.FieldText):
// what a translation delivers is exactly what the call is charged for.
func text(raw json.RawMessage) string { return inference.FieldText(raw) }
