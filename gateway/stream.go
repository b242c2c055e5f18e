package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// stream serves a streaming call as server-sent events.
//
// Billing policy: content delivered is content paid for. The call is
// charged for what the upstream generated (its reported usage, or what
// imogate counted of the content it delivered, never fewer tokens than the
// pieces delivered). However the stream ends — finished, the client gone,
// the upstream failing or timing out, the gateway shutting down — once any
// content has reached the client it ends in a committed receipt for what was
// delivered: the per-request price plus the tokens delivered. Only a stream
// that delivered nothing is released without a charge.
//
// Every upstream event is passed through (with the public model name) except
// usage-only chunks; the stream ends with one usage chunk that carries the
// signed receipt as an extra "receipt" field, then (for a stream cut short)
// an error event, then "data: [DONE]". The receipt's responseHash is
// keccak256 of every byte sent before that chunk.
func (s *Server) stream(c *fiber.Ctx, h *heldCall) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), h.call.model.Timeout)
	stopOnShutdown := context.AfterFunc(s.streamsCtx, cancel) // a shutdown that runs out of time cuts streams
	start := time.Now()
	uctx, uspan := s.tracing.step(ctx, spanUpstream, trace.SpanKindClient)
	st, err := h.call.model.Backend.Stream(uctx, inference.Request{Endpoint: h.call.endpoint, Body: h.upBody, PerPrompt: int(h.call.perPrompt)})
	if err != nil {
		endSpan(uspan, err)
		stopOnShutdown()
		cancel()
		h.release()
		s.inflight.Done()
		return err
	}
	c.Set(fiber.HeaderContentType, sseContentType)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	c.Set(HeaderReceiptID, h.res.ReceiptID.Hex())
	c.Status(http.StatusOK)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.inflight.Done()
		defer endSpan(h.span, nil)
		defer endSpan(uspan, nil) // relay ends it; this covers a panic (a second End does nothing)
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic in stream writer", "receipt_id", h.res.ReceiptID.Hex(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			}
		}()
		defer cancel()
		defer stopOnShutdown()
		defer st.Close()
		stopKeepalive := s.keepHold(h)
		defer stopKeepalive()
		s.relay(w, h, st, start, uspan)
	})
	return nil
}

// keepHold extends the call's credit hold while its stream runs, until the
// returned stop is called: a stream whose client stops reading blocks on a
// full socket for as long as the client likes, and its hold must not expire
// under it (the sweeper would return the credit, and the content already
// sent would go unpaid). When the stream ends, however late, it is charged.
func (s *Server) keepHold(h *heldCall) (stop func()) {
	grace := max(s.reservationTTL, 3*time.Second)
	every := grace / 3
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(s.baseCtx, every)
			if err := s.store.ExtendHold(ctx, h.res, s.now().Add(grace)); err != nil {
				s.log.Warn("could not extend a streaming call's credit hold", "receipt_id", h.res.ReceiptID.Hex(), "err", err)
			}
			cancel()
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}

// streamOut writes a stream's bytes to the client, hashing them until the
// receipt chunk and keeping them for an idempotent replay.
type streamOut struct {
	w       *bufio.Writer
	hasher  crypto.KeccakState
	sent    *bytes.Buffer // nil: no idempotency key
	hashing bool
}

func (o *streamOut) write(parts ...[]byte) error {
	for _, p := range parts {
		o.w.Write(p)
		if o.hashing {
			o.hasher.Write(p)
		}
		if o.sent != nil {
			o.sent.Write(p)
		}
	}
	return o.w.Flush()
}

// relay passes the upstream's events to the client, in the client's API,
// and ends the call: a receipt for what was delivered, or a release when
// nothing was.
//
// upSpan is the upstream step's trace span (nil: tracing off); relay ends
// it when the upstream's stream ends.
func (s *Server) relay(w *bufio.Writer, h *heldCall, st inference.Stream, start time.Time, upSpan trace.Span) {
	name := h.call.model.Name
	fr := h.newFramer()
	out := &streamOut{w: w, hasher: crypto.NewKeccakState(), hashing: true}
	if h.res.IdempotencyKey != "" {
		out.sent = new(bytes.Buffer)
	}
	var (
		usageChunk   []byte
		delivered    strings.Builder // the generated text the client received
		pieces       int             // its non-empty pieces: each is at least one token
		disconnected bool
		cut          error // why the upstream stream ended early
		events       int
		started      bool
	)
	for {
		ev, err := st.Next()
		if errors.Is(err, io.EOF) && events == 0 {
			err = &inference.UpstreamError{Status: http.StatusBadGateway, Message: "the upstream stream ended without a single event"}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			cut = err
			if s.streamsCtx.Err() != nil {
				cut = errShuttingDown
			}
			break
		}
		events++
		data, usageOnly := streamChunk(ev.Data, name)
		if usageOnly {
			usageChunk = data // rebuilt into the receipt chunk, model included
			continue
		}
		// Counted before it is written: a chunk the client may have got part
		// of is paid for.
		text, n := inference.GeneratedText(data)
		delivered.WriteString(text)
		pieces += n
		if !started {
			started = true
			if err := writeFrame(out, fr.start()); err != nil {
				disconnected = true
				break
			}
		}
		if err := fr.writeChunk(out, data); err != nil {
			disconnected = true
			break
		}
	}
	st.Close() // stop the upstream now if the client went away
	s.metrics.upstream.WithLabelValues(name).Observe(time.Since(start).Seconds())
	if upSpan != nil && disconnected {
		upSpan.AddEvent("client disconnected")
	}
	endSpan(upSpan, cut)
	if pieces == 0 && (cut != nil || disconnected) {
		// Nothing reached the client: nothing is charged.
		h.release()
		if cut != nil {
			s.log.Warn("upstream stream ended before any content; call not charged", "receipt_id", h.res.ReceiptID.Hex(), "err", cut)
			_ = out.write(fr.fail(cut))
		}
		return
	}
	if !disconnected {
		if closing := fr.close(); len(closing) > 0 {
			// Part of what was delivered (and hashed); a client gone now
			// still pays for the content it had.
			if err := out.write(closing); err != nil {
				disconnected = true
			}
		}
	}
	u := h.call.usage(st.Usage(), delivered.String(), pieces)
	var responseHash common.Hash
	out.hasher.Read(responseHash[:])
	out.hashing = false
	tail := fr.tail(usageChunk, cut, h.res.ReceiptID)
	var replay *metering.Replay
	if out.sent != nil {
		replay = &metering.Replay{Status: http.StatusOK, ContentType: sseContentType, Body: out.sent.Bytes(), Tail: tail}
	}
	rc, err := h.commit(u, responseHash, replay)
	if err != nil {
		var unconfirmed *ChargeUnconfirmedError
		if errors.As(err, &unconfirmed) {
			s.log.Error("commit of streamed call failed; whether it was charged is unknown (GET /v1/receipts/{id} tells)", "receipt_id", h.res.ReceiptID.Hex(), "err", err)
		} else {
			s.log.Error("commit of streamed call failed; call not charged", "receipt_id", h.res.ReceiptID.Hex(), "err", err)
		}
		if !disconnected {
			_ = out.write(fr.fail(err))
		}
		return
	}
	switch {
	case disconnected:
		s.log.Info("client disconnected mid-stream; charged what was delivered", "receipt_id", rc.ID.Hex(),
			"completion_tokens", rc.CompletionTokens, "fee_wei", rc.Fee.String())
		return
	case cut != nil:
		s.log.Warn("stream cut short after content was delivered; charged what was delivered", "receipt_id", rc.ID.Hex(),
			"completion_tokens", rc.CompletionTokens, "fee_wei", rc.Fee.String(), "err", cut)
	}
	final, err := h.call.final(tail, inference.Usage{PromptTokens: rc.PromptTokens, CompletionTokens: rc.CompletionTokens}, rc)
	if err != nil {
		s.log.Error("build receipt event", "err", err)
		return
	}
	if err := out.write(final); err != nil && cut == nil {
		s.log.Info("client left before the receipt event; receipt kept", "receipt_id", rc.ID.Hex())
	}
}

const sseContentType = "text/event-stream; charset=utf-8"

// receiptEvent frames the receipt chunk and the closing [DONE].
func receiptEvent(final []byte) [][]byte {
	return [][]byte{[]byte("data: "), final, []byte("\n\ndata: [DONE]\n\n")}
}

// errorEvent frames err, in OpenAI's error shape, as the stream's last event.
func errorEvent(err error) [][]byte {
	eb, _ := json.Marshal(toAPIError(err).body())
	return [][]byte{[]byte("data: "), eb, []byte("\n\ndata: [DONE]\n\n")}
}

// errShuttingDown cuts the streams still running when a shutdown runs out
// of time.
var errShuttingDown = apiErr(http.StatusServiceUnavailable, "api_error", "shutting_down", "the gateway is shutting down")

// streamChunk decodes an upstream chunk once: it reports whether it is a
// usage chunk with no choices (held for the receipt chunk, returned as is)
// and otherwise returns it with the public model name.
func streamChunk(data []byte, name string) (out []byte, usageOnly bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return data, false
	}
	var choices []json.RawMessage
	_ = json.Unmarshal(obj["choices"], &choices)
	if u := obj["usage"]; len(choices) == 0 && len(u) > 0 && !bytes.Equal(u, []byte("null")) {
		return data, true
	}
	return withModel(obj, data, name), false
}

// receiptChunk is the stream's final chunk: the upstream's usage chunk (or
// one made in its shape) with the usage billed and the signed receipt.
func receiptChunk(usageChunk []byte, model string, u inference.Usage, rc metering.SignedReceipt) ([]byte, error) {
	obj := map[string]any{}
	if len(usageChunk) > 0 {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(usageChunk, &raw); err == nil {
			for k, v := range raw {
				obj[k] = v
			}
		}
	}
	if _, ok := obj["object"]; !ok {
		obj["object"] = "chat.completion.chunk"
		obj["id"] = "imogate-" + rc.ID.Hex()[2:18]
		obj["created"] = rc.Timestamp / 1000
	}
	obj["model"] = model
	obj["choices"] = []any{}
	obj["usage"] = map[string]uint64{"prompt_tokens": uint64(u.PromptTokens), "completion_tokens": uint64(u.CompletionTokens),
		"total_tokens": uint64(u.PromptTokens) + uint64(u.CompletionTokens)}
	obj["receipt"] = rc
	return json.Marshal(obj)
}
