// Package metering holds imogate's metering domain: the signed usage
// receipt (its EIP-712 encoding, signature and JSON form), prices, the
// requests of the hold → charge → receipt steps a store carries out
// atomically, the receipt log's entries, and the domain errors that the
// gateway maps to HTTP statuses. It imports no implementation: the Redis
// store (package redisstore) implements what its consumers declare.
package metering

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Domain errors. The gateway maps them to HTTP statuses in one place.
var (
	// ErrInsufficientBalance: the account cannot cover the call's maximum cost.
	ErrInsufficientBalance = errors.New("insufficient balance")
	// ErrIdempotencyMismatch: an Idempotency-Key reused with another body.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request body")
	// ErrIdempotencyInProgress: the first request with this key is still running.
	ErrIdempotencyInProgress = errors.New("a request with this idempotency key is in progress")
	// ErrNoReservation: the reservation is gone (released or expired).
	ErrNoReservation = errors.New("reservation not found")
	// ErrDuplicateReceiptID: a reservation named a receipt id that is already
	// committed; receipt ids are never reused.
	ErrDuplicateReceiptID = errors.New("receipt id already used")
	// ErrNotFound: no such receipt.
	ErrNotFound = errors.New("not found")
	// ErrAmountRange: an amount outside the exact int64 range Redis computes in.
	ErrAmountRange = errors.New("amount out of range")
	// ErrBalanceRange: a credit or debit would take a balance below zero or
	// beyond the int64 range Redis computes in; nothing was changed.
	ErrBalanceRange = errors.New("balance out of range")
	// ErrStoreUnavailable: the store did not answer (down, restarting,
	// loading its data, failing over). The step may or may not have run.
	ErrStoreUnavailable = errors.New("metering store unavailable")
	// ErrNotDurableConfig: the store is not configured for the durability
	// asked for.
	ErrNotDurableConfig = errors.New("metering store not configured for the durability asked for")
	// ErrBadAccount: an account id that cannot name a balance (empty, too
	// long, or with characters that separate key parts).
	ErrBadAccount = errors.New("invalid account id")
)

// InsufficientBalanceError carries the balance and the amount needed.
type InsufficientBalanceError struct {
	Balance int64
	Needed  int64
}

func (e *InsufficientBalanceError) Error() string {
	return fmt.Sprintf("insufficient balance: %d wei available, %d wei needed", e.Balance, e.Needed)
}

// Unwrap makes errors.Is(err, ErrInsufficientBalance) true.
func (e *InsufficientBalanceError) Unwrap() error { return ErrInsufficientBalance }

// NewReceiptID returns a fresh receipt id: the first 6 bytes are the unix
// milliseconds of t (so an id says when it was made, and stores can bucket
// their indexes by it), the other 26 are random.
func NewReceiptID(t time.Time) common.Hash {
	var h common.Hash
	if _, err := rand.Read(h[6:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS entropy source is gone; nothing is safe
	}
	ms := uint64(t.UnixMilli())
	for i := 5; i >= 0; i-- {
		h[i] = byte(ms)
		ms >>= 8
	}
	return h
}

// ReceiptIDTime is the time a receipt id made by NewReceiptID carries (the
// first 6 bytes as unix milliseconds; meaningless for other ids).
func ReceiptIDTime(id common.Hash) time.Time {
	var ms int64
	for i := 0; i < 6; i++ {
		ms = ms<<8 | int64(id[i])
	}
	return time.UnixMilli(ms)
}

// PayerOf is the receipt's pseudonymous payer: keccak256 of the account id
// under a fixed label. It never involves the API key itself.
func PayerOf(accountID string) common.Hash {
	return crypto.Keccak256Hash([]byte("imogate:payer:"), []byte(accountID))
}

// ReserveRequest asks to hold an account's credit for one call.
type ReserveRequest struct {
	Token     common.Address // the model's ERC-7641 token (state is keyed by it)
	Account   string         // the paying account (API key id or JWT subject account)
	ReceiptID common.Hash    // the id the receipt will carry: fresh, never used before (a committed one is refused)
	Amount    int64          // the call's maximum cost in wei
	TTL       time.Duration  // after this the sweeper releases the hold
	// Idempotency, optional: the client's key and the request body's hash.
	IdempotencyKey string
	BodyHash       common.Hash
	IdempotencyTTL time.Duration
}

// Reservation is a credit hold for one call.
type Reservation struct {
	Token     common.Address
	Account   string
	ReceiptID common.Hash
	Amount    int64
	// IdempotencyKey is copied from the request so Commit/Release find the record.
	IdempotencyKey string
	IdempotencyTTL time.Duration
}

// Replay is a stored response returned for a repeated Idempotency-Key.
type Replay struct {
	Status      int
	ContentType string
	Body        []byte
	Receipt     []byte      // receipt JSON; empty if it must be rebuilt from the log
	ReceiptID   common.Hash // the committed call's receipt id
	// Tail, for a stream, is the upstream's usage chunk that the receipt
	// chunk is built on; Body then holds the bytes sent before the receipt
	// chunk, and the replay rebuilds the rest from the receipt.
	Tail []byte
}

// CommitRequest settles a reservation at the actual cost and records the
// receipt. The store assigns Seq.
type CommitRequest struct {
	Reservation Reservation
	ModelName   string
	Signer      common.Address // who will sign the receipt (recorded in the log)
	Receipt     Receipt        // all fields but Seq; Fee ≤ Reservation.Amount
	Hour        int64          // unix hour bucket for usage counters
	// SeqFloor is the highest seq the caller knows to be issued: the commit
	// is refused with *SeqBehindError rather than issue a seq at or below it.
	SeqFloor uint64
	// Response is stored for idempotent replays when an idempotency key is set.
	Response *Replay
}

// Usage is one bucket of usage counters.
type Usage struct {
	Calls            int64
	PromptTokens     int64
	CompletionTokens int64
	Fees             *big.Int
}

// LoggedReceipt is a receipt as held in a model's receipt log, with its
// signature if one has been stored, the signer it was issued under and the
// account and model name it was issued to. A receipt read back from a
// settled batch's archive carries no account (only its pseudonymous payer).
type LoggedReceipt struct {
	Receipt
	Signature []byte
	Signer    common.Address
	Account   string
	ModelName string
}

// SignatureWrite is one receipt signature to store.
type SignatureWrite struct {
	Token common.Address
	Seq   uint64
	Sig   []byte
}

// SeqBehindError refuses a commit whose seq would not be new: the store's
// counter (Counter) is below a seq known to be issued already (Floor), so
// the store has lost state and would issue that seq again. Nothing was
// changed; the model's metering must halt until the store is repaired.
type SeqBehindError struct {
	Counter, Floor uint64
}

func (e *SeqBehindError) Error() string {
	return fmt.Sprintf("the receipt seq counter (%d) is behind seq %d, which was already issued: the metering store lost state", e.Counter, e.Floor)
}

// ArchivedError says a receipt's log entry has been trimmed after its batch
// was settled and archived: look it up in the archive by Seq.
type ArchivedError struct{ Seq uint64 }

func (e *ArchivedError) Error() string {
	return fmt.Sprintf("receipt %d was archived and trimmed from the log", e.Seq)
}
