package inference_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

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

func TestCountTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"spaces only", " \t\n\r ", 0},
		{"one word", "hello", 1},
		{"words", "the quick  brown\tfox\njumps", 5},
		{"digits and letters are one run", "abc123 4x4", 2},
		{"punctuation", "Hello, world!", 4},
		{"each symbol counts", "a+b=c;", 6},
		{"brackets", "[imogate demo]", 4},
		{"json", `{"a":1}`, 7},
		{"unicode letters", "Grüße 世界", 2},
		{"emoji", "hi 👋🏽!", 4},
		{"combining mark", "e\u0301", 2},
		{"invalid utf-8 bytes", "a\xff\xfeb", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := inference.CountTokens(tt.text)
			if got != tt.want {
				t.Fatalf("CountTokens(%q) = %d, want %d", tt.text, got, tt.want)
			}
			if got > len(tt.text) {
				t.Fatalf("CountTokens(%q) = %d, more than its %d bytes", tt.text, got, len(tt.text))
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
		// Cross-check against a plain decode of the same fields.
		var v struct {
			Usage *struct {
				PromptTokens *json.Number `json:"prompt_tokens"`
				InputTokens  *json.Number `json:"input_tokens"`
			} `json:"usage"`
		}
		if json.Unmarshal(body, &v) != nil || v.Usage == nil {
			return
		}
		n := v.Usage.PromptTokens
		if n == nil {
			n = v.Usage.InputTokens
		}
		if n == nil {
			return
		}
		i, err := n.Int64()
		if err != nil {
			return
		}
		want := uint32(0)
		switch {
		case i > 1<<32-1:
			want = 1<<32 - 1
		case i > 0:
			want = uint32(i)
		}
		if u.PromptTokens != want {
			t.Fatalf("ParseUsage(%q).PromptTokens = %d, want %d", body, u.PromptTokens, want)
		}
	})
}

// FuzzCountTokens checks the tokenizer's bound: never more tokens than bytes,
// none for pure whitespace, and additivity over a space.
func FuzzCountTokens(f *testing.F) {
	for _, s := range []string{"", "hello, world", "Grüße 世界 👋", "a\xffb", "  \t"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		n := inference.CountTokens(a)
		if n < 0 || n > len(a) {
			t.Fatalf("CountTokens(%q) = %d for %d bytes", a, n, len(a))
		}
		if strings.TrimSpace(a) == "" && utf8.ValidString(a) && n != 0 {
			t.Fatalf("CountTokens(%q) = %d for whitespace", a, n)
		}
		if got, want := inference.CountTokens(a+" "+b), n+inference.CountTokens(b); got != want {
			t.Fatalf("CountTokens(%q + space + %q) = %d, want %d", a, b, got, want)
		}
	})
}
