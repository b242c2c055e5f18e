package batcher

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/ledger"
)

// Store is what the batcher needs from imogate's state: the receipt log it
// settles, the batch records it keeps, and the lease that makes it the one
// active batcher of a model. redisstore.Store implements it. Every write
// takes the fencing token of the caller's lease and fails with
// settlement.ErrFenced once another batcher has taken the lease.
type Store interface {
	ReceiptLog
	BatchStore
	Leases
	// Prices is a model's published price schedule, archived with each
	// batch so its fees can be recomputed.
	Prices(ctx context.Context, token common.Address) (metering.PriceSchedule, error)
}

// ReceiptLog reads a model's receipt log.
type ReceiptLog interface {
	// Receipts loads the logged receipts first..last, in seq order, with
	// their signatures where stored; missing entries are simply absent.
	ledger.Log
	// LastSeq is the model's last assigned receipt seq (0 if none).
	LastSeq(ctx context.Context, token common.Address) (uint64, error)
	// TrimReceipts deletes log entries up to last and signatures first..last.
	TrimReceipts(ctx context.Context, token common.Address, fence int64, first, last uint64) (int64, error)
	// WantSignatures asks the gateways (which hold the signer key) to store
	// the signatures of these receipts again.
	WantSignatures(ctx context.Context, token common.Address, seqs []uint64) error
	// RaiseSeqFloor raises the seq below which no commit may issue a seq
	// (never lowers it).
	RaiseSeqFloor(ctx context.Context, token common.Address, floor uint64) (uint64, error)
	// SetDeliveryProblem records (cause != "") or clears why the model's
	// token cannot take its revenue, for the gateways to refuse paid calls.
	SetDeliveryProblem(ctx context.Context, token common.Address, cause string) error
}

// BatchStore keeps batch records and the archive cursor.
type BatchStore interface {
	// LastBatch loads the highest-numbered batch record, or fails with
	// settlement.ErrBatchNotFound.
	LastBatch(ctx context.Context, token common.Address) (settlement.Batch, error)
	// Batch loads one batch record, or fails with settlement.ErrBatchNotFound.
	Batch(ctx context.Context, token common.Address, id uint64) (settlement.Batch, error)
	// SaveBatch writes a whole batch record.
	SaveBatch(ctx context.Context, fence int64, b settlement.Batch) error
	// ArchiveCursor is the next batch id to archive.
	ArchiveCursor(ctx context.Context, token common.Address) (uint64, error)
	// SetArchiveCursor moves the archive cursor.
	SetArchiveCursor(ctx context.Context, token common.Address, fence int64, next uint64) error
}

// Leases elect one active batcher per model.
type Leases interface {
	// AcquireLease takes or renews the model's lease and returns its fencing
	// token, or fails with settlement.ErrLeaseHeld.
	AcquireLease(ctx context.Context, token common.Address, owner string, ttl time.Duration) (int64, error)
	// ReleaseLease gives up the lease if owner holds it.
	ReleaseLease(ctx context.Context, token common.Address, owner string) error
}
