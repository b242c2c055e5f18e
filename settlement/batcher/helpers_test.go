package batcher_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"log/slog"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/deploy"
	"github.com/imogate/imogate/settlement/onchain"
)

var (
	settlementABI = bindings.NewUsageSettlement()
	tokenABI      = bindings.NewRevenueShareToken()
	signerKey     = chaintest.Key("batcher-receipt-signer")
	funderKey     = chaintest.Key("batcher-funder")
)

// clock is a settable test clock.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// env is a simulated chain with a UsageSettlement and a fresh model token
// (a random operator key per test, so the token address and therefore the
// Redis keys are new every test), a real Redis store and a receipt signer.
type env struct {
	t          *testing.T
	backend    *simulated.Backend
	client     simulated.Client
	rdb        redis.UniversalClient
	store      *redisstore.Store
	clk        *clock
	opKey      *ecdsa.PrivateKey
	operator   common.Address
	settlement common.Address
	token      common.Address
	signer     *metering.Signer
	fees       []*big.Int // fees[seq-1]
	receipts   []metering.Receipt
}

type envOptions struct {
	snapshotInterval time.Duration
}

func newEnv(t *testing.T, opts ...func(*envOptions)) *env {
	t.Helper()
	o := envOptions{snapshotInterval: time.Hour}
	for _, f := range opts {
		f(&o)
	}
	opKey, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	backend := chaintest.NewBackend(t, chaintest.Fund(opKey, funderKey))
	e := &env{t: t, backend: backend, client: backend.Client(), opKey: opKey, operator: chaintest.Address(opKey), clk: &clock{}}
	e.clk.ms.Store(time.Now().UnixMilli())
	res, err := deploy.Deploy(t.Context(), e.client, chaintest.Transactor(t, opKey), deploy.Options{
		ChainID: chaintest.ChainID, Signer: chaintest.Address(signerKey),
		Token: &deploy.TokenOptions{Name: "Model", Symbol: "MDL", Supply: new(big.Int).Mul(big.NewInt(1000), chaintest.Ether),
			PercentClaimable: 60, SnapshotInterval: o.snapshotInterval},
		Wait: func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
			chaintest.AwaitPooled(t, e.client, tx)
			backend.Commit()
			return e.client.TransactionReceipt(ctx, tx.Hash())
		},
	})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	e.settlement, e.token = res.Settlement, res.Token
	e.rdb = testredis.Client(t)
	e.store = redisstore.New(e.rdb, e.clk.now)
	e.signer = metering.NewSigner(signerKey, metering.NewDomain(chaintest.ChainID, e.settlement))
	if _, err := e.store.Credit(t.Context(), e.token, "app", 1_000_000_000_000_000_000); err != nil {
		t.Fatal(err)
	}
	return e
}

// forToken deploys another model token on the same chain and settlement
// contract and returns an env for it sharing the chain, store and operator.
func (e *env) forToken() *env {
	e.t.Helper()
	res, err := deploy.Deploy(e.t.Context(), e.client, chaintest.Transactor(e.t, e.opKey), deploy.Options{
		ChainID: chaintest.ChainID, Signer: chaintest.Address(signerKey), Settlement: e.settlement,
		Token: &deploy.TokenOptions{Name: "Model 2", Symbol: "MD2", Supply: big.NewInt(1_000_000),
			PercentClaimable: 50, SnapshotInterval: time.Hour},
		Wait: func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
			chaintest.AwaitPooled(e.t, e.client, tx)
			e.backend.Commit()
			return e.client.TransactionReceipt(ctx, tx.Hash())
		},
	})
	if err != nil {
		e.t.Fatalf("deploy second token: %v", err)
	}
	e2 := &env{t: e.t, backend: e.backend, client: e.client, rdb: e.rdb, store: e.store, clk: e.clk, opKey: e.opKey,
		operator: e.operator, settlement: e.settlement, token: res.Token, signer: e.signer}
	if _, err := e.store.Credit(e.t.Context(), e2.token, "app", 1_000_000_000_000_000_000); err != nil {
		e.t.Fatal(err)
	}
	return e2
}

// issue commits n paid calls through the real store, signs their receipts
// and stores the signatures (unless unsigned).
func (e *env) issue(n int, unsigned ...bool) {
	e.t.Helper()
	ctx := e.t.Context()
	for range n {
		var id common.Hash
		_, _ = rand.Read(id[:])
		fee := int64(1_000_000_000_000 * (1 + len(e.fees)%7)) // 0.000001 ether and up
		rv, _, err := e.store.Reserve(ctx, metering.ReserveRequest{Token: e.token, Account: "app", ReceiptID: id, Amount: fee, TTL: time.Minute})
		if err != nil {
			e.t.Fatal(err)
		}
		r, err := e.store.Commit(ctx, metering.CommitRequest{
			Reservation: *rv, ModelName: "m", Hour: e.clk.now().Unix() / 3600, Signer: e.signer.Address(),
			Receipt: metering.Receipt{Payer: metering.PayerOf("app"), Timestamp: uint64(e.clk.now().UnixMilli()),
				PromptTokens: 10, CompletionTokens: 20, Fee: big.NewInt(fee),
				RequestHash: crypto.Keccak256Hash(id[:], []byte("req")), ResponseHash: crypto.Keccak256Hash(id[:], []byte("resp"))},
		})
		if err != nil {
			e.t.Fatal(err)
		}
		if len(unsigned) == 0 || !unsigned[0] {
			sig, err := e.signer.Sign(&r)
			if err != nil {
				e.t.Fatal(err)
			}
			if err := e.store.SetSignature(ctx, e.token, r.Seq, sig); err != nil {
				e.t.Fatal(err)
			}
		}
		if r.Seq != uint64(len(e.fees)+1) {
			e.t.Fatalf("receipt seq %d, want %d", r.Seq, len(e.fees)+1)
		}
		e.fees = append(e.fees, big.NewInt(fee))
		e.receipts = append(e.receipts, r)
	}
}

func (e *env) totalFees() *big.Int {
	sum := new(big.Int)
	for _, f := range e.fees {
		sum.Add(sum, f)
	}
	return sum
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// config is a batcher config for the env: batches of at most 4, sealed
// after a minute of (test clock) age, 2 confirmations.
func (e *env) config(mods ...func(*batcher.Config)) batcher.Config {
	c := batcher.Config{
		Store: e.store, Chain: e.client, Key: e.opKey, ChainID: chaintest.ChainID, Settlement: e.settlement,
		Tokens: []common.Address{e.token}, Logger: testLogger(e.t), Now: e.clk.now,
		MaxBatch: 4, MaxAge: time.Minute, Confirmations: 2, FinalityDepth: 2, StuckAfter: time.Minute,
		PollInterval: time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		LeaseTTL: 10 * time.Second, InstanceID: "batcher-a",
	}
	for _, m := range mods {
		m(&c)
	}
	return c
}

func (e *env) newBatcher(mods ...func(*batcher.Config)) *batcher.Batcher {
	e.t.Helper()
	b, err := batcher.New(e.config(mods...))
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// settleAll lets every issued receipt age past MaxAge and alternates steps
// and blocks until everything is settled in the store and on-chain.
func (e *env) settleAll(b *batcher.Batcher) {
	e.t.Helper()
	e.clk.advance(2 * time.Minute)
	for range 60 {
		if err := b.RunOnce(e.t.Context()); err != nil {
			e.t.Logf("step: %v", err)
		}
		if e.allSettled() {
			return
		}
		e.backend.Commit()
	}
	e.t.Fatalf("receipts 1..%d not all settled after 60 steps", len(e.fees))
}

func (e *env) allSettled() bool {
	e.t.Helper()
	last, err := e.store.LastBatch(e.t.Context(), e.token)
	if err != nil {
		return len(e.fees) == 0
	}
	_, nextSeq := e.channel()
	return last.State == settlement.StateSettled && last.LastSeq == uint64(len(e.fees)) && nextSeq == uint64(len(e.fees))+1
}

func (e *env) channel() (uint64, uint64) {
	e.t.Helper()
	c := onchain.SettlementABI.Instance(e.client, e.settlement)
	id, err := bind.Call(c, nil, onchain.SettlementABI.PackNextBatchId(e.operator, e.token), onchain.SettlementABI.UnpackNextBatchId)
	if err != nil {
		e.t.Fatal(err)
	}
	seq, err := bind.Call(c, nil, onchain.SettlementABI.PackNextSeq(e.operator, e.token), onchain.SettlementABI.UnpackNextSeq)
	if err != nil {
		e.t.Fatal(err)
	}
	return id, seq
}

// settledEvents returns the canonical chain's Settled events of the
// operator for the token, in batch order.
func (e *env) settledEvents() []*bindings.UsageSettlementSettled {
	e.t.Helper()
	c := onchain.SettlementABI.Instance(e.client, e.settlement)
	it, err := bind.FilterEvents(c, &bind.FilterOpts{Context: e.t.Context()}, onchain.SettlementABI.UnpackSettledEvent,
		[]any{e.operator}, []any{e.token})
	if err != nil {
		e.t.Fatal(err)
	}
	defer it.Close()
	var out []*bindings.UsageSettlementSettled
	for it.Next() {
		out = append(out, it.Value())
	}
	if err := it.Error(); err != nil {
		e.t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b *bindings.UsageSettlementSettled) int { return a.BatchId.Cmp(b.BatchId) })
	return out
}

// checkInvariant checks DESIGN.md invariant 3 for everything issued: every
// receipt seq 1..N is in exactly one settled batch (on-chain batches 0..k-1
// with contiguous ranges from 1, no gap or overlap), each batch deposited
// exactly the sum of its receipts' fees, the token received exactly the sum
// of all fees, and the store's batch records agree with the chain.
func (e *env) checkInvariant() {
	e.t.Helper()
	ctx := e.t.Context()
	evs := e.settledEvents()
	next := uint64(1)
	total := new(big.Int)
	for i, ev := range evs {
		if !ev.BatchId.IsUint64() || ev.BatchId.Uint64() != uint64(i) {
			e.t.Fatalf("event %d is for batch %s", i, ev.BatchId)
		}
		if ev.FirstSeq != next || ev.LastSeq < ev.FirstSeq {
			e.t.Fatalf("batch %d covers %d..%d, want a range starting at %d", i, ev.FirstSeq, ev.LastSeq, next)
		}
		if ev.LastSeq > uint64(len(e.fees)) {
			e.t.Fatalf("batch %d covers %d..%d beyond the %d issued receipts", i, ev.FirstSeq, ev.LastSeq, len(e.fees))
		}
		want := new(big.Int)
		for s := ev.FirstSeq; s <= ev.LastSeq; s++ {
			want.Add(want, e.fees[s-1])
		}
		if ev.Value.Cmp(want) != 0 {
			e.t.Fatalf("batch %d deposited %s wei, its receipts' fees are %s", i, ev.Value, want)
		}
		total.Add(total, ev.Value)
		next = ev.LastSeq + 1

		rec, err := e.store.Batch(ctx, e.token, uint64(i))
		if err != nil {
			e.t.Fatalf("record of batch %d: %v", i, err)
		}
		if rec.State != settlement.StateSettled || rec.FirstSeq != ev.FirstSeq || rec.LastSeq != ev.LastSeq ||
			rec.Root != ev.Root || rec.Fee.Cmp(ev.Value) != 0 || rec.TxHash != ev.Raw.TxHash || rec.BlockNumber != ev.Raw.BlockNumber {
			e.t.Fatalf("record of batch %d = %+v, event %+v", i, rec, ev)
		}
	}
	if next != uint64(len(e.fees))+1 {
		e.t.Fatalf("settled receipts 1..%d, issued 1..%d", next-1, len(e.fees))
	}
	if total.Cmp(e.totalFees()) != 0 {
		e.t.Fatalf("deposited %s wei in total, fees are %s", total, e.totalFees())
	}
	bal, err := e.client.BalanceAt(ctx, e.token, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if bal.Cmp(e.totalFees()) != 0 {
		e.t.Fatalf("token holds %s wei, fees are %s", bal, e.totalFees())
	}
	if id, seq := e.channel(); id != uint64(len(evs)) || seq != next {
		e.t.Fatalf("chain next batch %d seq %d, want %d and %d", id, seq, len(evs), next)
	}
	if _, err := e.store.Batch(ctx, e.token, uint64(len(evs))); !errors.Is(err, settlement.ErrBatchNotFound) {
		e.t.Fatalf("a record beyond the settled batches: %v", err)
	}
}

// lastBatch loads the newest batch record.
func (e *env) lastBatch() settlement.Batch {
	e.t.Helper()
	b, err := e.store.LastBatch(e.t.Context(), e.token)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// sendETH sends value wei from key to to and mines it.
func (e *env) sendETH(key *ecdsa.PrivateKey, to common.Address, value *big.Int) {
	e.t.Helper()
	ctx := e.t.Context()
	from := chaintest.Address(key)
	nonce, err := e.client.PendingNonceAt(ctx, from)
	if err != nil {
		e.t.Fatal(err)
	}
	head, err := e.client.HeaderByNumber(ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	tip, err := e.client.SuggestGasTipCap(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(chaintest.ChainID), &types.DynamicFeeTx{
		ChainID: chaintest.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: 21000, To: &to, Value: value,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.client.SendTransaction(ctx, tx); err != nil {
		e.t.Fatal(err)
	}
	chaintest.Mine(e.t, e.backend, tx)
}

// faultyChain wraps the simulated client and injects failures.
type faultyChain struct {
	batcher.Chain
	mu sync.Mutex
	// failCalls fails the next n calls of any method with an RPC error.
	failCalls int
	// failSends fails the next n SendTransaction calls without sending
	// (a crash between signing and broadcasting).
	failSends int
	// dropSends reports success for the next n SendTransaction calls
	// without sending (the node drops the transaction).
	dropSends int
	failed    int
	// sent records every transaction passed on to the node.
	sent []*types.Transaction
}

var errInjected = errors.New("injected RPC failure")

func (f *faultyChain) fault() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failCalls > 0 {
		f.failCalls--
		f.failed++
		return errInjected
	}
	return nil
}

func (f *faultyChain) ChainID(ctx context.Context) (*big.Int, error) {
	if err := f.fault(); err != nil {
		return nil, err
	}
	return f.Chain.ChainID(ctx)
}

func (f *faultyChain) BlockNumber(ctx context.Context) (uint64, error) {
	if err := f.fault(); err != nil {
		return 0, err
	}
	return f.Chain.BlockNumber(ctx)
}

func (f *faultyChain) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	if err := f.fault(); err != nil {
		return nil, err
	}
	return f.Chain.HeaderByNumber(ctx, n)
}

func (f *faultyChain) CallContract(ctx context.Context, call ethereum.CallMsg, n *big.Int) ([]byte, error) {
	if err := f.fault(); err != nil {
		return nil, err
	}
	return f.Chain.CallContract(ctx, call, n)
}

func (f *faultyChain) EstimateGas(ctx context.Context, call ethereum.CallMsg) (uint64, error) {
	if err := f.fault(); err != nil {
		return 0, err
	}
	return f.Chain.EstimateGas(ctx, call)
}

func (f *faultyChain) SuggestGasTipCap(ctx context.Context) (*big.Int, error) {
	if err := f.fault(); err != nil {
		return nil, err
	}
	return f.Chain.SuggestGasTipCap(ctx)
}

func (f *faultyChain) NonceAt(ctx context.Context, a common.Address, n *big.Int) (uint64, error) {
	if err := f.fault(); err != nil {
		return 0, err
	}
	return f.Chain.NonceAt(ctx, a, n)
}

func (f *faultyChain) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	if err := f.fault(); err != nil {
		return 0, err
	}
	return f.Chain.PendingNonceAt(ctx, a)
}

func (f *faultyChain) BalanceAt(ctx context.Context, a common.Address, n *big.Int) (*big.Int, error) {
	if err := f.fault(); err != nil {
		return nil, err
	}
	return f.Chain.BalanceAt(ctx, a, n)
}

func (f *faultyChain) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := f.fault(); err != nil {
		return err
	}
	f.mu.Lock()
	fail, drop := f.failSends > 0, f.failSends == 0 && f.dropSends > 0
	if fail {
		f.failSends--
	} else if drop {
		f.dropSends--
	}
	f.mu.Unlock()
	if fail {
		return errInjected
	}
	if drop {
		return nil
	}
	f.mu.Lock()
	f.sent = append(f.sent, tx)
	f.mu.Unlock()
	return f.Chain.SendTransaction(ctx, tx)
}

func (f *faultyChain) TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	if err := f.fault(); err != nil {
		return nil, err
	}
	return f.Chain.TransactionReceipt(ctx, h)
}

func (f *faultyChain) TransactionByHash(ctx context.Context, h common.Hash) (*types.Transaction, bool, error) {
	if err := f.fault(); err != nil {
		return nil, false, err
	}
	return f.Chain.TransactionByHash(ctx, h)
}

func (f *faultyChain) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if err := f.fault(); err != nil {
		return nil, err
	}
	return f.Chain.FilterLogs(ctx, q)
}

// hookStore wraps the store; beforeSave runs before each SaveBatch and, by
// returning an error, makes the save fail without writing (a crash just
// before that write).
type hookStore struct {
	batcher.Store
	beforeSave func(b settlement.Batch) error
	saveErrs   []error
}

func (h *hookStore) SaveBatch(ctx context.Context, fence int64, b settlement.Batch) error {
	if h.beforeSave != nil {
		if err := h.beforeSave(b); err != nil {
			return err
		}
	}
	err := h.Store.SaveBatch(ctx, fence, b)
	if err != nil {
		h.saveErrs = append(h.saveErrs, err)
	}
	return err
}

func decodeTx(t *testing.T, raw []byte) *types.Transaction {
	t.Helper()
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(raw); err != nil {
		t.Fatal(err)
	}
	return tx
}
