package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/internal/vllmsim"
	"github.com/imogate/imogate/metering"
)

// tracedEnv is a gateway whose spans go to an in-memory recorder, in front
// of vllmsim behind a proxy that records the traceparent each upstream
// request carried.
type tracedEnv struct {
	*env
	rec *tracetest.SpanRecorder

	mu          sync.Mutex
	traceparent []string
}

func newTracedEnv(t *testing.T, genAI bool) *tracedEnv {
	t.Helper()
	sim, err := vllmsim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	te := &tracedEnv{rec: tracetest.NewSpanRecorder()}
	target, _ := url.Parse(sim.URL())
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		te.mu.Lock()
		te.traceparent = append(te.traceparent, r.Header.Get("traceparent"))
		te.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(te.rec))
	te.env = newEnv(t, withBackend(openai.New(openai.Config{BaseURL: up.URL + target.Path})), func(c *gateway.Config) {
		c.Models[0].Demo = false
		c.Models[0].Counter = nil
		c.TracerProvider = tp
		c.GenAIAttributes = genAI
	})
	te.listen()
	return te
}

// callSpans waits for the call span named name to end and returns it with
// its ended children by name.
func (te *tracedEnv) callSpans(t *testing.T, traceID trace.TraceID) (sdktrace.ReadOnlySpan, map[string]sdktrace.ReadOnlySpan) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var root sdktrace.ReadOnlySpan
		kids := map[string]sdktrace.ReadOnlySpan{}
		for _, s := range te.rec.Ended() {
			if s.SpanContext().TraceID() != traceID {
				continue
			}
			if s.SpanKind() == trace.SpanKindServer {
				root = s
			}
		}
		if root != nil {
			for _, s := range te.rec.Ended() {
				if s.Parent().SpanID() == root.SpanContext().SpanID() {
					kids[s.Name()] = s
				}
			}
			if len(kids) == 3 {
				return root, kids
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ended call span with 3 children in trace %s: %d spans recorded", traceID, len(te.rec.Ended()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// TestCallSpans: a paid call, plain and streamed, is one server span in the
// caller's trace (its traceparent honoured) with reserve, upstream and
// commit children; the span carries the receipt's id, seq and fee, and with
// the GenAI opt-in the gen_ai.* attributes of what was charged; the
// upstream request carries the upstream span's traceparent.
func TestCallSpans(t *testing.T) {
	for _, genAI := range []bool{false, true} {
		te := newTracedEnv(t, genAI)
		_, secret := te.key(100_000_000, apikey.Key{})
		for _, stream := range []bool{false, true} {
			traceID := trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, byte(len(te.rec.Ended()))}
			if stream {
				traceID[0] = 0x5c
			}
			parent := "00-" + traceID.String() + "-00f067aa0ba902b7-01"
			resp, b := te.do("POST", "/v1/chat/completions", secret, chatBody("demo", "trace me", map[string]any{"stream": stream, "max_tokens": 16}),
				map[string]string{"traceparent": parent})
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			var rc metering.SignedReceipt
			if stream {
				evs := sse(t, b)
				var final struct {
					Receipt metering.SignedReceipt `json:"receipt"`
				}
				if len(evs) < 2 || json.Unmarshal([]byte(evs[len(evs)-2]), &final) != nil {
					t.Fatalf("stream: %s", b)
				}
				rc = final.Receipt
			} else {
				rc = te.receiptOf(resp)
			}

			root, kids := te.callSpans(t, traceID)
			if root.Parent().SpanID().String() != "00f067aa0ba902b7" || !root.Parent().IsRemote() {
				t.Fatalf("call span's parent %v, want the caller's span", root.Parent())
			}
			a := attrs(root)
			if a["imogate.receipt.id"].AsString() != rc.ID.Hex() || a["imogate.receipt.seq"].AsInt64() != int64(rc.Seq) ||
				a["imogate.receipt.fee_wei"].AsString() != rc.Fee.String() || a["imogate.model"].AsString() != "demo" ||
				a["http.route"].AsString() != "/v1/chat/completions" {
				t.Fatalf("call span attributes %v, receipt %s seq %d fee %s", root.Attributes(), rc.ID.Hex(), rc.Seq, rc.Fee)
			}
			if root.Status().Code == codes.Error {
				t.Fatalf("call span status %v", root.Status())
			}
			_, hasGenAI := a["gen_ai.usage.output_tokens"]
			if hasGenAI != genAI {
				t.Fatalf("GenAI opt-in %v, attributes %v", genAI, root.Attributes())
			}
			if genAI && (a["gen_ai.operation.name"].AsString() != "chat" || a["gen_ai.request.model"].AsString() != "demo" ||
				a["gen_ai.usage.input_tokens"].AsInt64() != int64(rc.PromptTokens) || a["gen_ai.usage.output_tokens"].AsInt64() != int64(rc.CompletionTokens)) {
				t.Fatalf("GenAI attributes %v, receipt %d/%d tokens", root.Attributes(), rc.PromptTokens, rc.CompletionTokens)
			}
			for _, name := range []string{"imogate.reserve", "imogate.upstream", "imogate.commit"} {
				if kids[name] == nil {
					t.Fatalf("no %s child of the call span: %v", name, kids)
				}
			}
			if kids["imogate.reserve"].EndTime().After(kids["imogate.upstream"].StartTime()) ||
				kids["imogate.upstream"].EndTime().After(kids["imogate.commit"].StartTime()) {
				t.Fatal("steps out of order: reserve, upstream, commit")
			}
			te.mu.Lock()
			got := te.traceparent[len(te.traceparent)-1]
			te.mu.Unlock()
			if want := kids["imogate.upstream"].SpanContext(); !strings.Contains(got, want.TraceID().String()+"-"+want.SpanID().String()) {
				t.Fatalf("upstream got traceparent %q, want the upstream span %s", got, want.SpanID())
			}
		}
	}
}

// TestFailedCallSpan: a call the upstream fails before any content is
// released, and its span says so: error status, no receipt attributes, no
// commit step.
func TestFailedCallSpan(t *testing.T) {
	te := newTracedEnv(t, true)
	_, secret := te.key(100_000_000, apikey.Key{})
	resp, b := te.do("POST", "/v1/chat/completions", secret,
		chatBody("demo", "fail", map[string]any{"stream": true, "vllmsim": map[string]any{"fail_first": true}}), nil)
	if !strings.Contains(string(b), "error") || strings.Contains(string(b), `"receipt"`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, s := range te.rec.Ended() {
			if s.SpanKind() != trace.SpanKindServer {
				continue
			}
			if s.Status().Code != codes.Error {
				t.Fatalf("failed call's span status %v", s.Status())
			}
			if _, ok := attrs(s)["imogate.receipt.id"]; ok {
				t.Fatalf("failed call's span has a receipt: %v", s.Attributes())
			}
			for _, k := range te.rec.Ended() {
				if k.Parent().SpanID() == s.SpanContext().SpanID() && k.Name() == "imogate.commit" {
					t.Fatal("a failed call has a commit step")
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no call span ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
