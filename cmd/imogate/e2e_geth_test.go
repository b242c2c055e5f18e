package main

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/imogate/imogate/internal/childproc"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/merkle"
)

// gethBin returns a geth binary: $GETH_BIN (scripts/test.sh builds it from
// the go-ethereum module in go.mod), else one built here into the user cache.
func gethBin(t testing.TB) string {
	t.Helper()
	if b := os.Getenv("GETH_BIN"); b != "" {
		return b
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	bin := filepath.Join(dir, "imogate-test", "geth-v1.17.10")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	t.Logf("building geth from the go-ethereum module (about 2 minutes, once) into %s", bin)
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/ethereum/go-ethereum/cmd/geth").CombinedOutput(); err != nil {
		t.Fatalf("build geth: %v\n%s", err, out)
	}
	return bin
}

// startGethDev runs `geth --dev` on a free port and returns its RPC URL.
func startGethDev(t testing.TB, extra ...string) string {
	t.Helper()
	port := freePort(t)
	dir := t.TempDir()
	cmd := exec.Command(gethBin(t), "--dev", "--http", "--http.addr", "127.0.0.1", "--http.port", fmt.Sprint(port),
		"--http.api", "eth,net,web3", "--datadir", dir, "--nodiscover", "--maxpeers", "0", "--port", "0", "--authrpc.port", fmt.Sprint(freePort(t)),
		"--verbosity", "2")
	cmd.Args = append(cmd.Args, extra...)
	childproc.DieWithParent(cmd, syscall.SIGKILL)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, "geth --dev to answer", 30*time.Second, func() bool {
		c, err := rpc.Dial(url)
		if err != nil {
			return false
		}
		defer c.Close()
		var n hexutil.Uint64
		return c.Call(&n, "eth_blockNumber") == nil
	})
	return url
}

// fund sends ether from geth's unlocked dev account.
func fund(t testing.TB, url string, to common.Address, wei *big.Int) {
	t.Helper()
	c, err := rpc.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var accts []common.Address
	if err := c.Call(&accts, "eth_accounts"); err != nil || len(accts) == 0 {
		t.Fatalf("geth dev account: %v", err)
	}
	var h common.Hash
	if err := c.Call(&h, "eth_sendTransaction", map[string]any{"from": accts[0], "to": to, "value": (*hexutil.Big)(wei)}); err != nil {
		t.Fatal(err)
	}
	ec := ethclient.NewClient(c)
	waitFor(t, "funding to be mined", 20*time.Second, func() bool {
		r, err := ec.TransactionReceipt(t.Context(), h)
		return err == nil && r != nil
	})
}

func keyHex(k *ecdsa.PrivateKey) string { return hex.EncodeToString(crypto.FromECDSA(k)) }

// startSettlingGateway starts `imogate serve` for a demo model on token,
// with the batcher settling through the node at url as operator (receipts
// signed by signer) into a fresh archive directory, which it returns.
// settlement holds extra settlement lines (indented YAML, or "" for the
// defaults).
func startSettlingGateway(t testing.TB, url string, operator, signer *ecdsa.PrivateKey, settlementAddr, token common.Address,
	maxTokens int, settlement string) (*proc, string) {
	t.Helper()
	port := freePort(t)
	archiveDir := t.TempDir()
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
redis: %s
chain: {chain_id: 1337, settlement_contract: %q}
signer: {env: TEST_SIGNER}
log: {level: info}
models:
  - name: demo
    token: %q
    backend: demo
    price: {per_request_wei: "1000000", per_1k_prompt_wei: "2000000", per_1k_completion_wei: "4000000"}
    max_tokens: %d
settlement:
  enabled: true
  rpc_url: %q
  settler_key: {env: OP_KEY}
  archive_dir: %q%s
`, port, testredis.ConfigYAML(t), settlementAddr.Hex(), token.Hex(), maxTokens, url, archiveDir, settlement)
	cfgPath := filepath.Join(t.TempDir(), "imogate.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cfg: cfgPath, base: fmt.Sprintf("http://127.0.0.1:%d", port), token: token,
		env: append(os.Environ(), "TEST_SIGNER="+keyHex(signer), "OP_KEY="+keyHex(operator))}
	p.start()
	return p, archiveDir
}

// deployWithCLI runs `imogate contracts deploy` against the node at url for
// a model named demo, signed by operator with signer registered, plus args,
// and returns the UsageSettlement and token addresses it printed.
func deployWithCLI(t testing.TB, url string, operator, signer *ecdsa.PrivateKey, args ...string) (settlement, token common.Address) {
	t.Helper()
	cmd := exec.Command(imogateBin(t), append([]string{"contracts", "deploy", "--rpc", url, "--chain-id", "1337", "--key-env", "OP_KEY",
		"--signer", crypto.PubkeyToAddress(signer.PublicKey).Hex(), "--model", "demo"}, args...)...)
	cmd.Env = append(os.Environ(), "OP_KEY="+keyHex(operator))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("contracts deploy: %v\n%s", err, out)
	}
	field := func(prefix string) common.Address {
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, prefix) {
				return common.HexToAddress(strings.Fields(strings.TrimPrefix(l, prefix))[0])
			}
		}
		t.Fatalf("no %q in deploy output:\n%s", prefix, out)
		return common.Address{}
	}
	return field("UsageSettlement:"), field("ERC-7641 token:")
}

// TestEndToEndGethDev drives the whole system against a real node over
// JSON-RPC: contracts deployed with `imogate contracts deploy`, `imogate
// serve` with the batcher enabled, many paid calls, batches settled; then
// the token's ETH balance equals the sum of all receipt fees, every receipt's
// proof from the archive verifies on-chain with verifyReceipt, and a holder
// claims its share after a snapshot.
func TestEndToEndGethDev(t *testing.T) {
	url := startGethDev(t)
	operator, _ := crypto.GenerateKey()
	holder, _ := crypto.GenerateKey()
	signer, _ := crypto.GenerateKey()
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	fund(t, url, crypto.PubkeyToAddress(operator.PublicKey), new(big.Int).Mul(big.NewInt(10), ether))
	fund(t, url, crypto.PubkeyToAddress(holder.PublicKey), ether)

	// Deploy with the CLI.
	settlementAddr, token := deployWithCLI(t, url, operator, signer, "--token-name", "E2E Model", "--token-symbol", "E2E",
		"--token-holder", crypto.PubkeyToAddress(holder.PublicKey).Hex(), "--snapshot-interval", "1s", "--percent-claimable", "80")

	// Serve with the batcher.
	p, archiveDir := startSettlingGateway(t, url, operator, signer, settlementAddr, token, 64, `
  max_receipts: 40
  max_age: 1s
  confirmations: 1
  finality_depth: 1
  poll_interval: 200ms`)
	_, secret := p.newKey(1_000_000_000_000)

	// Many paid calls, some streamed.
	const calls = 100
	var mu sync.Mutex
	var fees = new(big.Int)
	ids := map[common.Hash]bool{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			body := fmt.Sprintf(`{"model":"demo","messages":[{"role":"user","content":"call %d"}]}`, i)
			req, _ := http.NewRequest("POST", p.base+"/v1/chat/completions", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			rc, err := metering.ParseHeader(resp.Header.Get("Imogate-Receipt"))
			if err != nil {
				t.Errorf("call %d: status %d, %v", i, resp.StatusCode, err)
				return
			}
			mu.Lock()
			fees.Add(fees, rc.Fee)
			ids[rc.ID] = true
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	client, err := ethclient.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	waitFor(t, "every fee to reach the token", 60*time.Second, func() bool {
		b, err := client.BalanceAt(t.Context(), token, nil)
		return err == nil && b.Cmp(fees) >= 0
	})
	if b, _ := client.BalanceAt(t.Context(), token, nil); b.Cmp(fees) != 0 {
		t.Fatalf("token holds %s wei, receipts' fees sum to %s", b, fees)
	}

	// Every receipt is in exactly one archived batch and verifies on-chain.
	us := bindings.NewUsageSettlement()
	opAddr := crypto.PubkeyToAddress(operator.PublicKey)
	dir, err := archive.NewDir(archiveDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	var next uint64 = 1
	waitFor(t, "the last batch to be archived", 20*time.Second, func() bool {
		_, err := os.Stat(filepath.Join(archiveDir, archive.BatchPath(token, 0, "settlement.json")))
		return err == nil
	})
	for id := uint64(0); seen < calls; id++ {
		var dump []byte
		waitFor(t, fmt.Sprintf("batch %d in the archive", id), 20*time.Second, func() bool {
			_, err := os.Stat(filepath.Join(archiveDir, archive.BatchPath(token, id, "settlement.json")))
			if err != nil {
				return false
			}
			dump, err = dir.Get(t.Context(), archive.BatchPath(token, id, "tree.json"))
			return err == nil
		})
		tree, err := merkle.LoadReceiptTree(dump)
		if err != nil {
			t.Fatalf("batch %d: %v", id, err)
		}
		for i, r := range tree.Receipts() {
			if r.Seq != next {
				t.Fatalf("batch %d: seq %d, want %d", id, r.Seq, next)
			}
			next++
			if !ids[r.ID] {
				t.Fatalf("batch %d holds a receipt no client got: %s", id, r.ID.Hex())
			}
			delete(ids, r.ID)
			hashes, err := tree.Proof(i)
			if err != nil {
				t.Fatal(err)
			}
			proof := make([][32]byte, len(hashes))
			for j, h := range hashes {
				proof[j] = h
			}
			data := us.PackVerifyReceipt(opAddr, token, id, bindings.UsageSettlementReceipt{
				Id: r.ID, Model: r.Model, Payer: r.Payer, Seq: r.Seq, Timestamp: r.Timestamp, PromptTokens: r.PromptTokens,
				CompletionTokens: r.CompletionTokens, Fee: r.Fee, RequestHash: r.RequestHash, ResponseHash: r.ResponseHash,
			}, proof)
			c := bind.NewBoundContract(settlementAddr, us.GetABI(), client, client, client)
			ok, err := bind.Call(c, &bind.CallOpts{Context: t.Context()}, data, us.UnpackVerifyReceipt)
			if err != nil || !ok {
				t.Fatalf("verifyReceipt(batch %d, seq %d) = %v, %v", id, r.Seq, ok, err)
			}
			seen++
		}
	}
	if len(ids) != 0 {
		t.Fatalf("%d receipts are in no batch", len(ids))
	}

	// An auditor with only the RPC URL and the published archive: the honest
	// run passes every check, and a tampered fee is caught by name.
	audit := func(args ...string) (string, error) {
		cmd := exec.Command(imogateBin(t), append([]string{"audit"}, append(args, "--rpc", url, "--settlement", settlementAddr.Hex(),
			"--operator", opAddr.Hex(), "--archive", archiveDir, "--no-progress")...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := audit("chain", token.Hex()); err != nil || !strings.Contains(out, "RESULT: PASS") || !strings.Contains(out, "PASS  settlement code") {
		t.Fatalf("audit chain on an honest run: %v\n%s", err, out)
	}
	// Without the archive, the archived batches are not checked: INCOMPLETE,
	// exit status 2, never PASS.
	noArchive := exec.Command(imogateBin(t), "audit", "chain", token.Hex(), "--rpc", url, "--settlement", settlementAddr.Hex(),
		"--operator", opAddr.Hex(), "--no-progress")
	out, err := noArchive.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(string(out), "RESULT: INCOMPLETE") {
		t.Fatalf("audit chain without the archive: %v\n%s", err, out)
	}
	if out, err := audit("batch", token.Hex(), "0"); err != nil || strings.Contains(out, "FAIL") {
		t.Fatalf("audit batch 0 on an honest run: %v\n%s", err, out)
	}
	rpath := filepath.Join(archiveDir, archive.BatchPath(token, 0, "receipts.ndjson"))
	orig, err := os.ReadFile(rpath)
	if err != nil {
		t.Fatal(err)
	}
	var first metering.SignedReceipt
	line, _, _ := bytes.Cut(orig, []byte("\n"))
	if err := first.UnmarshalJSON(line); err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(orig, []byte(`"fee":"`+first.Fee.String()+`"`), []byte(`"fee":"`+new(big.Int).Add(first.Fee, big.NewInt(1)).String()+`"`), 1)
	if err := os.WriteFile(rpath, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := audit("batch", token.Hex(), "0"); err == nil || !strings.Contains(out, "FAIL") {
		t.Fatalf("audit batch accepted a tampered fee:\n%s", out)
	}
	if err := os.WriteFile(rpath, orig, 0o644); err != nil {
		t.Fatal(err)
	}

	// A holder claims its share after a snapshot.
	tk := bindings.NewRevenueShareToken()
	tc := bind.NewBoundContract(token, tk.GetABI(), client, client, client)
	auth := bind.NewKeyedTransactor(holder, big.NewInt(1337))
	auth.Context = t.Context()
	time.Sleep(1100 * time.Millisecond) // the snapshot interval is 1s
	mine := func(data []byte) *types.Receipt {
		t.Helper()
		tx, err := bind.Transact(tc, auth, data)
		if err != nil {
			t.Fatal(err)
		}
		var rc *types.Receipt
		waitFor(t, "transaction", 20*time.Second, func() bool {
			rc, err = client.TransactionReceipt(t.Context(), tx.Hash())
			return err == nil && rc != nil
		})
		if rc.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("transaction reverted")
		}
		return rc
	}
	mine(tk.PackSnapshot())
	snap, err := bind.Call(tc, &bind.CallOpts{Context: t.Context()}, tk.PackCurrentSnapshotId(), tk.UnpackCurrentSnapshotId)
	if err != nil {
		t.Fatal(err)
	}
	claimable, err := bind.Call(tc, &bind.CallOpts{Context: t.Context()}, tk.PackClaimableRevenue(auth.From, snap), tk.UnpackClaimableRevenue)
	if err != nil {
		t.Fatal(err)
	}
	want := new(big.Int).Div(new(big.Int).Mul(fees, big.NewInt(80)), big.NewInt(100)) // the holder owns the whole supply
	if claimable.Cmp(want) != 0 {
		t.Fatalf("claimable %s, want 80%% of %s = %s", claimable, fees, want)
	}
	before, _ := client.BalanceAt(t.Context(), auth.From, nil)
	rc := mine(tk.PackClaim(snap))
	after, _ := client.BalanceAt(t.Context(), auth.From, nil)
	gas := new(big.Int).Mul(new(big.Int).SetUint64(rc.GasUsed), rc.EffectiveGasPrice)
	if got := new(big.Int).Sub(new(big.Int).Add(after, gas), before); got.Cmp(claimable) != 0 {
		t.Fatalf("holder received %s wei, claimable was %s", got, claimable)
	}
}
