package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/gateway/dialect"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
)

// clientAPI is the API a paid route speaks to its client. Chat Completions,
// Completions and Embeddings go upstream as they came; the Responses and
// Messages APIs are translated onto Chat Completions (package dialect) and
// their answers back, so every upstream serves them and every bound, hold
// and receipt rule of a chat call holds for them.
type clientAPI int

const (
	apiOpenAI    clientAPI = iota // the route's own OpenAI API, untranslated
	apiResponses                  // OpenAI's Responses API
	apiMessages                   // Anthropic's Messages API
)

// translate parses a request of the call's client API into the Chat
// Completions request sent upstream. A refusal is a 400 naming the field in
// the client API's terms.
func (a clientAPI) translate(body []byte) (*dialect.Translated, error) {
	var (
		t   *dialect.Translated
		err error
	)
	switch a {
	case apiResponses:
		t, err = dialect.ResponsesToChat(body)
	case apiMessages:
		t, err = dialect.MessagesToChat(body)
	default:
		return nil, nil
	}
	var de *dialect.Error
	if errors.As(err, &de) {
		return nil, badRequest(de.Param, "%s", de.Message)
	}
	return t, err
}

// translated is a parse error of the Chat Completions request a translation
// produced: its message stands, its parameter path (of the translated
// request, not the client's) is dropped.
func translated(err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.Param != "" {
		cp := *ae
		cp.Param = ""
		return &cp
	}
	return err
}

// passThrough makes a Responses call go upstream as the client sent it,
// checked by its translation (which refuses what the gateway cannot bound)
// and bounded by it: the upstream serves the Responses API itself.
func (c *call) passThrough(body []byte) {
	_ = json.Unmarshal(body, &c.pass) // the translation parsed it already
	c.endpoint = inference.Responses
}

// passBody is the Responses request sent upstream: the client's, with the
// upstream's model name, the max_output_tokens the hold paid for, and
// store false (the upstream keeps nothing imogate does not).
func (c *call) passBody() []byte {
	out := make(map[string]json.RawMessage, len(c.pass)+2)
	for k, v := range c.pass {
		out[k] = v
	}
	out["model"], _ = json.Marshal(c.model.Upstream)
	out["max_output_tokens"], _ = json.Marshal(c.maxTokens)
	out["store"] = json.RawMessage("false")
	// A hosted upstream bills its own service tiers and cache retention at
	// its rates, not the model's price: the operator's choice, not the
	// client's.
	delete(out, "service_tier")
	delete(out, "prompt_cache_retention")
	b, _ := json.Marshal(out)
	return b
}

// answerID is the id of a translated answer: the API's prefix and the first
// 16 bytes of the receipt id, so the same call always answers with the same id.
func answerID(a clientAPI, rid common.Hash) string {
	prefix := "resp_"
	if a == apiMessages {
		prefix = "msg_"
	}
	return prefix + rid.Hex()[2:34]
}

// billedUsage is what a translated answer reports: the tokens the receipt
// will record.
func (h *heldCall) billedUsage(u inference.Usage) dialect.Usage {
	pt, ct, _, _ := h.call.billed(h.price.Price, u)
	return dialect.Usage{Input: pt, Output: ct}
}

// plainAnswer is the body of a non-streaming answer in the client's API.
func (h *heldCall) plainAnswer(chat []byte, u inference.Usage) ([]byte, error) {
	c := h.call
	if c.pass != nil {
		return chat, nil // the upstream's own Response object
	}
	switch c.api {
	case apiResponses:
		return c.tr.ChatToResponse(chat, answerID(c.api, h.res.ReceiptID), c.model.Name, h.started.Unix(), h.billedUsage(u))
	case apiMessages:
		return dialect.ChatToMessage(chat, answerID(c.api, h.res.ReceiptID), c.model.Name, h.billedUsage(u))
	}
	return chat, nil
}

// framer writes a stream in the client's API: the upstream's chat chunks
// (already carrying the public model name) become that API's events.
type framer interface {
	// start is sent before the first event.
	start() []byte
	// writeChunk writes the client's bytes for one chat chunk (perhaps
	// none) and reports a write that failed (the client went away).
	writeChunk(out *streamOut, data []byte) error
	// close is sent after the last chunk, before the receipt: it is part
	// of what the receipt's responseHash covers.
	close() []byte
	// tail is what the closing events are rebuilt from, stored with an
	// idempotent replay; usageChunk is the upstream's usage chunk, if any;
	// cut, if not nil, is why the stream ended early.
	tail(usageChunk []byte, cut error, rid common.Hash) []byte
	// fail is the events of a stream that ends without a receipt.
	fail(err error) []byte
}

// newFramer is the framer of one streaming call.
func (h *heldCall) newFramer() framer {
	c := h.call
	if c.pass != nil {
		return &passFramer{model: c.model.Name, id: answerID(c.api, h.res.ReceiptID), created: h.started.Unix()}
	}
	switch c.api {
	case apiResponses:
		return &responsesFramer{st: c.tr.NewResponsesStream(answerID(c.api, h.res.ReceiptID), c.model.Name, h.started.Unix())}
	case apiMessages:
		return &messagesFramer{st: dialect.NewMessagesStream(answerID(c.api, h.res.ReceiptID), c.model.Name)}
	}
	return chatFramer{}
}

// final is a stream's closing bytes, carrying the signed receipt (and, for a
// stream cut short, the error event saying so): rebuilt from tail alone, so
// an idempotent replay sends them byte for byte again.
func (c *call) final(tail []byte, u inference.Usage, rc metering.SignedReceipt) ([]byte, error) {
	du := dialect.Usage{Input: u.PromptTokens, Output: u.CompletionTokens}
	switch c.api {
	case apiResponses:
		js, err := rc.MarshalJSON()
		if err != nil {
			return nil, err
		}
		return dialect.ResponsesFinal(tail, du, js)
	case apiMessages:
		js, err := rc.MarshalJSON()
		if err != nil {
			return nil, err
		}
		return dialect.MessagesFinal(tail, du, js)
	}
	chunk, recorded := unwrapChatTail(tail)
	final, err := receiptChunk(chunk, c.model.Name, u, rc)
	if err != nil {
		return nil, err
	}
	if recorded != nil {
		// The receipt first, so a client that stops at the error has it.
		ev := errorEvent(&APIError{Type: recorded.Type, Code: "stream_interrupted", Message: recorded.Message})
		return bytes.Join(append([][]byte{[]byte("data: "), final, []byte("\n\n")}, ev...), nil), nil
	}
	return bytes.Join(receiptEvent(final), nil), nil
}

// writeFrame writes a translated frame, if there is one.
func writeFrame(out *streamOut, frame []byte) error {
	if len(frame) == 0 {
		return nil
	}
	return out.write(frame)
}

// chatFramer passes OpenAI's chunks through as they came.
type chatFramer struct{}

func (chatFramer) start() []byte { return nil }
func (chatFramer) writeChunk(out *streamOut, data []byte) error {
	return out.write([]byte("data: "), data, []byte("\n\n"))
}
func (chatFramer) close() []byte { return nil }
func (chatFramer) tail(usageChunk []byte, cut error, rid common.Hash) []byte {
	if usageChunk == nil {
		usageChunk = []byte("{}")
	}
	if cut == nil {
		return usageChunk
	}
	// A cut stream's tail records the cut, so an idempotent replay ends
	// with the same error event as the first answer.
	b, _ := json.Marshal(chatCutTail{Cut: &recordedCut{Type: toAPIError(cut).Type, Message: cutMessage(cut, rid)}, Chunk: usageChunk})
	return b
}

// chatCutTail is a cut chat stream's tail: the usage chunk and the cut.
type chatCutTail struct {
	Cut   *recordedCut    `json:"imogate_cut"`
	Chunk json.RawMessage `json:"chunk"`
}

// recordedCut is the error event a cut stream ends with.
type recordedCut struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// unwrapChatTail returns a chat tail's usage chunk and, for a cut stream,
// its cut (tails stored before cuts were recorded are plain usage chunks).
func unwrapChatTail(tail []byte) ([]byte, *recordedCut) {
	var w chatCutTail
	if json.Unmarshal(tail, &w) != nil || w.Cut == nil {
		return tail, nil
	}
	return w.Chunk, w.Cut
}

func (chatFramer) fail(err error) []byte { return bytes.Join(errorEvent(err), nil) }

type responsesFramer struct{ st *dialect.ResponsesStream }

func (f *responsesFramer) start() []byte { return f.st.Start() }
func (f *responsesFramer) writeChunk(out *streamOut, data []byte) error {
	return writeFrame(out, f.st.Chunk(data))
}
func (f *responsesFramer) close() []byte { return f.st.Close() }
func (f *responsesFramer) tail(_ []byte, cut error, rid common.Hash) []byte {
	if cut != nil {
		return f.st.Tail(cutMessage(cut, rid))
	}
	return f.st.Tail("")
}
func (f *responsesFramer) fail(err error) []byte {
	ae := toAPIError(err)
	return f.st.Error(ae.Code, ae.Message)
}

// passFramer passes an upstream's Responses events through, with the public
// model name in their response objects; the upstream's closing event is
// held back and sent with the usage billed and the receipt.
type passFramer struct {
	model, id string
	created   int64
	last      json.RawMessage // the latest response object the upstream sent
	closing   []byte          // the upstream's response.completed or response.incomplete
	seq       int             // the next sequence number
}

func (f *passFramer) start() []byte { return nil }

func (f *passFramer) writeChunk(out *streamOut, data []byte) error {
	return writeFrame(out, f.frame(data))
}

// frame is the client's event for one upstream event (nil: held back or
// not a Responses event).
func (f *passFramer) frame(data []byte) []byte {
	var ev struct {
		Type     string          `json:"type"`
		Seq      *int            `json:"sequence_number"`
		Response json.RawMessage `json:"response"`
	}
	if json.Unmarshal(data, &ev) != nil || ev.Type == "" {
		return nil // not a Responses event: nothing a client could read
	}
	if ev.Seq != nil {
		f.seq = *ev.Seq + 1
	}
	if len(ev.Response) > 0 {
		var obj map[string]json.RawMessage
		var resp map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil && json.Unmarshal(ev.Response, &resp) == nil && resp != nil {
			resp["model"], _ = json.Marshal(f.model)
			f.last, _ = json.Marshal(resp)
			obj["response"] = f.last
			data, _ = json.Marshal(obj)
		}
		if ev.Type == "response.completed" || ev.Type == "response.incomplete" {
			f.closing = data
			return nil
		}
	}
	return dialect.Event(ev.Type, data)
}

func (f *passFramer) close() []byte { return nil }

func (f *passFramer) tail(_ []byte, cut error, rid common.Hash) []byte {
	if cut == nil && f.closing != nil {
		return f.closing
	}
	msg := "the model server's stream ended without its final event"
	if cut != nil {
		msg = cutMessage(cut, rid)
	}
	return dialect.ResponsesFailed(f.last, f.id, f.model, f.created, f.seq, msg)
}

func (f *passFramer) fail(err error) []byte {
	ae := toAPIError(err)
	return dialect.ResponsesErrorEvent(f.seq, ae.Code, ae.Message)
}

type messagesFramer struct{ st *dialect.MessagesStream }

func (f *messagesFramer) start() []byte { return f.st.Start() }
func (f *messagesFramer) writeChunk(out *streamOut, data []byte) error {
	return writeFrame(out, f.st.Chunk(data))
}
func (f *messagesFramer) close() []byte { return f.st.Close() }
func (f *messagesFramer) tail(_ []byte, cut error, rid common.Hash) []byte {
	if cut != nil {
		return f.st.Tail(cutMessage(cut, rid))
	}
	return f.st.Tail("")
}
func (f *messagesFramer) fail(err error) []byte {
	ae := toAPIError(err)
	return dialect.MessagesError(anthropicType(ae.Status), ae.Message)
}

// cutMessage says why a stream ended early and that what was delivered was
// charged under receipt rid.
func cutMessage(cause error, rid common.Hash) string {
	why := "the model server's stream broke"
	var ue *inference.UpstreamError
	switch {
	case errors.Is(cause, errShuttingDown):
		why = "the gateway is shutting down"
	case errors.Is(cause, inference.ErrTimeout):
		why = "the model server did not finish in time"
	case errors.As(cause, &ue):
		why = fmt.Sprintf("the model server failed (status %d)", ue.Status)
	}
	return fmt.Sprintf("the stream ended early: %s; you were charged only for what was delivered before it, under receipt %s", why, rid.Hex())
}

// Anthropic's error shape, used on /v1/messages.

type anthropicError struct {
	Type  string               `json:"type"`
	Error anthropicErrorObject `json:"error"`
}

type anthropicErrorObject struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// anthropicType is Anthropic's error type for an HTTP status.
func anthropicType(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity:
		return "invalid_request_error"
	case http.StatusUnauthorized:
		return "authentication_error"
	case http.StatusPaymentRequired:
		return "billing_error"
	case http.StatusForbidden:
		return "permission_error"
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return "not_found_error"
	case http.StatusRequestEntityTooLarge:
		return "request_too_large"
	case http.StatusTooManyRequests:
		return "rate_limit_error"
	case http.StatusGatewayTimeout:
		return "timeout_error"
	case http.StatusServiceUnavailable:
		return "overloaded_error"
	}
	if status < 500 {
		return "invalid_request_error"
	}
	return "api_error"
}

// anthropicRoute reports whether a path is served in Anthropic's API (the
// router matches paths case-insensitively).
func anthropicRoute(path string) bool {
	path = strings.ToLower(path)
	return path == "/v1/messages" || strings.HasPrefix(path, "/v1/messages/")
}

// idemHash is what an Idempotency-Key's record matches a retry by: the
// request bytes' hash, and for the translated APIs the API too, so a body
// valid on two routes (a Messages body is a valid Chat Completions body) is
// never answered with another route's stored response.
func (a clientAPI) idemHash(body []byte, requestHash common.Hash) common.Hash {
	switch a {
	case apiResponses:
		return crypto.Keccak256Hash([]byte("responses\n"), body)
	case apiMessages:
		return crypto.Keccak256Hash([]byte("messages\n"), body)
	}
	return requestHash
}

func (e *APIError) anthropicBody() anthropicError {
	msg := e.Message
	if e.Param != "" && !strings.Contains(msg, e.Param) {
		msg = e.Param + ": " + msg
	}
	return anthropicError{Type: "error", Error: anthropicErrorObject{Type: anthropicType(e.Status), Message: msg}}
}

// countTokens answers POST /v1/messages/count_tokens: the most the request's
// prompt can be charged as (the model's tokenizer over the translated
// request, with its media and template bounds; the hold's byte bound where
// the model has no tokenizer). The receipt records the upstream's own count
// when it reports one, which may be lower. Nothing is held or charged.
func (s *Server) countTokens(c *fiber.Ctx) error {
	p := principalOf(c)
	t, err := dialect.MessagesCountToChat(c.Body())
	var de *dialect.Error
	if errors.As(err, &de) {
		return badRequest(de.Param, "%s", de.Message)
	} else if err != nil {
		return err
	}
	call, err := s.parseCall(inference.ChatCompletions, t.Chat)
	if err != nil {
		return translated(err)
	}
	if !p.Allows(call.model.Name) {
		return apiErr(http.StatusForbidden, "permission_error", "model_not_allowed", "your credentials may not use the model %q", call.model.Name)
	}
	return c.JSON(map[string]uint64{"input_tokens": call.promptCount()})
}

// unstored answers the Responses API's routes for stored responses.
func (s *Server) unstored(c *fiber.Ctx) error {
	return apiErr(http.StatusNotFound, "invalid_request_error", "not_found",
		"imogate stores no responses: send \"store\": false and the whole conversation in \"input\" on every call")
}
