package batcher_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/imogate/imogate/settlement/batcher"
)

// TestBatchSpans: each settled batch is one span, from its seal to its
// settlement (no archive here), with its token, id, seqs, fee and root and,
// once settled, its transaction, block and gas as attributes, and an event
// per durable step in order.
func TestBatchSpans(t *testing.T) {
	e := newEnv(t)
	rec := tracetest.NewSpanRecorder()
	b := e.newBatcher(func(c *batcher.Config) {
		c.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	})
	e.issue(6) // MaxBatch 4: two batches
	e.settleAll(b)

	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d batch spans ended, want 2", len(spans))
	}
	if len(rec.Started()) != 2 {
		t.Fatalf("%d spans started, want 2 (one per batch)", len(rec.Started()))
	}
	var seqs []int64
	for i, s := range spans {
		a := map[attribute.Key]attribute.Value{}
		for _, kv := range s.Attributes() {
			a[kv.Key] = kv.Value
		}
		if s.Name() != "imogate.settle_batch" || a["imogate.token"].AsString() != e.token.Hex() || a["imogate.batch.id"].AsInt64() != int64(i) {
			t.Fatalf("span %d: %s %v", i, s.Name(), s.Attributes())
		}
		first, last := a["imogate.batch.first_seq"].AsInt64(), a["imogate.batch.last_seq"].AsInt64()
		var fee int64
		for seq := first; seq <= last; seq++ {
			fee += e.fees[seq-1].Int64()
		}
		if a["imogate.batch.fee_wei"].AsString() != strconv.FormatInt(fee, 10) || a["imogate.batch.count"].AsInt64() != last-first+1 {
			t.Fatalf("span %d: fee %s count %d, want %d over seqs %d..%d", i, a["imogate.batch.fee_wei"].AsString(), a["imogate.batch.count"].AsInt64(), fee, first, last)
		}
		rec, ok := a["imogate.batch.tx"]
		if !ok || a["imogate.batch.block"].AsInt64() == 0 || a["imogate.batch.gas_used"].AsInt64() == 0 {
			t.Fatalf("span %d has no settlement facts: %v", i, s.Attributes())
		}
		receipt, err := e.client.TransactionReceipt(t.Context(), common.HexToHash(rec.AsString()))
		if err != nil || receipt.BlockNumber.Int64() != a["imogate.batch.block"].AsInt64() {
			t.Fatalf("span %d: tx %s: %v", i, rec.AsString(), err)
		}
		var events []string
		for _, ev := range s.Events() {
			events = append(events, ev.Name)
		}
		if !slices.Equal(events, []string{batcher.StageSealed, batcher.StageSigned, batcher.StageBroadcast, batcher.StageSettled}) {
			t.Fatalf("span %d events %v", i, events)
		}
		seqs = append(seqs, first, last)
	}
	if !slices.Equal(seqs, []int64{1, 4, 5, 6}) {
		t.Fatalf("batches cover seqs %v", seqs)
	}
}
