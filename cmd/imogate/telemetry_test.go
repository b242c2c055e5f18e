package main

import (
	"bytes"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

// otlpReceiver is an in-process OTLP/HTTP trace receiver.
type otlpReceiver struct {
	mu       sync.Mutex
	spans    []*tracepb.Span
	services []string
}

func (r *otlpReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != "/v1/traces" || req.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "not an OTLP/HTTP protobuf trace export", http.StatusBadRequest)
		return
	}
	b, _ := io.ReadAll(req.Body)
	var msg coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	for _, rs := range msg.ResourceSpans {
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.Key == "service.name" {
				r.services = append(r.services, kv.GetValue().GetStringValue())
			}
		}
		for _, ss := range rs.ScopeSpans {
			r.spans = append(r.spans, ss.Spans...)
		}
	}
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	w.Write(out)
}

// TestTracingEnvironment: tracing is off without an OTLP endpoint (or with
// the SDK disabled), and the GenAI attributes need their opt-in.
func TestTracingEnvironment(t *testing.T) {
	for _, c := range []struct {
		env map[string]string
		on  bool
	}{
		{map[string]string{}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"}, false},
	} {
		for _, k := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER"} {
			t.Setenv(k, c.env[k])
		}
		if tracingOn() != c.on {
			t.Fatalf("%v: tracing on %v", c.env, !c.on)
		}
		tp, stop, err := newTracerProvider(t.Context(), slog.New(slog.DiscardHandler))
		if err != nil || (tp != nil) != c.on {
			t.Fatalf("%v: provider %v, err %v", c.env, tp, err)
		}
		stop()
	}
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
	t.Setenv("OTEL_TRACES_EXPORTER", "")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	if _, _, err := newTracerProvider(t.Context(), slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("an unsupported OTLP protocol was accepted")
	}
	for v, want := range map[string]bool{"": false, "http": false, "gen_ai_latest_experimental": true, "http/dup, gen_ai_latest_experimental": true} {
		t.Setenv("OTEL_SEMCONV_STABILITY_OPT_IN", v)
		if genAIAttributes() != want {
			t.Fatalf("OTEL_SEMCONV_STABILITY_OPT_IN=%q: GenAI attributes %v", v, !want)
		}
	}
}

// TestOTLPExport: with the standard OTLP variables set, a paid call's span
// tree reaches an OTLP/HTTP receiver with the service name, the receipt's
// attributes and (opted in) the GenAI ones.
func TestOTLPExport(t *testing.T) {
	recv := &otlpReceiver{}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
	t.Setenv("OTEL_SERVICE_NAME", "imogate-gw-test")
	t.Setenv("OTEL_SEMCONV_STABILITY_OPT_IN", genAIOptIn)
	tp, stop, err := newTracerProvider(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil || tp == nil {
		t.Fatalf("provider %v: %v", tp, err)
	}
	key, _ := crypto.GenerateKey()
	var token common.Address
	copy(token[:], crypto.Keccak256([]byte(t.Name()+time.Now().String())))
	st := redisstore.New(testredis.Client(t), nil)
	gw, err := gateway.New(gateway.Config{
		Models: []gateway.Model{{Name: "demo", Token: token, Upstream: "demo", Backend: demo.New(demo.Config{}),
			Price: metering.Price{PerRequest: 1000}, MaxTokens: 32, Timeout: 5 * time.Second, Demo: true, Counter: demo.Tokenizer{}, PromptOverhead: 8}},
		Store: st, Signer: metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), common.Address{1})),
		Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), MaxBodyBytes: 1 << 16,
		ReservationTTL: 10 * time.Second, IdempotencyTTL: time.Hour, TracerProvider: tp, GenAIAttributes: genAIAttributes(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.PublishPrices(t.Context()); err != nil {
		t.Fatal(err)
	}
	rec, secret, err := st.CreateKey(t.Context(), apikey.Key{Name: "otlp", Models: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Credit(t.Context(), token, rec.ID, 1_000_000); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/v1/chat/completions", bytes.NewReader([]byte(`{"model":"demo","messages":[{"role":"user","content":"hi"}]}`)))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := gw.App().Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("call: %v %v", resp, err)
	}
	rid := resp.Header.Get(gateway.HeaderReceiptID)
	stop() // flushes

	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.services) == 0 || recv.services[0] != "imogate-gw-test" {
		t.Fatalf("service names %v", recv.services)
	}
	byName := map[string]*tracepb.Span{}
	for _, s := range recv.spans {
		byName[s.Name] = s
	}
	root := byName["POST /v1/chat/completions"]
	if root == nil {
		t.Fatalf("no call span among %d spans", len(recv.spans))
	}
	got := map[string]string{}
	for _, kv := range root.Attributes {
		got[kv.Key] = kv.GetValue().GetStringValue()
		if kv.GetValue().GetIntValue() != 0 {
			got[kv.Key] = "int"
		}
	}
	if got["imogate.receipt.id"] != rid || got["gen_ai.operation.name"] != "chat" || got["gen_ai.usage.input_tokens"] != "int" || got["imogate.receipt.seq"] != "int" {
		t.Fatalf("call span attributes %v (receipt %s)", got, rid)
	}
	for _, name := range []string{"imogate.reserve", "imogate.upstream", "imogate.commit"} {
		s := byName[name]
		if s == nil || !bytes.Equal(s.ParentSpanId, root.SpanId) || !bytes.Equal(s.TraceId, root.TraceId) {
			t.Fatalf("step %s: %v", name, s)
		}
	}
}
