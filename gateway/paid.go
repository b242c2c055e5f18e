package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gofiber/fiber/v2"
	"github.com/tidwall/gjson"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// HTTP headers carrying receipts (DESIGN.md).
const (
	HeaderReceipt   = "Imogate-Receipt"
	HeaderReceiptID = "Imogate-Receipt-Id"
	HeaderIdemKey   = "Idempotency-Key"
	HeaderReplayed  = "Idempotent-Replayed"
)

// upstreamBody rewrites the request for the upstream: its model name, the
// capped max_tokens and, for streams, stream_options.include_usage.
func (c *call) upstreamBody() ([]byte, error) {
	if c.pass != nil {
		return c.passBody(), nil
	}
	out := make(map[string]json.RawMessage, len(c.fields)+2)
	for k, v := range c.fields {
		out[k] = v
	}
	out["model"], _ = json.Marshal(c.model.Upstream)
	if c.endpoint != inference.Embeddings {
		// The cap the hold paid for goes upstream in every max-tokens field
		// the client used, and in max_tokens whenever the route knows no
		// other (completions has no max_completion_tokens: an upstream would
		// ignore it and generate to its own default) or the client used none.
		capped, _ := json.Marshal(c.maxTokens)
		for _, name := range []string{"max_tokens", "max_completion_tokens"} {
			if present(c.fields, name) {
				out[name] = capped
			}
		}
		if c.endpoint != inference.ChatCompletions || !present(c.fields, "max_completion_tokens") {
			out["max_tokens"] = capped
		}
	}
	if c.stream {
		opts := map[string]json.RawMessage{}
		if raw, ok := c.fields["stream_options"]; ok && !isNull(raw) {
			if err := json.Unmarshal(raw, &opts); err != nil {
				return nil, badRequest("stream_options", "\"stream_options\" must be an object")
			}
		}
		opts["include_usage"] = json.RawMessage("true")
		// The upstream's running count of what it has generated, on every
		// chunk, where it offers one: what a stream cut short is charged by.
		switch c.model.Kind {
		case inference.KindVLLM:
			opts["continuous_usage_stats"] = json.RawMessage("true")
		case inference.KindLlamaCpp:
			out["timings_per_token"] = json.RawMessage("true")
		}
		out["stream_options"], _ = json.Marshal(opts)
	}
	return json.Marshal(out)
}

// rewriteModel sets the top-level "model" of a response object to the
// public name by splicing the new value over the old one: every other byte
// the upstream sent is kept, in its order, and the body is scanned once
// instead of decoded and re-encoded. body must be valid JSON (the backend
// checks); a body that is not an object, or has no "model", is returned as is.
func rewriteModel(body []byte, name string) []byte {
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return body
	}
	quoted, _ := json.Marshal(name)
	var spans [][2]int // byte ranges of "model" values to replace
	root.ForEach(func(k, v gjson.Result) bool {
		if k.Str == "model" && v.Raw != string(quoted) {
			spans = append(spans, [2]int{v.Index, v.Index + len(v.Raw)})
		}
		return true
	})
	if len(spans) == 0 {
		return body
	}
	out := make([]byte, 0, len(body)+len(spans)*len(quoted))
	last := 0
	for _, sp := range spans {
		out = append(append(out, body[last:sp[0]]...), quoted...)
		last = sp[1]
	}
	return append(out, body[last:]...)
}

// withModel re-encodes a decoded object with "model" set to name; body (the
// object's bytes) is returned as is when it has no model or already names it.
func withModel(obj map[string]json.RawMessage, body []byte, name string) []byte {
	cur, ok := obj["model"]
	if !ok {
		return body
	}
	quoted, _ := json.Marshal(name)
	if bytes.Equal(cur, quoted) {
		return body
	}
	obj["model"] = quoted
	b, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return b
}

// paid returns the handler of a metered endpoint. The order of steps is the
// metering contract: validate (free) → rate limit → reserve the maximum
// cost → call upstream → on failure release (no charge, no receipt) → on
// success commit the actual cost and the receipt atomically → sign.
//
// api is the API the route speaks to its client: apiOpenAI serves ep as is;
// the others are translated onto ep (Chat Completions) and back.
func (s *Server) paid(ep inference.Endpoint, api clientAPI) fiber.Handler {
	return func(c *fiber.Ctx) (err error) {
		ctx, span := s.tracing.startCall(c)
		streaming := false // the stream writer ends the span
		defer func() {
			if !streaming {
				endSpan(span, err)
			}
		}()
		p := principalOf(c)
		body := bytes.Clone(c.Body()) // fasthttp reuses the buffer after the handler
		tr, err := api.translate(body)
		if err != nil {
			return err
		}
		upstreamView := body
		if tr != nil {
			upstreamView = tr.Chat
		}
		call, err := s.parseCall(ep, upstreamView)
		if err != nil {
			if tr != nil {
				return translated(err)
			}
			return err
		}
		call.api, call.tr = api, tr
		s.tracing.called(span, call)
		if api == apiResponses && call.model.PassResponses {
			call.passThrough(body)
		}
		if !p.Allows(call.model.Name) {
			e := apiErr(http.StatusForbidden, "invalid_request_error", "model_not_allowed", "your credentials may not use the model %q", call.model.Name)
			e.Param = "model"
			return e
		}
		idemKey := c.Get(HeaderIdemKey)
		if len(idemKey) > 255 {
			return badRequest("", "the Idempotency-Key header is longer than 255 characters")
		}
		if ok, wait, err := s.store.RateLimit(ctx, p.Account, p.RPM, p.TPM); err != nil {
			return err
		} else if !ok {
			return &APIError{Status: http.StatusTooManyRequests, Type: "rate_limit_error", Code: "rate_limit_exceeded",
				Message: "rate limit reached for your key; retry after the time in Retry-After", RetryAfter: wait}
		}
		upBody, err := call.upstreamBody()
		if err != nil {
			return err
		}
		if call.pass != nil {
			// The upstream reads the Responses request itself: its bytes
			// bound the prompt as the translation's do, and are what a
			// prompt the upstream does not report is counted over.
			call.promptBound = max(call.promptBound, uint64(len(upBody))+call.media+uint64(call.model.PromptOverhead))
			call.body = upBody
		}
		if err := s.seqs.haltedErr(call.model.Token); err != nil {
			return err
		}
		if err := s.deliveryErr(call.model); err != nil {
			return err
		}
		// The call is priced as of now, its receipt's timestamp: the hold and
		// the charge use the same price version.
		started := s.now()
		price, err := s.priceAt(call.model, started)
		if err != nil {
			return err
		}
		maxFee, ok := call.hold(price.Price)
		if !ok || maxFee > maxHold {
			return badRequest("max_tokens", "this request could cost more than the gateway holds for one call (%d wei); send less, or lower max_tokens or n", maxHold)
		}
		rid := metering.NewReceiptID(started)
		requestHash := crypto.Keccak256Hash(body)
		rctx, rspan := s.tracing.step(ctx, spanReserve, trace.SpanKindInternal)
		res, replay, err := s.store.Reserve(rctx, metering.ReserveRequest{
			Token: call.model.Token, Account: p.Account, ReceiptID: rid, Amount: maxFee,
			TTL:            call.model.Timeout + s.reservationTTL,
			IdempotencyKey: idemKey, BodyHash: api.idemHash(body, requestHash), IdempotencyTTL: s.idemTTL,
		})
		endSpan(rspan, err)
		if err != nil {
			return err
		}
		if replay != nil {
			if span != nil {
				span.SetAttributes(attrReplay.Bool(true))
			}
			return s.writeReplay(c, call, replay)
		}
		s.inflight.Add(1)
		held := &heldCall{s: s, call: call, res: res, principal: p, upBody: upBody, requestHash: requestHash, started: started, price: price,
			span: span, traceCtx: ctx}
		if call.stream {
			err = s.stream(c, held) // the stream writer calls inflight.Done
			streaming = err == nil
			return err
		}
		defer s.inflight.Done()
		return s.complete(c, held)
	}
}

// maxHold is the most one call may hold: 1 ether (config validation keeps
// every model's ordinary call below it; requests beyond it are refused).
const maxHold = 1_000_000_000_000_000_000

// heldCall is a call whose maximum cost is reserved.
type heldCall struct {
	s           *Server
	call        *call
	res         *metering.Reservation
	principal   *Principal
	upBody      []byte
	requestHash common.Hash
	started     time.Time             // when the call was accepted: the receipt's timestamp
	price       metering.PriceVersion // the price in force then
	// span is the call's trace span (nil: tracing off); traceCtx holds it,
	// the parent of the call's steps.
	span     trace.Span
	traceCtx context.Context
}

// release gives the whole hold back after a failed call. It runs under the
// server's base context so a client that went away cannot stop it.
func (h *heldCall) release() {
	if h.span != nil {
		h.span.SetStatus(codes.Error, "released: the call is not charged")
	}
	ctx, cancel := context.WithTimeout(h.s.baseCtx, 10*time.Second)
	defer cancel()
	if err := h.s.store.Release(ctx, h.res); err != nil {
		// The sweeper releases it when the hold expires.
		h.s.log.Error("release failed; the sweeper will release the hold when it expires", "receipt_id", h.res.ReceiptID.Hex(), "err", err)
	}
}

// commit charges the call for usage u and records, signs and stores its
// receipt. The receipt's tokens are u's, each capped at what the hold paid
// for, and its fee is exactly their price (see call.billed).
func (h *heldCall) commit(u inference.Usage, responseHash common.Hash, replay *metering.Replay) (metering.SignedReceipt, error) {
	_, span := h.s.tracing.step(h.traceCtx, spanCommit, trace.SpanKindInternal)
	rc, err := h.commitReceipt(u, responseHash, replay)
	if err == nil {
		h.s.tracing.charged(h.span, &rc)
	} else if h.span != nil {
		h.span.SetStatus(codes.Error, "commit failed: "+err.Error())
	}
	endSpan(span, err)
	return rc, err
}

func (h *heldCall) commitReceipt(u inference.Usage, responseHash common.Hash, replay *metering.Replay) (metering.SignedReceipt, error) {
	s := h.s
	ctx, cancel := context.WithTimeout(s.baseCtx, s.commitBudget+commitAttemptTimeout)
	defer cancel()
	now := s.now()
	pt, ct, fee, over := h.call.billed(h.price.Price, u)
	if over {
		s.metrics.beyondHold.WithLabelValues(h.call.model.Name).Inc()
		s.log.Warn("the upstream reported more usage than the request allowed; charged what the hold paid for",
			"model", h.call.model.Name, "receipt_id", h.res.ReceiptID.Hex(),
			"reported_prompt_tokens", u.PromptTokens, "reported_completion_tokens", u.CompletionTokens,
			"charged_prompt_tokens", pt, "charged_completion_tokens", ct)
	}
	req := metering.CommitRequest{
		Reservation: *h.res,
		ModelName:   h.call.model.Name,
		Signer:      s.signer.Address(),
		Receipt: metering.Receipt{
			Payer: metering.PayerOf(h.principal.Account), Timestamp: uint64(h.started.UnixMilli()),
			PromptTokens: pt, CompletionTokens: ct, Fee: big.NewInt(fee),
			RequestHash: h.requestHash, ResponseHash: responseHash,
		},
		Hour:     now.Unix() / 3600,
		Response: replay,
		SeqFloor: s.seqs.floor(h.call.model.Token),
	}
	// A commit that failed on the way to or from Redis (an error, a lost
	// reply, a deadline) may have run: its outcome is unknown. Committing
	// again is safe (a committed hold answers with its receipt), so try again,
	// each attempt with its own share of the time, before giving up on a call
	// the upstream has already answered.
	var r metering.Receipt
	var err error
	deadline := time.Now().Add(s.commitBudget)
	for attempt := 1; ; attempt++ {
		actx, acancel := context.WithTimeout(ctx, commitAttemptTimeout)
		r, err = s.store.Commit(actx, req)
		acancel()
		if err == nil || !outcomeUnknown(err) {
			break
		}
		wait := min(time.Duration(attempt)*100*time.Millisecond, time.Second)
		if time.Now().Add(wait).After(deadline) || ctx.Err() != nil {
			return metering.SignedReceipt{}, &ChargeUnconfirmedError{ReceiptID: h.res.ReceiptID, Err: err}
		}
		s.log.Warn("commit failed, outcome unknown; trying again", "receipt_id", h.res.ReceiptID.Hex(), "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	var behind *metering.SeqBehindError
	if errors.As(err, &behind) {
		s.seqs.halt(h.call.model.Token, behind)
		s.metrics.halted.WithLabelValues(h.call.model.Name).Set(1)
		// Every gateway must stop, not just this one: one restarted since
		// knows no high-water and would issue the lost seqs again. The floor
		// in the store makes each of their commits refuse too.
		if _, ferr := s.store.RaiseSeqFloor(context.WithoutCancel(ctx), h.call.model.Token, behind.Floor); ferr != nil {
			s.log.Error("could not raise the store's seq floor: other gateways may still issue the lost seqs", "model", h.call.model.Name, "floor", behind.Floor, "err", ferr)
		}
		s.log.Error("METERING HALTED: the store's receipt seq counter is behind a seq already issued; it lost state (a restore or a failover to a lagging replica) and would issue receipt numbers twice. The call is not charged; paid calls to the model are refused until the counter is repaired",
			"model", h.call.model.Name, "counter", behind.Counter, "floor", behind.Floor, "receipt_id", h.res.ReceiptID.Hex())
		h.release()
	}
	if err != nil {
		return metering.SignedReceipt{}, err
	}
	s.seqs.issued(r.Model, r.Seq)
	sig, err := s.signer.Sign(&r)
	if err != nil {
		return metering.SignedReceipt{}, err
	}
	// The receipt and charge are committed; its signature is written behind,
	// batched with others. Signatures are deterministic (RFC 6979): one lost
	// in a crash is recomputed from the log when the receipt is read.
	s.sigs.add(metering.SignatureWrite{Token: r.Model, Seq: r.Seq, Sig: sig})
	if h.principal.TPM > 0 {
		if err := s.store.CountTokens(ctx, h.principal.Account, int64(pt)+int64(ct)); err != nil {
			s.log.Warn("token rate counter not updated", "err", err)
		}
	}
	s.metrics.fees.WithLabelValues(h.call.model.Name).Add(float64(fee))
	s.metrics.receipts.WithLabelValues(h.call.model.Name).Inc()
	return metering.SignedReceipt{Receipt: r, Signature: sig, Signer: s.signer.Address(), Domain: s.signer.Domain()}, nil
}

// A commit whose outcome is unknown (Redis unreachable, restarting,
// loading its data, failing over, a reply lost) is tried again, each attempt
// within commitAttemptTimeout, for up to Config.CommitBudget before the call's
// charge is reported unconfirmed: a Redis restart or failover of a few
// seconds is ridden out.
const (
	defaultCommitBudget  = 20 * time.Second
	commitAttemptTimeout = 5 * time.Second
)

// ChargeUnconfirmedError is a commit whose every attempt ended with an
// unknown outcome: the call may have been charged (then its receipt exists
// and can be fetched by id) or not (then its hold goes back to the balance
// when it expires). Err is the last attempt's error.
type ChargeUnconfirmedError struct {
	ReceiptID common.Hash
	Err       error
}

func (e *ChargeUnconfirmedError) Error() string {
	return fmt.Sprintf("charge of receipt %s unconfirmed: %v", e.ReceiptID.Hex(), e.Err)
}

func (e *ChargeUnconfirmedError) Unwrap() error { return e.Err }

// outcomeUnknown tells a commit error after which the commit may have run
// (Redis unreachable, a connection lost mid-reply, a deadline) from a
// definite refusal, after which nothing was charged.
func outcomeUnknown(err error) bool {
	var behind *metering.SeqBehindError
	return !errors.Is(err, metering.ErrNoReservation) && !errors.Is(err, metering.ErrAmountRange) && !errors.As(err, &behind)
}

// complete serves a non-streaming call.
func (s *Server) complete(c *fiber.Ctx, h *heldCall) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), h.call.model.Timeout)
	defer cancel()
	start := time.Now()
	uctx, uspan := s.tracing.step(ctx, spanUpstream, trace.SpanKindClient)
	resp, err := h.call.model.Backend.Complete(uctx, inference.Request{Endpoint: h.call.endpoint, Body: h.upBody})
	endSpan(uspan, err)
	up := time.Since(start)
	c.Locals(upstreamTimeKey, up)
	s.metrics.upstream.WithLabelValues(h.call.model.Name).Observe(up.Seconds())
	if err != nil {
		h.release()
		return err
	}
	out := rewriteModel(resp.Body, h.call.model.Name)
	var replay *metering.Replay
	if h.res.IdempotencyKey != "" {
		replay = &metering.Replay{Status: http.StatusOK, ContentType: fiber.MIMEApplicationJSON, Body: out}
	}
	u := resp.Usage
	if !u.Reported || u.CompletionTokens == 0 {
		// Count what is delivered: the upstream did not say, or says it
		// generated nothing.
		text, pieces := inference.GeneratedText(out)
		u = h.call.usage(u, text, pieces)
	}
	if h.call.api != apiOpenAI {
		if out, err = h.plainAnswer(out, u); err != nil {
			h.release()
			return &inference.UpstreamError{Status: http.StatusBadGateway, Message: err.Error()}
		}
		if replay != nil {
			replay.Body = out
		}
	}
	rc, err := h.commit(u, crypto.Keccak256Hash(out), replay)
	if err != nil {
		var unconfirmed *ChargeUnconfirmedError
		if errors.As(err, &unconfirmed) {
			c.Set(HeaderReceiptID, h.res.ReceiptID.Hex())
		}
		return err
	}
	hv, err := rc.HeaderValue()
	if err != nil {
		// Charged and committed, but the receipt could not be encoded: say
		// so, with the id to fetch it by.
		s.log.Error("receipt of a committed call could not be encoded", "receipt_id", rc.ID.Hex(), "err", err)
		c.Set(HeaderReceiptID, rc.ID.Hex())
		return apiErr(http.StatusInternalServerError, "api_error", "receipt_unavailable",
			"the call was charged but its receipt could not be sent; fetch it at GET /v1/receipts/%s", rc.ID.Hex())
	}
	if h.res.IdempotencyKey != "" {
		s.storeReplayReceipt(h, rc)
	}
	c.Set(HeaderReceiptID, rc.ID.Hex())
	c.Set(HeaderReceipt, hv)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// Server-Timing lets clients and load tests separate the model's time
	// from the time imogate adds.
	c.Set("Server-Timing", "upstream;dur="+strconv.FormatFloat(float64(up.Microseconds())/1000, 'f', 3, 64))
	return c.Status(http.StatusOK).Send(out)
}

// storeReplayReceipt adds the signed receipt to the idempotency record, so a
// retry gets exactly what was sent without re-reading the log.
func (s *Server) storeReplayReceipt(h *heldCall, rc metering.SignedReceipt) {
	ctx, cancel := context.WithTimeout(s.baseCtx, 5*time.Second)
	defer cancel()
	js, err := rc.MarshalJSON()
	if err != nil {
		return
	}
	if err := s.store.CompleteReplay(ctx, h.res, js); err != nil {
		s.log.Warn("idempotency record not completed; a retry will rebuild the receipt from the log", "err", err)
	}
}

// writeReplay answers a repeated Idempotency-Key with the stored response.
// A stream's record holds the bytes before the receipt chunk; the receipt
// chunk is rebuilt from the receipt, byte for byte as first sent.
func (s *Server) writeReplay(c *fiber.Ctx, call *call, r *metering.Replay) error {
	if len(r.Receipt) == 0 {
		js, err := s.replayReceipt(c.UserContext(), call.model, r.ReceiptID)
		if err != nil {
			return err
		}
		r.Receipt = js
	}
	var rc metering.SignedReceipt
	if err := json.Unmarshal(r.Receipt, &rc); err != nil {
		return fmt.Errorf("stored receipt: %w", err)
	}
	c.Set(HeaderReplayed, "true")
	c.Set(HeaderReceiptID, rc.ID.Hex())
	c.Set(fiber.HeaderContentType, r.ContentType)
	body := r.Body
	if len(r.Tail) > 0 {
		u := inference.Usage{PromptTokens: rc.PromptTokens, CompletionTokens: rc.CompletionTokens}
		final, err := call.final(r.Tail, u, rc)
		if err != nil {
			return err
		}
		body = append(bytes.Clone(r.Body), final...)
	} else {
		hv, err := rc.HeaderValue()
		if err != nil {
			return err
		}
		c.Set(HeaderReceipt, hv)
	}
	return c.Status(r.Status).Send(body)
}
