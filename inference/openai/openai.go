// Package openai is the inference backend for any OpenAI-compatible upstream
// server (vLLM, Ollama, llama.cpp server, TGI, hosted APIs). It pools
// connections, bounds every call with a timeout, passes streams through
// event by event, and reads usage from every terminal-chunk shape.
package openai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/inference"
)

// Config configures one upstream.
type Config struct {
	// BaseURL includes the API version path, e.g. http://127.0.0.1:8000/v1.
	BaseURL string
	// APIKey is sent as a bearer token when set. Never logged.
	APIKey string
	// Timeout bounds a whole call, streams included. Default 120s.
	Timeout time.Duration
	// Client is the HTTP client; nil means a pooled client made for this backend.
	Client *http.Client
}

// Backend calls one OpenAI-compatible upstream. Non-streaming calls go
// through a fasthttp client (a fraction of net/http's CPU per call on the
// hot path); streams go through net/http, whose body reader is a stream.
type Backend struct {
	base    string
	apiKey  string
	timeout time.Duration
	client  *http.Client
	fast    *fasthttp.Client // nil when Config.Client was given
}

var _ inference.Backend = (*Backend)(nil)

// New returns a backend for cfg.
func New(cfg Config) *Backend {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 120 * time.Second
	}
	c := cfg.Client
	if c == nil {
		c = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          1024,
			MaxIdleConnsPerHost:   512,
			IdleConnTimeout:       90 * time.Second,
			ResponseHeaderTimeout: cfg.Timeout,
			ForceAttemptHTTP2:     true,
		}}
	}
	b := &Backend{base: strings.TrimRight(cfg.BaseURL, "/"), apiKey: cfg.APIKey, timeout: cfg.Timeout, client: c}
	if cfg.Client == nil {
		b.fast = &fasthttp.Client{
			Name:                     "imogate",
			MaxConnsPerHost:          4096,
			MaxIdleConnDuration:      90 * time.Second,
			ReadTimeout:              cfg.Timeout,
			WriteTimeout:             cfg.Timeout,
			MaxResponseBodySize:      64 << 20,
			NoDefaultUserAgentHeader: true,
			DisablePathNormalizing:   true,
			Dial:                     (&fasthttp.TCPDialer{Concurrency: 0}).Dial,
		}
	}
	return b
}

func (b *Backend) do(ctx context.Context, req inference.Request, stream bool) (*http.Response, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/"+string(req.Endpoint), bytes.NewReader(req.Body))
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("build upstream request: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json")
	if stream {
		hr.Header.Set("Accept", "text/event-stream")
	}
	if b.apiKey != "" {
		hr.Header.Set("Authorization", "Bearer "+b.apiKey)
	}
	passTrace(ctx, hr.Header.Set)
	resp, err := b.client.Do(hr)
	if err != nil {
		cancel()
		return nil, nil, classify(ctx, err)
	}
	if resp.StatusCode/100 != 2 {
		defer cancel()
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, nil, &inference.UpstreamError{Status: resp.StatusCode, Message: errorMessage(body)}
	}
	return resp, cancel, nil
}

func classify(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %v", inference.ErrTimeout, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: %v", inference.ErrTimeout, err)
	}
	return fmt.Errorf("call upstream: %w", err)
}

func errorMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	return "the upstream model server returned an error"
}

// Complete implements inference.Backend.
func (b *Backend) Complete(ctx context.Context, req inference.Request) (*inference.Response, error) {
	if b.fast != nil {
		return b.completeFast(ctx, req)
	}
	resp, cancel, err := b.do(ctx, req, false)
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, classify(ctx, err)
	}
	return finish(body)
}

// finish checks an answer and reads its usage; an answer without usage
// says so (Usage.Reported false) and the gateway counts it.
func finish(body []byte) (*inference.Response, error) {
	if !json.Valid(body) {
		return nil, &inference.UpstreamError{Status: http.StatusBadGateway, Message: "the upstream answered with invalid JSON"}
	}
	u, _ := inference.ParseUsage(body)
	return &inference.Response{Body: body, Usage: u}, nil
}

// completeFast is Complete over fasthttp, bounded by the backend timeout and
// ctx's deadline, whichever comes first.
func (b *Backend) completeFast(ctx context.Context, req inference.Request) (*inference.Response, error) {
	deadline := time.Now().Add(b.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	hreq := fasthttp.AcquireRequest()
	hresp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(hreq)
	defer fasthttp.ReleaseResponse(hresp)
	hreq.SetRequestURI(b.base + "/" + string(req.Endpoint))
	hreq.Header.SetMethod(http.MethodPost)
	hreq.Header.SetContentType("application/json")
	if b.apiKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+b.apiKey)
	}
	passTrace(ctx, hreq.Header.Set)
	hreq.SetBodyRaw(req.Body)
	if err := b.fast.DoDeadline(hreq, hresp, deadline); err != nil {
		var ne net.Error
		if errors.Is(err, fasthttp.ErrTimeout) || errors.Is(err, fasthttp.ErrDialTimeout) || errors.Is(err, context.DeadlineExceeded) ||
			(errors.As(err, &ne) && ne.Timeout()) {
			return nil, fmt.Errorf("%w: %v", inference.ErrTimeout, err)
		}
		return nil, fmt.Errorf("call upstream: %w", err)
	}
	body := append([]byte(nil), hresp.Body()...) // the response buffer is reused after release
	if code := hresp.StatusCode(); code/100 != 2 {
		return nil, &inference.UpstreamError{Status: code, Message: errorMessage(body)}
	}
	return finish(body)
}

// Stream implements inference.Backend.
func (b *Backend) Stream(ctx context.Context, req inference.Request) (inference.Stream, error) {
	resp, cancel, err := b.do(ctx, req, true)
	if err != nil {
		return nil, err
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		cancel()
		resp.Body.Close()
		return nil, &inference.UpstreamError{Status: http.StatusBadGateway, Message: "the upstream did not answer with an event stream (Content-Type " + ct + ")"}
	}
	return &stream{ctx: ctx, cancel: cancel, body: resp.Body, r: bufio.NewReaderSize(resp.Body, 32<<10),
		perPrompt: req.PerPrompt, running: map[int]inference.Usage{}}, nil
}

type stream struct {
	ctx       context.Context
	cancel    context.CancelFunc
	body      io.ReadCloser
	r         *bufio.Reader
	perPrompt int
	// final is the usage of a chunk without choices: the whole call's.
	final *inference.Usage
	// running is the latest usage reported with each choice index: vLLM's
	// continuous usage and llama.cpp's timings count per choice (its
	// completion tokens, its prompt's tokens).
	running map[int]inference.Usage
	done    bool
}

// Next reads the next SSE data event, joining multi-line data fields.
func (s *stream) Next() (inference.Event, error) {
	if s.done {
		return inference.Event{}, io.EOF
	}
	var data []byte
	for {
		line, err := s.r.ReadSlice('\n')
		if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
			if errors.Is(err, bufio.ErrBufferFull) {
				return inference.Event{}, errors.New("upstream SSE line too long")
			}
			if errors.Is(err, io.EOF) {
				s.done = true
				if len(data) > 0 {
					return s.event(data)
				}
				return inference.Event{}, io.EOF
			}
			return inference.Event{}, classify(s.ctx, err)
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if len(data) > 0 {
				return s.event(data)
			}
		case bytes.HasPrefix(line, []byte("data:")):
			v := bytes.TrimPrefix(bytes.TrimPrefix(line, []byte("data:")), []byte(" "))
			if len(data) > 0 {
				data = append(data, '\n')
			}
			data = append(data, v...)
		default:
			// comments (":"), event:, id:, retry: lines carry nothing we pass on
		}
	}
}

func (s *stream) event(data []byte) (inference.Event, error) {
	if bytes.Equal(data, []byte("[DONE]")) {
		s.done = true
		return inference.Event{}, io.EOF
	}
	if !json.Valid(data) {
		return inference.Event{}, &inference.UpstreamError{Status: http.StatusBadGateway, Message: "the upstream sent an event that is not JSON"}
	}
	if ue := streamError(data); ue != nil {
		// vLLM, TGI and others report a failure mid-stream as an event
		// holding an error object: the stream has failed.
		s.done = true
		return inference.Event{}, ue
	}
	if u, ok := inference.ParseUsage(data); ok {
		idx := choiceIndexes(data)
		if len(idx) == 0 {
			s.final = &u
		} else {
			for _, i := range idx {
				s.running[i] = u
			}
		}
	}
	return inference.Event{Data: data}, nil
}

// choiceIndexes lists the choice indexes a chunk carries.
func choiceIndexes(data []byte) []int {
	var v struct {
		Choices []struct {
			Index int `json:"index"`
		} `json:"choices"`
	}
	if json.Unmarshal(data, &v) != nil {
		return nil
	}
	out := make([]int, len(v.Choices))
	for i, c := range v.Choices {
		out[i] = c.Index
	}
	return out
}

// Usage is what the upstream reported: its final count when it sent one
// (a chunk without choices), else its running count of a stream cut short
// (vLLM's continuous usage, llama.cpp's timings), summed over the choices —
// each choice's completion tokens, and each prompt's tokens once.
// Reported is false if it reported nothing.
func (s *stream) Usage() inference.Usage {
	if s.final != nil {
		return *s.final
	}
	if len(s.running) == 0 {
		return inference.Usage{}
	}
	per := max(s.perPrompt, 1)
	prompts := map[int]uint64{}
	var completion uint64
	for i, u := range s.running {
		completion += uint64(u.CompletionTokens)
		prompts[i/per] = max(prompts[i/per], uint64(u.PromptTokens))
	}
	var prompt uint64
	for _, p := range prompts {
		prompt += p
	}
	return inference.Usage{PromptTokens: uint32(min(prompt, 1<<32-1)), CompletionTokens: uint32(min(completion, 1<<32-1)), Reported: true}
}

func (s *stream) Close() error {
	s.cancel()
	return s.body.Close()
}

// streamError reads an in-stream error event ({"error": {...}},
// {"object":"error",...}, or the Responses API's "error" and
// "response.failed" events) as an UpstreamError; nil for any other event.
func streamError(data []byte) *inference.UpstreamError {
	if !bytes.Contains(data, []byte(`"error"`)) && !bytes.Contains(data, []byte(`"response.failed"`)) {
		return nil
	}
	var v struct {
		Object   string          `json:"object"`
		Type     string          `json:"type"`
		Message  string          `json:"message"`
		Error    json.RawMessage `json:"error"`
		Choices  json.RawMessage `json:"choices"`
		Response *struct {
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		} `json:"response"`
	}
	if json.Unmarshal(data, &v) != nil || v.Choices != nil {
		return nil
	}
	switch {
	case v.Type == "error":
		msg := v.Message
		if msg == "" {
			msg = "the upstream reported an error mid-stream"
		}
		return &inference.UpstreamError{Status: http.StatusBadGateway, Message: msg}
	case v.Type == "response.failed":
		msg := "the upstream's response failed"
		if v.Response != nil && v.Response.Error != nil && v.Response.Error.Message != "" {
			msg = v.Response.Error.Message
		}
		return &inference.UpstreamError{Status: http.StatusBadGateway, Message: msg}
	case strings.HasPrefix(v.Type, "response."):
		return nil // a Responses event whose response carries "error": null
	case len(v.Error) > 0 && !bytes.Equal(v.Error, []byte("null")):
		return &inference.UpstreamError{Status: http.StatusBadGateway, Message: errorMessage(data)}
	case v.Object == "error":
		msg := v.Message
		if msg == "" {
			msg = "the upstream reported an error mid-stream"
		}
		return &inference.UpstreamError{Status: http.StatusBadGateway, Message: msg}
	}
	return nil
}

// passTrace passes the trace of the span in ctx, if any, on to the upstream
// as a W3C traceparent header, so a traced upstream (vLLM exports
// OpenTelemetry traces) joins the call's trace.
func passTrace(ctx context.Context, set func(key, value string)) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	for k, v := range carrier {
		set(k, v)
	}
}
