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
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// stream serves a streaming call as server-sent events.
//
// Billing policy: the call is charged for what the upstream generated. If
// the client disconnects mid-stream, the upstream call is cancelled at the
// next event and the call is charged the per-request price plus the tokens
// generated up to then (as the upstream reported them, or counted by
// imogate's tokenizer when it reported none); the receipt is committed and
// can be fetched with GET /v1/receipts/{Imogate-Receipt-Id}. If the upstream
// fails mid-stream, the hold is released: no charge, no receipt, and the
// client gets an error event.
//
// Every upstream event is passed through (with the public model name) except
// usage-only chunks; the stream ends with one usage chunk that carries the
// signed receipt as an extra "receipt" field, then "data: [DONE]". The
// receipt's responseHash is keccak256 of every byte sent before that chunk.
func (s *Server) stream(c *fiber.Ctx, h *heldCall) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), h.call.model.Timeout)
	start := time.Now()
	st, err := h.call.model.Backend.Stream(ctx, inference.Request{Endpoint: h.call.endpoint, Body: h.upBody})
	if err != nil {
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
	name := h.call.model.Name
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.inflight.Done()
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic in stream writer", "receipt_id", h.res.ReceiptID.Hex(), "panic", fmt.Sprint(v))
			}
		}()
		defer cancel()
		defer st.Close()
		hasher := crypto.NewKeccakState()
		var sent *bytes.Buffer
		if h.res.IdempotencyKey != "" {
			sent = new(bytes.Buffer)
		}
		hashing := true // until the receipt chunk: the receipt covers what came before it
		write := func(parts ...[]byte) error {
			for _, p := range parts {
				w.Write(p)
				if hashing {
					hasher.Write(p)
				}
				if sent != nil {
					sent.Write(p)
				}
			}
			return w.Flush()
		}
		var usageChunk []byte
		disconnected := false
		events := 0
		for {
			ev, err := st.Next()
			if errors.Is(err, io.EOF) && events == 0 {
				err = &inference.UpstreamError{Status: http.StatusBadGateway, Message: "the upstream stream ended without a single event"}
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				h.release()
				s.log.Warn("upstream failed mid-stream; call not charged", "receipt_id", h.res.ReceiptID.Hex(), "err", err)
				_ = write(errorEvent(err)...)
				return
			}
			events++
			data, usage := streamChunk(ev.Data, name)
			if usage {
				usageChunk = data // rebuilt into the receipt chunk, model included
				continue
			}
			if err := write([]byte("data: "), data, []byte("\n\n")); err != nil {
				disconnected = true
				break
			}
		}
		st.Close() // stop the upstream now if the client went away
		up := time.Since(start)
		s.metrics.upstream.WithLabelValues(name).Observe(up.Seconds())
		u := st.Usage()
		var responseHash common.Hash
		hasher.Read(responseHash[:])
		hashing = false
		var replay *metering.Replay
		if sent != nil {
			tail := usageChunk
			if tail == nil {
				tail = []byte("{}")
			}
			replay = &metering.Replay{Status: http.StatusOK, ContentType: sseContentType, Body: sent.Bytes(), Tail: tail}
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
				_ = write(errorEvent(err)...)
			}
			return
		}
		if disconnected {
			s.log.Info("client disconnected mid-stream; charged what was generated", "receipt_id", rc.ID.Hex(),
				"completion_tokens", u.CompletionTokens, "fee_wei", rc.Fee.String())
			return
		}
		final, err := receiptChunk(usageChunk, name, u, rc)
		if err != nil {
			s.log.Error("build receipt chunk", "err", err)
			return
		}
		if err := write(receiptEvent(final)...); err != nil {
			s.log.Info("client left before the receipt chunk; receipt kept", "receipt_id", rc.ID.Hex())
		}
	})
	return nil
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
	obj["usage"] = map[string]uint32{"prompt_tokens": u.PromptTokens, "completion_tokens": u.CompletionTokens,
		"total_tokens": u.PromptTokens + u.CompletionTokens}
	obj["receipt"] = rc
	return json.Marshal(obj)
}
