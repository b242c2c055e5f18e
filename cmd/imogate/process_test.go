package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/internal/childproc"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement/devchain"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// imogateBin builds the real binary once per test run.
func imogateBin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "imogate-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "imogate")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type proc struct {
	t      testing.TB
	cfg    string
	env    []string
	base   string
	token  common.Address
	cmd    *exec.Cmd
	stderr *lockedBuffer
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// newProc writes a config for a demo model with a fresh token address.
func newProc(t testing.TB, tokenLatency time.Duration) *proc {
	t.Helper()
	var tok common.Address
	rand.Read(tok[:])
	var key [32]byte
	rand.Read(key[:])
	port := freePort(t)
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
redis: %s
chain: {chain_id: 1337, settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
signer: {env: TEST_SIGNER}
limits: {reservation_grace: 1s, sweep_interval: 200ms}
log: {level: debug}
models:
  - name: demo
    token: %q
    backend: demo
    demo: {token_latency: %s}
    upstream: {timeout: 3s}
    price: {per_request_wei: "1000", per_1k_prompt_wei: "2000", per_1k_completion_wei: "4000"}
    max_tokens: 64
`, port, testredis.ConfigYAML(t), tok.Hex(), tokenLatency)
	path := filepath.Join(t.TempDir(), "imogate.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return &proc{t: t, cfg: path, env: append(os.Environ(), "TEST_SIGNER="+hex.EncodeToString(key[:])),
		base: fmt.Sprintf("http://127.0.0.1:%d", port), token: tok}
}

func (p *proc) start() {
	p.t.Helper()
	p.stderr = new(lockedBuffer)
	p.cmd = exec.Command(imogateBin(p.t), "serve", "-c", p.cfg)
	childproc.DieWithParent(p.cmd, syscall.SIGKILL)
	p.cmd.Env = p.env
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	cmd := p.cmd
	p.t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := http.Get(p.base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("imogate serve did not become ready:\n%s", p.stderr)
}

func (p *proc) run(args ...string) []byte {
	p.t.Helper()
	cmd := exec.Command(imogateBin(p.t), append(args, "-c", p.cfg)...)
	cmd.Env = p.env
	out, err := cmd.Output()
	if err != nil {
		p.t.Fatalf("imogate %v: %v", args, err)
	}
	return out
}

// newKey creates a key with credit through the CLI.
func (p *proc) newKey(credit int64) (id, secret string) {
	p.t.Helper()
	var out struct {
		Key    apikey.Key `json:"key"`
		APIKey string     `json:"api_key"`
	}
	b := p.run("keys", "create", "--name", "proc", "--credit-model", "demo", "--credit-wei", fmt.Sprint(credit), "--json")
	if err := json.Unmarshal(b, &out); err != nil {
		p.t.Fatalf("keys create output %s: %v", b, err)
	}
	return out.Key.ID, out.APIKey
}

func (p *proc) streamCall(ctx context.Context, secret string) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", p.base+"/v1/chat/completions",
		strings.NewReader(`{"model":"demo","stream":true,"messages":[{"role":"user","content":"tell me a long story"}]}`))
	req.Header.Set("Authorization", "Bearer "+secret)
	return http.DefaultClient.Do(req)
}

func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCrashBetweenReserveAndCommit kills the gateway (SIGKILL) while a paid
// call holds credit, restarts it, and checks the sweeper returns the hold:
// no charge, no receipt, nothing held forever.
func TestCrashBetweenReserveAndCommit(t *testing.T) {
	p := newProc(t, 200*time.Millisecond)
	p.start()
	acct, secret := p.newKey(1_000_000)
	st := redisstore.New(testredis.Client(t), nil)
	resp, err := p.streamCall(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadBytes('\n'); err != nil { // the stream has started: the hold is in place
		t.Fatal(err)
	}
	bal, _ := st.Balance(t.Context(), p.token, acct)
	if bal >= 1_000_000 {
		t.Fatalf("no hold during the call: balance %d", bal)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	io.Copy(io.Discard, br)
	resp.Body.Close()
	if n, _ := st.OpenReservations(t.Context(), p.token); n != 1 {
		t.Fatalf("open holds after the crash: %d, want 1", n)
	}
	p.start() // a new process; its sweeper finds the expired hold
	waitFor(t, "the sweeper to release the hold", 15*time.Second, func() bool {
		b, _ := st.Balance(t.Context(), p.token, acct)
		return b == 1_000_000
	})
	if seq, _ := st.LastSeq(t.Context(), p.token); seq != 0 {
		t.Fatalf("the crashed call got receipt seq %d", seq)
	}
	if n, _ := st.OpenReservations(t.Context(), p.token); n != 0 {
		t.Fatalf("holds still open: %d", n)
	}
	// Info lines reach stderr in batches, within 100 ms.
	waitFor(t, "the sweep to be logged", 5*time.Second, func() bool {
		return strings.Contains(p.stderr.String(), "released expired reservations")
	})
}

// TestSIGTERMFinishesInFlightCalls sends SIGTERM mid-stream: the stream
// completes with its receipt and the process exits 0.
func TestSIGTERMFinishesInFlightCalls(t *testing.T) {
	p := newProc(t, 40*time.Millisecond)
	p.start()
	acct, secret := p.newKey(1_000_000)
	resp, err := p.streamCall(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadBytes('\n'); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(br)
	resp.Body.Close()
	if !bytes.Contains(rest, []byte(`"receipt"`)) || !bytes.HasSuffix(rest, []byte("data: [DONE]\n\n")) {
		t.Fatalf("stream cut by shutdown:\n%s", rest)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, p.stderr)
	}
	st := redisstore.New(testredis.Client(t), nil)
	if seq, _ := st.LastSeq(t.Context(), p.token); seq != 1 {
		t.Fatalf("seq %d, want 1", seq)
	}
	if b, _ := st.Balance(t.Context(), p.token, acct); b >= 1_000_000 {
		t.Fatal("the finished call was not charged")
	}
	for _, secretish := range []string{secret, strings.TrimPrefix(p.env[len(p.env)-1], "TEST_SIGNER=")} {
		if strings.Contains(p.stderr.String(), secretish) {
			t.Fatal("a secret appears in the logs")
		}
	}
	if !strings.Contains(p.stderr.String(), "stopped cleanly") {
		t.Fatalf("no clean stop logged:\n%s", p.stderr)
	}
}

func TestConfigValidateCommand(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("chain: {chain_id: 0}\nmodels: [{name: 'a b', token: x, backend: nope}]\n"), 0o600)
	cmd := exec.Command(imogateBin(t), "config", "validate", bad)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("invalid config accepted:\n%s", out)
	}
	for _, path := range []string{"chain.chain_id", "chain.settlement_contract", "signer", "models[0].name", "models[0].token", "models[0].backend"} {
		if !strings.Contains(string(out), path) {
			t.Errorf("output lacks %s:\n%s", path, out)
		}
	}
	cmd = exec.Command(imogateBin(t), "config", "validate", "../../deploy/imogate.example.yaml")
	cmd.Env = append(os.Environ(), "IMOGATE_SIGNER_KEY=4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "IMOGATE_ADMIN_TOKEN=x")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("example config invalid: %v\n%s", err, out)
	}
}

// TestContractsDeployCommand runs `imogate contracts deploy` against a chain
// served over JSON-RPC: a wrong chain id is refused before any transaction,
// then the real deploy prints the addresses and config lines, and the
// settlement contract has code on-chain.
func TestContractsDeployCommand(t *testing.T) {
	key, err := devchain.DevKey("deploy-test")
	if err != nil {
		t.Fatal(err)
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	chain, err := devchain.Start(devchain.Config{
		Alloc:   types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(100), devchain.Ether)}},
		RPCAddr: "127.0.0.1:0", MineInterval: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chain.Close() })
	env := append(os.Environ(), "DEPLOY_KEY="+hex.EncodeToString(crypto.FromECDSA(key)))
	run := func(args ...string) (string, error) {
		cmd := exec.Command(imogateBin(t), append([]string{"contracts", "deploy", "--rpc", chain.RPCURL(), "--key-env", "DEPLOY_KEY",
			"--signer", "0x1111111111111111111111111111111111111111"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("--chain-id", "1")
	if err == nil || !strings.Contains(out, "chain") {
		t.Fatalf("wrong chain id accepted:\n%s", out)
	}
	if n, _ := chain.Client().NonceAt(t.Context(), from, nil); n != 0 {
		t.Fatalf("%d transactions sent to the wrong chain", n)
	}
	out, err = run("--chain-id", "1337", "--token-name", "Demo Model", "--token-symbol", "DEMO", "--model", "demo", "--snapshot-interval", "1h")
	if err != nil {
		t.Fatalf("deploy failed: %v\n%s", err, out)
	}
	var settlement string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "UsageSettlement:") {
			settlement = strings.Fields(line)[1]
		}
	}
	if !common.IsHexAddress(settlement) || !strings.Contains(out, "settlement_contract:") || !strings.Contains(out, "token:") {
		t.Fatalf("output lacks addresses or config lines:\n%s", out)
	}
	code, err := chain.Client().CodeAt(t.Context(), common.HexToAddress(settlement), nil)
	if err != nil || len(code) == 0 {
		t.Fatalf("no code at the printed settlement address %s (%v)", settlement, err)
	}
	if strings.Contains(out, hex.EncodeToString(crypto.FromECDSA(key))) {
		t.Fatal("the deploy key was printed")
	}
}

// TestRepairSignaturesCommand: signatures lost with a killed gateway (here
// deleted from Redis after the kill) are stored again by `imogate repair
// signatures`, byte for byte those the clients hold.
func TestRepairSignaturesCommand(t *testing.T) {
	p := newProc(t, 0)
	p.start()
	_, secret := p.newKey(1_000_000_000)
	var held []metering.SignedReceipt
	for i := range 3 {
		req, _ := http.NewRequest("POST", p.base+"/v1/chat/completions",
			strings.NewReader(fmt.Sprintf(`{"model":"demo","messages":[{"role":"user","content":"hello %d"}]}`, i)))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		rc, err := metering.ParseHeader(resp.Header.Get("Imogate-Receipt"))
		if err != nil {
			t.Fatalf("call %d: %d, receipt: %v", i, resp.StatusCode, err)
		}
		held = append(held, rc)
	}
	rdb := testredis.Client(t)
	st := redisstore.New(rdb, nil)
	waitFor(t, "the signature writer to store 3 signatures", 5*time.Second, func() bool {
		return rdb.HLen(t.Context(), redisstore.Prefix(p.token)+"sig").Val() == 3
	})
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = p.cmd.Process.Wait()
	if err := rdb.HDel(t.Context(), redisstore.Prefix(p.token)+"sig", "1", "3").Err(); err != nil {
		t.Fatal(err)
	}
	out := string(p.run("repair", "signatures"))
	if !strings.Contains(out, "demo: 3 receipts checked, 2 signatures stored again") {
		t.Fatalf("repair output: %q", out)
	}
	for _, rc := range held {
		lr, err := st.ReceiptBySeq(t.Context(), p.token, rc.Seq)
		if err != nil || !bytes.Equal(lr.Signature, rc.Signature) {
			t.Fatalf("seq %d: stored %x (%v), the client holds %x", rc.Seq, lr.Signature, err, rc.Signature)
		}
	}
}
