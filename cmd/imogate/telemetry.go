package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is OpenTelemetry's, configured by its standard environment
// variables and off unless an OTLP endpoint is set:
//
//   - OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT turns
//     it on (OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none keeps it off);
//   - OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL: http/protobuf (default) or grpc;
//     headers, TLS, timeouts and compression from the exporter's own
//     OTEL_EXPORTER_OTLP_* variables;
//   - OTEL_SERVICE_NAME (default "imogate") and OTEL_RESOURCE_ATTRIBUTES;
//   - OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (default: follow the
//     caller's traceparent, sample every new trace);
//   - OTEL_SEMCONV_STABILITY_OPT_IN containing gen_ai_latest_experimental
//     adds the GenAI semantic-convention attributes to call spans (the
//     opt-in OpenTelemetry documents for its experimental GenAI conventions).

// genAIOptIn is the OTEL_SEMCONV_STABILITY_OPT_IN value that turns on the
// GenAI attributes.
const genAIOptIn = "gen_ai_latest_experimental"

// tracingOn tells whether the environment configures a trace exporter.
func tracingOn() bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") || strings.EqualFold(os.Getenv("OTEL_TRACES_EXPORTER"), "none") {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// genAIAttributes tells whether the GenAI attributes are opted into.
func genAIAttributes() bool {
	for v := range strings.SplitSeq(os.Getenv("OTEL_SEMCONV_STABILITY_OPT_IN"), ",") {
		if strings.TrimSpace(v) == genAIOptIn {
			return true
		}
	}
	return false
}

// newTracerProvider builds the OTLP trace pipeline the environment
// configures, or returns nil (tracing off). shutdown flushes the spans
// still buffered; call it on exit.
func newTracerProvider(ctx context.Context, log *slog.Logger) (tp trace.TracerProvider, shutdown func(), err error) {
	if !tracingOn() {
		return nil, func() {}, nil
	}
	proto := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if proto == "" {
		proto = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	var exp sdktrace.SpanExporter
	switch proto {
	case "", "http/protobuf":
		exp, err = otlptracehttp.New(ctx)
	case "grpc":
		exp, err = otlptracegrpc.New(ctx)
	default:
		return nil, nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q: imogate exports traces over http/protobuf or grpc", proto)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	// Later detectors win: the environment's names override the default.
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "imogate"), attribute.String("service.version", version())),
		resource.WithTelemetrySDK(), resource.WithHost(), resource.WithProcessPID(), resource.WithFromEnv())
	if err != nil {
		return nil, nil, fmt.Errorf("trace resource: %w", err)
	}
	sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	log.Info("tracing on: spans go to the OTLP endpoint", "protocol", cmp.Or(proto, "http/protobuf"), "genai_attributes", genAIAttributes())
	return sdk, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sdk.Shutdown(sctx); err != nil {
			log.Warn("flushing the last spans failed", "err", err)
		}
	}, nil
}

// version is the module version the binary was built from ("(devel)" for
// a build from a checkout).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Version
	}
	return "unknown"
}
