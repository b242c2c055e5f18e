package batcher

import (
	"context"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/settlement"
)

// batchSpans keeps the open trace span of each batch a model's loop is
// moving: a span per batch, from its seal (or, after a restart, from the
// first step this process makes of it) until it is archived, or settled
// when there is no archive. Each durable step is an event on it. Only the
// model's loop touches it.
type batchSpans struct {
	tracer trace.Tracer // nil: tracing off
	open   map[uint64]trace.Span
}

func newBatchSpans(tp trace.TracerProvider) batchSpans {
	if tp == nil {
		return batchSpans{}
	}
	return batchSpans{tracer: tp.Tracer("github.com/imogate/imogate/settlement/batcher"), open: map[uint64]trace.Span{}}
}

// traceStage records that batch b has completed stage.
func (m *model) traceStage(stage string, b *settlement.Batch) {
	t := &m.spans
	if t.tracer == nil {
		return
	}
	span := t.open[b.ID]
	if span == nil {
		opts := []trace.SpanStartOption{trace.WithNewRoot(), trace.WithAttributes(
			attribute.String("imogate.token", m.token.Hex()),
			attribute.Int64("imogate.batch.id", int64(b.ID)),
			attribute.Int64("imogate.batch.first_seq", int64(b.FirstSeq)),
			attribute.Int64("imogate.batch.last_seq", int64(b.LastSeq)),
			attribute.Int64("imogate.batch.count", int64(b.Count())),
			attribute.String("imogate.batch.fee_wei", b.Fee.String()), // exact: wei do not fit a float
			attribute.String("imogate.batch.root", b.Root.Hex()),
		)}
		if stage == StageSealed && !b.SealedAt.IsZero() {
			opts = append(opts, trace.WithTimestamp(b.SealedAt))
		}
		_, span = t.tracer.Start(context.Background(), "imogate.settle_batch", opts...)
		t.open[b.ID] = span
	}
	ev := []attribute.KeyValue{}
	switch stage {
	case StageSigned, StageBroadcast:
		if n := len(b.TxHashes); n > 0 {
			ev = append(ev, attribute.String("tx", b.TxHashes[n-1].Hex()), attribute.Int64("nonce", int64(b.Nonce)))
		}
	case StageSettled:
		span.SetAttributes(
			attribute.String("imogate.batch.tx", b.TxHash.Hex()),
			attribute.Int64("imogate.batch.block", int64(b.BlockNumber)),
			attribute.Int64("imogate.batch.gas_used", int64(b.GasUsed)),
		)
	}
	span.AddEvent(stage, trace.WithAttributes(ev...))
	if stage == StageArchived || (stage == StageSettled && m.b.cfg.Archive == nil) {
		span.End()
		delete(t.open, b.ID)
	}
}

// endSpans ends the spans of batches still under way when the loop stops
// or another instance takes the model over.
func (m *model) endSpans() {
	for id, span := range m.spans.open {
		span.AddEvent("batcher stopped", trace.WithAttributes(attribute.String("batch", strconv.FormatUint(id, 10))))
		span.End()
		delete(m.spans.open, id)
	}
}
