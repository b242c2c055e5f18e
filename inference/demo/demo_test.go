package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/inference/demo"
)

func fixedClock() time.Time { return time.Unix(1_700_000_000, 0) }

func newDemo() *demo.Backend { return demo.New(demo.Config{Now: fixedClock}) }

// completion is the parts of a demo response the tests read.
type completion struct {
	Object            string `json:"object"`
	Created           int64  `json:"created"`
	Model             string `json:"model"`
	SystemFingerprint string `json:"system_fingerprint"`
	Choices           []struct {
		Index   int    `json:"index"`
		Text    string `json:"text"`
		Message struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
}

func complete(t *testing.T, b *demo.Backend, ep inference.Endpoint, body string) (completion, inference.Usage) {
	t.Helper()
	resp, err := b.Complete(t.Context(), inference.Request{Endpoint: ep, Body: []byte(body)})
	if err != nil {
		t.Fatalf("Complete(%s): %v", body, err)
	}
	var c completion
	if err := json.Unmarshal(resp.Body, &c); err != nil {
		t.Fatalf("response %s: %v", resp.Body, err)
	}
	if len(c.Choices) == 0 {
		t.Fatalf("response %s has no choices", resp.Body)
	}
	return c, resp.Usage
}

func (c completion) text() string { return c.Choices[0].Text + c.Choices[0].Message.Content }

func chatBody(prompt string, extra string) string {
	p, _ := json.Marshal(prompt)
	return fmt.Sprintf(`{"model":"imogate-demo","messages":[{"role":"user","content":%s}]%s}`, p, extra)
}

func completionBody(prompt string, extra string) string {
	p, _ := json.Marshal(prompt)
	return fmt.Sprintf(`{"model":"imogate-demo","prompt":%s%s}`, p, extra)
}

func TestCompleteDeterministic(t *testing.T) {
	tests := []struct {
		name     string
		endpoint inference.Endpoint
		body     string
		object   string
	}{
		{"chat", inference.ChatCompletions, chatBody("What is ERC-7641?", ""), "chat.completion"},
		{"chat content parts", inference.ChatCompletions,
			`{"model":"imogate-demo","messages":[{"role":"user","content":[{"type":"text","text":"parts"}]}]}`, "chat.completion"},
		{"completions", inference.Completions, completionBody("Once upon a time", ""), "text_completion"},
		{"completions prompt list", inference.Completions, `{"model":"imogate-demo","prompt":["a","b"]}`, "text_completion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, u1 := complete(t, newDemo(), tt.endpoint, tt.body)
			second, u2 := complete(t, newDemo(), tt.endpoint, tt.body)
			if first.text() != second.text() || u1 != u2 {
				t.Fatalf("same prompt, different answers: %q %+v vs %q %+v", first.text(), u1, second.text(), u2)
			}
			if !strings.HasPrefix(first.text(), demo.Label) {
				t.Fatalf("text %q does not start with %q", first.text(), demo.Label)
			}
			if first.Object != tt.object || first.SystemFingerprint != demo.Fingerprint || first.Model != "imogate-demo" ||
				first.Created != fixedClock().Unix() {
				t.Fatalf("response = %+v", first)
			}
		})
	}
	a, _ := complete(t, newDemo(), inference.ChatCompletions, chatBody("prompt one", ""))
	b, _ := complete(t, newDemo(), inference.ChatCompletions, chatBody("prompt two, quite different", ""))
	if a.text() == b.text() {
		t.Fatalf("two prompts gave the same text %q", a.text())
	}
}

func TestCompleteUsage(t *testing.T) {
	tests := []struct {
		name   string
		prompt string
		n      int
	}{
		{"short", "hi", 1},
		{"punctuation and unicode", "Grüße, 世界! (v1.2)", 1},
		{"n=3", "three choices", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newDemo()
			extra := ""
			if tt.n > 1 {
				extra = fmt.Sprintf(`,"n":%d`, tt.n)
			}
			c, u := complete(t, b, inference.Completions, completionBody(tt.prompt, extra))
			if len(c.Choices) != tt.n {
				t.Fatalf("%d choices, want %d", len(c.Choices), tt.n)
			}
			wantP := demo.CountTokens(tt.prompt)
			wantC := demo.CountTokens(c.text()) * tt.n
			if !u.Reported || int(u.PromptTokens) != wantP || int(u.CompletionTokens) != wantC {
				t.Fatalf("usage = %+v, want prompt %d completion %d reported", u, wantP, wantC)
			}
			if c.Usage.PromptTokens != wantP || c.Usage.CompletionTokens != wantC || c.Usage.TotalTokens != wantP+wantC {
				t.Fatalf("body usage = %+v, want %d/%d/%d", c.Usage, wantP, wantC, wantP+wantC)
			}
			if pu, ok := inference.ParseUsage(mustMarshal(t, map[string]any{"usage": c.Usage})); !ok || pu != u {
				t.Fatalf("ParseUsage of the body's usage = %+v, want %+v", pu, u)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMaxTokens(t *testing.T) {
	const prompt = "Tell me a long story about tokens"
	free, _ := complete(t, newDemo(), inference.ChatCompletions, chatBody(prompt, `,"max_tokens":100000`))
	natural := demo.CountTokens(free.text())
	if free.Choices[0].FinishReason != "stop" {
		t.Fatalf("unbounded call finished with %q, want stop", free.Choices[0].FinishReason)
	}
	tests := []struct {
		name  string
		field string
		max   int
	}{
		{"max_tokens 1", "max_tokens", 1},
		{"max_tokens 3", "max_tokens", 3},
		{"max_tokens 4 (the label only)", "max_tokens", 4},
		{"max_tokens 5", "max_tokens", 5},
		{"max_tokens 7", "max_tokens", 7},
		{"max_tokens natural-1", "max_tokens", natural - 1},
		{"max_tokens natural+1", "max_tokens", natural + 1},
		// The gateway forwards a chat request's max_completion_tokens as is
		// and drops max_tokens (gateway/paid.go upstreamBody).
		{"max_completion_tokens 5", "max_completion_tokens", 5},
		{"max_completion_tokens 7", "max_completion_tokens", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, u := complete(t, newDemo(), inference.ChatCompletions, chatBody(prompt, fmt.Sprintf(`,%q:%d`, tt.field, tt.max)))
			got := demo.CountTokens(c.text())
			if got > tt.max || int(u.CompletionTokens) > tt.max {
				t.Fatalf("%d completion tokens (usage %d), over %s %d: %q", got, u.CompletionTokens, tt.field, tt.max, c.text())
			}
			want := "stop"
			if tt.max < natural {
				want = "length"
			}
			if fr := c.Choices[0].FinishReason; fr != want {
				t.Fatalf("finish_reason = %q, want %q (%d of %d natural tokens, text %q)", fr, want, got, natural, c.text())
			}
			if c.text() != "" && !strings.HasPrefix(c.text(), demo.Label) {
				t.Fatalf("text %q does not start with the label", c.text())
			}
			if !strings.HasPrefix(free.text(), c.text()) {
				t.Fatalf("capped text %q is not a prefix of the free text %q", c.text(), free.text())
			}
		})
	}
}

// chunk is the parts of a stream chunk the tests read.
type chunk struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Choices []struct {
		Text  string `json:"text"`
		Delta struct {
			Role    *string `json:"role"`
			Content *string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     uint32 `json:"prompt_tokens"`
		CompletionTokens uint32 `json:"completion_tokens"`
		TotalTokens      uint32 `json:"total_tokens"`
	} `json:"usage"`
}

// drain reads a stream to io.EOF.
func drain(t *testing.T, s inference.Stream) []chunk {
	t.Helper()
	var out []chunk
	for i := 0; ; i++ {
		if i > 1000 {
			t.Fatal("the stream does not end")
		}
		ev, err := s.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d chunks: %v", len(out), err)
		}
		var c chunk
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			t.Fatalf("chunk %s: %v", ev.Data, err)
		}
		out = append(out, c)
	}
}

func TestStream(t *testing.T) {
	tests := []struct {
		name     string
		endpoint inference.Endpoint
		body     string
		object   string
		role     bool
	}{
		{"chat", inference.ChatCompletions, chatBody("stream me", ""), "chat.completion.chunk", true},
		{"chat capped", inference.ChatCompletions, chatBody("stream me", `,"max_tokens":6`), "chat.completion.chunk", true},
		{"completions", inference.Completions, completionBody("stream me", ""), "text_completion", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newDemo()
			whole, wholeUsage := complete(t, b, tt.endpoint, tt.body)
			s, err := b.Stream(t.Context(), inference.Request{Endpoint: tt.endpoint, Body: []byte(tt.body)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			chunks := drain(t, s)
			if _, err := s.Next(); !errors.Is(err, io.EOF) {
				t.Fatalf("Next after io.EOF = %v, want io.EOF", err)
			}
			if len(chunks) < 3 {
				t.Fatalf("only %d chunks", len(chunks))
			}
			i := 0
			if tt.role {
				c := chunks[0]
				if len(c.Choices) != 1 || c.Choices[0].Delta.Role == nil || *c.Choices[0].Delta.Role != "assistant" || c.Usage != nil {
					t.Fatalf("first chunk is not the role chunk: %+v", c)
				}
				i = 1
			}
			var text strings.Builder
			words := 0
			for ; i < len(chunks)-2; i++ {
				c := chunks[i]
				if len(c.Choices) != 1 || c.Choices[0].FinishReason != nil || c.Usage != nil {
					t.Fatalf("chunk %d is not a word chunk: %+v", i, c)
				}
				text.WriteString(c.Choices[0].Text)
				if c.Choices[0].Delta.Content != nil {
					text.WriteString(*c.Choices[0].Delta.Content)
				}
				words++
			}
			fin, last := chunks[len(chunks)-2], chunks[len(chunks)-1]
			if len(fin.Choices) != 1 || fin.Choices[0].FinishReason == nil || *fin.Choices[0].FinishReason != whole.Choices[0].FinishReason {
				t.Fatalf("finish chunk = %+v, want finish_reason %q", fin, whole.Choices[0].FinishReason)
			}
			if last.Choices == nil || len(last.Choices) != 0 || last.Usage == nil {
				t.Fatalf("last chunk = %+v, want choices [] and usage", last)
			}
			if text.String() != whole.text() {
				t.Fatalf("streamed text %q, non-stream text %q", text.String(), whole.text())
			}
			if words != len(strings.Fields(whole.text()))-1 { // the label is one chunk of two fields
				t.Fatalf("%d word chunks for text %q", words, whole.text())
			}
			u := s.Usage()
			want := inference.Usage{PromptTokens: wholeUsage.PromptTokens, CompletionTokens: wholeUsage.CompletionTokens, Reported: true}
			if u != want || last.Usage.PromptTokens != u.PromptTokens || last.Usage.CompletionTokens != u.CompletionTokens ||
				last.Usage.TotalTokens != u.PromptTokens+u.CompletionTokens {
				t.Fatalf("stream usage %+v, usage chunk %+v, want %+v", u, *last.Usage, want)
			}
			for _, c := range chunks {
				if c.Object != tt.object || c.ID != chunks[0].ID {
					t.Fatalf("chunk object/id = %s/%s, want %s/%s", c.Object, c.ID, tt.object, chunks[0].ID)
				}
			}
		})
	}
}

func TestStreamUsageSoFar(t *testing.T) {
	s, err := newDemo().Stream(t.Context(), inference.Request{Endpoint: inference.Completions, Body: []byte(completionBody("partial", ""))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var text strings.Builder
	for i := 0; i < 3; i++ {
		ev, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		var c chunk
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			t.Fatal(err)
		}
		text.WriteString(c.Choices[0].Text)
	}
	u := s.Usage()
	if !u.Reported || int(u.CompletionTokens) != demo.CountTokens(text.String()) || int(u.PromptTokens) != demo.CountTokens("partial") {
		t.Fatalf("usage after 3 chunks %+v, want the model's running count of %d completion tokens", u, demo.CountTokens(text.String()))
	}
}

func TestLatency(t *testing.T) {
	const latency = 80 * time.Millisecond
	tests := []struct {
		name   string
		cfg    demo.Config
		stream bool
		cancel time.Duration // cancel the context after this; 0 = never
		errIs  error
	}{
		{name: "complete waits", cfg: demo.Config{Latency: latency}},
		{name: "stream waits", cfg: demo.Config{Latency: latency}, stream: true},
		{name: "complete cancelled", cfg: demo.Config{Latency: 10 * time.Second}, cancel: 20 * time.Millisecond, errIs: inference.ErrTimeout},
		{name: "stream cancelled before first token", cfg: demo.Config{Latency: 10 * time.Second}, stream: true, cancel: 20 * time.Millisecond, errIs: inference.ErrTimeout},
		{name: "stream cancelled between tokens", cfg: demo.Config{TokenLatency: 10 * time.Second}, stream: true, cancel: 20 * time.Millisecond, errIs: inference.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Now = fixedClock
			b := demo.New(tt.cfg)
			ctx := t.Context()
			if tt.cancel > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
				time.AfterFunc(tt.cancel, cancel)
			}
			req := inference.Request{Endpoint: inference.Completions, Body: []byte(completionBody("wait for it", ""))}
			start := time.Now()
			var err error
			if tt.stream {
				var s inference.Stream
				s, err = b.Stream(ctx, req)
				if err == nil {
					defer s.Close()
					for err == nil {
						_, err = s.Next()
					}
					if errors.Is(err, io.EOF) {
						err = nil
					}
				}
			} else {
				_, err = b.Complete(ctx, req)
			}
			elapsed := time.Since(start)
			if tt.errIs != nil {
				if !errors.Is(err, tt.errIs) {
					t.Fatalf("err = %v, want %v", err, tt.errIs)
				}
				if elapsed > 2*time.Second {
					t.Fatalf("cancellation took %v", elapsed)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if elapsed < latency {
				t.Fatalf("answered after %v, before the %v latency", elapsed, latency)
			}
		})
	}
}

func TestTokenLatency(t *testing.T) {
	const per = 5 * time.Millisecond
	b := demo.New(demo.Config{TokenLatency: per, Now: fixedClock})
	s, err := b.Stream(t.Context(), inference.Request{Endpoint: inference.Completions, Body: []byte(completionBody("slowly", ""))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	chunks := drain(t, s)
	words := len(chunks) - 2 // finish and usage chunks
	if min := time.Duration(words-1) * per; time.Since(start) < min {
		t.Fatalf("%d words streamed in %v, want at least %v", words, time.Since(start), min)
	}
}

func TestEmbeddings(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		inputs []string
	}{
		{"one string", `"hello world"`, []string{"hello world"}},
		{"list", `["a b c","d", "Grüße!"]`, []string{"a b c", "d", "Grüße!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"model":"e","input":` + tt.input + `}`
			resp, err := newDemo().Complete(t.Context(), inference.Request{Endpoint: inference.Embeddings, Body: []byte(body)})
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Object string `json:"object"`
				Data   []struct {
					Object    string    `json:"object"`
					Index     int       `json:"index"`
					Embedding []float64 `json:"embedding"`
				} `json:"data"`
				Usage struct {
					PromptTokens int `json:"prompt_tokens"`
					TotalTokens  int `json:"total_tokens"`
				} `json:"usage"`
			}
			if err := json.Unmarshal(resp.Body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Object != "list" || len(got.Data) != len(tt.inputs) {
				t.Fatalf("response %s, want a list of %d embeddings", resp.Body, len(tt.inputs))
			}
			want := 0
			for i, in := range tt.inputs {
				want += demo.CountTokens(in)
				d := got.Data[i]
				if d.Object != "embedding" || d.Index != i || len(d.Embedding) != 16 {
					t.Fatalf("data[%d] = %+v", i, d)
				}
				for _, x := range d.Embedding {
					if x < -1 || x >= 1 {
						t.Fatalf("data[%d] component %v outside [-1, 1)", i, x)
					}
				}
			}
			if resp.Usage != (inference.Usage{PromptTokens: uint32(want), Reported: true}) || got.Usage.PromptTokens != want || got.Usage.TotalTokens != want {
				t.Fatalf("usage %+v / %+v, want %d prompt tokens", resp.Usage, got.Usage, want)
			}
			again, err := newDemo().Complete(t.Context(), inference.Request{Endpoint: inference.Embeddings, Body: []byte(body)})
			if err != nil || string(again.Body) != string(resp.Body) {
				t.Fatalf("embeddings are not deterministic: %s vs %s (%v)", resp.Body, again.Body, err)
			}
		})
	}
	if _, err := newDemo().Stream(t.Context(), inference.Request{Endpoint: inference.Embeddings, Body: []byte(`{"input":"x"}`)}); err == nil {
		t.Fatal("embeddings streamed")
	}
}

func TestInvalidRequest(t *testing.T) {
	tests := []struct {
		name     string
		endpoint inference.Endpoint
		stream   bool
	}{
		{"complete", inference.ChatCompletions, false},
		{"stream", inference.ChatCompletions, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := inference.Request{Endpoint: tt.endpoint, Body: []byte(`{"messages":`)}
			var err error
			if tt.stream {
				_, err = newDemo().Stream(t.Context(), req)
			} else {
				_, err = newDemo().Complete(t.Context(), req)
			}
			var ue *inference.UpstreamError
			if !errors.As(err, &ue) || ue.Status != 400 {
				t.Fatalf("err = %v, want UpstreamError 400", err)
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
			got := demo.CountTokens(tt.text)
			if got != tt.want {
				t.Fatalf("CountTokens(%q) = %d, want %d", tt.text, got, tt.want)
			}
			if got > len(tt.text) {
				t.Fatalf("CountTokens(%q) = %d, more than its %d bytes", tt.text, got, len(tt.text))
			}
		})
	}
}

// FuzzCountTokens checks the tokenizer's bound: never more tokens than bytes,
// none for pure whitespace, and additivity over a space.
func FuzzCountTokens(f *testing.F) {
	for _, s := range []string{"", "hello, world", "Grüße 世界 👋", "a\xffb", "  \t"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		n := demo.CountTokens(a)
		if n < 0 || n > len(a) {
			t.Fatalf("CountTokens(%q) = %d for %d bytes", a, n, len(a))
		}
		if strings.TrimSpace(a) == "" && utf8.ValidString(a) && n != 0 {
			t.Fatalf("CountTokens(%q) = %d for whitespace", a, n)
		}
		if got, want := demo.CountTokens(a+" "+b), n+demo.CountTokens(b); got != want {
			t.Fatalf("CountTokens(%q + space + %q) = %d, want %d", a, b, got, want)
		}
	})
}
