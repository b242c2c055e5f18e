package inference_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/imogate/imogate/inference"
)

func TestParseUsage(t *testing.T) {
	tests := []struct {
		name string
		body string
		want inference.Usage
		ok   bool
	}{
		{"openai", `{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}`,
			inference.Usage{PromptTokens: 12, CompletionTokens: 34, Reported: true}, true},
		{"vllm last chunk", `{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"total_tokens":9,"completion_tokens":4}}`,
			inference.Usage{PromptTokens: 5, CompletionTokens: 4, Reported: true}, true},
		{"groq x_groq", `{"choices":[],"x_groq":{"id":"req_1","usage":{"prompt_tokens":7,"completion_tokens":8,"total_tokens":15,"queue_time":0.1}}}`,
			inference.Usage{PromptTokens: 7, CompletionTokens: 8, Reported: true}, true},
		{"usage wins over x_groq", `{"usage":{"prompt_tokens":1,"completion_tokens":2},"x_groq":{"usage":{"prompt_tokens":7,"completion_tokens":8}}}`,
			inference.Usage{PromptTokens: 1, CompletionTokens: 2, Reported: true}, true},
		{"null usage falls back to x_groq", `{"usage":null,"x_groq":{"usage":{"prompt_tokens":7,"completion_tokens":8}}}`,
			inference.Usage{PromptTokens: 7, CompletionTokens: 8, Reported: true}, true},
		{"input/output naming", `{"usage":{"input_tokens":100,"output_tokens":3}}`,
			inference.Usage{PromptTokens: 100, CompletionTokens: 3, Reported: true}, true},
		{"prompt_tokens preferred to input_tokens", `{"usage":{"prompt_tokens":1,"input_tokens":9,"completion_tokens":2,"output_tokens":9}}`,
			inference.Usage{PromptTokens: 1, CompletionTokens: 2, Reported: true}, true},
		{"embeddings totals only", `{"object":"list","data":[],"usage":{"total_tokens":17}}`,
			inference.Usage{PromptTokens: 17, Reported: true}, true},
		{"embeddings prompt and total", `{"usage":{"prompt_tokens":6,"total_tokens":6}}`,
			inference.Usage{PromptTokens: 6, Reported: true}, true},
		{"completion only", `{"usage":{"completion_tokens":5}}`,
			inference.Usage{CompletionTokens: 5, Reported: true}, true},
		{"zeros are reported", `{"usage":{"prompt_tokens":0,"completion_tokens":0}}`,
			inference.Usage{Reported: true}, true},
		{"negative clamps to zero", `{"usage":{"prompt_tokens":-5,"completion_tokens":-1}}`,
			inference.Usage{Reported: true}, true},
		{"over uint32 clamps", `{"usage":{"prompt_tokens":4294967296,"completion_tokens":9223372036854775807}}`,
			inference.Usage{PromptTokens: 1<<32 - 1, CompletionTokens: 1<<32 - 1, Reported: true}, true},
		{"null usage", `{"choices":[{"delta":{"content":"x"}}],"usage":null}`, inference.Usage{}, false},
		{"empty usage object", `{"usage":{}}`, inference.Usage{}, false},
		{"no usage", `{"choices":[]}`, inference.Usage{}, false},
		{"x_groq without usage", `{"x_groq":{"id":"req_1"}}`, inference.Usage{}, false},
		{"not JSON", `data: [DONE]`, inference.Usage{}, false},
		{"empty", ``, inference.Usage{}, false},
		{"JSON array", `[{"usage":{"prompt_tokens":1}}]`, inference.Usage{}, false},
		{"usage is a string", `{"usage":"12"}`, inference.Usage{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := inference.ParseUsage([]byte(tt.body))
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ParseUsage(%s) = %+v, %v; want %+v, %v", tt.body, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// FuzzParseUsage checks ParseUsage never panics, reports usage only for JSON
// that carries it, and clamps every count into [0, 2^32-1] as the JSON says.
func FuzzParseUsage(f *testing.F) {
	for _, s := range []string{
		`{"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}`,
		`{"x_groq":{"usage":{"prompt_tokens":7,"completion_tokens":8}}}`,
		`{"usage":{"input_tokens":100,"output_tokens":3}}`,
		`{"usage":{"total_tokens":17}}`,
		`{"usage":{"prompt_tokens":-5,"completion_tokens":99999999999}}`,
		`{"usage":null}`,
		`{"usage":{"prompt_tokens":1e3}}`,
		`{"usage":{"prompt_tokens":"1"}}`,
		`[DONE]`,
		``,
		`{"usage":{}}`,
		`{"usage":[]}`,
		`{"usage":{"prompt_tokens":13,"completion_tokens":1219,"total_tokens":1232,"completion_tokens_details":{"reasoning_tokens":1152}}}`,
		`{"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":120}}`,
		`{"usage":{"input_tokens":5,"cache_read_input_tokens":100,"output_tokens":2}}`,
		`{"timings":{"prompt_n":9,"cache_n":3,"predicted_n":2}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		u, ok := inference.ParseUsage(body)
		if !ok {
			if u != (inference.Usage{}) {
				t.Fatalf("not ok but usage %+v", u)
			}
			return
		}
		if !u.Reported {
			t.Fatalf("ok but not Reported: %+v", u)
		}
		if !json.Valid(body) {
			t.Fatalf("usage %+v from invalid JSON %q", u, body)
		}
		// Cross-check against a plain decode of the same fields: the counts
		// are never below what the JSON says (clamped to uint32).
		var v struct {
			Usage *struct {
				PromptTokens     *json.Number `json:"prompt_tokens"`
				InputTokens      *json.Number `json:"input_tokens"`
				CompletionTokens *json.Number `json:"completion_tokens"`
			} `json:"usage"`
		}
		if json.Unmarshal(body, &v) != nil || v.Usage == nil {
			return
		}
		clamp := func(n *json.Number) (uint32, bool) {
			if n == nil {
				return 0, false
			}
			i, err := n.Int64()
			if err != nil {
				return 0, false
			}
			switch {
			case i > 1<<32-1:
				return 1<<32 - 1, true
			case i > 0:
				return uint32(i), true
			}
			return 0, true
		}
		p := v.Usage.PromptTokens
		if p == nil {
			p = v.Usage.InputTokens
		}
		if want, ok := clamp(p); ok && u.PromptTokens < want {
			t.Fatalf("ParseUsage(%q).PromptTokens = %d, below the %d it says", body, u.PromptTokens, want)
		}
		if want, ok := clamp(v.Usage.CompletionTokens); ok && u.CompletionTokens < want {
			t.Fatalf("ParseUsage(%q).CompletionTokens = %d, below the %d it says", body, u.CompletionTokens, want)
		}
	})
}

// TestParseUsageFamilies: every upstream family's usage shapes, read so
// that no generated or cached token goes uncharged.
func TestParseUsageFamilies(t *testing.T) {
	tests := []struct {
		name string
		body string
		want inference.Usage
	}{
		{"reasoning tokens are part of completion_tokens",
			`{"usage":{"prompt_tokens":13,"completion_tokens":1219,"total_tokens":1232,"completion_tokens_details":{"reasoning_tokens":1152,"audio_tokens":0}}}`,
			inference.Usage{PromptTokens: 13, CompletionTokens: 1219, Reported: true}},
		{"reasoning reported apart from completion_tokens",
			`{"usage":{"prompt_tokens":13,"completion_tokens":67,"completion_tokens_details":{"reasoning_tokens":1152}}}`,
			inference.Usage{PromptTokens: 13, CompletionTokens: 1152, Reported: true}},
		{"cached tokens are part of prompt_tokens",
			`{"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920}}}`,
			inference.Usage{PromptTokens: 2006, CompletionTokens: 300, Reported: true}},
		{"total beyond its parts goes to completion",
			`{"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":120}}`,
			inference.Usage{PromptTokens: 10, CompletionTokens: 110, Reported: true}},
		{"anthropic cached input adds to input_tokens",
			`{"usage":{"input_tokens":5,"cache_creation_input_tokens":20,"cache_read_input_tokens":100,"output_tokens":2}}`,
			inference.Usage{PromptTokens: 125, CompletionTokens: 2, Reported: true}},
		{"llama.cpp timings without usage",
			`{"choices":[{"delta":{"content":"lo"}}],"timings":{"cache_n":4,"prompt_n":9,"predicted_n":2,"predicted_ms":25.3}}`,
			inference.Usage{PromptTokens: 13, CompletionTokens: 2, Reported: true}},
		{"usage wins over timings",
			`{"usage":{"prompt_tokens":9,"completion_tokens":3},"timings":{"prompt_n":1,"predicted_n":1}}`,
			inference.Usage{PromptTokens: 9, CompletionTokens: 3, Reported: true}},
		{"vllm continuous usage on a content chunk",
			`{"choices":[{"index":0,"delta":{"content":" there"}}],"usage":{"prompt_tokens":14,"total_tokens":16,"completion_tokens":2}}`,
			inference.Usage{PromptTokens: 14, CompletionTokens: 2, Reported: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := inference.ParseUsage([]byte(tt.body))
			if !ok || got != tt.want {
				t.Fatalf("ParseUsage = %+v, %v; want %+v", got, ok, tt.want)
			}
		})
	}
}

// TestGeneratedText: the generated output of every shape is counted,
// tool calls and reasoning included, and each non-empty piece is one.
func TestGeneratedText(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		text   string
		pieces int
	}{
		{"chat message", `{"choices":[{"message":{"role":"assistant","content":"Hello"}}]}`, "Hello", 1},
		{"two choices", `{"choices":[{"message":{"content":"a"}},{"message":{"content":"b"}}]}`, "ab", 2},
		{"delta", `{"choices":[{"delta":{"content":" x"}}]}`, " x", 1},
		{"role chunk is empty", `{"choices":[{"delta":{"role":"assistant","content":""}}]}`, "", 0},
		{"completions text", `{"choices":[{"text":"once"}]}`, "once", 1},
		{"reasoning", `{"choices":[{"delta":{"reasoning_content":"think"}}]}`, "think", 1},
		{"reasoning (new name)", `{"choices":[{"delta":{"reasoning":"think"}}]}`, "think", 1},
		{"tool call delta", `{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":"get","arguments":"{\"a\":1}"}}]}}]}`, `get{"a":1}`, 1},
		{"content parts", `{"choices":[{"message":{"content":[{"type":"text","text":"p1"},{"type":"text","text":"p2"}]}}]}`, "p1p2", 1},
		{"refusal", `{"choices":[{"message":{"content":null,"refusal":"no"}}]}`, "no", 1},
		{"usage only", `{"choices":[],"usage":{"prompt_tokens":1}}`, "", 0},
		{"not JSON", `nope`, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, pieces := inference.GeneratedText([]byte(tt.body))
			if text != tt.text || pieces != tt.pieces {
				t.Fatalf("GeneratedText = %q, %d; want %q, %d", text, pieces, tt.text, tt.pieces)
			}
		})
	}
}

func TestRequestText(t *testing.T) {
	// Values, keys (tool schemas are mostly keys) and numbers (token-id
	// prompts) are all text a tokenizer counts; punctuation is not.
	got := inference.RequestText([]byte(`{"model":"m","messages":[{"role":"user","content":"hi"}],"prompt":[101,102],"tools":[{"parameters":{"properties":{"city_name":{}}}}]}`))
	for _, want := range []string{"m\n", "user\n", "hi\n", "content\n", "101\n", "102\n", "city_name\n"} {
		if !strings.Contains(got, want) {
			t.Fatalf("RequestText = %q, missing %q", got, want)
		}
	}
	if strings.ContainsAny(got, "{}[]\":,") {
		t.Fatalf("RequestText = %q holds JSON punctuation", got)
	}
}

// TestGeneratedTextLenient: a field of an unexpected type is counted as
// its JSON and never hides the rest of the chunk.
func TestGeneratedTextLenient(t *testing.T) {
	body := `{"choices":[{"delta":{"content":"abc","tool_calls":[{"function":{"name":"f","arguments":{"x":1}}}]}}]}`
	text, pieces := inference.GeneratedText([]byte(body))
	if !strings.Contains(text, "abc") || !strings.Contains(text, `f{"x":1}`) || pieces != 2 {
		t.Fatalf("GeneratedText = %q, %d", text, pieces)
	}
}
