// Package batcher settles a model's receipts on-chain, exactly once: it seals
// batches of the receipt log, commits each batch's Merkle root with the sum
// of its fees to the UsageSettlement contract, waits for the transaction to
// reach a configured depth, archives the batch and trims the log.
//
// One loop runs per model (token). Each step acquires or renews the model's
// lease in Redis; only the lease holder works, and every state write carries
// the lease's fencing token, so a batcher that lost its lease cannot write.
// A batch moves sealed → sent → settled (settlement.Batch), and each move is
// persisted before the action that depends on it: a batch is sealed (range,
// root, fee sum) before any transaction; its transaction is signed and
// recorded (hash, nonce, raw bytes) before it is broadcast. So a crash at any
// point leaves a record the next step can resume from, and each step checks
// the contract first: the chain is the source of truth for what has settled,
// and the contract refuses a batch id or seq range twice, so nothing is paid
// twice.
//
// Failures are retried with exponential backoff: RPC errors, a dropped
// transaction (broadcast again), a stuck one (replaced with fees raised by
// 12.5%, same nonce), a reorg (the receipt vanishes: the same transaction is
// broadcast again, or a new one signed if its nonce was used), a settler
// balance too low (reported through Hooks.LowBalance). A receipt missing from
// the log is never skipped: the loop stops with ErrGap.
//
// Throughput: one batch per model is in flight at a time, so a model settles
// at most MaxBatch receipts per confirmation time.
package batcher

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/onchain"
)

// Batcher settles the receipts of one operator for a set of models.
type Batcher struct {
	cfg      Config
	store    Store
	chain    Chain
	operator common.Address
	reader   *onchain.Reader
	signer   types.Signer
	log      *slog.Logger
	metrics  *metrics
	models   []*model

	// txMu serializes nonce assignment across the operator's models in
	// this process.
	txMu sync.Mutex

	chainMu      sync.Mutex
	chainChecked bool
}

// New returns a batcher for cfg. It validates the config and touches
// neither Redis nor the chain.
func New(cfg Config) (*Batcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if cfg.InstanceID == "" {
		var r [8]byte
		if _, err := rand.Read(r[:]); err != nil {
			return nil, fmt.Errorf("instance id: %w", err)
		}
		cfg.InstanceID = "batcher-" + hex.EncodeToString(r[:])
	}
	if cfg.LeaseTTL < 3*cfg.PollInterval {
		return nil, fmt.Errorf("%w: lease TTL %s must be at least three poll intervals (%s)", ErrInvalidConfig, cfg.LeaseTTL, cfg.PollInterval)
	}
	b := &Batcher{
		cfg:      cfg,
		store:    cfg.Store,
		chain:    cfg.Chain,
		operator: crypto.PubkeyToAddress(cfg.Key.PublicKey),
		reader:   onchain.NewReader(cfg.Chain, cfg.Settlement, crypto.PubkeyToAddress(cfg.Key.PublicKey)),
		signer:   types.LatestSignerForChainID(cfg.ChainID),
		log:      cfg.Logger.With("operator", crypto.PubkeyToAddress(cfg.Key.PublicKey).Hex(), "instance", cfg.InstanceID),
	}
	var err error
	if b.metrics, err = newMetrics(cfg.Registerer); err != nil {
		return nil, fmt.Errorf("batcher metrics: %w", err)
	}
	for _, t := range cfg.Tokens {
		b.models = append(b.models, &model{b: b, token: t, log: b.log.With("token", t.Hex()), spans: newBatchSpans(cfg.TracerProvider)})
	}
	return b, nil
}

// Operator is the settler's address: the operator on-chain.
func (b *Batcher) Operator() common.Address { return b.operator }

// InstanceID is the name this batcher holds leases under.
func (b *Batcher) InstanceID() string { return b.cfg.InstanceID }

// Run runs one loop per model until ctx ends, then gives up its leases and
// returns nil. Failed steps are logged and retried with backoff; Run itself
// never fails once started.
func (b *Batcher) Run(ctx context.Context) error {
	b.log.Info("settlement batcher started", "models", len(b.models), "max_batch", b.cfg.MaxBatch,
		"max_age", b.cfg.MaxAge, "confirmations", b.cfg.Confirmations)
	var wg sync.WaitGroup
	for _, m := range b.models {
		wg.Go(func() { m.loop(ctx) })
	}
	wg.Wait()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, m := range b.models {
		m.endSpans()
		if err := b.store.ReleaseLease(rctx, m.token, b.cfg.InstanceID); err != nil {
			m.log.Warn("release lease", "err", err)
		}
	}
	b.log.Info("settlement batcher stopped")
	return nil
}

// RunOnce runs one step of every model's loop, in order, and returns the
// failures joined. It is what Run repeats; tests drive the batcher with it.
// It must not be called while Run is running.
func (b *Batcher) RunOnce(ctx context.Context) error {
	var errs []error
	for _, m := range b.models {
		if err := m.tick(ctx); err != nil {
			errs = append(errs, fmt.Errorf("token %s: %w", m.token.Hex(), err))
		}
	}
	return errors.Join(errs...)
}

func (b *Batcher) checkChain(ctx context.Context) error {
	b.chainMu.Lock()
	defer b.chainMu.Unlock()
	if b.chainChecked {
		return nil
	}
	id, err := b.chain.ChainID(ctx)
	if err != nil {
		return fmt.Errorf("read chain id: %w", err)
	}
	if id.Cmp(b.cfg.ChainID) != 0 {
		return fmt.Errorf("%w: the node serves chain %s, configured %s", ErrWrongChain, id, b.cfg.ChainID)
	}
	b.chainChecked = true
	return nil
}

// model is one token's loop state; it is used by one goroutine at a time.
type model struct {
	b      *Batcher
	token  common.Address
	log    *slog.Logger
	leader bool
	fence  int64

	snapshot snapshotState
	spans    batchSpans

	haltMu sync.Mutex
	halt   error // the fault settlement is halted on, or nil
	// undeliverable is why the token cannot take its revenue, or nil.
	undeliverable *onchain.Undeliverable
	// stalls are what stops settlement that needs an operator, by reason
	// (stalls.go), each with what to do.
	stalls map[string]string
	// archiveFailures counts archive attempts failed in a row.
	archiveFailures int
}

// checkDelivery asks the chain whether the token can take a settlement's
// payment now. If not, nothing is sealed (the receipts wait: a batch whose
// settle reverts would only burn gas), the gateways are told to refuse the
// model's paid calls, and the fix is logged once, until the token can.
func (m *model) checkDelivery(ctx context.Context) (bool, error) {
	err := m.b.reader.CheckDelivery(ctx, m.token)
	var u *onchain.Undeliverable
	if err != nil && !errors.As(err, &u) {
		return false, err
	}
	m.haltMu.Lock()
	was := m.undeliverable
	m.undeliverable = u
	m.haltMu.Unlock()
	cause := ""
	if u != nil {
		cause = u.Cause
	}
	if (was == nil) != (u == nil) || (was != nil && u != nil && was.Cause != u.Cause) {
		if u != nil {
			m.log.Error("TOKEN CANNOT TAKE ITS REVENUE: nothing is sealed for it and gateways refuse its paid calls until it can; fix the token contract (its receive() must accept ETH from the settlement contract) or the model's token address",
				"cause", u.Cause)
		} else {
			m.log.Info("the token takes its revenue again; settling resumes")
		}
	}
	m.b.metrics.setUndeliverable(m.token, u != nil)
	if err := m.b.store.SetDeliveryProblem(ctx, m.token, cause); err != nil {
		return false, err
	}
	return u == nil, nil
}

func (m *model) setHalt(err error) {
	m.haltMu.Lock()
	defer m.haltMu.Unlock()
	if err == nil || Halting(err) {
		m.halt = err
	}
}

// Halting reports whether err is a fault the batcher must not work around:
// a receipt missing from the log, or a log that disagrees with a sealed or
// settled root (two different receipts with one seq).
func Halting(err error) bool {
	return errors.Is(err, ErrGap) || errors.Is(err, ErrRootMismatch)
}

// Halted lists the models whose settlement is halted, with the fault, for
// a readiness check.
func (b *Batcher) Halted() map[common.Address]error {
	out := map[common.Address]error{}
	for _, m := range b.models {
		m.haltMu.Lock()
		if m.halt != nil {
			out[m.token] = m.halt
		}
		m.haltMu.Unlock()
	}
	return out
}

// maxStepsPerTick bounds the state moves one tick makes (seal, send, …).
const maxStepsPerTick = 8

func (m *model) loop(ctx context.Context) {
	failures := 0
	for {
		err := m.tick(ctx)
		if ctx.Err() != nil {
			return
		}
		delay := m.b.cfg.PollInterval
		if err != nil {
			failures++
			delay = backoff(m.b.cfg.MinBackoff, m.b.cfg.MaxBackoff, failures)
			level := slog.LevelWarn
			if failures >= 5 {
				level = slog.LevelError
			}
			m.log.Log(ctx, level, "settlement step failed; retrying", "err", err, "attempt", failures, "retry_in", delay)
			m.b.metrics.onStepFailed(m.token)
			if halt := Halting(err); halt {
				m.log.Error("SETTLEMENT HALTED for this model: the receipt log disagrees with what was sealed or settled (a receipt missing, or two receipts with one seq); it is retried but will not work around it — restore the store or repair the log",
					"err", err)
			}
			m.b.metrics.setHalted(m.token, Halting(err))
			m.setHalt(err)
			if h := m.b.cfg.Hooks.StepFailed; h != nil {
				h(m.token, err)
			}
		} else {
			failures = 0
			m.b.metrics.setHalted(m.token, false)
			m.setHalt(nil)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// backoff is min·2^(n-1), at most max.
func backoff(minD, maxD time.Duration, n int) time.Duration {
	d := minD
	for i := 1; i < n && d < maxD; i++ {
		d *= 2
	}
	return min(d, maxD)
}

// tick takes or renews the lease and, as leader, moves the model's batches
// as far as they go now, then archives and keeps snapshots.
func (m *model) tick(ctx context.Context) error {
	fence, err := m.b.store.AcquireLease(ctx, m.token, m.b.cfg.InstanceID, m.b.cfg.LeaseTTL)
	if errors.Is(err, settlement.ErrLeaseHeld) {
		if m.leader {
			m.log.Warn("lost the batcher lease to another instance")
			m.endSpans() // the other instance goes on with the batches
		}
		m.leader = false
		return nil
	}
	if err != nil {
		return err
	}
	if !m.leader || fence != m.fence {
		m.log.Info("holding the batcher lease", "fence", fence)
	}
	m.leader, m.fence = true, fence
	if err := m.b.checkChain(ctx); err != nil {
		return err
	}
	err = m.advance(ctx)
	if err == nil && m.b.cfg.Archive != nil {
		err = m.archive(ctx)
	}
	if err == nil && m.b.cfg.Snapshots {
		err = m.keepSnapshots(ctx)
	}
	if errors.Is(err, settlement.ErrFenced) {
		m.log.Warn("another batcher took over the lease; stopping writes", "err", err)
		m.leader = false
		m.endSpans()
		return nil
	}
	return err
}

// advance runs state moves until none applies.
func (m *model) advance(ctx context.Context) error {
	for range maxStepsPerTick {
		moved, err := m.step(ctx)
		if err != nil || !moved {
			return err
		}
	}
	return nil
}

// step makes one state move of the newest batch, or seals the next one, and
// reports whether it moved anything.
func (m *model) step(ctx context.Context) (bool, error) {
	last, err := m.b.store.LastBatch(ctx, m.token)
	var prev *settlement.Batch
	switch {
	case errors.Is(err, settlement.ErrBatchNotFound):
	case err != nil:
		return false, err
	default:
		prev = &last
	}
	if prev != nil {
		switch prev.State {
		case settlement.StateSealed:
			return m.send(ctx, prev)
		case settlement.StateSent:
			return m.confirm(ctx, prev)
		}
	}
	return m.sealNext(ctx, prev)
}

func (m *model) save(ctx context.Context, b *settlement.Batch) error {
	return m.b.store.SaveBatch(ctx, m.fence, *b)
}

func (m *model) now() time.Time { return m.b.cfg.Now() }

// stage reports that batch b has completed a durable step (Hooks.Stage).
func (m *model) stage(name string, b *settlement.Batch) {
	m.traceStage(name, b)
	if h := m.b.cfg.Hooks.Stage; h != nil {
		h(m.token, name, *b)
	}
}

func weiString(v *big.Int) string { return v.String() }

// NotReady lists, for a readiness check, the models whose settlement is
// halted, or whose token cannot take its revenue, and why.
func (b *Batcher) NotReady() []string {
	var out []string
	for t, err := range b.Halted() {
		out = append(out, fmt.Sprintf("settlement of %s halted: %v", t.Hex(), err))
	}
	for _, m := range b.models {
		m.haltMu.Lock()
		if m.undeliverable != nil {
			out = append(out, m.undeliverable.Error())
		}
		m.haltMu.Unlock()
		out = append(out, m.stallReasons()...)
	}
	return out
}
