package deploy_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"go.yaml.in/yaml/v3"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/deploy"
	"github.com/imogate/imogate/settlement/contracts/testbindings"
	"github.com/imogate/imogate/settlement/onchain"
)

// viewsButNoETHBin is the init code of a contract that answers every call
// without value with 32 zero bytes (so it passes for an ERC-7641 token's
// views) and reverts, without a reason, every call with value: a "token"
// that cannot take revenue.
//
//	init:    PUSH1 16, DUP1, PUSH1 11, PUSH1 0, CODECOPY, PUSH1 0, RETURN
//	runtime: CALLVALUE, PUSH1 10, JUMPI, PUSH1 32, PUSH1 0, RETURN, STOP,
//	         JUMPDEST, PUSH1 0, PUSH1 0, REVERT
const viewsButNoETHBin = "0x601080600b6000396000f3" + "34600a5760206000f3005b60006000fd"

// rpcBackend starts a simulated chain that also serves JSON-RPC over HTTP,
// and returns it with a client of that RPC: the client the command uses,
// through which onchain.Reader.CheckDelivery simulates the payment with
// value (through the simulated backend's own client it sends none).
func rpcBackend(t *testing.T) (*simulated.Backend, *ethclient.Client) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b := chaintest.NewBackend(t, chaintest.Fund(operatorKey), func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort, nc.HTTPModules = "127.0.0.1", port, []string{"eth"}
	})
	client, err := ethclient.DialContext(t.Context(), fmt.Sprintf("http://127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	return b, client
}

// deployBin deploys init code (with constructor input) from the operator
// and mines it.
func deployBin(t *testing.T, b *simulated.Backend, bin string, input []byte) common.Address {
	t.Helper()
	addr, tx, err := bind.DeployContract(chaintest.Transactor(t, operatorKey), common.FromHex(bin), b.Client(), input)
	if err != nil {
		t.Fatal(err)
	}
	chaintest.Mine(t, b, tx)
	return addr
}

// TestDeployUseToken registers existing tokens: imogate's own
// RevenueShareToken and another ERC-7641 are used as they are; an account,
// a contract that is no token, one without receive() and one that answers
// like a token but refuses ETH are refused before any transaction, each
// with an error saying why.
func TestDeployUseToken(t *testing.T) {
	b, client := rpcBackend(t)
	auth := chaintest.Transactor(t, operatorKey)
	opts := func(o deploy.Options) deploy.Options {
		o.ChainID, o.Signer, o.Wait = chaintest.ChainID, signer, commitWait(b)
		return o
	}
	first, err := deploy.Deploy(t.Context(), client, auth, opts(deploy.Options{Token: tokenOptions()}))
	if err != nil {
		t.Fatal(err)
	}
	minimal := deployBin(t, b, testbindings.MinimalERC7641MetaData.Bin, testbindings.NewMinimalERC7641().PackConstructor(big.NewInt(1000)))
	refusing := deployBin(t, b, testbindings.RefusingTokenMetaData.Bin, nil)
	noReceive := deployBin(t, b, testbindings.NoReceiveTokenMetaData.Bin, nil)
	noETH := deployBin(t, b, viewsButNoETHBin, nil)
	eoa := chaintest.Address(chaintest.Key("someone"))

	for _, tc := range []struct {
		name    string
		token   common.Address
		wantErr error
		wantMsg []string
	}{
		{"RevenueShareToken", first.Token, nil, nil},
		{"minimal ERC-7641", minimal, nil, nil},
		{"an account", eoa, deploy.ErrNoCode, []string{eoa.Hex(), "on chain 1337", "another chain"}},
		{"no token views", refusing, deploy.ErrNotERC7641, []string{"totalSupply() reverts"}},
		{"no receive()", noReceive, deploy.ErrNotERC7641, []string{"totalSupply() reverts"}},
		{"refuses ETH", noETH, deploy.ErrUndeliverable, []string{"cannot take its revenue", "no receive() or payable fallback"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := nonceOf(t, client, chaintest.Address(operatorKey))
			res, err := deploy.Deploy(t.Context(), client, auth, opts(deploy.Options{UseToken: tc.token}))
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if res.Token != tc.token || res.TokenDeployed || !res.SettlementDeployed || len(res.Transactions) != 2 {
					t.Fatalf("result = %+v", res)
				}
				// The settlement that was simulated is the one deployed: it pays.
				if err := onchain.NewReader(client, res.Settlement, res.Operator).CheckDelivery(t.Context(), tc.token); err != nil {
					t.Fatalf("the new settlement cannot pay the token: %v", err)
				}
				if y := res.ConfigYAML(deploy.ConfigRefs{Model: "existing"}); !strings.Contains(y, `token: "`+tc.token.Hex()+`"`) {
					t.Fatalf("config lines lack the token:\n%s", y)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("err %q lacks %q", err, m)
				}
			}
			if n := nonceOf(t, client, chaintest.Address(operatorKey)); n != before {
				t.Fatalf("a refused token cost %d transactions", n-before)
			}
		})
	}

	t.Run("with an existing settlement", func(t *testing.T) {
		res, err := deploy.Deploy(t.Context(), client, auth, opts(deploy.Options{Settlement: first.Settlement, UseToken: minimal}))
		if err != nil || res.Token != minimal || len(res.Transactions) != 0 || res.SettlementBlock != first.SettlementBlock {
			t.Fatalf("deploy = %+v, %v", res, err)
		}
		_, err = deploy.Deploy(t.Context(), client, auth, opts(deploy.Options{Settlement: first.Settlement, UseToken: noETH}))
		var u *onchain.Undeliverable
		if !errors.Is(err, deploy.ErrUndeliverable) || !errors.As(err, &u) || u.Token != noETH {
			t.Fatalf("err = %v, want an Undeliverable for %s", err, noETH)
		}
	})
	t.Run("new and existing token at once", func(t *testing.T) {
		_, err := deploy.Deploy(t.Context(), client, auth, opts(deploy.Options{Token: tokenOptions(), UseToken: minimal}))
		if !errors.Is(err, deploy.ErrInvalidOptions) || !strings.Contains(err.Error(), "not both") {
			t.Fatalf("err = %v", err)
		}
	})
}

func nonceOf(t *testing.T, client *ethclient.Client, addr common.Address) uint64 {
	t.Helper()
	n, err := client.NonceAt(t.Context(), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDeploymentBlock finds a reused settlement contract's deployment block
// by bisection, checks one given, and says what to do on a node without
// old state.
func TestDeploymentBlock(t *testing.T) {
	b := chaintest.NewBackend(t, chaintest.Fund(operatorKey))
	for range 5 {
		b.Commit()
	}
	res, err := deploy.Deploy(t.Context(), b.Client(), chaintest.Transactor(t, operatorKey), deploy.Options{
		ChainID: chaintest.ChainID, Signer: signer, Wait: commitWait(b),
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 9 {
		b.Commit()
	}
	want := res.SettlementBlock
	if want < 6 {
		t.Fatalf("deployed in block %d, want after the 5 empty ones", want)
	}
	got, err := deploy.DeploymentBlock(t.Context(), b.Client(), res.Settlement)
	if err != nil || got != want {
		t.Fatalf("DeploymentBlock = %d, %v; want %d", got, err, want)
	}
	if _, err := deploy.DeploymentBlock(t.Context(), b.Client(), signer); !errors.Is(err, deploy.ErrNoCode) {
		t.Fatalf("DeploymentBlock of an account: %v, want ErrNoCode", err)
	}
	if _, err := deploy.DeploymentBlock(t.Context(), noHistory{b.Client()}, res.Settlement); !errors.Is(err, deploy.ErrNoHistory) {
		t.Fatalf("DeploymentBlock on a node without old state: %v, want ErrNoHistory", err)
	}

	reuse := func(backend deploy.Backend, block *big.Int) (deploy.Result, error) {
		return deploy.Deploy(t.Context(), backend, chaintest.Transactor(t, operatorKey), deploy.Options{
			ChainID: chaintest.ChainID, Signer: signer, Settlement: res.Settlement, SettlementBlock: block, Wait: commitWait(b),
		})
	}
	for _, tc := range []struct {
		name    string
		backend deploy.Backend
		block   *big.Int
		want    uint64
		wantErr string
	}{
		{"found", b.Client(), nil, want, ""},
		{"given", b.Client(), new(big.Int).SetUint64(want), want, ""},
		{"given earlier", b.Client(), big.NewInt(2), 2, ""},
		{"given on a node without old state", noHistory{b.Client()}, big.NewInt(int64(want) + 3), want + 3, ""},
		{"given too late", b.Client(), new(big.Int).SetUint64(want + 1), 0, fmt.Sprintf("deployed before block %d", want+1)},
		{"given after the head", b.Client(), big.NewInt(1_000_000), 0, "after the chain's head"},
		{"not found on a node without old state", noHistory{b.Client()}, nil, 0, "give it instead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := reuse(tc.backend, tc.block)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || r.SettlementBlock != tc.want {
				t.Fatalf("settlement block = %d, %v; want %d", r.SettlementBlock, err, tc.want)
			}
		})
	}
	if _, err := deploy.Deploy(t.Context(), b.Client(), chaintest.Transactor(t, operatorKey), deploy.Options{
		ChainID: chaintest.ChainID, Signer: signer, SettlementBlock: big.NewInt(1),
	}); !errors.Is(err, deploy.ErrInvalidOptions) {
		t.Fatalf("a deployment block for a new contract: %v, want ErrInvalidOptions", err)
	}
}

// noHistory is a node that keeps no old state: it answers code at the
// latest block only.
type noHistory struct{ simulated.Client }

func (n noHistory) CodeAt(ctx context.Context, a common.Address, block *big.Int) ([]byte, error) {
	if block != nil {
		return nil, errors.New("missing trie node (historical state not available)")
	}
	return n.Client.CodeAt(ctx, a, nil)
}

// TestConfigYAMLValidates pastes the config lines into a config that has
// the rest (Redis, the model's backend and price) and loads it as a settler
// would: it validates, and holds what was deployed and where the keys are.
func TestConfigYAMLValidates(t *testing.T) {
	res := deploy.Result{
		ChainID: chaintest.ChainID, Operator: chaintest.Address(operatorKey), Settlement: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
		SettlementBlock: 42, Token: common.HexToAddress("0x1111111111111111111111111111111111111111"), Signer: signer,
	}
	signerHex := "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
	for _, tc := range []struct {
		name   string
		refs   deploy.ConfigRefs
		env    map[string]string
		checks func(t *testing.T, c *config.Config)
	}{
		{"defaults", deploy.ConfigRefs{Model: "llama-3-8b", RPCURL: "https://rpc.example.com/v1"},
			map[string]string{deploy.DefaultSignerKeyEnv: signerHex, deploy.DefaultSettlerKeyEnv: signerHex},
			func(t *testing.T, c *config.Config) {
				if c.Settlement.SettlerKey.Env != deploy.DefaultSettlerKeyEnv || c.Signer.Env != deploy.DefaultSignerKeyEnv {
					t.Errorf("keys from %s and %s", c.Signer, c.Settlement.SettlerKey)
				}
			}},
		{"named variables", deploy.ConfigRefs{Model: "m", RPCURL: "http://127.0.0.1:8545", SignerKey: config.SecretRef{Env: "MY_SIGNER"}, SettlerKey: config.SecretRef{Env: "MY_OPERATOR"}},
			map[string]string{"MY_SIGNER": signerHex, "MY_OPERATOR": signerHex},
			func(t *testing.T, c *config.Config) {
				if c.Settlement.SettlerKey.Env != "MY_OPERATOR" || c.Signer.Env != "MY_SIGNER" {
					t.Errorf("keys from %s and %s", c.Signer, c.Settlement.SettlerKey)
				}
			}},
		{"keystore", deploy.ConfigRefs{Model: "m", RPCURL: "wss://user:hunter2@rpc.example.com", SettlerKeystore: "/etc/imogate/operator.json",
			KeystorePassword: config.SecretRef{Env: "PW"}}, map[string]string{deploy.DefaultSignerKeyEnv: signerHex, "PW": "x"},
			func(t *testing.T, c *config.Config) {
				if c.Settlement.KeystoreFile != "/etc/imogate/operator.json" || c.Settlement.KeystorePassword.Env != "PW" {
					t.Errorf("keystore %q, password from %s", c.Settlement.KeystoreFile, c.Settlement.KeystorePassword)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := res.ConfigYAML(tc.refs)
			if strings.Contains(lines, signerHex) || strings.Contains(lines, "hunter2") {
				t.Fatalf("the config lines hold a secret:\n%s", lines)
			}
			merged := mergeYAML(t, `
redis: {url: "redis://127.0.0.1:6379/0"}
models:
  - name: `+tc.refs.Model+`
    backend: demo
    price: {per_request_wei: "1000"}
`, lines)
			c, err := config.ParseSettler(merged, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatalf("the pasted config is invalid: %v\n%s", err, merged)
			}
			m, ok := c.ModelByName(tc.refs.Model)
			if c.Chain.ChainID != 1337 || c.Chain.SettlementContract != res.Settlement.Hex() || c.Settlement.FromBlock != 42 ||
				c.Settlement.RPCURL != strings.Replace(tc.refs.RPCURL, "user:hunter2@", "USER:PASSWORD@", 1) || !ok || m.Token != res.Token.Hex() || m.Backend != "demo" {
				t.Fatalf("config = %+v\nfrom:\n%s", c, merged)
			}
			tc.checks(t, c)
		})
	}
}

// mergeYAML pastes the YAML lines over base: mappings merge key by key,
// list items that are mappings merge by "name", anything else is replaced.
func mergeYAML(t *testing.T, base, lines string) []byte {
	t.Helper()
	var b, l map[string]any
	if err := yaml.Unmarshal([]byte(base), &b); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(lines), &l); err != nil {
		t.Fatalf("the config lines are not YAML: %v\n%s", err, lines)
	}
	out, err := yaml.Marshal(merge(b, l))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func merge(base, over any) any {
	switch o := over.(type) {
	case map[string]any:
		b, ok := base.(map[string]any)
		if !ok {
			return o
		}
		for k, v := range o {
			b[k] = merge(b[k], v)
		}
		return b
	case []any:
		b, ok := base.([]any)
		if !ok {
			return o
		}
		for _, item := range o {
			m, _ := item.(map[string]any)
			name := m["name"]
			i := -1
			for j, bi := range b {
				if m, ok := bi.(map[string]any); ok && name != nil && m["name"] == name {
					i = j
				}
			}
			if i < 0 {
				b = append(b, item)
			} else {
				b[i] = merge(b[i], item)
			}
		}
		return b
	}
	return over
}
