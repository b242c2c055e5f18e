package batcher

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
)

// Defaults applied by New to zero-valued Config fields.
const (
	DefaultMaxBatch         = 10_000
	DefaultMaxAge           = time.Minute
	DefaultConfirmations    = 2
	DefaultGasMarginPercent = 25
	DefaultGasLimitCap      = 1_000_000
	DefaultStuckAfter       = 3 * time.Minute
	DefaultPollInterval     = 2 * time.Second
	DefaultMinBackoff       = time.Second
	DefaultMaxBackoff       = time.Minute
	DefaultLeaseTTL         = 30 * time.Second
	// DefaultFinalityDepth is the depth taken as final on a node that
	// reports no finalized block: two Ethereum epochs.
	DefaultFinalityDepth = 64
)

// Config is everything a Batcher needs. Required: Store, Chain, Key,
// ChainID, Settlement, Tokens, Logger. Every other field has a documented
// default for its zero value.
type Config struct {
	// Store holds the receipt log, batch records and the lease.
	Store Store
	// Chain is the node client (*ethclient.Client, simulated.Client).
	Chain Chain
	// Archive, if set, receives each settled batch's tree, signed receipts
	// and settlement facts. Nil: no archive, and receipts are never trimmed.
	Archive archive.Store
	// KeepReceipts keeps archived receipts in the Redis log. Zero value
	// (false): a batch's receipts are trimmed from Redis once it is
	// archived and its settlement is final (FinalityDepth).
	KeepReceipts bool
	// FinalityDepth is when a settled batch counts as final, so its
	// receipts may leave the Redis log: a reorg deeper than Confirmations
	// that undoes a settlement needs them to settle again. Zero: at or
	// below the node's "finalized" block (proof-of-stake finality), or
	// DefaultFinalityDepth blocks deep on a node that reports none.
	// Positive: that many blocks deep, counting the settlement's own block.
	// Archiving does not wait for it.
	FinalityDepth int
	// Snapshots enables the snapshot keeper: the batcher calls each token's
	// snapshot() once its nextSnapshotTime() has passed. Tokens without
	// nextSnapshotTime() are skipped.
	Snapshots bool

	// Key is the settler (operator) key: it signs the settle transactions
	// and its address is the operator on-chain. Never logged.
	Key *ecdsa.PrivateKey
	// ChainID is the chain the batcher must be talking to; checked against
	// the node before the first transaction.
	ChainID *big.Int
	// Settlement is the UsageSettlement contract address.
	Settlement common.Address
	// Tokens are the models (their ERC-7641 token addresses) to settle.
	Tokens []common.Address
	// LogFromBlock is the first block searched for Settled events when a
	// batch must be re-derived from the chain (the contract's deployment
	// block). Zero: from genesis.
	LogFromBlock uint64

	// MaxBatch (N) seals a batch as soon as this many receipts are
	// unsealed, and caps a batch's size. Zero: DefaultMaxBatch.
	MaxBatch int
	// MaxAge (T) seals a smaller batch once its oldest receipt is this old.
	// Zero: DefaultMaxAge.
	MaxAge time.Duration
	// Confirmations (K) is the depth at which a settle transaction counts as
	// final, counting its own block: 1 means "mined", 2 means one block on
	// top. Zero: DefaultConfirmations. Use 1 on dev chains.
	Confirmations int

	// MaxTipCap caps the priority fee per gas (wei). Nil: no cap.
	MaxTipCap *big.Int
	// MaxFeeCap caps the fee per gas (wei). Nil: no cap. A fee bump that
	// would exceed it is not made; the batcher waits instead.
	MaxFeeCap *big.Int
	// GasMarginPercent is added to the gas estimate. Zero:
	// DefaultGasMarginPercent.
	GasMarginPercent int
	// GasLimitCap is the highest gas limit the batcher signs. Zero:
	// DefaultGasLimitCap.
	GasLimitCap uint64
	// StuckAfter is how long a settle transaction may stay unmined before it
	// is replaced with fees raised by 12.5%. Zero: DefaultStuckAfter.
	StuckAfter time.Duration

	// PollInterval is the pause between two steps of a model's loop in Run.
	// Zero: DefaultPollInterval.
	PollInterval time.Duration
	// MinBackoff and MaxBackoff bound the exponential backoff after a failed
	// step. Zero: DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// LeaseTTL is the lease a batcher holds on a model, renewed on every
	// step; it must be longer than a step takes. Zero: DefaultLeaseTTL.
	LeaseTTL time.Duration
	// InstanceID names this batcher in the lease. Zero: random.
	InstanceID string

	// Logger receives progress and failures. Required.
	Logger *slog.Logger
	// Now is the clock. Zero: time.Now.
	Now func() time.Time
	// Registerer receives the batcher's Prometheus metrics (batches and wei
	// settled, step failures, a settler balance too low). Nil: no metrics.
	Registerer prometheus.Registerer
	// Hooks are optional callbacks for tests, tracing and alerts.
	Hooks Hooks
	// TracerProvider, if set, traces batches: a span per batch
	// ("imogate.settle_batch") from its seal until it is archived (settled,
	// without an archive), with its token, id, seqs, fee and root as
	// attributes, its transaction, block and gas once settled, and an event
	// per durable step. Nil: no tracing.
	TracerProvider trace.TracerProvider
}

// Hooks are optional callbacks, called synchronously from the batcher's
// loop; they must not block. Nil fields are skipped.
type Hooks struct {
	// LowBalance: the settler holds have wei but needs need (the batch
	// value plus the most gas it may pay) to settle a batch of token. The
	// batcher keeps the batch and retries.
	LowBalance func(token common.Address, have, need *big.Int)
	// Settled: a batch was marked settled.
	Settled func(b settlement.Batch)
	// StepFailed: a step of token's loop failed and will be retried.
	StepFailed func(token common.Address, err error)
	// Stage: batch b of token has just completed a durable step, named by
	// stage; it is called right after the step's state is persisted and
	// before the next action:
	//   - "sealed": the sealed batch is saved in the store, before any
	//     transaction;
	//   - "signed": its settle transaction is signed and its hash, nonce and
	//     raw bytes saved, before the broadcast;
	//   - "broadcast": SendTransaction returned without error;
	//   - "settled": the batch is marked settled at depth, before archiving;
	//   - "archived": the archive is written and the batch marked archived,
	//     before its receipts are trimmed.
	// It is a metrics and tracing point, and the knob crash tests use to
	// stop the process at an exact point (`imogate settle` with
	// IMOGATE_TEST_PAUSE_AT). In production it must not block: the model's
	// loop waits for it while holding its lease.
	Stage func(token common.Address, stage string, b settlement.Batch)
}

// Stage names passed to Hooks.Stage, in the order a batch goes through them.
const (
	StageSealed    = "sealed"
	StageSigned    = "signed"
	StageBroadcast = "broadcast"
	StageSettled   = "settled"
	StageArchived  = "archived"
)

// ErrInvalidConfig is wrapped by every Validate error.
var ErrInvalidConfig = errors.New("invalid batcher config")

// Validate reports every problem with the config at once.
func (c *Config) Validate() error {
	var errs []error
	req := func(ok bool, what string) {
		if !ok {
			errs = append(errs, errors.New(what+" is required"))
		}
	}
	req(c.Store != nil, "store")
	req(c.Chain != nil, "chain client")
	req(c.Key != nil, "settler key")
	req(c.Settlement != (common.Address{}), "settlement contract address")
	req(c.Logger != nil, "logger")
	if c.FinalityDepth < 0 {
		errs = append(errs, errors.New("finality depth must not be negative"))
	}
	if c.ChainID == nil || c.ChainID.Sign() <= 0 {
		errs = append(errs, errors.New("chain id is required and must be positive"))
	}
	if len(c.Tokens) == 0 {
		errs = append(errs, errors.New("at least one token is required"))
	}
	seen := map[common.Address]bool{}
	for _, t := range c.Tokens {
		if t == (common.Address{}) {
			errs = append(errs, errors.New("token address must not be zero"))
		}
		if seen[t] {
			errs = append(errs, fmt.Errorf("token %s is listed twice", t))
		}
		seen[t] = true
	}
	nonNeg := func(v int64, what string) {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", what))
		}
	}
	nonNeg(int64(c.MaxBatch), "max batch")
	nonNeg(int64(c.MaxAge), "max age")
	nonNeg(int64(c.Confirmations), "confirmations")
	nonNeg(int64(c.GasMarginPercent), "gas margin percent")
	nonNeg(int64(c.StuckAfter), "stuck-after")
	nonNeg(int64(c.PollInterval), "poll interval")
	nonNeg(int64(c.MinBackoff), "min backoff")
	nonNeg(int64(c.MaxBackoff), "max backoff")
	nonNeg(int64(c.LeaseTTL), "lease TTL")
	if c.MaxTipCap != nil && c.MaxTipCap.Sign() <= 0 {
		errs = append(errs, errors.New("max tip cap must be positive"))
	}
	if c.MaxFeeCap != nil && c.MaxFeeCap.Sign() <= 0 {
		errs = append(errs, errors.New("max fee cap must be positive"))
	}
	if c.MinBackoff > 0 && c.MaxBackoff > 0 && c.MinBackoff > c.MaxBackoff {
		errs = append(errs, fmt.Errorf("min backoff %s is above max backoff %s", c.MinBackoff, c.MaxBackoff))
	}
	if c.LeaseTTL > 0 && c.PollInterval > 0 && c.LeaseTTL < 3*c.PollInterval {
		errs = append(errs, fmt.Errorf("lease TTL %s must be at least three poll intervals (%s)", c.LeaseTTL, c.PollInterval))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return nil
}

// withDefaults returns a copy of c with defaults applied.
func (c Config) withDefaults() Config {
	if c.MaxBatch == 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.MaxAge == 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.Confirmations == 0 {
		c.Confirmations = DefaultConfirmations
	}
	if c.GasMarginPercent == 0 {
		c.GasMarginPercent = DefaultGasMarginPercent
	}
	if c.GasLimitCap == 0 {
		c.GasLimitCap = DefaultGasLimitCap
	}
	if c.StuckAfter == 0 {
		c.StuckAfter = DefaultStuckAfter
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	if c.LeaseTTL == 0 {
		c.LeaseTTL = DefaultLeaseTTL
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Tokens = append([]common.Address(nil), c.Tokens...)
	return c
}
