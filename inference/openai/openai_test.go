package openai_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/inference/openai"
)

// seen is what the fake upstream received.
type seen struct {
	Method, Path, Auth, ContentType, Accept string
	Body                                    []byte
}

// upstream is an httptest server speaking the OpenAI protocol through handler,
// recording every request it receives.
type upstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newUpstream(t *testing.T, handler http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.reqs = append(u.reqs, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Accept"), body})
		u.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) last(t *testing.T) seen {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.reqs) == 0 {
		t.Fatal("the upstream received no request")
	}
	return u.reqs[len(u.reqs)-1]
}

func jsonReply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func sseReply(transcript []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.Write(transcript)
	}
}

const chatBody = `{"model":"llama","messages":[{"role":"user","content":"Say hello"}],"max_tokens":16}`

const chatResponse = `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"llama",
"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],
"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}`

func TestComplete(t *testing.T) {
	tests := []struct {
		name     string
		apiKey   string
		endpoint inference.Endpoint
		reqBody  string
		reply    string
		want     inference.Usage
	}{
		{
			name: "chat with usage and api key", apiKey: "sk-upstream-secret", endpoint: inference.ChatCompletions,
			reqBody: chatBody, reply: chatResponse, want: inference.Usage{PromptTokens: 9, CompletionTokens: 2, Reported: true},
		},
		{
			name: "completions without api key", endpoint: inference.Completions,
			reqBody: `{"model":"llama","prompt":"Once upon"}`,
			reply:   `{"id":"c","object":"text_completion","choices":[{"index":0,"text":" a time","finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}`,
			want:    inference.Usage{PromptTokens: 2, CompletionTokens: 3, Reported: true},
		},
		{
			name: "embeddings reporting totals only", endpoint: inference.Embeddings,
			reqBody: `{"model":"e5","input":"hello"}`,
			reply:   `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"usage":{"total_tokens":3}}`,
			want:    inference.Usage{PromptTokens: 3, Reported: true},
		},
		{
			// The backend says it does not know; the gateway counts.
			name: "no usage: not reported", endpoint: inference.ChatCompletions, reqBody: chatBody,
			reply: `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Hello brave world"}}]}`,
			want:  inference.Usage{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, jsonReply(http.StatusOK, tt.reply))
			b := openai.New(openai.Config{BaseURL: up.URL + "/v1/", APIKey: tt.apiKey, Timeout: 5 * time.Second})
			resp, err := b.Complete(t.Context(), inference.Request{Endpoint: tt.endpoint, Body: []byte(tt.reqBody)})
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if string(resp.Body) != tt.reply {
				t.Fatalf("body = %s, want the upstream's body as is", resp.Body)
			}
			if resp.Usage != tt.want {
				t.Fatalf("usage = %+v, want %+v", resp.Usage, tt.want)
			}
			got := up.last(t)
			wantAuth := ""
			if tt.apiKey != "" {
				wantAuth = "Bearer " + tt.apiKey
			}
			if got.Method != http.MethodPost || got.Path != "/v1/"+string(tt.endpoint) || got.Auth != wantAuth ||
				got.ContentType != "application/json" || string(got.Body) != tt.reqBody {
				t.Fatalf("upstream saw %s %s auth %q type %q body %s; want POST /v1/%s auth %q application/json %s",
					got.Method, got.Path, got.Auth, got.ContentType, got.Body, tt.endpoint, wantAuth, tt.reqBody)
			}
		})
	}
}

func TestCompleteErrors(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		timeout    time.Duration
		wantStatus int    // UpstreamError status, 0 when not an UpstreamError
		wantMsg    string // part of the UpstreamError message
		timeoutErr bool
	}{
		{
			name:    "400 with OpenAI error JSON",
			handler: jsonReply(400, `{"error":{"message":"max_tokens is too large","type":"invalid_request_error","param":"max_tokens","code":null}}`),
			timeout: 5 * time.Second, wantStatus: 400, wantMsg: "max_tokens is too large",
		},
		{
			name: "500 with text body", handler: jsonReply(500, `Internal Server Error`),
			timeout: 5 * time.Second, wantStatus: 500, wantMsg: "the upstream model server returned an error",
		},
		{
			name: "503 with OpenAI error JSON", handler: jsonReply(503, `{"error":{"message":"overloaded"}}`),
			timeout: 5 * time.Second, wantStatus: 503, wantMsg: "overloaded",
		},
		{
			name:    "invalid JSON body",
			handler: jsonReply(200, `{"id":"x","choices":[`),
			timeout: 5 * time.Second, wantStatus: http.StatusBadGateway, wantMsg: "invalid JSON",
		},
		{
			name: "no headers before the timeout",
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			timeout: 200 * time.Millisecond, timeoutErr: true,
		},
		{
			name: "body stalls past the timeout",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(200)
				io.WriteString(w, `{"id":"x",`)
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			timeout: 300 * time.Millisecond, timeoutErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, tt.handler)
			b := openai.New(openai.Config{BaseURL: up.URL + "/v1", Timeout: tt.timeout})
			start := time.Now()
			resp, err := b.Complete(t.Context(), inference.Request{Endpoint: inference.ChatCompletions, Body: []byte(chatBody)})
			if err == nil {
				t.Fatalf("Complete succeeded: %s", resp.Body)
			}
			if tt.timeoutErr {
				if !errors.Is(err, inference.ErrTimeout) {
					t.Fatalf("err = %v, want ErrTimeout", err)
				}
				if d := time.Since(start); d > tt.timeout+2*time.Second {
					t.Fatalf("the timeout took %v", d)
				}
				return
			}
			var ue *inference.UpstreamError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v (%T), want *inference.UpstreamError", err, err)
			}
			if ue.Status != tt.wantStatus || !strings.Contains(ue.Message, tt.wantMsg) {
				t.Fatalf("UpstreamError = %+v, want status %d and message containing %q", *ue, tt.wantStatus, tt.wantMsg)
			}
			if errors.Is(err, inference.ErrTimeout) {
				t.Fatalf("err %v is a timeout", err)
			}
		})
	}
}

// transcriptWant is what a canned SSE transcript must yield.
type transcriptWant struct {
	events int    // data events before io.EOF, [DONE] excluded
	text   string // concatenated delta.content / text of the events
	usage  inference.Usage
	// failMsg, when set: the stream fails after events with an
	// UpstreamError whose message holds it.
	failMsg string
	// perPrompt is the request's n (choices per prompt).
	perPrompt int
}

// streamReq is the request body of the transcript tests.
const streamReq = `{"model":"llama","messages":[{"role":"user","content":"Say hello to the brave new world"}],"stream":true,"stream_options":{"include_usage":true}}`

// transcripts maps every file in testdata/*.sse to what it must yield. A new
// transcript without an entry fails the test.
var transcripts = map[string]transcriptWant{
	"openai_usage_chunk.sse": {events: 5, text: "Hello world",
		usage: inference.Usage{PromptTokens: 12, CompletionTokens: 2, Reported: true}},
	"vllm_usage_last_chunk.sse": {events: 4, text: "The answer is 42.",
		usage: inference.Usage{PromptTokens: 31, CompletionTokens: 9, Reported: true}},
	"llamacpp_usage_with_timings.sse": {events: 3, text: "Hi",
		usage: inference.Usage{PromptTokens: 5, CompletionTokens: 16, Reported: true}},
	"groq_x_groq_usage.sse": {events: 3, text: "Fast",
		usage: inference.Usage{PromptTokens: 18, CompletionTokens: 7, Reported: true}},
	"no_usage_estimated.sse": {events: 4, text: "Hello brave new world!", usage: inference.Usage{}},
	"input_output_tokens.sse": {events: 2, text: "one two three",
		usage: inference.Usage{PromptTokens: 100, CompletionTokens: 3, Reported: true}},
	"multiline_data.sse": {events: 2, text: "split",
		usage: inference.Usage{PromptTokens: 4, CompletionTokens: 1, Reported: true}},
	"comments_keepalive.sse": {events: 3, text: "alive",
		usage: inference.Usage{PromptTokens: 6, CompletionTokens: 1, Reported: true}},
	"crlf_line_endings.sse": {events: 2, text: "crlf",
		usage: inference.Usage{PromptTokens: 3, CompletionTokens: 1, Reported: true}},
	"missing_done_no_trailing_newline.sse": {events: 2, text: "no done",
		usage: inference.Usage{PromptTokens: 8, CompletionTokens: 2, Reported: true}},
	"missing_done_no_usage.sse": {events: 1, text: "cut off", usage: inference.Usage{}},
	// vLLM with stream_options.continuous_usage_stats: usage on every chunk.
	"vllm_continuous_usage.sse": {events: 5, text: "Hello there!",
		usage: inference.Usage{PromptTokens: 14, CompletionTokens: 3, Reported: true}},
	// llama.cpp with timings_per_token: timings on every chunk, usage last.
	"llamacpp_timings_per_token.sse": {events: 3, text: "Hello",
		usage: inference.Usage{PromptTokens: 9, CompletionTokens: 3, Reported: true}},
	"ollama_openai_usage.sse": {events: 4, text: "Sure thing",
		usage: inference.Usage{PromptTokens: 26, CompletionTokens: 2, Reported: true}},
	"tgi_usage_on_last_chunk.sse": {events: 3, text: "Deep learning",
		usage: inference.Usage{PromptTokens: 17, CompletionTokens: 2, Reported: true}},
	// Reasoning tokens are part of completion_tokens.
	"openai_reasoning_usage.sse": {events: 4, text: "4",
		usage: inference.Usage{PromptTokens: 13, CompletionTokens: 1219, Reported: true}},
	// vLLM's reasoning parser: reasoning_content deltas; cached tokens are
	// part of prompt_tokens.
	"vllm_reasoning_content.sse": {events: 4, text: "4",
		usage: inference.Usage{PromptTokens: 11, CompletionTokens: 14, Reported: true}},
	// A server whose total counts generated tokens that completion_tokens
	// leaves out (thoughts): charged as completion tokens.
	// vLLM's continuous usage counts per choice: cut before its final
	// count, the usage is every choice's completion tokens and each
	// prompt's tokens once (choices 0,1 answer prompt 0; 2 prompt 1; n=2).
	"vllm_continuous_two_choices.sse": {events: 4, text: " a b c d", perPrompt: 2,
		usage: inference.Usage{PromptTokens: 107, CompletionTokens: 2 + 1 + 1, Reported: true}},
	// vLLM reports an engine failure mid-stream as an error event.
	"vllm_error_mid_stream.sse": {events: 2, text: "Partial", failMsg: "CUDA out of memory"},
	"total_beyond_parts.sse": {events: 2, text: "Yes",
		usage: inference.Usage{PromptTokens: 10, CompletionTokens: 110, Reported: true}},
}

func TestStreamTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.sse"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(transcripts) {
		t.Fatalf("%d transcripts in testdata, %d expectations: keep them in step", len(files), len(transcripts))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := transcripts[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			up := newUpstream(t, sseReply(data))
			b := openai.New(openai.Config{BaseURL: up.URL + "/v1", APIKey: "sk-stream", Timeout: 5 * time.Second})
			s, err := b.Stream(t.Context(), inference.Request{Endpoint: inference.ChatCompletions, Body: []byte(streamReq), PerPrompt: want.perPrompt})
			if err != nil {
				t.Fatalf("Stream: %v", err)
			}
			defer s.Close()
			var text strings.Builder
			events := 0
			for {
				ev, err := s.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil && want.failMsg != "" {
					var ue *inference.UpstreamError
					if !errors.As(err, &ue) || !strings.Contains(ue.Message, want.failMsg) {
						t.Fatalf("stream failed with %v, want an UpstreamError saying %q", err, want.failMsg)
					}
					break
				}
				if err != nil {
					t.Fatalf("Next after %d events: %v", events, err)
				}
				events++
				if !json.Valid(ev.Data) {
					t.Fatalf("event %d is not JSON: %q", events, ev.Data)
				}
				text.WriteString(deltaText(t, ev.Data))
			}
			if _, err := s.Next(); !errors.Is(err, io.EOF) {
				t.Fatalf("Next after io.EOF = %v, want io.EOF again", err)
			}
			if events != want.events || text.String() != want.text {
				t.Fatalf("got %d events with text %q, want %d with %q", events, text.String(), want.events, want.text)
			}
			if u := s.Usage(); u != want.usage {
				t.Fatalf("usage = %+v, want %+v", u, want.usage)
			}
			got := up.last(t)
			if got.Accept != "text/event-stream" || got.Auth != "Bearer sk-stream" || string(got.Body) != streamReq {
				t.Fatalf("upstream saw accept %q auth %q body %s", got.Accept, got.Auth, got.Body)
			}
		})
	}
}

func deltaText(t *testing.T, data []byte) string {
	t.Helper()
	var v struct {
		Choices []struct {
			Text  string `json:"text"`
			Delta struct {
				Content *string `json:"content"`
			} `json:"delta"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("chunk %s: %v", data, err)
	}
	var sb strings.Builder
	for _, c := range v.Choices {
		sb.WriteString(c.Text)
		if c.Delta.Content != nil {
			sb.WriteString(*c.Delta.Content)
		}
	}
	return sb.String()
}

// TestStreamUsageSoFar checks Usage reflects the upstream's running
// count while a stream is under way (vLLM's continuous usage): what the
// gateway charges a stream cut short by. An upstream that reports nothing
// leaves Usage unreported, for the gateway to count what it delivered.
func TestStreamUsageSoFar(t *testing.T) {
	for _, tt := range []struct {
		file  string
		steps []inference.Usage
	}{
		{"vllm_continuous_usage.sse", []inference.Usage{
			{PromptTokens: 14, CompletionTokens: 0, Reported: true},
			{PromptTokens: 14, CompletionTokens: 1, Reported: true},
			{PromptTokens: 14, CompletionTokens: 2, Reported: true},
		}},
		{"llamacpp_timings_per_token.sse", []inference.Usage{
			{PromptTokens: 9, CompletionTokens: 1, Reported: true},
			{PromptTokens: 9, CompletionTokens: 2, Reported: true},
		}},
		{"no_usage_estimated.sse", []inference.Usage{{}, {}, {}}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			up := newUpstream(t, sseReply(data))
			b := openai.New(openai.Config{BaseURL: up.URL + "/v1", Timeout: 5 * time.Second})
			s, err := b.Stream(t.Context(), inference.Request{Endpoint: inference.ChatCompletions, Body: []byte(streamReq)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for i, want := range tt.steps {
				if _, err := s.Next(); err != nil {
					t.Fatal(err)
				}
				if u := s.Usage(); u != want {
					t.Fatalf("after event %d: usage %+v, want %+v", i+1, u, want)
				}
			}
		})
	}
}

func TestStreamErrors(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantMsg    string
	}{
		{"400 before the stream", jsonReply(400, `{"error":{"message":"stream_options needs stream"}}`), 400, "stream_options needs stream"},
		{"500 before the stream", jsonReply(500, `oops`), 500, "returned an error"},
		{"429 rate limited", jsonReply(429, `{"error":{"message":"slow down"}}`), 429, "slow down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, tt.handler)
			b := openai.New(openai.Config{BaseURL: up.URL + "/v1", Timeout: 5 * time.Second})
			s, err := b.Stream(t.Context(), inference.Request{Endpoint: inference.ChatCompletions, Body: []byte(streamReq)})
			if err == nil {
				s.Close()
				t.Fatal("Stream succeeded")
			}
			var ue *inference.UpstreamError
			if !errors.As(err, &ue) || ue.Status != tt.wantStatus || !strings.Contains(ue.Message, tt.wantMsg) {
				t.Fatalf("err = %v, want UpstreamError %d containing %q", err, tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

// stallingStream sends one chunk, then holds the connection open until the
// client goes away (reported on gone) or 5 s pass.
func stallingStream(gone chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"}}]}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			close(gone)
		case <-time.After(5 * time.Second):
		}
	}
}

func TestStreamCloseCancelsUpstream(t *testing.T) {
	gone := make(chan struct{})
	up := newUpstream(t, stallingStream(gone))
	b := openai.New(openai.Config{BaseURL: up.URL + "/v1", Timeout: 30 * time.Second})
	s, err := b.Stream(t.Context(), inference.Request{Endpoint: inference.ChatCompletions, Body: []byte(streamReq)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatalf("first event: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-gone:
	case <-time.After(3 * time.Second):
		t.Fatal("the upstream request was not cancelled by Close")
	}
}

func TestStreamTimeoutMidStream(t *testing.T) {
	gone := make(chan struct{})
	up := newUpstream(t, stallingStream(gone))
	b := openai.New(openai.Config{BaseURL: up.URL + "/v1", Timeout: 300 * time.Millisecond})
	s, err := b.Stream(t.Context(), inference.Request{Endpoint: inference.ChatCompletions, Body: []byte(streamReq)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Next(); err != nil {
		t.Fatalf("first event: %v", err)
	}
	start := time.Now()
	_, err = s.Next()
	if !errors.Is(err, inference.ErrTimeout) {
		t.Fatalf("Next after the timeout = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the timeout took %v", d)
	}
	if u := s.Usage(); u != (inference.Usage{}) {
		t.Fatalf("usage after timeout = %+v, want none reported (the gateway counts what it delivered)", u)
	}
}

// TestStreamBadUpstream covers upstreams that answer 200 but not with a
// usable event stream.
func TestStreamBadUpstream(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		openFails  bool // Stream itself fails; otherwise Next does
		wantStatus int
	}{
		{"JSON instead of SSE", jsonReply(200, chatResponse), true, http.StatusBadGateway},
		{"no content type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			w.WriteHeader(200)
		}, true, http.StatusBadGateway},
		{"event that is not JSON", sseReply([]byte("data: {\"choices\":[]}\n\ndata: hello there\n\ndata: [DONE]\n\n")), false, http.StatusBadGateway},
		{"SSE with charset", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
			io.WriteString(w, "data: {\"choices\":[]}\n\ndata: [DONE]\n\n")
		}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, tt.handler)
			b := openai.New(openai.Config{BaseURL: up.URL + "/v1", Timeout: 5 * time.Second})
			s, err := b.Stream(t.Context(), inference.Request{Endpoint: inference.ChatCompletions, Body: []byte(streamReq)})
			if !tt.openFails {
				if err != nil {
					t.Fatalf("Stream: %v", err)
				}
				defer s.Close()
				for err == nil {
					_, err = s.Next()
				}
				if tt.wantStatus == 0 {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("stream ended with %v, want io.EOF", err)
					}
					return
				}
			} else if err == nil {
				s.Close()
				t.Fatal("Stream succeeded")
			}
			var ue *inference.UpstreamError
			if !errors.As(err, &ue) || ue.Status != tt.wantStatus {
				t.Fatalf("err = %v, want UpstreamError %d", err, tt.wantStatus)
			}
		})
	}
}
