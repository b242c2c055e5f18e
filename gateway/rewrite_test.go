package gateway

import (
	"encoding/json"
	"reflect"
	"testing"
)

// decodeWithModel is the meaning rewriteModel must keep: the body decoded,
// with its top-level "model" (if any) set to name.
func decodeWithModel(t *testing.T, body []byte, name string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	if obj, ok := v.(map[string]any); ok {
		if _, has := obj["model"]; has {
			obj["model"] = name
		}
	}
	return v
}

func TestRewriteModel(t *testing.T) {
	for _, tc := range []struct{ in, name, want string }{
		{`{"id":"x","model":"up","choices":[]}`, "m", `{"id":"x","model":"m","choices":[]}`},
		{` { "model" : "up" , "n" : 1 } `, "m", ` { "model" : "m" , "n" : 1 } `},
		{`{"model":"m"}`, "m", `{"model":"m"}`},
		{`{"model":null,"x":{"model":"inner"}}`, "pub", `{"model":"pub","x":{"model":"inner"}}`}, // nested "model" is content
		{`{"model":"a","model":"b"}`, "m", `{"model":"m","model":"m"}`},                          // every duplicate
		{`{"mod\u0065l":"up"}`, "m", `{"mod\u0065l":"m"}`},                                       // escaped key
		{`{"Model":"up"}`, "m", `{"Model":"up"}`},                                                // keys are exact
		{`{"model":"up"}`, `a"<b`, `{"model":"a\"\u003cb"}`},
		{`{"x":1}`, "m", `{"x":1}`},
		{`[{"model":"up"}]`, "m", `[{"model":"up"}]`},
		{`"model"`, "m", `"model"`},
	} {
		got := rewriteModel([]byte(tc.in), tc.name)
		if string(got) != tc.want {
			t.Errorf("rewriteModel(%s, %q) = %s, want %s", tc.in, tc.name, got, tc.want)
		}
	}
}

// FuzzRewriteModel checks, for any valid JSON, that the rewritten body is
// valid JSON with the same meaning as decoding the original and setting its
// top-level "model".
func FuzzRewriteModel(f *testing.F) {
	for _, s := range []string{
		`{"id":"chatcmpl-1","object":"chat.completion","model":"up","choices":[{"index":0}],"usage":{"prompt_tokens":1}}`,
		`{"model":"a","model":{"b":[1,2]}}`, `{"x":"\"model\":\"y\""}`, `{}`, `[]`, `3`, `{"model":"\u00e9"}`,
	} {
		f.Add([]byte(s), "m")
	}
	f.Fuzz(func(t *testing.T, body []byte, name string) {
		if !json.Valid(body) {
			return
		}
		var plain any
		if json.Unmarshal(body, &plain) != nil {
			return
		}
		got := rewriteModel(body, name)
		if !json.Valid(got) {
			t.Fatalf("rewriteModel(%q, %q) = %q: invalid JSON", body, name, got)
		}
		if want, have := decodeWithModel(t, body, name), decodeWithModel(t, got, name); !reflect.DeepEqual(want, have) {
			t.Fatalf("rewriteModel(%q, %q) = %q: changed more than the model", body, name, got)
		}
		// The model is the name as JSON spells it (invalid UTF-8 becomes
		// U+FFFD, as json.Marshal writes it).
		var want string
		quoted, _ := json.Marshal(name)
		json.Unmarshal(quoted, &want)
		var out any
		json.Unmarshal(got, &out)
		if obj, ok := out.(map[string]any); ok {
			if m, has := obj["model"]; has && m != want {
				t.Fatalf("rewriteModel(%q, %q) = %q: model is %v, want %q", body, name, got, m, want)
			}
		}
	})
}

// BenchmarkRewriteModel renames the model of a typical chat completion.
func BenchmarkRewriteModel(b *testing.B) {
	body := []byte(`{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}`)
	b.ReportAllocs()
	for b.Loop() {
		rewriteModel(body, "m")
	}
}
