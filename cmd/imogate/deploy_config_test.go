package main

import (
	"bytes"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"go.yaml.in/yaml/v3"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/testbindings"
)

// rpcChain is a simulated chain serving JSON-RPC over HTTP, sealing a block
// every 50 ms, for commands run against it. Like a full node it keeps the
// state of the last 128 blocks only: at this pace, 6 s of it.
type rpcChain struct {
	b   *simulated.Backend
	url string
	mu  sync.Mutex // serializes commits
}

// commit seals a block.
func (c *rpcChain) commit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b.Commit()
}

func startRPCChain(t *testing.T, funded ...*ecdsa.PrivateKey) *rpcChain {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b := chaintest.NewBackend(t, chaintest.Fund(funded...), func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort, nc.HTTPModules = "127.0.0.1", port, []string{"eth", "net", "web3"}
	})
	c := &rpcChain{b: b, url: "http://127.0.0.1:" + strconv.Itoa(port)}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				c.commit()
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done }) // before the backend closes
	return c
}

// runCmd runs the imogate command line in-process and returns its
// standard output and error.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&o)
	cmd.SetErr(&e)
	err = cmd.ExecuteContext(t.Context())
	return o.String(), e.String(), err
}

// pastedLines are the config lines `contracts deploy` printed to paste.
func pastedLines(t *testing.T, out string) string {
	t.Helper()
	_, lines, ok := strings.Cut(out, "# paste into imogate.yaml")
	if !ok {
		t.Fatalf("no config lines in:\n%s", out)
	}
	return lines[strings.Index(lines, "\n")+1:]
}

// baseConfig is what an operator has before pasting: Redis, and the
// model's backend and price.
const baseConfig = `
redis: {url: "redis://127.0.0.1:6379/0"}
models:
  - {name: first, backend: demo, price: {per_request_wei: "1000"}}
`

// paste merges the printed lines into the YAML config in file (created
// from baseConfig if missing): mappings key by key, models by name.
func paste(t *testing.T, file, lines string) {
	t.Helper()
	base := []byte(baseConfig)
	if b, err := os.ReadFile(file); err == nil {
		base = b
	}
	var b, l map[string]any
	if err := yaml.Unmarshal(base, &b); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(lines), &l); err != nil {
		t.Fatalf("the printed config lines are not YAML: %v\n%s", err, lines)
	}
	out, err := yaml.Marshal(mergeConfig(b, l))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mergeConfig(base, over any) any {
	switch o := over.(type) {
	case map[string]any:
		b, ok := base.(map[string]any)
		if !ok {
			return o
		}
		for k, v := range o {
			b[k] = mergeConfig(b[k], v)
		}
		return b
	case []any:
		b, ok := base.([]any)
		if !ok {
			return o
		}
	items:
		for _, item := range o {
			m, _ := item.(map[string]any)
			for i, bi := range b {
				if bm, ok := bi.(map[string]any); ok && m != nil && bm["name"] == m["name"] {
					b[i] = mergeConfig(bi, item)
					continue items
				}
			}
			b = append(b, item)
		}
		return b
	}
	return over
}

var deployedInRE = regexp.MustCompile(`UsageSettlement: +(0x[0-9a-fA-F]{40}) \((?:existing; )?deployed in block (\d+)`)

// TestContractsDeployPrintsEveryConfigLine deploys with the command against
// a chain served over JSON-RPC, pastes the printed lines into a config that
// has only Redis and the models' backends, and validates it with `config
// validate --settle --check-chain`: it passes, and holds the deployment.
// Then a second model registers an existing token against the existing
// settlement contract, whose deployment block is found on-chain; and
// tokens that cannot be a model's are refused before any transaction.
func TestContractsDeployPrintsEveryConfigLine(t *testing.T) {
	operator, signerKey := chaintest.Key("cmd-deploy-operator"), chaintest.Key("cmd-deploy-signer")
	chain := startRPCChain(t, operator)
	t.Setenv("TEST_OPERATOR_KEY", keyHex(operator))
	t.Setenv("TEST_RECEIPT_SIGNER", keyHex(signerKey))
	deployArgs := []string{"contracts", "deploy", "--rpc", chain.url, "--chain-id", "1337", "--key-env", "TEST_OPERATOR_KEY", "--signer-key-env", "TEST_RECEIPT_SIGNER"}
	file := filepath.Join(t.TempDir(), "imogate.yaml")

	out, errOut, err := runCmd(t, append(deployArgs, "--token-name", "First Model", "--token-symbol", "FIRST", "--model", "first", "--snapshot-interval", "1h")...)
	if err != nil {
		t.Fatalf("deploy: %v\n%s%s", err, out, errOut)
	}
	m := deployedInRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no settlement address and block in:\n%s", out)
	}
	settlement := common.HexToAddress(m[1])
	block, _ := strconv.ParseUint(m[2], 10, 64)
	client := chain.b.Client()
	if code, _ := client.CodeAt(t.Context(), settlement, new(big.Int).SetUint64(block)); len(code) == 0 {
		t.Fatalf("no code at %s in block %d, the printed deployment block", settlement, block)
	}
	if code, _ := client.CodeAt(t.Context(), settlement, new(big.Int).SetUint64(block-1)); len(code) != 0 {
		t.Fatalf("code at %s in block %d, before the printed deployment block", settlement, block-1)
	}
	lines := pastedLines(t, out)
	for _, secret := range []string{keyHex(operator), keyHex(signerKey)} {
		if strings.Contains(out+errOut, secret) {
			t.Fatal("a key was printed")
		}
	}
	paste(t, file, lines)
	validate := func(t *testing.T) *config.Config {
		t.Helper()
		out, errOut, err := runCmd(t, "config", "validate", file, "--settle", "--check-chain")
		if err != nil || errOut != "" {
			t.Fatalf("the pasted config does not validate: %v\n%s%s\nconfig:\n%s", err, out, errOut, readFile(t, file))
		}
		cfg, err := config.LoadSettler(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	cfg := validate(t)
	first, ok := cfg.ModelByName("first")
	if cfg.Chain.ChainID != 1337 || cfg.Chain.SettlementContract != settlement.Hex() || cfg.Settlement.RPCURL != chain.url ||
		cfg.Settlement.FromBlock != block || cfg.Signer.Env != "TEST_RECEIPT_SIGNER" || cfg.Settlement.SettlerKey.Env != "TEST_OPERATOR_KEY" ||
		!ok || !common.IsHexAddress(first.Token) {
		t.Fatalf("config from the pasted lines:\n%s", readFile(t, file))
	}

	// The second model takes the first one's token, registered as existing.
	paste(t, file, "models: [{name: second, backend: demo, price: {per_request_wei: \"1000\"}}]\n")
	out, errOut, err = runCmd(t, append(deployArgs, "--settlement", settlement.Hex(), "--token", first.Token, "--model", "second")...)
	if err != nil {
		t.Fatalf("deploy with an existing token: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, fmt.Sprintf("deployed in block %d, found on-chain", block)) || !strings.Contains(out, "existing; checked") {
		t.Fatalf("output does not say what was found and checked:\n%s", out)
	}
	paste(t, file, pastedLines(t, out))
	cfg = validate(t)
	if second, ok := cfg.ModelByName("second"); !ok || second.Token != first.Token || cfg.Settlement.FromBlock != block {
		t.Fatalf("config after the second paste:\n%s", readFile(t, file))
	}

	// Once the node has dropped the state of the deployment's block, the
	// block cannot be found: the command asks for it, sending nothing.
	for range 200 {
		chain.commit()
	}
	nonce, _ := client.NonceAt(t.Context(), chaintest.Address(operator), nil)
	if _, _, err := runCmd(t, append(deployArgs, "--settlement", settlement.Hex())...); err == nil || !strings.Contains(err.Error(), "pass --settlement-block") {
		t.Fatalf("deploy without old state: err = %v, want one asking for --settlement-block", err)
	}
	if n, _ := client.NonceAt(t.Context(), chaintest.Address(operator), nil); n != nonce {
		t.Fatal("a deployment refused for want of its block sent transactions")
	}
	out, _, err = runCmd(t, append(deployArgs, "--settlement", settlement.Hex(), "--settlement-block", strconv.FormatUint(block, 10))...)
	if err != nil || !strings.Contains(out, "as --settlement-block says") || !strings.Contains(out, fmt.Sprintf("from_block: %d ", block)) {
		t.Fatalf("deploy with --settlement-block: %v\n%s", err, out)
	}

	// Tokens that cannot be a model's are refused, and nothing is sent.
	noReceive := deployTestContract(t, chain, operator, testbindings.NoReceiveTokenMetaData.Bin)
	account := chaintest.Address(chaintest.Key("just-an-account"))
	nonce, _ = client.NonceAt(t.Context(), chaintest.Address(operator), nil)
	for _, tc := range []struct {
		token common.Address
		want  []string
	}{
		{account, []string{"no contract code", "on chain 1337", "another chain"}},
		{noReceive, []string{"not an ERC-7641 token", "totalSupply() reverts"}},
	} {
		_, _, err := runCmd(t, append(deployArgs, "--token", tc.token.Hex(), "--model", "third")...)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("--token %s: err = %v, want one saying %q", tc.token, err, w)
			}
		}
	}
	if n, _ := client.NonceAt(t.Context(), chaintest.Address(operator), nil); n != nonce {
		t.Fatalf("refused tokens cost %d transactions", n-nonce)
	}
	if _, _, err := runCmd(t, append(deployArgs, "--token", account.Hex(), "--token-name", "X")...); err == nil || !strings.Contains(err.Error(), "use one of --token") {
		t.Fatalf("--token with --token-name: %v", err)
	}
}

// viewsButNoETHBin is the init code of a contract that answers every call
// without value with 32 zero bytes (as an ERC-7641 token's views do) and
// reverts every call with value (see settlement/contracts/deploy's tests).
const viewsButNoETHBin = "0x601080600b6000396000f3" + "34600a5760206000f3005b60006000fd"

// deployTestContract deploys a test contract and waits until it is mined.
func deployTestContract(t *testing.T, chain *rpcChain, key *ecdsa.PrivateKey, bin string) common.Address {
	t.Helper()
	addr, tx, err := bind.DeployContract(chaintest.Transactor(t, key), common.FromHex(bin), chain.b.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the test contract's deployment", 10*time.Second, func() bool {
		r, err := chain.b.Client().TransactionReceipt(t.Context(), tx.Hash())
		return err == nil && r.Status == 1
	})
	return addr
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConfigValidateCheckChain: --check-chain refuses a config for another
// chain or without a settlement contract, warns of tokens that cannot take
// their revenue and of a chain it cannot reach, and stays offline without
// the flag.
func TestConfigValidateCheckChain(t *testing.T) {
	operator := chaintest.Key("cmd-check-operator")
	chain := startRPCChain(t, operator)
	t.Setenv("TEST_OPERATOR_KEY", keyHex(operator))
	t.Setenv("TEST_RECEIPT_SIGNER", keyHex(chaintest.Key("cmd-check-signer")))
	out, errOut, err := runCmd(t, "contracts", "deploy", "--rpc", chain.url, "--chain-id", "1337", "--key-env", "TEST_OPERATOR_KEY",
		"--signer-key-env", "TEST_RECEIPT_SIGNER", "--token-name", "T", "--token-symbol", "T", "--model", "first")
	if err != nil {
		t.Fatalf("deploy: %v\n%s%s", err, out, errOut)
	}
	settlement := deployedInRE.FindStringSubmatch(out)[1]
	block, _ := strconv.ParseUint(deployedInRE.FindStringSubmatch(out)[2], 10, 64)
	first := regexp.MustCompile(`ERC-7641 token: +(0x[0-9a-fA-F]{40})`).FindStringSubmatch(out)[1]
	noReceive := deployTestContract(t, chain, operator, testbindings.NoReceiveTokenMetaData.Bin)
	noETH := deployTestContract(t, chain, operator, viewsButNoETHBin)
	dir := t.TempDir()
	write := func(name, chainID, contract, rpc, secondToken string, fromBlock uint64) string {
		p := filepath.Join(dir, name)
		paste(t, p, pastedLines(t, out))
		paste(t, p, fmt.Sprintf("chain: {chain_id: %s, settlement_contract: %q}\nsettlement: {rpc_url: %q, from_block: %d}\nmodels: [{name: second, backend: demo, price: {per_request_wei: \"1000\"}, token: %q}]\n",
			chainID, contract, rpc, fromBlock, secondToken))
		return p
	}
	account := chaintest.Address(chaintest.Key("cmd-check-account")).Hex()
	for _, tc := range []struct {
		name                      string
		chainID, contract, rpc    string
		secondToken               string
		fromBlock                 uint64
		offline                   bool
		wantErr                   string
		wantWarnings, notWarnings []string
	}{
		{"every token takes its revenue", "1337", settlement, chain.url, first, block, false, "", nil, nil},
		{"a token without code", "1337", settlement, chain.url, account, block, false, "",
			[]string{"models[1].token (second)", "no contract code", "refuses the model's paid calls"}, []string{"models[0]", "from_block"}},
		{"a contract that is no token", "1337", settlement, chain.url, noReceive.Hex(), block, false, "",
			[]string{"models[1].token (second)", "not an ERC-7641 token"}, nil},
		{"a token that refuses ETH", "1337", settlement, chain.url, noETH.Hex(), block, false, "",
			[]string{"models[1].token (second)", "cannot take its revenue", "no receive() or payable fallback"}, nil},
		{"from_block after the deployment", "1337", settlement, chain.url, first, block + 1, false, "",
			[]string{fmt.Sprintf("settlement.from_block: the settlement contract already existed in block %d", block)}, []string{"models["}},
		{"offline by default", "1337", settlement, chain.url, account, block + 1, true, "", nil, []string{"warning"}},
		{"another chain", "1", settlement, chain.url, account, block, false, "chain.chain_id: 1, but settlement.rpc_url", nil, nil},
		{"no settlement contract", "1337", account, chain.url, account, block, false, "chain.settlement_contract: no contract at", nil, nil},
		{"unreachable chain", "1337", settlement, "http://127.0.0.1:1", account, block, false, "", []string{"the chain was not checked"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tc.name, " ", "-")+".yaml", tc.chainID, tc.contract, tc.rpc, tc.secondToken, tc.fromBlock)
			args := []string{"config", "validate", p, "--timeout", "10s"}
			if !tc.offline {
				args = append(args, "--check-chain")
			}
			_, stderr, err := runCmd(t, args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(stderr, tc.wantErr) {
					t.Fatalf("err = %v, want a problem %q:\n%s", err, tc.wantErr, stderr)
				}
				return
			}
			if err != nil {
				t.Fatalf("validate: %v\n%s", err, stderr)
			}
			if len(tc.wantWarnings) == 0 && strings.Contains(stderr, "warning") {
				t.Errorf("unexpected warnings:\n%s", stderr)
			}
			for _, w := range tc.wantWarnings {
				if !strings.Contains(stderr, "warning: ") || !strings.Contains(stderr, w) {
					t.Errorf("no warning saying %q:\n%s", w, stderr)
				}
			}
			for _, w := range tc.notWarnings {
				if strings.Contains(stderr, w) {
					t.Errorf("a warning says %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// TestConfigValidateReportsEachProblemOnce runs `config validate` on a file
// with many problems from every source (the file's types, an override,
// unset secrets, checks, the settlement section): each is listed once, and
// none is left out.
func TestConfigValidateReportsEachProblemOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(file, []byte(`
chain: {settlement_contract: "nope"}
signer: {env: TEST_UNSET_SIGNER}
limits: {read_timeout: soon, max_connections: -1}
jwt:
  keys:
    - {id: a, algorithm: HS256, secret: {env: TEST_UNSET_JWT}}
settlement:
  rpc_url: "ftp://x"
  settler_key: {env: TEST_UNSET_SETTLER}
models:
  - name: m
    token: "0x12"
    backend: demo
    max_tokens: lots
  - {name: m, token: "0x1111111111111111111111111111111111111111", backend: grpc}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(config.EnvChainID, "mainnet")
	want := []string{"chain.chain_id", "chain.settlement_contract", "signer", "limits.read_timeout", "limits.max_connections",
		"jwt.keys[0].secret", "settlement.rpc_url", "settlement.settler_key", "models[0].token", "models[0].max_tokens",
		"models[1].name", "models[1].backend"}
	_, stderr, err := runCmd(t, "config", "validate", file, "--settle")
	if err == nil {
		t.Fatal("accepted")
	}
	var listed []string
	for _, l := range strings.Split(stderr, "\n") {
		if p, ok := strings.CutPrefix(l, "  - "); ok {
			listed = append(listed, p)
		}
	}
	for _, p := range want {
		n := 0
		for _, l := range listed {
			if strings.HasPrefix(l, p+": ") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is listed %d times, want once", p, n)
		}
	}
	if len(listed) != len(want) {
		t.Errorf("%d problems listed, want %d", len(listed), len(want))
	}
	if t.Failed() {
		t.Logf("output:\n%s", stderr)
	}
}
