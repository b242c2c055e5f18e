package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/internal/childproc"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/contracts/deploy"
	"github.com/imogate/imogate/settlement/devchain"
)

// crashCalls is the number of paid calls each crash case makes; with
// max_receipts 5 they settle as batches of 5, 5 and 2.
const crashCalls = 12

// TestBatcherCrash is issue 4's crash test: for each durable stage of a
// batch, `imogate settle` is paused right after the stage (the
// IMOGATE_TEST_PAUSE_AT knob), killed with SIGKILL, and restarted without
// the knob; then invariant 3 must hold on-chain: the Settled events cover
// seq 1 to the last receipt contiguously, each deposits exactly its range's
// fees, the token holds exactly the sum of all fees (nothing paid twice),
// nextSeq is the last seq plus one, and every batch is archived.
//
// The chain is an in-process dev chain served over JSON-RPC; the gateway and
// the batcher are separate processes of the real binary sharing one config.
func TestBatcherCrash(t *testing.T) {
	stages := []struct {
		stage string
		// want is the first batch's record in Redis at the kill.
		want func(b settlement.Batch) bool
		// nodeKnowsTx says whether the node has the first batch's
		// transaction at the kill (nil: not checked).
		nodeKnowsTx *bool
	}{
		{batcher.StageSealed, func(b settlement.Batch) bool { return b.State == settlement.StateSealed && len(b.TxHashes) == 0 }, nil},
		{batcher.StageSigned, func(b settlement.Batch) bool { return b.State == settlement.StateSent && len(b.RawTx) > 0 }, new(false)},
		{batcher.StageBroadcast, func(b settlement.Batch) bool { return b.State == settlement.StateSent && len(b.RawTx) > 0 }, new(true)},
		{batcher.StageSettled, func(b settlement.Batch) bool { return b.State == settlement.StateSettled && !b.Archived }, nil},
		{batcher.StageArchived, func(b settlement.Batch) bool { return b.Archived && !b.Trimmed }, nil},
	}
	operators := make(map[string]*ecdsa.PrivateKey, len(stages))
	alloc := types.GenesisAlloc{}
	for _, s := range stages {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		operators[s.stage] = k
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(100), devchain.Ether)}
	}
	chain, err := devchain.Start(devchain.Config{
		Alloc: alloc, RPCAddr: "127.0.0.1:0", MineInterval: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chain.Close() })
	mineOperatorTxs(t, chain, slices.Collect(maps.Keys(alloc)))

	for _, tc := range stages {
		t.Run(tc.stage, func(t *testing.T) {
			c := newCrashCase(t, chain, operators[tc.stage])
			fees := c.paidCalls(crashCalls)

			paused := c.startSettle(tc.stage)
			var pause string
			waitFor(t, "the batcher to pause at "+tc.stage, 20*time.Second, func() bool {
				pause = paused.line("paused for a crash test")
				return pause != ""
			})
			if !strings.Contains(pause, `"stage":"`+tc.stage+`"`) || !strings.Contains(pause, `"batch":0`) {
				t.Fatalf("paused, but not at %s of batch 0: %s", tc.stage, pause)
			}
			paused.kill()
			st := redisstore.New(testredis.Client(t), nil)
			b, err := st.Batch(t.Context(), c.token, 0)
			if err != nil {
				t.Fatalf("batch 0 after the kill: %v", err)
			}
			if !tc.want(b) {
				t.Fatalf("batch 0 at the kill is %+v, not what stage %s leaves", b, tc.stage)
			}
			if tc.nodeKnowsTx != nil {
				_, _, err := chain.Client().TransactionByHash(t.Context(), b.TxHashes[0])
				if known := err == nil; known != *tc.nodeKnowsTx {
					t.Fatalf("at stage %s the node knows the settle transaction: %v, want %v (%v)", tc.stage, known, *tc.nodeKnowsTx, err)
				}
			}
			// The dead process's lease would expire after the default lease TTL
			// (30s); release it as its expiry would, so the restart takes over now.
			if err := st.ReleaseLease(t.Context(), c.token, paused.instance()); err != nil {
				t.Fatal(err)
			}

			restarted := c.startSettle("")
			lastSeq := uint64(len(fees))
			waitFor(t, "every batch to be settled and archived after the restart", 30*time.Second, func() bool {
				if c.nextSeq() != lastSeq+1 {
					return false
				}
				n := c.nextBatchID()
				for id := range n {
					if _, err := os.Stat(filepath.Join(c.archiveDir, archive.BatchPath(c.token, id, "settlement.json"))); err != nil {
						return false
					}
				}
				return true
			})
			restarted.stop()
			if strings.Contains(restarted.out.String(), "paused for a crash test") {
				t.Fatal("the restarted batcher paused: the knob is not inert when unset")
			}
			c.checkLedger(fees)
		})
	}
}

// mineOperatorTxs seals a block as soon as one of senders has a pending
// transaction. The dev chain's own miner asks for the pending block, which
// go-ethereum caches for up to two seconds, so it sees a new transaction up
// to two seconds late; the pool's pending nonce is current.
func mineOperatorTxs(t *testing.T, chain *devchain.Chain, senders []common.Address) {
	t.Helper()
	stop, done := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(stop); <-done })
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		ctx := t.Context() // canceled before the cleanup stops this loop: the last calls just fail
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			for _, a := range senders {
				pending, err1 := chain.Client().PendingNonceAt(ctx, a)
				mined, err2 := chain.Client().NonceAt(ctx, a, nil)
				if err1 == nil && err2 == nil && pending > mined {
					chain.Commit()
					break
				}
			}
		}
	}()
}

// crashCase is one crash scenario: fresh contracts, a gateway process and
// the config the gateway and the batcher share.
type crashCase struct {
	t          *testing.T
	chain      *devchain.Chain
	p          *proc
	operator   common.Address
	settlement common.Address
	token      common.Address
	archiveDir string
	us         *bindings.UsageSettlement
}

// newCrashCase deploys a fresh UsageSettlement and token with opKey as the
// operator, and starts `imogate serve` for them (without the batcher).
func newCrashCase(t *testing.T, chain *devchain.Chain, opKey *ecdsa.PrivateKey) *crashCase {
	t.Helper()
	signer, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	auth := bind.NewKeyedTransactor(opKey, devchain.ChainID)
	auth.Context = t.Context()
	res, err := deploy.Deploy(t.Context(), chain.Client(), auth, deploy.Options{
		ChainID: devchain.ChainID, Signer: crypto.PubkeyToAddress(signer.PublicKey), PollInterval: 20 * time.Millisecond,
		Token: &deploy.TokenOptions{Name: "crash test model", Symbol: "CRASH", Supply: new(big.Int).Mul(big.NewInt(1_000_000), devchain.Ether),
			PercentClaimable: 80, SnapshotInterval: time.Hour},
	})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	c := &crashCase{t: t, chain: chain, operator: res.Operator, settlement: res.Settlement, token: res.Token,
		archiveDir: t.TempDir(), us: bindings.NewUsageSettlement()}
	port := freePort(t)
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
redis: %s
chain: {chain_id: %d, settlement_contract: %q}
signer: {env: TEST_SIGNER}
log: {level: info}
models:
  - name: demo
    token: %q
    backend: demo
    price: {per_request_wei: "1000000", per_1k_prompt_wei: "2000000", per_1k_completion_wei: "4000000"}
    max_tokens: 32
settlement:
  rpc_url: %q
  settler_key: {env: OP_KEY}
  max_receipts: 5
  max_age: 300ms
  confirmations: 1
  finality_depth: 1
  archive_dir: %q
  poll_interval: 100ms
`, port, testredis.ConfigYAML(t), devchain.ChainID.Uint64(), res.Settlement.Hex(), res.Token.Hex(), chain.RPCURL(), c.archiveDir)
	path := filepath.Join(t.TempDir(), "imogate.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c.p = &proc{t: t, cfg: path, base: fmt.Sprintf("http://127.0.0.1:%d", port), token: res.Token,
		env: append(os.Environ(), "TEST_SIGNER="+keyHex(signer), "OP_KEY="+keyHex(opKey))}
	c.p.start()
	return c
}

// paidCalls makes n paid calls one after another and returns each receipt's
// fee by seq, read from the Imogate-Receipt headers.
func (c *crashCase) paidCalls(n int) map[uint64]*big.Int {
	t := c.t
	t.Helper()
	_, secret := c.p.newKey(1_000_000_000_000)
	fees := make(map[uint64]*big.Int, n)
	for i := range n {
		body := fmt.Sprintf(`{"model":"demo","messages":[{"role":"user","content":"crash call %d"}]}`, i)
		req, err := http.NewRequestWithContext(t.Context(), "POST", c.p.base+"/v1/chat/completions", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		rc, err := metering.ParseHeader(resp.Header.Get("Imogate-Receipt"))
		if err != nil {
			t.Fatalf("call %d: status %d: %v", i, resp.StatusCode, err)
		}
		if _, dup := fees[rc.Seq]; dup {
			t.Fatalf("call %d: seq %d issued twice", i, rc.Seq)
		}
		fees[rc.Seq] = rc.Fee
	}
	for seq := uint64(1); seq <= uint64(n); seq++ {
		if fees[seq] == nil {
			t.Fatalf("no receipt has seq %d (seqs must run 1..%d)", seq, n)
		}
	}
	return fees
}

// settleProc is a running `imogate settle`.
type settleProc struct {
	t   *testing.T
	cmd *exec.Cmd
	out *lockedBuffer
}

// startSettle starts `imogate settle` on the case's config; pauseAt, if not
// empty, sets the crash-test knob IMOGATE_TEST_PAUSE_AT.
func (c *crashCase) startSettle(pauseAt string) *settleProc {
	c.t.Helper()
	cmd := exec.Command(imogateBin(c.t), "settle", "-c", c.p.cfg)
	childproc.DieWithParent(cmd, syscall.SIGKILL)
	cmd.Env = slices.Clone(c.p.env)
	if pauseAt != "" {
		cmd.Env = append(cmd.Env, "IMOGATE_TEST_PAUSE_AT="+pauseAt)
	}
	s := &settleProc{t: c.t, cmd: cmd, out: new(lockedBuffer)}
	cmd.Stderr = s.out
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if c.t.Failed() {
			c.t.Logf("imogate settle (pause at %q) log:\n%s", pauseAt, s.out)
		}
	})
	return s
}

// kill sends SIGKILL and checks the process was still running (paused, not
// exited) when it arrived.
func (s *settleProc) kill() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatalf("SIGKILL: %v", err)
	}
	err := s.cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		s.t.Fatalf("imogate settle was not killed by SIGKILL: %v\n%s", err, s.out)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (s *settleProc) stop() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("imogate settle exit: %v\n%s", err, s.out)
	}
}

// line is the first log line whose message is msg, or "".
func (s *settleProc) line(msg string) string {
	for l := range strings.SplitSeq(s.out.String(), "\n") {
		if strings.Contains(l, `"msg":"`+msg+`"`) {
			return l
		}
	}
	return ""
}

// instance is the lease owner name the batcher logged.
func (s *settleProc) instance() string {
	s.t.Helper()
	sc := bufio.NewScanner(strings.NewReader(s.out.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Instance string `json:"instance"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Instance != "" {
			return line.Instance
		}
	}
	s.t.Fatalf("no batcher instance in the log:\n%s", s.out)
	return ""
}

func (c *crashCase) call(data []byte) []byte {
	c.t.Helper()
	out, err := c.chain.Client().CallContract(c.t.Context(), ethereum.CallMsg{To: &c.settlement, Data: data}, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

func (c *crashCase) nextSeq() uint64 {
	c.t.Helper()
	v, err := c.us.UnpackNextSeq(c.call(c.us.PackNextSeq(c.operator, c.token)))
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

func (c *crashCase) nextBatchID() uint64 {
	c.t.Helper()
	v, err := c.us.UnpackNextBatchId(c.call(c.us.PackNextBatchId(c.operator, c.token)))
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

// checkLedger asserts invariant 3 on-chain and in the archive for receipts
// with the given fees (by seq, 1..len(fees)).
func (c *crashCase) checkLedger(fees map[uint64]*big.Int) {
	t := c.t
	t.Helper()
	ctx := t.Context()
	lastSeq := uint64(len(fees))
	logs, err := c.chain.Client().FilterLogs(ctx, ethereum.FilterQuery{
		Addresses: []common.Address{c.settlement},
		Topics: [][]common.Hash{{c.us.GetABI().Events["Settled"].ID}, {common.BytesToHash(c.operator.Bytes())},
			{common.BytesToHash(c.token.Bytes())}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var evs []*bindings.UsageSettlementSettled
	for i := range logs {
		ev, err := c.us.UnpackSettledEvent(&logs[i])
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	slices.SortFunc(evs, func(a, b *bindings.UsageSettlementSettled) int { return a.BatchId.Cmp(b.BatchId) })
	if len(evs) == 0 {
		t.Fatal("no Settled events")
	}
	total, next := new(big.Int), uint64(1)
	for i, ev := range evs {
		if !ev.BatchId.IsUint64() || ev.BatchId.Uint64() != uint64(i) {
			t.Errorf("event %d has batch id %s, want %d (a batch settled twice or skipped)", i, ev.BatchId, i)
		}
		if ev.FirstSeq != next || ev.LastSeq < ev.FirstSeq {
			t.Errorf("batch %s covers %d..%d, want it to start at %d (gap or overlap)", ev.BatchId, ev.FirstSeq, ev.LastSeq, next)
		}
		want := new(big.Int)
		for seq := ev.FirstSeq; seq <= ev.LastSeq && seq <= lastSeq; seq++ {
			want.Add(want, fees[seq])
		}
		if ev.Value.Cmp(want) != 0 {
			t.Errorf("batch %s (%d..%d) deposited %s wei, its receipts' fees sum to %s", ev.BatchId, ev.FirstSeq, ev.LastSeq, ev.Value, want)
		}
		if ev.ReceiptCount.Cmp(new(big.Int).SetUint64(ev.LastSeq-ev.FirstSeq+1)) != 0 {
			t.Errorf("batch %s: receipt count %s for %d..%d", ev.BatchId, ev.ReceiptCount, ev.FirstSeq, ev.LastSeq)
		}
		total.Add(total, ev.Value)
		next = ev.LastSeq + 1
	}
	if next != lastSeq+1 {
		t.Errorf("the batches cover seq 1..%d, the receipts 1..%d", next-1, lastSeq)
	}
	allFees := new(big.Int)
	for _, f := range fees {
		allFees.Add(allFees, f)
	}
	if total.Cmp(allFees) != 0 {
		t.Errorf("Settled events deposit %s wei in total, the receipts' fees sum to %s", total, allFees)
	}
	bal, err := c.chain.Client().BalanceAt(ctx, c.token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bal.Cmp(allFees) != 0 {
		t.Errorf("the token holds %s wei, the receipts' fees sum to %s (paid twice or lost)", bal, allFees)
	}
	if got := c.nextSeq(); got != lastSeq+1 {
		t.Errorf("nextSeq(operator, token) = %d, want %d", got, lastSeq+1)
	}
	if got := c.nextBatchID(); got != uint64(len(evs)) {
		t.Errorf("nextBatchId(operator, token) = %d, want %d (one per Settled event)", got, len(evs))
	}

	// The archive has every batch, with the on-chain facts.
	for _, ev := range evs {
		id := ev.BatchId.Uint64()
		raw, err := os.ReadFile(filepath.Join(c.archiveDir, archive.BatchPath(c.token, id, "settlement.json")))
		if err != nil {
			t.Errorf("batch %d is not archived: %v", id, err)
			continue
		}
		var s archive.Settlement
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Errorf("batch %d archive: %v", id, err)
			continue
		}
		if s.FirstSeq != fmt.Sprint(ev.FirstSeq) || s.LastSeq != fmt.Sprint(ev.LastSeq) || s.Value != ev.Value.String() ||
			s.TxHash != ev.Raw.TxHash || s.Root != common.Hash(ev.Root) {
			t.Errorf("batch %d archived as %+v, on-chain %d..%d value %s root %x tx %s", id, s, ev.FirstSeq, ev.LastSeq, ev.Value, ev.Root, ev.Raw.TxHash)
		}
	}
	if _, err := os.Stat(filepath.Join(c.archiveDir, archive.BatchDir(c.token, uint64(len(evs))))); err == nil {
		t.Errorf("the archive has a batch %d the chain does not", len(evs))
	}
}

// lockedBuffer is a bytes.Buffer safe for a child process's output and a
// test reading it concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
