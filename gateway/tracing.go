package gateway

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// tracing makes the spans of paid calls: one per call, a child for each of
// its reserve, upstream and commit steps. With no tracer provider it does
// nothing and costs a nil check.
type tracing struct {
	tracer trace.Tracer // nil: off
	prop   propagation.TextMapPropagator
	genAI  bool // add the GenAI semantic-convention attributes
}

func newTracing(tp trace.TracerProvider, genAI bool) tracing {
	if tp == nil {
		return tracing{}
	}
	return tracing{
		tracer: tp.Tracer("github.com/imogate/imogate/gateway"),
		prop:   propagation.TraceContext{},
		genAI:  genAI,
	}
}

// Span names. A paid call's span is its route's; its steps are children.
const (
	spanReserve  = "imogate.reserve"
	spanUpstream = "imogate.upstream"
	spanCommit   = "imogate.commit"
)

// Attribute keys of imogate's own (the receipt's fields).
const (
	attrModel     = attribute.Key("imogate.model")
	attrToken     = attribute.Key("imogate.token")
	attrReceiptID = attribute.Key("imogate.receipt.id")
	attrSeq       = attribute.Key("imogate.receipt.seq")
	attrFee       = attribute.Key("imogate.receipt.fee_wei")
	attrReplay    = attribute.Key("imogate.idempotent_replay")
)

// startCall starts the span of a paid call, as a child of the caller's
// trace when the request carries a W3C traceparent header, and puts it in
// the request's user context (which the upstream call inherits, and so
// passes the trace on). end must be called once the call is over; a
// streamed call hands it to its stream writer.
func (t tracing) startCall(c *fiber.Ctx) (ctx context.Context, span trace.Span) {
	ctx = c.UserContext()
	if t.tracer == nil {
		return ctx, nil
	}
	ctx = t.prop.Extract(ctx, fiberCarrier{c})
	// Copies: fasthttp reuses the request's buffer for the connection's next
	// request, and a span outlives its request.
	method := strings.Clone(c.Method())
	ctx, span = t.tracer.Start(ctx, method+" "+c.Route().Path, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", method), attribute.String("http.route", c.Route().Path)))
	c.SetUserContext(ctx)
	return ctx, span
}

// step starts a child span of the call's span in ctx and returns it with
// its context; a nil span when tracing is off.
func (t tracing) step(ctx context.Context, name string, kind trace.SpanKind) (context.Context, trace.Span) {
	if t.tracer == nil {
		return ctx, nil
	}
	return t.tracer.Start(ctx, name, trace.WithSpanKind(kind))
}

// endSpan ends span (nil: tracing off), recording err.
func endSpan(span trace.Span, err error) {
	if span == nil {
		return
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// called records what a call was, once it is known to be a call of a model.
func (t tracing) called(span trace.Span, c *call) {
	if span == nil {
		return
	}
	span.SetAttributes(attrModel.String(c.model.Name), attrToken.String(c.model.Token.Hex()))
	if t.genAI {
		span.SetAttributes(
			attribute.String("gen_ai.operation.name", genAIOperation(c.endpoint)),
			attribute.String("gen_ai.request.model", c.model.Name),
		)
		if c.stream {
			span.SetAttributes(attribute.Bool("gen_ai.request.stream", true))
		}
	}
}

// charged records the receipt a call was charged with.
func (t tracing) charged(span trace.Span, rc *metering.SignedReceipt) {
	if span == nil {
		return
	}
	span.SetAttributes(
		attrReceiptID.String(rc.ID.Hex()),
		attrSeq.Int64(int64(rc.Seq)),    // seqs stay far below 2^63
		attrFee.String(rc.Fee.String()), // exact: wei do not fit a float
	)
	if t.genAI {
		span.SetAttributes(
			attribute.Int("gen_ai.usage.input_tokens", int(rc.PromptTokens)),
			attribute.Int("gen_ai.usage.output_tokens", int(rc.CompletionTokens)),
		)
	}
}

// genAIOperation is the gen_ai.operation.name of an endpoint (OpenTelemetry
// GenAI semantic conventions): the Responses and Messages APIs are chats.
func genAIOperation(ep inference.Endpoint) string {
	switch ep {
	case inference.Completions:
		return "text_completion"
	case inference.Embeddings:
		return "embeddings"
	default:
		return "chat"
	}
}

// fiberCarrier reads a request's headers for a propagator. Get copies: the
// trace state it returns is kept in spans after the request's buffer is
// reused.
type fiberCarrier struct{ c *fiber.Ctx }

func (f fiberCarrier) Get(key string) string { return strings.Clone(f.c.Get(key)) }
func (f fiberCarrier) Set(key, value string) { f.c.Request().Header.Set(key, value) }
func (f fiberCarrier) Keys() []string {
	var keys []string
	f.c.Request().Header.VisitAll(func(k, _ []byte) { keys = append(keys, string(k)) })
	return keys
}
