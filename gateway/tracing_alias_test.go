package gateway_test

import (
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/apikey"
)

// TestTraceStateNotAliased: the caller's tracestate stays in the call span
// after the request is over (spans are exported seconds later); it must not
// change when the connection's buffer serves the next request, whose
// headers (another client's key) would otherwise leak into the trace.
func TestTraceStateNotAliased(t *testing.T) {
	te := newTracedEnv(t, false)
	_, secret := te.key(100_000_000, apikey.Key{})
	traceID := trace.TraceID{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01}
	want := "vendor=" + strings.Repeat("a", 64)
	resp, b := te.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hi", map[string]any{"max_tokens": 4}),
		map[string]string{"traceparent": "00-" + traceID.String() + "-00f067aa0ba902b7-01", "tracestate": want})
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	root, _ := te.callSpans(t, traceID)
	if got := root.SpanContext().TraceState().String(); got != want {
		t.Fatalf("right after the call: tracestate %q", got)
	}
	// The next requests on the same keep-alive connection: other headers.
	for range 5 {
		te.do("GET", "/v1/models", "imk_OTHER_USERS_SECRET_KEY_0123456789abcdef0123456789abcdef", nil, map[string]string{"Aaa": "1", "Aab": "2"})
	}
	time.Sleep(50 * time.Millisecond)
	if got := root.SpanContext().TraceState().String(); got != want {
		t.Fatalf("the recorded span's tracestate changed after later requests:\n got %q\nwant %q", got, want)
	}
	for _, kv := range root.Attributes() {
		if strings.Contains(kv.Value.Emit(), "OTHER_USERS") {
			t.Fatalf("attribute %s holds another request's bytes: %q", kv.Key, kv.Value.Emit())
		}
	}
}
