package gateway

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/ledger"
)

// Store is everything the gateway reads and writes in imogate's state,
// composed from the small interfaces below, each with its contract.
// redisstore.Store implements it.
type Store interface {
	Meter
	ReceiptLog
	UsageReader
	RateLimiter
	KeyStore
	Accounts
	PriceStore
	ledger.Records
	// Ping reports whether the store answers (GET /readyz).
	Ping(ctx context.Context) error
}

// Meter carries out a paid call's money steps. Each method is one atomic
// step in the store and is safe to repeat after an unknown outcome (a lost
// reply): a repeated Reserve of the same receipt id holds once, a repeated
// Commit answers with the receipt of the first, a repeated Release finds
// nothing to release.
type Meter interface {
	// Reserve holds req.Amount against the account's balance, or fails with
	// *metering.InsufficientBalanceError and changes nothing; with an
	// idempotency key it may instead return the Replay of a finished call.
	Reserve(ctx context.Context, req metering.ReserveRequest) (*metering.Reservation, *metering.Replay, error)
	// Commit charges the fee, returns the rest of the hold, assigns the next
	// seq and logs the receipt, all at once. It fails with
	// metering.ErrNoReservation when the hold was released or expired.
	Commit(ctx context.Context, req metering.CommitRequest) (metering.Receipt, error)
	// Release returns the whole hold.
	Release(ctx context.Context, r *metering.Reservation) error
	// ExtendHold moves a hold's expiry to until, if the hold still exists
	// and until is later.
	ExtendHold(ctx context.Context, r *metering.Reservation, until time.Time) error
	// CompleteReplay adds the signed receipt to a committed call's
	// idempotency record.
	CompleteReplay(ctx context.Context, r *metering.Reservation, receiptJSON []byte) error
	// RaiseSeqFloor raises the seq at or below which no commit of the model
	// may issue a seq (never lowers it), for every gateway.
	RaiseSeqFloor(ctx context.Context, token common.Address, floor uint64) (uint64, error)
	// SetDeliveryProblem records (cause != "") or clears why the model's
	// token cannot take its revenue; DeliveryProblem reads it ("" if none).
	SetDeliveryProblem(ctx context.Context, token common.Address, cause string) error
	DeliveryProblem(ctx context.Context, token common.Address) (string, error)
	// Sweep releases the model's expired holds and says how many.
	Sweep(ctx context.Context, token common.Address) (int, error)
	// OpenReservations counts the model's open holds.
	OpenReservations(ctx context.Context, token common.Address) (int64, error)
}

// ReceiptLog reads a model's receipt log and stores receipt signatures.
type ReceiptLog interface {
	ledger.Log
	// ReceiptByID finds a receipt by id: metering.ErrNotFound if none was
	// issued, *metering.ArchivedError if it has left the log.
	ReceiptByID(ctx context.Context, token common.Address, id common.Hash) (metering.LoggedReceipt, error)
	// SetSignatures stores many receipt signatures at once and takes them
	// off the wanted list.
	SetSignatures(ctx context.Context, ws []metering.SignatureWrite) error
	// WantedSignatures lists up to max seqs whose signatures the batcher
	// found missing, in seq order.
	WantedSignatures(ctx context.Context, token common.Address, max int64) ([]uint64, error)
	// DropWantedSignatures takes seqs off that list without storing any.
	DropWantedSignatures(ctx context.Context, token common.Address, seqs []uint64) error
	// LastSeq is the model's last issued seq.
	LastSeq(ctx context.Context, token common.Address) (uint64, error)
}

// UsageReader reads usage counters and balances for the owner API.
type UsageReader interface {
	// Totals is a model's lifetime usage.
	Totals(ctx context.Context, token common.Address) (metering.Usage, error)
	// HourUsages is the usage of each unix hour first..last (account "":
	// every account).
	HourUsages(ctx context.Context, token common.Address, account string, first, last int64) ([]metering.Usage, error)
	// Balances is each account's balance for the model (0 if never credited).
	Balances(ctx context.Context, token common.Address, accounts []string) ([]int64, error)
}

// RateLimiter counts requests and tokens per account per minute.
type RateLimiter interface {
	// RateLimit counts one request against the limits (0: none) and says
	// whether it may go ahead, and if not, how long until it may.
	RateLimit(ctx context.Context, account string, rpm, tpm int64) (bool, time.Duration, error)
	// CountTokens adds a finished call's tokens to the account's minute.
	CountTokens(ctx context.Context, account string, tokens int64) error
}

// KeyStore holds API keys, only as hashes.
type KeyStore interface {
	// CreateKey stores a new key and returns its record and the key itself.
	CreateKey(ctx context.Context, k apikey.Key) (apikey.Key, string, error)
	// LookupKey resolves a presented key: apikey.ErrNotFound or
	// apikey.ErrRevoked when it does not grant access.
	LookupKey(ctx context.Context, secret string) (apikey.Key, error)
	// ListKeys returns every key record.
	ListKeys(ctx context.Context) ([]apikey.Key, error)
	// RevokeKey revokes a key by id (apikey.ErrNotFound if there is none).
	RevokeKey(ctx context.Context, id string) error
}

// Accounts credits and reads prepaid balances.
type Accounts interface {
	// Credit adds amount wei (negative: debit) and returns the new balance;
	// it fails with metering.ErrBalanceRange rather than go below zero or
	// beyond int64, and with metering.ErrBadAccount for an invalid account.
	Credit(ctx context.Context, token common.Address, account string, amount int64) (int64, error)
	// Balance is an account's balance for a model.
	Balance(ctx context.Context, token common.Address, account string) (int64, error)
}
