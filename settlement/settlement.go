// Package settlement holds imogate's settlement domain: a batch of receipts
// committed on-chain under a Merkle root with the sum of their fees, the
// states a batch goes through, and the errors shared by the batcher and the
// stores that keep batch records. The batcher lives in settlement/batcher,
// the Merkle trees in settlement/merkle, the archive in settlement/archive
// and the contracts and their bindings in settlement/contracts.
//
// A batch moves sealed → sent → settled: sealed once its range, root and fee
// sum are fixed and persisted (before any transaction), sent once a settle
// transaction is signed and recorded (before it is broadcast), settled once
// the chain holds it at the configured depth. The chain is the source of
// truth: a store record never overrides what the UsageSettlement contract
// says has settled.
package settlement

import (
	"context"
	"errors"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// BatchState is where a batch is in its life.
type BatchState string

// Batch states, in order.
const (
	// StateSealed: range, root and fee sum are fixed; no transaction yet.
	StateSealed BatchState = "sealed"
	// StateSent: a settle transaction is signed and recorded; it may or may
	// not have been broadcast or mined.
	StateSent BatchState = "sent"
	// StateSettled: the chain holds the batch at the configured depth.
	StateSettled BatchState = "settled"
)

// Valid reports whether s is one of the known states.
func (s BatchState) Valid() bool {
	return s == StateSealed || s == StateSent || s == StateSettled
}

// Batch is one settlement batch of an operator for a model (token): receipts
// FirstSeq..LastSeq committed under Root with Fee wei deposited. IDs are 0, 1,
// 2 … per (operator, token) and equal the contract's batch ids.
type Batch struct {
	Token    common.Address
	ID       uint64
	FirstSeq uint64
	LastSeq  uint64
	// Fee is the sum of the receipts' fees in wei: the settle transaction's
	// value. Never nil in a stored batch.
	Fee      *big.Int
	Root     common.Hash
	State    BatchState
	SealedAt time.Time

	// Nonce is the settler account nonce every transaction in TxHashes uses
	// (a fee bump replaces a transaction with the same nonce).
	Nonce uint64
	// TxHashes are the hashes of every settle transaction signed for this
	// batch since it was last (re)sealed, oldest first. Any of them may be
	// the one that is mined.
	TxHashes []common.Hash
	// RawTx is the latest signed transaction (binary encoding), kept so it
	// can be broadcast again after a crash or a drop.
	RawTx []byte
	// SentAt is when RawTx was signed: the start of the stuck-transaction timer.
	SentAt time.Time

	// Settlement facts, set in state settled.
	TxHash      common.Hash
	BlockNumber uint64
	BlockHash   common.Hash
	GasUsed     uint64
	SettledAt   time.Time

	// Archived is set once the batch's files are in the archive; Trimmed
	// once its receipts are deleted from the live log.
	Archived bool
	Trimmed  bool
}

// Count is the number of receipts in the batch.
func (b *Batch) Count() uint64 {
	if b.LastSeq < b.FirstSeq {
		return 0
	}
	return b.LastSeq - b.FirstSeq + 1
}

// Errors shared by the batcher and batch stores.
var (
	// ErrBatchNotFound: no record of that batch.
	ErrBatchNotFound = errors.New("batch not found")
	// ErrFenced: a write carried a fencing token older than the current
	// lease's: another batcher took over, and this one must stop writing.
	ErrFenced = errors.New("stale fencing token: another batcher holds the lease")
	// ErrLeaseHeld: another batcher holds the model's lease.
	ErrLeaseHeld = errors.New("lease held by another batcher")
)

// SearchBatches finds, among batches 0..count-1 whose seq ranges are
// contiguous and increasing (as the contract enforces), the one whose range
// holds seq, by binary search; rangeOf reads a batch's range. found is false
// when no batch holds seq. It returns as soon as it reads the batch that
// holds seq, so the last call of rangeOf was for the id returned.
func SearchBatches(ctx context.Context, count, seq uint64, rangeOf func(ctx context.Context, id uint64) (first, last uint64, err error)) (id uint64, found bool, err error) {
	if count == 0 {
		return 0, false, nil
	}
	lo, hi := uint64(0), count-1
	for lo <= hi {
		mid := lo + (hi-lo)/2
		first, last, err := rangeOf(ctx, mid)
		if err != nil {
			return 0, false, err
		}
		switch {
		case seq < first:
			if mid == 0 {
				return 0, false, nil
			}
			hi = mid - 1
		case seq > last:
			lo = mid + 1
		default:
			return mid, true, nil
		}
	}
	return 0, false, nil
}
