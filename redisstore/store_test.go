package redisstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

// clock is a settable test clock.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

func newClock() *clock { c := &clock{}; c.ms.Store(time.Now().UnixMilli()); return c }

func randomToken(t testing.TB) common.Address {
	t.Helper()
	var a common.Address
	if _, err := rand.Read(a[:]); err != nil {
		t.Fatal(err)
	}
	return a
}

func randomID(t testing.TB) common.Hash {
	t.Helper()
	var h common.Hash
	if _, err := rand.Read(h[:]); err != nil {
		t.Fatal(err)
	}
	return h
}

type fixture struct {
	st    *redisstore.Store
	rdb   redis.UniversalClient
	clk   *clock
	token common.Address
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clk := newClock()
	rdb := testredis.Client(t)
	return &fixture{st: redisstore.New(rdb, clk.now), rdb: rdb, clk: clk, token: randomToken(t)}
}

func (f *fixture) reserve(t testing.TB, acct string, amount int64) (*metering.Reservation, error) {
	t.Helper()
	r, _, err := f.st.Reserve(t.Context(), metering.ReserveRequest{Token: f.token, Account: acct, ReceiptID: randomID(t), Amount: amount, TTL: time.Minute})
	return r, err
}

func (f *fixture) commit(t testing.TB, r *metering.Reservation, fee int64) (metering.Receipt, error) {
	t.Helper()
	return f.st.Commit(t.Context(), metering.CommitRequest{
		Reservation: *r, ModelName: "m", Hour: f.clk.now().Unix() / 3600,
		Receipt: metering.Receipt{Payer: metering.PayerOf(r.Account), Timestamp: uint64(f.clk.now().UnixMilli()), PromptTokens: 3, CompletionTokens: 5, Fee: big.NewInt(fee)},
	})
}

func (f *fixture) balance(t testing.TB, acct string) int64 {
	t.Helper()
	b, err := f.st.Balance(t.Context(), f.token, acct)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReserveCommitRelease(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Credit(ctx, f.token, "acct1", 1000); err != nil {
		t.Fatal(err)
	}
	r, err := f.reserve(t, "acct1", 600)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.balance(t, "acct1"); got != 400 {
		t.Fatalf("balance during hold = %d, want 400", got)
	}
	// A second hold that does not fit fails and changes nothing.
	_, err = f.reserve(t, "acct1", 401)
	var ib *metering.InsufficientBalanceError
	if !errors.As(err, &ib) || ib.Balance != 400 || ib.Needed != 401 {
		t.Fatalf("err = %v, want insufficient balance 400 < 401", err)
	}
	if got := f.balance(t, "acct1"); got != 400 {
		t.Fatalf("balance after refused hold = %d, want 400", got)
	}
	rc, err := f.commit(t, r, 250)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Seq != 1 || rc.ID != r.ReceiptID || rc.Model != f.token {
		t.Fatalf("receipt = %+v", rc)
	}
	if got := f.balance(t, "acct1"); got != 750 {
		t.Fatalf("balance after commit = %d, want 750", got)
	}
	// Committing again returns the same receipt and charges nothing more.
	again, err := f.commit(t, r, 250)
	if err != nil || again.Seq != 1 || again.ID != rc.ID {
		t.Fatalf("second commit = %+v, %v", again, err)
	}
	if got := f.balance(t, "acct1"); got != 750 {
		t.Fatalf("balance after duplicate commit = %d, want 750", got)
	}
	// Releasing a committed reservation changes nothing.
	if err := f.st.Release(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := f.balance(t, "acct1"); got != 750 {
		t.Fatalf("balance after late release = %d, want 750", got)
	}
	// A released hold comes back whole and cannot be committed.
	r2, err := f.reserve(t, "acct1", 700)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.Release(ctx, r2); err != nil {
		t.Fatal(err)
	}
	if got := f.balance(t, "acct1"); got != 750 {
		t.Fatalf("balance after release = %d, want 750", got)
	}
	if _, err := f.commit(t, r2, 1); !errors.Is(err, metering.ErrNoReservation) {
		t.Fatalf("commit after release: %v, want ErrNoReservation", err)
	}
	if seq, _ := f.st.LastSeq(ctx, f.token); seq != 1 {
		t.Fatalf("seq = %d after a released call, want 1", seq)
	}
	// A fee above the hold is refused before touching Redis.
	r3, _ := f.reserve(t, "acct1", 10)
	if _, err := f.commit(t, r3, 11); !errors.Is(err, metering.ErrAmountRange) {
		t.Fatalf("fee above hold: %v", err)
	}
	lr, err := f.st.ReceiptByID(ctx, f.token, rc.ID)
	if err != nil || lr.Fee.Int64() != 250 || lr.Account != "acct1" || lr.ModelName != "m" || lr.PromptTokens != 3 || lr.CompletionTokens != 5 {
		t.Fatalf("logged receipt = %+v, %v", lr, err)
	}
	u, err := f.st.Totals(ctx, f.token)
	if err != nil || u.Calls != 1 || u.Fees.Int64() != 250 || u.PromptTokens != 3 {
		t.Fatalf("totals = %+v, %v", u, err)
	}
}

func TestSweepReleasesExpiredHolds(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Credit(ctx, f.token, "a", 100); err != nil {
		t.Fatal(err)
	}
	// A process reserves and dies: nobody commits or releases.
	if _, err := f.reserve(t, "a", 60); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.st.OpenReservations(ctx, f.token); n != 1 {
		t.Fatalf("open reservations = %d", n)
	}
	if n, err := f.st.Sweep(ctx, f.token); err != nil || n != 0 {
		t.Fatalf("sweep before expiry released %d (%v)", n, err)
	}
	f.clk.advance(61 * time.Second)
	if n, err := f.st.Sweep(ctx, f.token); err != nil || n != 1 {
		t.Fatalf("sweep after expiry released %d (%v), want 1", n, err)
	}
	if got := f.balance(t, "a"); got != 100 {
		t.Fatalf("balance after sweep = %d, want 100", got)
	}
	if n, _ := f.st.OpenReservations(ctx, f.token); n != 0 {
		t.Fatalf("open reservations after sweep = %d", n)
	}
}

func TestIdempotency(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Credit(ctx, f.token, "a", 1000); err != nil {
		t.Fatal(err)
	}
	body := crypto.Keccak256Hash([]byte("body"))
	req := metering.ReserveRequest{Token: f.token, Account: "a", ReceiptID: randomID(t), Amount: 100, TTL: time.Minute,
		IdempotencyKey: "k1", BodyHash: body, IdempotencyTTL: time.Hour}
	r, replay, err := f.st.Reserve(ctx, req)
	if err != nil || replay != nil {
		t.Fatal(err)
	}
	// While the first is running, a retry is told to wait; another body is refused.
	req2 := req
	req2.ReceiptID = randomID(t)
	if _, _, err := f.st.Reserve(ctx, req2); !errors.Is(err, metering.ErrIdempotencyInProgress) {
		t.Fatalf("concurrent retry: %v", err)
	}
	other := req2
	other.BodyHash = crypto.Keccak256Hash([]byte("other"))
	if _, _, err := f.st.Reserve(ctx, other); !errors.Is(err, metering.ErrIdempotencyMismatch) {
		t.Fatalf("other body: %v", err)
	}
	_, err = f.st.Commit(ctx, metering.CommitRequest{Reservation: *r, ModelName: "m", Hour: 1,
		Receipt:  metering.Receipt{Fee: big.NewInt(40)},
		Response: &metering.Replay{Status: 200, ContentType: "application/json", Body: []byte(`{"ok":1}`)}})
	if err != nil {
		t.Fatal(err)
	}
	_, rp, err := f.st.Reserve(ctx, req2)
	if err != nil || rp == nil {
		t.Fatalf("replay: %v %v", rp, err)
	}
	if string(rp.Body) != `{"ok":1}` || rp.Status != 200 || rp.ReceiptID != r.ReceiptID {
		t.Fatalf("replay = %+v", rp)
	}
	if got := f.balance(t, "a"); got != 960 {
		t.Fatalf("balance = %d, want 960 (one charge)", got)
	}
	if err := f.st.CompleteReplay(ctx, r, []byte(`{"receipt":1}`)); err != nil {
		t.Fatal(err)
	}
	_, rp, _ = f.st.Reserve(ctx, req2)
	if string(rp.Receipt) != `{"receipt":1}` {
		t.Fatalf("replay receipt = %q", rp.Receipt)
	}
	// A failed first attempt frees the key for a real retry.
	req3 := metering.ReserveRequest{Token: f.token, Account: "a", ReceiptID: randomID(t), Amount: 100, TTL: time.Minute,
		IdempotencyKey: "k2", BodyHash: body, IdempotencyTTL: time.Hour}
	r3, _, err := f.st.Reserve(ctx, req3)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.Release(ctx, r3); err != nil {
		t.Fatal(err)
	}
	req3.ReceiptID = randomID(t)
	if _, rp, err := f.st.Reserve(ctx, req3); err != nil || rp != nil {
		t.Fatalf("retry after failure: %v %v", rp, err)
	}
}

func TestCreditBounds(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	max := int64(^uint64(0) >> 1)
	if _, err := f.st.Credit(ctx, f.token, "a", max); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Credit(ctx, f.token, "a", 1); !errors.Is(err, metering.ErrBalanceRange) {
		t.Fatalf("overflow: %v", err)
	}
	if got := f.balance(t, "a"); got != max {
		t.Fatalf("balance changed by refused credit: %d", got)
	}
	if _, err := f.st.Credit(ctx, f.token, "b", -1); !errors.Is(err, metering.ErrBalanceRange) {
		t.Fatalf("negative: %v", err)
	}
	if got := f.balance(t, "b"); got != 0 {
		t.Fatalf("balance after refused debit = %d", got)
	}
	for _, bad := range []string{"", "a|b", "a:b", "{x}", "has space"} {
		if _, err := f.st.Credit(ctx, f.token, bad, 1); !errors.Is(err, metering.ErrBadAccount) {
			t.Errorf("account %q: %v", bad, err)
		}
	}
}

// TestFeeCountersExactBeyondInt64 commits fees whose sum passes int64 (and
// 2^53, where Lua doubles lose precision) and checks the totals to the wei.
func TestFeeCountersExactBeyondInt64(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	fee := int64(999_999_999_999_999_999) // just under 1 ether, the per-call bound
	want := new(big.Int)
	for i := 0; i < 12; i++ {
		if _, err := f.st.Credit(ctx, f.token, "a", fee); err != nil {
			t.Fatal(err)
		}
		r, err := f.reserve(t, "a", fee)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.commit(t, r, fee-int64(i)); err != nil {
			t.Fatal(err)
		}
		want.Add(want, big.NewInt(fee-int64(i)))
	}
	u, err := f.st.Totals(ctx, f.token)
	if err != nil {
		t.Fatal(err)
	}
	if u.Fees.Cmp(want) != 0 {
		t.Fatalf("fee total = %s, want %s", u.Fees, want)
	}
	if want.IsInt64() {
		t.Fatal("test does not exceed int64")
	}
	rs, err := f.st.Receipts(ctx, f.token, 1, 12)
	if err != nil || len(rs) != 12 {
		t.Fatalf("receipts: %d %v", len(rs), err)
	}
	sum := new(big.Int)
	for _, r := range rs {
		sum.Add(sum, r.Fee)
	}
	if sum.Cmp(want) != 0 {
		t.Fatalf("receipt log fee sum %s, want %s", sum, want)
	}
	if got := f.balance(t, "a"); got != 66 { // 0+1+…+11 left over from each hold
		t.Fatalf("balance = %d, want 66", got)
	}
}

// TestConcurrentExactBalance is invariant 2 and the ledger half of
// invariant 1 under real concurrency: 1,000 goroutines race for a balance
// that covers exactly 500 calls.
func TestConcurrentExactBalance(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	const fee, calls, fits = 1_000_003, 1000, 500
	if _, err := f.st.Credit(ctx, f.token, "a", fee*fits); err != nil {
		t.Fatal(err)
	}
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, calls)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := f.reserve(t, "a", fee)
			if errors.Is(err, metering.ErrInsufficientBalance) {
				refused.Add(1)
				return
			}
			if err != nil {
				errs <- err
				return
			}
			if _, err := f.commit(t, r, fee); err != nil {
				errs <- err
				return
			}
			ok.Add(1)
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if ok.Load() != fits || refused.Load() != calls-fits {
		t.Fatalf("succeeded %d, refused %d; want %d and %d", ok.Load(), refused.Load(), fits, calls-fits)
	}
	if got := f.balance(t, "a"); got != 0 {
		t.Fatalf("final balance %d, want 0", got)
	}
	checkLog(t, f, fits, big.NewInt(fee*fits))
	// 1,000 callers at once are enough to take the pipelined route; the
	// invariants above held across both routes.
	if f.st.PipelinedCalls() == 0 {
		t.Fatal("no script went through automatic pipelining under 1,000 concurrent callers")
	}
}

// TestCommitRefusesAnotherHold checks that a commit whose hold does not match
// the reservation's record is refused and changes nothing: the refund the
// caller computed would be wrong.
func TestCommitRefusesAnotherHold(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Credit(ctx, f.token, "a", 1000); err != nil {
		t.Fatal(err)
	}
	r, err := f.reserve(t, "a", 600)
	if err != nil {
		t.Fatal(err)
	}
	wrong := *r
	wrong.Amount = 900 // would refund 900 - fee from a hold of 600
	if _, err := f.commit(t, &wrong, 100); !errors.Is(err, metering.ErrAmountRange) {
		t.Fatalf("commit with another hold: %v, want ErrAmountRange", err)
	}
	if got := f.balance(t, "a"); got != 400 {
		t.Fatalf("balance after refused commit = %d, want 400 (hold kept)", got)
	}
	if seq, _ := f.st.LastSeq(ctx, f.token); seq != 0 {
		t.Fatalf("seq = %d after a refused commit, want 0", seq)
	}
	if _, err := f.commit(t, r, 100); err != nil {
		t.Fatalf("the right commit after a refused one: %v", err)
	}
	if got := f.balance(t, "a"); got != 900 {
		t.Fatalf("balance = %d, want 900", got)
	}
}

// checkLog asserts the receipt log holds seq 1..n with no gap and that the
// fees sum to want.
func checkLog(t *testing.T, f *fixture, n int, want *big.Int) {
	t.Helper()
	rs, err := f.st.Receipts(t.Context(), f.token, 1, uint64(n)+10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != n {
		t.Fatalf("%d receipts in the log, want %d", len(rs), n)
	}
	sum := new(big.Int)
	ids := map[common.Hash]bool{}
	for i, r := range rs {
		if r.Seq != uint64(i+1) {
			t.Fatalf("receipt %d has seq %d: gap or disorder", i, r.Seq)
		}
		if ids[r.ID] {
			t.Fatalf("duplicate receipt id %s", r.ID.Hex())
		}
		ids[r.ID] = true
		sum.Add(sum, r.Fee)
	}
	if sum.Cmp(want) != 0 {
		t.Fatalf("fees sum to %s, want %s", sum, want)
	}
	if seq, _ := f.st.LastSeq(t.Context(), f.token); seq != uint64(n) {
		t.Fatalf("seq counter %d, want %d", seq, n)
	}
}

// TestConcurrentMixedNeverNegative runs reserves, commits at random fees and
// releases from many goroutines while a watcher polls the balance: it must
// never be seen below zero, and at the end balance + fees = credit.
func TestConcurrentMixedNeverNegative(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	const credit = 50_000
	if _, err := f.st.Credit(ctx, f.token, "a", credit); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var negative atomic.Bool
	var watcher sync.WaitGroup
	watcher.Add(1)
	go func() {
		defer watcher.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if v, err := f.st.Balance(context.WithoutCancel(ctx), f.token, "a"); err == nil && v < 0 {
				negative.Store(true)
			}
		}
	}()
	var wg sync.WaitGroup
	var charged atomic.Int64
	var committed atomic.Int64
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				hold := int64(100 + (g*7+i*13)%400)
				r, err := f.reserve(t, "a", hold)
				if err != nil {
					continue
				}
				if (g+i)%3 == 0 {
					_ = f.st.Release(ctx, r)
					continue
				}
				fee := hold - int64((g+i)%50)
				if _, err := f.commit(t, r, fee); err == nil {
					charged.Add(fee)
					committed.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	close(stop)
	watcher.Wait()
	if negative.Load() {
		t.Fatal("balance observed below zero")
	}
	if got := f.balance(t, "a"); got != credit-charged.Load() {
		t.Fatalf("balance %d + charged %d != credit %d", got, charged.Load(), credit)
	}
	checkLog(t, f, int(committed.Load()), big.NewInt(charged.Load()))
}

// TestScriptsRunOnCluster runs the whole reserve → commit → release → sweep
// cycle on a real three-node Redis Cluster: every key of a call shares the
// model's hash tag (invariant 5), so no script fails with CROSSSLOT.
func TestScriptsRunOnCluster(t *testing.T) {
	cc := testredis.Cluster(t)
	clk := newClock()
	f := &fixture{st: redisstore.New(cc, clk.now), rdb: cc, clk: clk}
	for m := 0; m < 4; m++ { // several models land on different nodes
		f.token = randomToken(t)
		ctx := t.Context()
		if _, err := f.st.Credit(ctx, f.token, "a", 10_000); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			r, err := f.reserve(t, "a", 1000)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.commit(t, r, 700); err != nil {
				t.Fatal(err)
			}
		}
		r, _, err := f.st.Reserve(ctx, metering.ReserveRequest{Token: f.token, Account: "a", ReceiptID: randomID(t), Amount: 500, TTL: time.Second,
			IdempotencyKey: "x", BodyHash: common.Hash{1}, IdempotencyTTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.Release(ctx, r); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reserve(t, "a", 500); err != nil {
			t.Fatal(err)
		}
		clk.advance(2 * time.Minute)
		if n, err := f.st.Sweep(ctx, f.token); err != nil || n != 1 {
			t.Fatalf("sweep on cluster: %d %v", n, err)
		}
		if got := f.balance(t, "a"); got != 10_000-5*700 {
			t.Fatalf("balance %d", got)
		}
		if bals, err := f.st.Balances(ctx, f.token, []string{"a", "never"}); err != nil || bals[0] != 10_000-5*700 || bals[1] != 0 {
			t.Fatalf("balances on cluster: %v %v", bals, err)
		}
		hour := clk.now().Add(-2*time.Minute).Unix() / 3600
		if us, err := f.st.HourUsages(ctx, f.token, "a", hour-1, hour); err != nil || us[1].Calls != 5 || us[1].Fees.Int64() != 5*700 || us[0].Calls != 0 {
			t.Fatalf("hour usages on cluster: %+v %v", us, err)
		}
		checkLog(t, f, 5, big.NewInt(5*700))
	}
	// Many calls at once on one model: the pipelined route on a cluster.
	f.token = randomToken(t)
	f.concurrentPaidCalls(t, 300, 1000)
	if f.st.PipelinedCalls() == 0 {
		t.Fatal("no script went through automatic pipelining on the cluster")
	}
}

// TestSetSignaturesAcrossModels stores one batch of signatures for receipts
// of two models and reads each back with its own receipt.
func TestSetSignaturesAcrossModels(t *testing.T) {
	ctx := t.Context()
	a, b := newFixture(t), newFixture(t)
	var ws []metering.SignatureWrite
	for i, f := range []*fixture{a, b, a, b, a} {
		if _, err := f.st.Credit(ctx, f.token, "x", 100); err != nil {
			t.Fatal(err)
		}
		r, err := f.reserve(t, "x", 10)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := f.commit(t, r, 10)
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, metering.SignatureWrite{Token: f.token, Seq: rc.Seq, Sig: []byte{byte(i), 1, 2}})
	}
	if err := a.st.SetSignatures(ctx, ws); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		lr, err := a.st.ReceiptBySeq(ctx, w.Token, w.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if string(lr.Signature) != string(w.Sig) {
			t.Fatalf("model %s seq %d: signature %x, want %x", w.Token.Hex(), w.Seq, lr.Signature, w.Sig)
		}
	}
}

// Wanted signatures: the batcher's list of seqs to sign again is per model,
// in seq order, and storing a signature (or dropping the seq) takes it off.
func TestWantedSignatures(t *testing.T) {
	ctx := t.Context()
	a, b := newFixture(t), newFixture(t)
	if err := a.st.WantSignatures(ctx, a.token, []uint64{9, 3, 12, 3}); err != nil {
		t.Fatal(err)
	}
	if w, err := a.st.WantedSignatures(ctx, a.token, 10); err != nil || !slices.Equal(w, []uint64{3, 9, 12}) {
		t.Fatalf("wanted = %v, %v", w, err)
	}
	if w, _ := b.st.WantedSignatures(ctx, b.token, 10); len(w) != 0 {
		t.Fatalf("another model's list = %v", w)
	}
	if w, _ := a.st.WantedSignatures(ctx, a.token, 2); len(w) != 2 {
		t.Fatalf("limited to 2: %v", w)
	}
	if err := a.st.SetSignatures(ctx, []metering.SignatureWrite{{Token: a.token, Seq: 9, Sig: []byte{1}}}); err != nil {
		t.Fatal(err)
	}
	if err := a.st.DropWantedSignatures(ctx, a.token, []uint64{12}); err != nil {
		t.Fatal(err)
	}
	if w, _ := a.st.WantedSignatures(ctx, a.token, 10); !slices.Equal(w, []uint64{3}) {
		t.Fatalf("after one stored and one dropped: %v, want [3]", w)
	}
}

// TestReserveTwiceHoldsOnce sends one call's reserve twice, as a client that
// lost its connection re-sends it: the second run reports the same hold and
// takes nothing more.
func TestReserveTwiceHoldsOnce(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Credit(ctx, f.token, "a", 1000); err != nil {
		t.Fatal(err)
	}
	for _, idem := range []string{"", "retry-key"} {
		req := metering.ReserveRequest{Token: f.token, Account: "a", ReceiptID: randomID(t), Amount: 300, TTL: time.Minute,
			IdempotencyKey: idem, BodyHash: common.Hash{7}, IdempotencyTTL: time.Hour}
		before := f.balance(t, "a")
		r1, _, err := f.st.Reserve(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		r2, _, err := f.st.Reserve(ctx, req)
		if err != nil {
			t.Fatalf("idempotency key %q: second run of the same reserve: %v", idem, err)
		}
		if got := f.balance(t, "a"); got != before-300 {
			t.Fatalf("idempotency key %q: balance %d after the reserve ran twice, want %d (one hold)", idem, got, before-300)
		}
		if _, err := f.commit(t, r2, 100); err != nil {
			t.Fatal(err)
		}
		if _, err := f.commit(t, r1, 100); err != nil { // the same reservation: DUP
			t.Fatal(err)
		}
		if got := f.balance(t, "a"); got != before-100 {
			t.Fatalf("idempotency key %q: balance %d after commit, want %d", idem, got, before-100)
		}
	}
	checkLog(t, f, 2, big.NewInt(200))
}

// TestReserveRefusesCommittedID checks that a receipt id already committed
// cannot be held again, so no call is charged twice under one id.
func TestReserveRefusesCommittedID(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.st.Credit(ctx, f.token, "a", 1000); err != nil {
		t.Fatal(err)
	}
	r, err := f.reserve(t, "a", 300)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.commit(t, r, 100); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.st.Reserve(ctx, metering.ReserveRequest{Token: f.token, Account: "a", ReceiptID: r.ReceiptID, Amount: 300, TTL: time.Minute})
	if !errors.Is(err, metering.ErrDuplicateReceiptID) {
		t.Fatalf("reserve of a committed id: %v, want ErrDuplicateReceiptID", err)
	}
	// An id held by one call cannot be held by another (other account or amount).
	if _, err := f.st.Credit(ctx, f.token, "b", 1000); err != nil {
		t.Fatal(err)
	}
	held, err := f.reserve(t, "a", 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []metering.ReserveRequest{
		{Token: f.token, Account: "b", ReceiptID: held.ReceiptID, Amount: 200, TTL: time.Minute},
		{Token: f.token, Account: "a", ReceiptID: held.ReceiptID, Amount: 201, TTL: time.Minute},
	} {
		if _, _, err := f.st.Reserve(ctx, other); !errors.Is(err, metering.ErrDuplicateReceiptID) {
			t.Fatalf("reserve of an id another call holds (%s, %d): %v, want ErrDuplicateReceiptID", other.Account, other.Amount, err)
		}
	}
	if got, gotB := f.balance(t, "a"), f.balance(t, "b"); got != 700 || gotB != 1000 {
		t.Fatalf("balances a=%d b=%d, want 700 and 1000", got, gotB)
	}
	if err := f.st.Release(ctx, held); err != nil {
		t.Fatal(err)
	}
	if got := f.balance(t, "a"); got != 900 {
		t.Fatalf("balance %d, want 900", got)
	}
	checkLog(t, f, 1, big.NewInt(100))
}

// TestCommitRefusesAnotherAccount checks that a commit naming another
// account than the reservation's is refused and changes nothing.
func TestCommitRefusesAnotherAccount(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, a := range []string{"a", "b"} {
		if _, err := f.st.Credit(ctx, f.token, a, 1000); err != nil {
			t.Fatal(err)
		}
	}
	r, err := f.reserve(t, "a", 300)
	if err != nil {
		t.Fatal(err)
	}
	wrong := *r
	wrong.Account = "b"
	if _, err := f.commit(t, &wrong, 100); !errors.Is(err, metering.ErrAmountRange) {
		t.Fatalf("commit for another account: %v, want a refusal", err)
	}
	if a, b := f.balance(t, "a"), f.balance(t, "b"); a != 700 || b != 1000 {
		t.Fatalf("balances a=%d b=%d after a refused commit, want 700 and 1000", a, b)
	}
}

// TestWithoutAutoPipeliningSendsDirect runs concurrent calls on a store built
// WithoutAutoPipelining: none is pipelined, and the ledger is still exact.
func TestWithoutAutoPipeliningSendsDirect(t *testing.T) {
	clk := newClock()
	rdb := testredis.Client(t)
	f := &fixture{st: redisstore.New(rdb, clk.now, redisstore.WithoutAutoPipelining()), rdb: rdb, clk: clk, token: randomToken(t)}
	f.concurrentPaidCalls(t, 200, 1000)
	if n := f.st.PipelinedCalls(); n != 0 {
		t.Fatalf("%d scripts pipelined with automatic pipelining off", n)
	}
}

// concurrentPaidCalls credits account "a" with exactly calls × fee, runs
// that many reserve-and-commit calls at once, each charged fee, and requires
// every one to succeed, the balance to end at 0 and the log to hold seq
// 1..calls with fees summing to the debit.
func (f *fixture) concurrentPaidCalls(t *testing.T, calls int, fee int64) {
	t.Helper()
	if _, err := f.st.Credit(t.Context(), f.token, "a", int64(calls)*fee); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Go(func() {
			r, err := f.reserve(t, "a", fee)
			if err == nil {
				_, err = f.commit(t, r, fee)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := f.balance(t, "a"); got != 0 {
		t.Fatalf("balance %d after %d concurrent calls, want 0", got, calls)
	}
	checkLog(t, f, calls, big.NewInt(int64(calls)*fee))
}
