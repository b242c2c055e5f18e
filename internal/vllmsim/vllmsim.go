// Package vllmsim is an upstream model server for tests that imitates the
// documented behaviour of vLLM's OpenAI-compatible API, as far as billing
// depends on it: /v1/chat/completions, /v1/completions and /v1/embeddings;
// one choice per prompt of a prompt array times n (best_of sequences
// generated); max_tokens, max_completion_tokens, min_tokens and ignore_eos;
// streams with stream_options.include_usage and continuous_usage_stats;
// image_url parts as a fixed number of prompt tokens; and /v1/responses
// (vLLM's Responses API: text input, usage on response.completed). It is
// not a model:
// its "tokens" are the words of a fixed vocabulary, and a prompt's tokens
// are its Unicode characters plus a chat template's overhead.
//
// Faults are asked for in the request itself, under the extra field
// "vllmsim" (the gateway passes unknown fields upstream): a slow stream,
// an error event or a dropped connection after some chunks, a stall, usage
// omitted or over-reported. What the server generated, and what it wrote,
// is recorded per request under the OpenAI "user" field, for a test to
// compare with what was charged.
package vllmsim

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Fault is what a request asks the server to do wrong.
type Fault struct {
	// TokenDelay is waited between streamed tokens (milliseconds).
	TokenDelayMS int `json:"token_delay_ms"`
	// ErrorAfter sends an error event after this many content chunks.
	ErrorAfter int `json:"error_after"`
	// DropAfter closes the connection after this many content chunks.
	DropAfter int `json:"drop_after"`
	// StallAfter stops sending after this many content chunks, until the
	// client goes away.
	StallAfter int `json:"stall_after"`
	// FailFirst sends an error event before any content.
	FailFirst bool `json:"fail_first"`
	// OmitUsage reports no usage at all.
	OmitUsage bool `json:"omit_usage"`
	// OverReport multiplies the reported usage.
	OverReport int `json:"over_report"`
	// Length is how many tokens a sequence generates when neither
	// ignore_eos nor min_tokens forces more (default 12).
	Length int `json:"length"`
}

// Served is what the server did for one request.
type Served struct {
	PromptTokens     int // the prompt tokens it processed
	CompletionTokens int // the tokens it generated
	WrittenTokens    int // the generated tokens it wrote before it stopped
	// Request is the last Responses API request body it was sent.
	Request map[string]json.RawMessage
}

// ImageTokens is what one image_url part costs.
const ImageTokens = 1000

// Server is the simulated upstream.
type Server struct {
	srv *http.Server
	ln  net.Listener

	mu     sync.Mutex
	served map[string]Served
}

// Start serves on a loopback port until Close.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, served: map[string]Served{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.generate(true))
	mux.HandleFunc("POST /v1/completions", s.generate(false))
	mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	mux.HandleFunc("POST /v1/responses", s.responses)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// URL is the server's base URL, /v1 included.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/v1" }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Served returns what was recorded for user ("" if nothing).
func (s *Server) Served(user string) (Served, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.served[user]
	return v, ok
}

func (s *Server) record(user string, f func(*Served)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.served[user]
	f(&v)
	s.served[user] = v
}

type request struct {
	Model         string          `json:"model"`
	Messages      []message       `json:"messages"`
	Prompt        json.RawMessage `json:"prompt"`
	Input         json.RawMessage `json:"input"`
	N             int             `json:"n"`
	BestOf        int             `json:"best_of"`
	MaxTokens     *int            `json:"max_tokens"`
	MaxCompletion *int            `json:"max_completion_tokens"`
	MinTokens     int             `json:"min_tokens"`
	IgnoreEOS     bool            `json:"ignore_eos"`
	Stream        bool            `json:"stream"`
	StreamOptions struct {
		IncludeUsage    bool `json:"include_usage"`
		ContinuousUsage bool `json:"continuous_usage_stats"`
	} `json:"stream_options"`
	User  string `json:"user"`
	Fault Fault  `json:"vllmsim"`
}

type message struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// promptTokens counts each prompt the way this server's "tokenizer" does:
// one token per character, 1000 per image, and a chat template's 5 per
// message plus 10.
func (r *request) promptTokens(chat bool) []int {
	if chat {
		total := 10
		for _, m := range r.Messages {
			total += 5 + utf8.RuneCountInString(m.Role)
			var s string
			if json.Unmarshal(m.Content, &s) == nil {
				total += utf8.RuneCountInString(s)
				continue
			}
			var parts []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			}
			_ = json.Unmarshal(m.Content, &parts)
			for _, p := range parts {
				if p.Type == "image_url" {
					total += ImageTokens
				}
				total += utf8.RuneCountInString(p.Text)
			}
		}
		return []int{total}
	}
	return countInputs(r.Prompt)
}

// countInputs counts each prompt or input: a string, strings, token ids,
// or arrays of token ids.
func countInputs(raw json.RawMessage) []int {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []int{utf8.RuneCountInString(s)}
	}
	var ss []string
	if json.Unmarshal(raw, &ss) == nil {
		out := make([]int, len(ss))
		for i, x := range ss {
			out[i] = utf8.RuneCountInString(x)
		}
		return out
	}
	var ids []int
	if json.Unmarshal(raw, &ids) == nil {
		return []int{len(ids)}
	}
	var idss [][]int
	if json.Unmarshal(raw, &idss) == nil {
		out := make([]int, len(idss))
		for i, x := range idss {
			out[i] = len(x)
		}
		return out
	}
	return nil
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

var vocabulary = strings.Fields("the model streams words one at a time and counts each as a token for the gateway to meter")

func word(i int) string { return " " + vocabulary[i%len(vocabulary)] }

// length is how many tokens each sequence generates.
func (r *request) length() int {
	limit := 16
	if r.MaxTokens != nil {
		limit = *r.MaxTokens
	}
	if r.MaxCompletion != nil && (r.MaxTokens == nil || *r.MaxCompletion < limit) {
		limit = *r.MaxCompletion
	}
	if r.IgnoreEOS {
		return limit
	}
	n := r.Fault.Length
	if n == 0 {
		n = 12
	}
	return min(max(n, r.MinTokens), limit)
}

func (r *request) usage(pt, ct int) map[string]int {
	if k := r.Fault.OverReport; k > 1 {
		pt, ct = pt*k, ct*k
	}
	return map[string]int{"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"object": "error", "message": msg, "type": "BadRequestError", "code": status})
}

func (s *Server) generate(chat bool) http.HandlerFunc {
	return func(w http.ResponseWriter, hr *http.Request) {
		var r request
		if err := json.NewDecoder(hr.Body).Decode(&r); err != nil {
			writeError(w, 400, "invalid JSON: "+err.Error())
			return
		}
		if r.MinTokens > 0 && r.MaxTokens != nil && r.MinTokens > *r.MaxTokens {
			writeError(w, 400, "min_tokens must be less than or equal to max_tokens")
			return
		}
		n := max(r.N, 1)
		seqs := max(n, r.BestOf)
		perPrompt := r.promptTokens(chat)
		pt, prompts := sum(perPrompt), len(perPrompt)
		per := r.length()
		// vLLM generates best_of sequences per prompt and returns n.
		generated := prompts * seqs * per
		s.record(r.User, func(v *Served) { v.PromptTokens += pt; v.CompletionTokens += generated })
		if r.Stream {
			s.stream(w, hr, &r, chat, perPrompt, n, per)
			return
		}
		choices := make([]any, 0, prompts*n)
		for i := range prompts * n {
			var text strings.Builder
			for j := range per {
				text.WriteString(word(i + j))
			}
			if chat {
				choices = append(choices, map[string]any{"index": i, "message": map[string]any{"role": "assistant", "content": text.String()}, "finish_reason": "length"})
			} else {
				choices = append(choices, map[string]any{"index": i, "text": text.String(), "finish_reason": "length"})
			}
		}
		s.record(r.User, func(v *Served) { v.WrittenTokens += prompts * n * per })
		obj, kind := "chat.completion", "chatcmpl"
		if !chat {
			obj, kind = "text_completion", "cmpl"
		}
		out := map[string]any{"id": kind + "-sim", "object": obj, "created": time.Now().Unix(), "model": r.Model, "choices": choices}
		if !r.Fault.OmitUsage {
			out["usage"] = r.usage(pt, generated)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}
}

// stream writes n sequences of per tokens for each prompt, one token per
// chunk, round-robin, with the faults asked for. Like vLLM, its running
// usage (continuous_usage_stats) is per choice: the choice's completion
// tokens so far and its prompt's tokens.
func (s *Server) stream(w http.ResponseWriter, hr *http.Request, r *request, chat bool, prompts []int, n, per int) {
	seqs := len(prompts) * n
	pt := sum(prompts)
	choiceTokens := make([]int, seqs)
	fl, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	obj := "chat.completion.chunk"
	if !chat {
		obj = "text_completion"
	}
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return true
	}
	chunk := func(choices []any, usage any) map[string]any {
		m := map[string]any{"id": "sim", "object": obj, "created": time.Now().Unix(), "model": r.Model, "choices": choices}
		if usage != nil {
			m["usage"] = usage
		}
		return m
	}
	running := func(choice int) any {
		if r.StreamOptions.ContinuousUsage && !r.Fault.OmitUsage {
			return r.usage(prompts[choice/n], choiceTokens[choice])
		}
		return nil
	}
	if chat && !send(chunk([]any{map[string]any{"index": 0, "delta": map[string]any{"role": "assistant", "content": ""}}}, running(0))) {
		return
	}
	if r.Fault.FailFirst {
		send(map[string]any{"error": map[string]any{"object": "error", "message": "simulated engine failure", "type": "InternalServerError", "code": 500}})
		return
	}
	written := 0
	for t := range seqs * per {
		if d := r.Fault.TokenDelayMS; d > 0 {
			select {
			case <-hr.Context().Done():
				return
			case <-time.After(time.Duration(d) * time.Millisecond):
			}
		}
		f := r.Fault
		switch written {
		case f.ErrorAfter:
			if f.ErrorAfter > 0 {
				send(map[string]any{"error": map[string]any{"object": "error", "message": "simulated engine failure", "type": "InternalServerError", "code": 500}})
				return
			}
		case f.DropAfter:
			if f.DropAfter > 0 {
				if hj, ok := w.(http.Hijacker); ok {
					if c, _, err := hj.Hijack(); err == nil {
						c.Close()
					}
				}
				return
			}
		case f.StallAfter:
			if f.StallAfter > 0 {
				<-hr.Context().Done()
				return
			}
		}
		i := t % seqs
		var choice map[string]any
		if chat {
			choice = map[string]any{"index": i, "delta": map[string]any{"content": word(t)}}
		} else {
			choice = map[string]any{"index": i, "text": word(t)}
		}
		choiceTokens[i]++
		if !send(chunk([]any{choice}, running(i))) {
			return
		}
		written++
		s.record(r.User, func(v *Served) { v.WrittenTokens++ })
	}
	if r.StreamOptions.IncludeUsage && !r.Fault.OmitUsage {
		send(chunk([]any{}, r.usage(pt, seqs*per)))
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

func (s *Server) embeddings(w http.ResponseWriter, hr *http.Request) {
	var r request
	if err := json.NewDecoder(hr.Body).Decode(&r); err != nil {
		writeError(w, 400, "invalid JSON: "+err.Error())
		return
	}
	inputs := countInputs(r.Input)
	pt, n := sum(inputs), len(inputs)
	s.record(r.User, func(v *Served) { v.PromptTokens += pt })
	data := make([]any, n)
	for i := range data {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": []float64{0.1, 0.2, 0.3}}
	}
	out := map[string]any{"object": "list", "model": r.Model, "data": data}
	if !r.Fault.OmitUsage {
		u := r.usage(pt, 0)
		out["usage"] = map[string]int{"prompt_tokens": u["prompt_tokens"], "total_tokens": u["prompt_tokens"]}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// responses serves the Responses API: a message of length() words for the
// input's characters (plus the template's 10), plain or as the API's event
// stream with its usage on response.completed.
func (s *Server) responses(w http.ResponseWriter, hr *http.Request) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(hr.Body).Decode(&raw); err != nil {
		writeError(w, 400, "invalid JSON: "+err.Error())
		return
	}
	var r struct {
		Model     string          `json:"model"`
		Input     json.RawMessage `json:"input"`
		MaxOutput *int            `json:"max_output_tokens"`
		Stream    bool            `json:"stream"`
		User      string          `json:"user"`
		Fault     Fault           `json:"vllmsim"`
	}
	b, _ := json.Marshal(raw)
	_ = json.Unmarshal(b, &r)
	// Faults may also come as metadata {"vllmsim": "<Fault JSON>"}, which
	// a gateway that refuses unknown Responses fields passes through.
	var meta map[string]string
	if json.Unmarshal(raw["metadata"], &meta) == nil && meta["vllmsim"] != "" {
		_ = json.Unmarshal([]byte(meta["vllmsim"]), &r.Fault)
	}
	pt := 10 + utf8.RuneCount(r.Input)
	req := request{MaxTokens: r.MaxOutput, Fault: r.Fault}
	ct := req.length()
	s.record(r.User, func(v *Served) { v.PromptTokens += pt; v.CompletionTokens += ct; v.Request = raw })
	var text strings.Builder
	words := make([]string, ct)
	for i := range words {
		words[i] = word(i)
		text.WriteString(words[i])
	}
	status := "completed"
	var incomplete any
	if r.MaxOutput != nil && ct >= *r.MaxOutput {
		status, incomplete = "incomplete", map[string]string{"reason": "max_output_tokens"}
	}
	item := func(st, t string) map[string]any {
		content := []any{}
		if st == "completed" {
			content = append(content, map[string]any{"type": "output_text", "text": t, "annotations": []any{}})
		}
		return map[string]any{"id": "msg_sim", "type": "message", "status": st, "role": "assistant", "content": content}
	}
	resp := func(st string, output []any, usage any) map[string]any {
		return map[string]any{"id": "resp_sim", "object": "response", "created_at": time.Now().Unix(), "status": st,
			"model": r.Model, "output": output, "usage": usage, "incomplete_details": incomplete, "error": nil}
	}
	usage := map[string]any{"input_tokens": pt, "output_tokens": ct, "total_tokens": pt + ct,
		"input_tokens_details": map[string]int{"cached_tokens": 0}, "output_tokens_details": map[string]int{"reasoning_tokens": 0}}
	if !r.Stream {
		s.record(r.User, func(v *Served) { v.WrittenTokens += ct })
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp(status, []any{item("completed", text.String())}, usage))
		return
	}
	fl, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	seq := 0
	send := func(typ string, v map[string]any) bool {
		v["type"], v["sequence_number"] = typ, seq
		seq++
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", typ, b); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return true
	}
	send("response.created", map[string]any{"response": resp("in_progress", []any{}, nil)})
	send("response.output_item.added", map[string]any{"output_index": 0, "item": item("in_progress", "")})
	send("response.content_part.added", map[string]any{"item_id": "msg_sim", "output_index": 0, "content_index": 0,
		"part": map[string]any{"type": "output_text", "text": "", "annotations": []any{}}})
	for i, wd := range words {
		if i == r.Fault.DropAfter && i > 0 {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
				}
			}
			return
		}
		if !send("response.output_text.delta", map[string]any{"item_id": "msg_sim", "output_index": 0, "content_index": 0, "delta": wd}) {
			return
		}
		s.record(r.User, func(v *Served) { v.WrittenTokens++ })
	}
	send("response.output_text.done", map[string]any{"item_id": "msg_sim", "output_index": 0, "content_index": 0, "text": text.String()})
	send("response.content_part.done", map[string]any{"item_id": "msg_sim", "output_index": 0, "content_index": 0,
		"part": map[string]any{"type": "output_text", "text": text.String(), "annotations": []any{}}})
	send("response.output_item.done", map[string]any{"output_index": 0, "item": item("completed", text.String())})
	if r.Fault.OmitUsage {
		usage = nil
	}
	send("response."+status, map[string]any{"response": resp(status, []any{item("completed", text.String())}, usage)})
}
