package batcher_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/onchain"
)

func TestSealsByCountAndAgeAndSettlesExactlyOnce(t *testing.T) {
	e := newEnv(t)
	b := e.newBatcher()
	ctx := t.Context()

	// Nothing to do without receipts.
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.LastBatch(ctx, e.token); !errors.Is(err, settlement.ErrBatchNotFound) {
		t.Fatalf("a batch without receipts: %v", err)
	}

	// Fewer than N young receipts wait.
	e.issue(3)
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.LastBatch(ctx, e.token); !errors.Is(err, settlement.ErrBatchNotFound) {
		t.Fatalf("sealed 3 young receipts with N=4: %v", err)
	}

	// N receipts seal at once (capped at N), and the batch is sent.
	e.issue(6)
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	b0 := e.lastBatch()
	if b0.ID != 0 || b0.FirstSeq != 1 || b0.LastSeq != 4 || b0.State != settlement.StateSent || len(b0.TxHashes) != 1 {
		t.Fatalf("first batch = %+v", b0)
	}
	want := new(big.Int)
	for _, f := range e.fees[:4] {
		want.Add(want, f)
	}
	if b0.Fee.Cmp(want) != 0 {
		t.Fatalf("batch fee %s, want %s", b0.Fee, want)
	}

	// One block: mined but not at depth 2.
	e.backend.Commit()
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.lastBatch(); got.State != settlement.StateSent {
		t.Fatalf("batch settled at depth 1 with 2 confirmations: %+v", got)
	}
	e.backend.Commit()
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// Batch 0 settled; batch 1 (5..8) sealed and sent in the same step;
	// seq 9 is young and waits.
	if got, _ := e.store.Batch(ctx, e.token, 0); got.State != settlement.StateSettled {
		t.Fatalf("batch 0 = %+v", got)
	}
	if got := e.lastBatch(); got.ID != 1 || got.FirstSeq != 5 || got.LastSeq != 8 {
		t.Fatalf("second batch = %+v", got)
	}
	e.settleAll(b)
	if got := e.lastBatch(); got.ID != 2 || got.FirstSeq != 9 || got.LastSeq != 9 {
		t.Fatalf("last batch = %+v", got)
	}
	e.checkInvariant()

	// More steps change nothing.
	for range 3 {
		e.backend.Commit()
		if err := b.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.checkInvariant()
}

// TestRestart crashes the batcher at each point of a batch's life, starts a
// new one on the same Redis and chain, and checks that everything settles
// exactly once.
func TestRestart(t *testing.T) {
	tests := []struct {
		name string
		// crash runs the first batcher until it "crashes"; it may use the
		// wrappers to fail at the chosen point.
		crash func(t *testing.T, e *env)
		check func(t *testing.T, e *env)
	}{
		{
			name: "after seal, before signing",
			crash: func(t *testing.T, e *env) {
				hs := &hookStore{Store: e.store, beforeSave: func(b settlement.Batch) error {
					if b.State == settlement.StateSent {
						return errors.New("crash")
					}
					return nil
				}}
				if err := e.newBatcher(func(c *batcher.Config) { c.Store = hs }).RunOnce(t.Context()); err == nil {
					t.Fatal("no error from the crashed step")
				}
				if got := e.lastBatch(); got.State != settlement.StateSealed || len(got.TxHashes) != 0 {
					t.Fatalf("after the crash: %+v", got)
				}
			},
		},
		{
			name: "after signing, before broadcast",
			crash: func(t *testing.T, e *env) {
				fc := &faultyChain{Chain: e.client, failSends: 1}
				if err := e.newBatcher(func(c *batcher.Config) { c.Chain = fc }).RunOnce(t.Context()); err == nil {
					t.Fatal("no error from the crashed step")
				}
				got := e.lastBatch()
				if got.State != settlement.StateSent || len(got.TxHashes) != 1 || len(got.RawTx) == 0 {
					t.Fatalf("after the crash: %+v", got)
				}
				if _, _, err := e.client.TransactionByHash(t.Context(), got.TxHashes[0]); !errors.Is(err, ethereum.NotFound) {
					t.Fatalf("the transaction reached the node: %v", err)
				}
			},
			check: func(t *testing.T, e *env) {
				// The recorded transaction itself was broadcast: no second one.
				b0, err := e.store.Batch(t.Context(), e.token, 0)
				if err != nil || len(b0.TxHashes) != 1 || b0.TxHash != b0.TxHashes[0] {
					t.Fatalf("batch 0 = %+v, %v", b0, err)
				}
			},
		},
		{
			name: "after broadcast, before confirmation",
			crash: func(t *testing.T, e *env) {
				if err := e.newBatcher().RunOnce(t.Context()); err != nil {
					t.Fatal(err)
				}
				e.backend.Commit()
				e.backend.Commit()
			},
		},
		{
			name: "after confirmation, before marking settled",
			crash: func(t *testing.T, e *env) {
				hs := &hookStore{Store: e.store, beforeSave: func(b settlement.Batch) error {
					if b.State == settlement.StateSettled {
						return errors.New("crash")
					}
					return nil
				}}
				b := e.newBatcher(func(c *batcher.Config) { c.Store = hs })
				if err := b.RunOnce(t.Context()); err != nil {
					t.Fatal(err)
				}
				e.backend.Commit()
				e.backend.Commit()
				if err := b.RunOnce(t.Context()); err == nil {
					t.Fatal("no error from the crashed step")
				}
				if got := e.lastBatch(); got.State != settlement.StateSent {
					t.Fatalf("after the crash: %+v", got)
				}
				if id, _ := e.channel(); id != 1 {
					t.Fatalf("chain next batch %d, want 1", id)
				}
			},
		},
		{
			name: "batch records lost after settling",
			crash: func(t *testing.T, e *env) {
				b := e.newBatcher()
				for range 3 {
					if err := b.RunOnce(t.Context()); err != nil {
						t.Fatal(err)
					}
					e.backend.Commit()
				}
				if got, err := e.store.Batch(t.Context(), e.token, 0); err != nil || got.State != settlement.StateSettled {
					t.Fatalf("batch 0 = %+v, %v", got, err)
				}
				p := redisstore.Prefix(e.token)
				if err := e.rdb.Del(t.Context(), p+"batch:0", p+"batch:1", p+"batches").Err(); err != nil {
					t.Fatal(err)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.issue(6)
			tc.crash(t, e)
			e.settleAll(e.newBatcher(func(c *batcher.Config) { c.InstanceID = "batcher-a" }))
			e.checkInvariant()
			if got := len(e.settledEvents()); got != 2 {
				t.Fatalf("%d batches settled, want 2", got)
			}
			if tc.check != nil {
				tc.check(t, e)
			}
		})
	}
}

func TestCompetingBatchers(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(6)
	a := e.newBatcher(func(c *batcher.Config) { c.InstanceID = "batcher-a" })
	var bStore *hookStore
	bStore = &hookStore{Store: e.store}
	b := e.newBatcher(func(c *batcher.Config) { c.InstanceID = "batcher-b"; c.Store = bStore })

	// A leads: it seals and sends batch 0; B, finding the lease held, does nothing.
	if err := a.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	sent := e.lastBatch()
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.lastBatch(); got.State != sent.State || got.SentAt != sent.SentAt || len(bStore.saveErrs) != 0 {
		t.Fatalf("the follower wrote: %+v", got)
	}
	e.backend.Commit()
	e.backend.Commit()

	// A stalls just before writing "settled"; meanwhile its lease expires and
	// B takes over, settles batch 0 and moves on. A's late write is refused.
	aStore := &hookStore{Store: e.store}
	a = e.newBatcher(func(c *batcher.Config) { c.InstanceID = "batcher-a"; c.Store = aStore })
	tookOver := false
	aStore.beforeSave = func(bt settlement.Batch) error {
		if tookOver {
			return nil
		}
		tookOver = true
		if err := e.rdb.Del(ctx, redisstore.Prefix(e.token)+"batcher:lease").Err(); err != nil {
			t.Fatal(err)
		}
		if err := b.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		return nil
	}
	if err := a.RunOnce(ctx); err != nil {
		t.Fatalf("a fenced batcher's step should end quietly: %v", err)
	}
	if len(aStore.saveErrs) != 1 || !errors.Is(aStore.saveErrs[0], settlement.ErrFenced) {
		t.Fatalf("stale leader's write: %v, want ErrFenced", aStore.saveErrs)
	}
	if got, _ := e.store.Batch(ctx, e.token, 0); got.State != settlement.StateSettled {
		t.Fatalf("batch 0 = %+v", got)
	}
	// A is now a follower: its steps write nothing while B finishes.
	before := len(aStore.saveErrs)
	e.clk.advance(2 * time.Minute)
	for range 10 {
		if err := a.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if err := b.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		e.backend.Commit()
	}
	if len(aStore.saveErrs) != before {
		t.Fatalf("follower attempted writes: %v", aStore.saveErrs[before:])
	}
	e.checkInvariant()
}

func TestRPCErrorBurst(t *testing.T) {
	e := newEnv(t)
	e.issue(9)
	e.clk.advance(2 * time.Minute)
	fc := &faultyChain{Chain: e.client, failCalls: 40}
	var failures int
	b := e.newBatcher(func(c *batcher.Config) {
		c.Chain = fc
		c.Hooks.StepFailed = func(_ common.Address, err error) {
			if !errors.Is(err, errInjected) {
				t.Errorf("unexpected step failure: %v", err)
			}
			failures++
		}
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for !e.allSettled() {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("not settled within 30s")
		}
		time.Sleep(5 * time.Millisecond)
		e.backend.Commit()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if failures == 0 || fc.failed != 40 {
		t.Fatalf("%d step failures, %d injected errors", failures, fc.failed)
	}
	// Run gave up its lease on the way out.
	if n, _ := e.rdb.Exists(t.Context(), redisstore.Prefix(e.token)+"batcher:lease").Result(); n != 0 {
		t.Fatal("lease still held after Run returned")
	}
	e.checkInvariant()
}

// TestTwoModelsShareTheSettler runs one loop per model concurrently with the
// same settler key: their transactions must not collide on nonces.
func TestTwoModelsShareTheSettler(t *testing.T) {
	e := newEnv(t)
	e2 := e.forToken()
	e.issue(9)
	e2.issue(7)
	e.clk.advance(2 * time.Minute)
	b := e.newBatcher(func(c *batcher.Config) { c.Tokens = []common.Address{e.token, e2.token} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for !e.allSettled() || !e2.allSettled() {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("not settled within 30s")
		}
		time.Sleep(5 * time.Millisecond)
		e.backend.Commit()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	e.checkInvariant()
	e2.checkInvariant()
}

func TestStuckTransactionIsReplacedWithHigherFees(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(4)
	b := e.newBatcher()
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	first := e.lastBatch()
	// Not mined; before StuckAfter nothing happens.
	e.clk.advance(30 * time.Second)
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.lastBatch(); len(got.TxHashes) != 1 {
		t.Fatalf("replaced before the timeout: %+v", got)
	}
	e.clk.advance(31 * time.Second)
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	bumped := e.lastBatch()
	if len(bumped.TxHashes) != 2 || bumped.Nonce != first.Nonce {
		t.Fatalf("after the timeout: %+v", bumped)
	}
	oldTx, _, err := e.client.TransactionByHash(ctx, bumped.TxHashes[0])
	if err == nil {
		t.Logf("old transaction still known to the node: %s", oldTx.Hash())
	}
	newTx, _, err := e.client.TransactionByHash(ctx, bumped.TxHashes[1])
	if err != nil {
		t.Fatalf("replacement not in the pool: %v", err)
	}
	var old = decodeTx(t, first.RawTx)
	if newTx.Nonce() != old.Nonce() ||
		new(big.Int).Mul(newTx.GasTipCap(), big.NewInt(1000)).Cmp(new(big.Int).Mul(old.GasTipCap(), big.NewInt(1125))) < 0 ||
		new(big.Int).Mul(newTx.GasFeeCap(), big.NewInt(1000)).Cmp(new(big.Int).Mul(old.GasFeeCap(), big.NewInt(1125))) < 0 {
		t.Fatalf("replacement tip %s cap %s, original tip %s cap %s: want +12.5%% each, same nonce",
			newTx.GasTipCap(), newTx.GasFeeCap(), old.GasTipCap(), old.GasFeeCap())
	}
	// The replacement is mined and confirmed; no further bump.
	for range 3 {
		e.backend.Commit()
		if err := b.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.checkInvariant()
	if got, _ := e.store.Batch(ctx, e.token, 0); got.TxHash != bumped.TxHashes[1] || len(got.TxHashes) != 2 {
		t.Fatalf("settled by %s, want the replacement %s", got.TxHash, bumped.TxHashes[1])
	}
}

func TestFeeBumpRespectsTheCap(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(4)
	head, err := e.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tip, _ := e.client.SuggestGasTipCap(ctx)
	// The cap allows the first transaction but no 12.5% bump.
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	b := e.newBatcher(func(c *batcher.Config) { c.MaxFeeCap = feeCap })
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e.clk.advance(2 * time.Minute)
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.lastBatch(); len(got.TxHashes) != 1 {
		t.Fatalf("bumped beyond the fee cap: %+v", got)
	}
	if nr := b.NotReady(); len(nr) != 1 || !strings.Contains(nr[0], batcher.StallFeeCap) || !strings.Contains(nr[0], "max_fee_cap_wei") {
		t.Fatalf("not ready with a stuck transaction under the cap: %v", nr)
	}
	e.settleAll(b)
	e.checkInvariant()
	if nr := b.NotReady(); len(nr) != 0 {
		t.Fatalf("still not ready once settled: %v", nr)
	}
}

// TestGasCapStall: a batch that needs more gas than the cap stalls, with a
// readiness reason naming the setting; raising the cap settles it.
func TestGasCapStall(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(4)
	e.clk.advance(2 * time.Minute)
	b := e.newBatcher(func(c *batcher.Config) { c.GasLimitCap = 30_000 })
	if err := b.RunOnce(ctx); err == nil || !strings.Contains(err.Error(), "above the cap") {
		t.Fatalf("step under a gas cap too low: %v", err)
	}
	if nr := b.NotReady(); len(nr) != 1 || !strings.Contains(nr[0], batcher.StallGasCap) || !strings.Contains(nr[0], "gas_limit_cap") {
		t.Fatalf("not ready under a gas cap too low: %v", nr)
	}
	if id, _ := e.channel(); id != 0 {
		t.Fatal("settled under a gas cap too low")
	}
	e.settleAll(e.newBatcher())
	e.checkInvariant()
}

func TestDroppedTransactionIsResent(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(5)
	// The node drops the transaction, and again when the same step
	// notices and broadcasts it again.
	fc := &faultyChain{Chain: e.client, dropSends: 2}
	b := e.newBatcher(func(c *batcher.Config) { c.Chain = fc })
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	sent := e.lastBatch()
	e.backend.Commit()
	if _, err := e.client.TransactionReceipt(ctx, sent.TxHashes[0]); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("dropped transaction was mined: %v", err)
	}
	e.settleAll(b)
	e.checkInvariant()
	if got, _ := e.store.Batch(ctx, e.token, 0); got.TxHash != sent.TxHashes[0] {
		t.Fatalf("settled by %s, want the resent %s", got.TxHash, sent.TxHashes[0])
	}
}

func TestReorgRemovesSettleBlock(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(4)
	b := e.newBatcher(func(c *batcher.Config) { c.Confirmations = 3 })
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	sent := e.lastBatch()
	parent, err := e.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.backend.Commit()
	e.backend.Commit()
	if err := b.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if id, _ := e.channel(); id != 1 || e.lastBatch().State != settlement.StateSent {
		t.Fatalf("before the reorg: chain next batch %d, record %+v", id, e.lastBatch())
	}
	// The block holding the settle transaction is reorged out and the
	// transaction vanishes from the pool too.
	if err := e.backend.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	e.backend.Rollback()
	e.backend.Commit()
	if id, _ := e.channel(); id != 0 {
		t.Fatalf("after the reorg the chain still has batch 0 (next %d)", id)
	}
	if _, err := e.client.TransactionReceipt(ctx, sent.TxHashes[0]); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("receipt after the reorg: %v", err)
	}
	e.settleAll(b)
	e.checkInvariant()
}

func TestLowBalanceWaitsForFunds(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(4)
	// Drain the settler: it keeps far less than the batch's fees.
	bal, err := e.client.BalanceAt(ctx, e.operator, nil)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := e.client.HeaderByNumber(ctx, nil)
	tip, _ := e.client.SuggestGasTipCap(ctx)
	gasCost := new(big.Int).Mul(big.NewInt(21000), new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip))
	e.sendETH(e.opKey, chaintest.Address(funderKey), new(big.Int).Sub(new(big.Int).Sub(bal, gasCost), big.NewInt(1_000_000)))

	var lows int
	var lastNeed *big.Int
	b := e.newBatcher(func(c *batcher.Config) {
		c.Hooks.LowBalance = func(token common.Address, have, need *big.Int) {
			if token != e.token || have.Cmp(need) >= 0 {
				t.Errorf("low balance hook: token %s have %s need %s", token, have, need)
			}
			lows++
			lastNeed = need
		}
	})
	e.clk.advance(2 * time.Minute)
	for range 3 {
		if err := b.RunOnce(ctx); !errors.Is(err, batcher.ErrInsufficientFunds) {
			t.Fatalf("step with an empty settler: %v", err)
		}
		e.backend.Commit()
	}
	if lows != 3 || lastNeed.Cmp(e.totalFees()) < 0 {
		t.Fatalf("low balance reported %d times, need %v", lows, lastNeed)
	}
	if got := e.lastBatch(); got.State != settlement.StateSealed {
		t.Fatalf("batch without funds: %+v", got)
	}
	// A stall only the operator can fix: a readiness reason saying what to
	// do, and the stalled gauge.
	if nr := b.NotReady(); len(nr) != 1 || !strings.Contains(nr[0], batcher.StallBalance) || !strings.Contains(nr[0], "send ETH to the settler") {
		t.Fatalf("not ready with an empty settler: %v", nr)
	}
	e.sendETH(funderKey, e.operator, chaintest.Ether)
	e.settleAll(b)
	e.checkInvariant()
	if nr := b.NotReady(); len(nr) != 0 {
		t.Fatalf("still not ready once funded and settled: %v", nr)
	}
}

func TestGapInTheLogStopsSealing(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.issue(4)
	if err := e.rdb.XDel(ctx, redisstore.Prefix(e.token)+"log", "0-3").Err(); err != nil {
		t.Fatal(err)
	}
	b := e.newBatcher()
	err := b.RunOnce(ctx)
	if !errors.Is(err, batcher.ErrGap) || !strings.Contains(err.Error(), "seq 3") {
		t.Fatalf("step over a gap: %v, want ErrGap at seq 3", err)
	}
	if _, err := e.store.LastBatch(ctx, e.token); !errors.Is(err, settlement.ErrBatchNotFound) {
		t.Fatalf("a batch was sealed over a gap: %v", err)
	}
	if id, _ := e.channel(); id != 0 {
		t.Fatal("something settled over a gap")
	}
}

func TestWrongChainIsRefused(t *testing.T) {
	e := newEnv(t)
	b := e.newBatcher(func(c *batcher.Config) { c.ChainID = big.NewInt(1) })
	if err := b.RunOnce(t.Context()); !errors.Is(err, batcher.ErrWrongChain) {
		t.Fatalf("step on the wrong chain: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	e := newEnv(t)
	key, _ := crypto.GenerateKey()
	tests := []struct {
		name string
		mod  func(*batcher.Config)
		want []string
	}{
		{"valid", func(*batcher.Config) {}, nil},
		{"all missing", func(c *batcher.Config) { *c = batcher.Config{} },
			[]string{"store is required", "chain client is required", "settler key is required", "settlement contract address is required", "logger is required", "chain id", "at least one token"}},
		{"bad values", func(c *batcher.Config) {
			c.Key = key
			c.Tokens = []common.Address{e.token, e.token, {}}
			c.MaxBatch, c.Confirmations, c.MaxFeeCap = -1, -2, big.NewInt(0)
			c.MinBackoff, c.MaxBackoff = time.Minute, time.Second
			c.PollInterval, c.LeaseTTL = time.Second, time.Second
		}, []string{"listed twice", "must not be zero", "max batch must not be negative", "confirmations must not be negative",
			"max fee cap must be positive", "min backoff", "lease TTL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.config(tc.mod)
			err := c.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, batcher.ErrInvalidConfig) {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, err := batcher.New(c); err == nil {
				t.Fatal("New accepted an invalid config")
			}
		})
	}
}

// TestSignerRotationMidTraffic: the gateways switch to a new signing key in
// the middle of traffic. The receipts of the registered key are sealed and
// settled up to the switch; the new key's receipts wait (a signer_mismatch
// stall, with the fix) instead of being settled under the old signer and
// never verifying; once the operator registers the new key, they settle,
// and every archived receipt verifies against its batch's recorded signer.
func TestSignerRotationMidTraffic(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	dir := newArchive(t)
	b := e.newBatcher(func(c *batcher.Config) { c.Archive = dir; c.MaxBatch = 10 })
	e.issue(3)
	newKey, _ := crypto.GenerateKey()
	old := e.signer
	e.signer = metering.NewSigner(newKey, old.Domain())
	e.issue(4) // seqs 4..7 under the new key
	e.clk.advance(2 * time.Minute)
	for range 8 {
		b.RunOnce(ctx)
		e.backend.Commit()
	}
	_, nextSeq := e.channel()
	if nextSeq != 4 {
		t.Fatalf("the chain's next seq is %d, want 4: only the registered signer's receipts settle", nextSeq)
	}
	ob, err := onchain.NewReader(e.client, e.settlement, e.operator).Batch(ctx, e.token, 0)
	if err != nil || ob.Signer != old.Address() || ob.LastSeq != 3 {
		t.Fatalf("batch 0 on-chain: %+v, %v", ob, err)
	}
	if nr := b.NotReady(); len(nr) != 1 || !strings.Contains(nr[0], batcher.StallSigner) || !strings.Contains(nr[0], e.signer.Address().Hex()) {
		t.Fatalf("not ready while the new key is unregistered: %v", nr)
	}
	// The operator registers the new key; the rest settles under it.
	opts := chaintest.Transactor(t, e.opKey)
	tx, err := bind.Transact(onchain.SettlementABI.Instance(e.client, e.settlement), opts, onchain.SettlementABI.PackSetSigner(e.signer.Address()))
	if err != nil {
		t.Fatal(err)
	}
	chaintest.Mine(t, e.backend, tx)
	e.settleAll(b)
	if nr := b.NotReady(); len(nr) != 0 {
		t.Fatalf("still not ready after the rotation: %v", nr)
	}
	ob, err = onchain.NewReader(e.client, e.settlement, e.operator).Batch(ctx, e.token, 1)
	if err != nil || ob.Signer != e.signer.Address() || ob.FirstSeq != 4 || ob.LastSeq != 7 {
		t.Fatalf("batch 1 on-chain: %+v, %v", ob, err)
	}
	for range 3 {
		b.RunOnce(ctx)
		e.backend.Commit()
	}
	for id := range uint64(2) {
		ab, err := archive.Read(ctx, dir, e.token, id)
		if err != nil {
			t.Fatalf("batch %d not archived: %v", id, err)
		}
		if err := ab.Check(); err != nil {
			t.Fatalf("archived batch %d: %v", id, err)
		}
	}
}
