package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/ledger"
)

// APIError is an error with everything the client sees: the HTTP status and
// OpenAI's error object. Its Message is written for clients; internal error
// text never reaches them.
type APIError struct {
	Status     int
	Type       string // OpenAI error type, e.g. invalid_request_error
	Code       string // machine-readable code, e.g. model_not_found
	Param      string // the offending request field, if any
	Message    string
	RetryAfter time.Duration // sets Retry-After when positive
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func apiErr(status int, typ, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Type: typ, Code: code, Message: fmt.Sprintf(format, args...)}
}

func badRequest(param, format string, args ...any) *APIError {
	e := apiErr(http.StatusBadRequest, "invalid_request_error", "invalid_request", format, args...)
	e.Param = param
	return e
}

// errorBody is OpenAI's error JSON shape.
type errorBody struct {
	Error errorObject `json:"error"`
}

type errorObject struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

func (e *APIError) body() errorBody {
	b := errorBody{Error: errorObject{Message: e.Message, Type: e.Type}}
	if e.Param != "" {
		b.Error.Param = &e.Param
	}
	if e.Code != "" {
		b.Error.Code = &e.Code
	}
	return b
}

// toAPIError maps every error a handler can return to what the client sees.
// It is the one place domain errors become HTTP statuses.
func toAPIError(err error) *APIError {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case http.StatusRequestEntityTooLarge:
			return apiErr(fe.Code, "invalid_request_error", "request_too_large", "the request body is larger than the limit")
		case http.StatusNotFound:
			return apiErr(fe.Code, "invalid_request_error", "not_found", "no such route")
		case http.StatusMethodNotAllowed:
			return apiErr(fe.Code, "invalid_request_error", "method_not_allowed", "method not allowed on this route")
		}
		if fe.Code < 500 {
			return apiErr(fe.Code, "invalid_request_error", "invalid_request", "%s", http.StatusText(fe.Code))
		}
	}
	var ib *metering.InsufficientBalanceError
	if errors.As(err, &ib) {
		return apiErr(http.StatusPaymentRequired, "insufficient_quota", "insufficient_balance",
			"insufficient balance for this model: %d wei available, this call may cost up to %d wei; ask the operator to credit your key", ib.Balance, ib.Needed)
	}
	var ue *inference.UpstreamError
	var unavailable *ledger.UnavailableError
	var unconfirmed *ChargeUnconfirmedError
	var behind *metering.SeqBehindError
	switch {
	case errors.As(err, &behind):
		return haltedAPIError(behind)
	case errors.As(err, &unconfirmed):
		// Whether the call was charged is unknown: the client is told the
		// truth and the id to find out by.
		return apiErr(http.StatusServiceUnavailable, "api_error", "charge_unconfirmed",
			"the gateway could not confirm this call's charge with its metering store: if it was charged, its receipt is at GET /v1/receipts/%s; if not, its credit hold returns to your balance when it expires", unconfirmed.ReceiptID.Hex())
	case errors.Is(err, metering.ErrNoReservation):
		// The hold expired and was released before the call finished: the
		// call is not charged, so its answer is not delivered either.
		return apiErr(http.StatusGatewayTimeout, "api_error", "reservation_expired", "the call outlived its credit hold; you were not charged")
	case errors.Is(err, metering.ErrStoreUnavailable):
		e := apiErr(http.StatusServiceUnavailable, "api_error", "store_unavailable",
			"the metering store is not answering (restarting or failing over); you were not charged; retry shortly")
		e.RetryAfter = time.Second
		return e
	case errors.Is(err, metering.ErrNoPrice):
		return apiErr(http.StatusServiceUnavailable, "api_error", "no_price",
			"this model has no price in force yet (its first price takes effect later); you were not charged")
	case errors.Is(err, settlement.ErrBatchNotFound):
		return apiErr(http.StatusNotFound, "invalid_request_error", "batch_not_found", "the model has no batch with this id")
	case errors.As(err, &unavailable):
		return apiErr(http.StatusNotFound, "invalid_request_error", "batch_data_unavailable",
			"the receipts of batch %d have left the live log and no archive holds them", unavailable.Batch)
	case errors.Is(err, ledger.ErrNotBatched):
		return apiErr(http.StatusConflict, "invalid_request_error", "receipt_not_batched",
			"the receipt is not in a settlement batch yet; retry after the next batch is sealed")
	case errors.Is(err, ledger.ErrNotArchived):
		return apiErr(http.StatusNotFound, "invalid_request_error", "receipt_not_found", "the receipt was settled and is not in this gateway's archive")
	case errors.Is(err, metering.ErrBalanceRange):
		e := apiErr(http.StatusBadRequest, "invalid_request_error", "balance_out_of_range",
			"this change would take the balance below zero or above %d wei; nothing was changed", int64(^uint64(0)>>1))
		e.Param = "amount_wei"
		return e
	case errors.Is(err, metering.ErrBadAccount):
		return apiErr(http.StatusBadRequest, "invalid_request_error", "invalid_account",
			"an account id is 1 to 128 characters without spaces or any of | : { }")
	case errors.Is(err, metering.ErrIdempotencyMismatch):
		return apiErr(http.StatusUnprocessableEntity, "invalid_request_error", "idempotency_key_reused",
			"this Idempotency-Key was already used with a different request body")
	case errors.Is(err, metering.ErrIdempotencyInProgress):
		return apiErr(http.StatusConflict, "invalid_request_error", "idempotency_in_progress",
			"a request with this Idempotency-Key is still in progress; retry later")
	case errors.Is(err, metering.ErrNotFound), errors.Is(err, apikey.ErrNotFound):
		return apiErr(http.StatusNotFound, "invalid_request_error", "not_found", "not found")
	case errors.Is(err, apikey.ErrRevoked):
		return apiErr(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "this API key has been revoked")
	case errors.Is(err, inference.ErrTimeout):
		return apiErr(http.StatusGatewayTimeout, "api_error", "upstream_timeout", "the model server did not answer in time; you were not charged")
	case errors.As(err, &ue):
		if ue.Status >= 400 && ue.Status < 500 && ue.Status != 401 && ue.Status != 403 && ue.Status != 429 {
			return apiErr(ue.Status, "invalid_request_error", "upstream_rejected", "the model server rejected the request: %s", ue.Message)
		}
		return apiErr(http.StatusBadGateway, "api_error", "upstream_error", "the model server failed (status %d); you were not charged", ue.Status)
	}
	return apiErr(http.StatusInternalServerError, "api_error", "internal_error", "internal error; you were not charged")
}

// errorHandler is the app's only error handler: it logs the cause and writes
// the route's error shape (Anthropic's on /v1/messages, OpenAI's elsewhere).
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	ae := toAPIError(err)
	if ae.Status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "status", ae.Status, "err", err)
	} else {
		s.log.Debug("request refused", "request_id", requestID(c), "path", c.Path(), "status", ae.Status, "code", ae.Code)
	}
	if ae.RetryAfter > 0 {
		secs := int((ae.RetryAfter + time.Second - 1) / time.Second)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	}
	if anthropicRoute(c.Path()) {
		return c.Status(ae.Status).JSON(ae.anthropicBody())
	}
	return c.Status(ae.Status).JSON(ae.body())
}
