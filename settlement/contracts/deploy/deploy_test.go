package deploy_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/google/uuid"

	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/deploy"
)

var (
	operatorKey = chaintest.Key("deploy-operator")
	signer      = chaintest.Address(chaintest.Key("deploy-signer"))
	ownerAddr   = chaintest.Address(chaintest.Key("deploy-owner"))
)

// commitWait mines a block and returns the transaction's receipt.
func commitWait(b *simulated.Backend) deploy.WaitFunc {
	return func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
		b.Commit()
		return b.Client().TransactionReceipt(ctx, tx.Hash())
	}
}

func tokenOptions() *deploy.TokenOptions {
	return &deploy.TokenOptions{
		Name: "Llama Model Token", Symbol: "LLAMA", Supply: new(big.Int).Mul(big.NewInt(1000), chaintest.Ether),
		Owner: ownerAddr, PercentClaimable: 70, SnapshotInterval: 24 * time.Hour,
	}
}

func nonce(t *testing.T, b *simulated.Backend) uint64 {
	t.Helper()
	n, err := b.Client().NonceAt(t.Context(), chaintest.Address(operatorKey), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeployWithToken(t *testing.T) {
	b := chaintest.NewBackend(t, chaintest.Fund(operatorKey))
	auth := chaintest.Transactor(t, operatorKey)
	res, err := deploy.Deploy(t.Context(), b.Client(), auth, deploy.Options{
		ChainID: chaintest.ChainID, Signer: signer, Token: tokenOptions(), Wait: commitWait(b),
	})
	if err != nil {
		t.Fatal(err)
	}
	op := chaintest.Address(operatorKey)
	if !res.SettlementDeployed || res.Operator != op || res.Signer != signer || len(res.Transactions) != 3 {
		t.Fatalf("result = %+v", res)
	}

	us := bindings.NewUsageSettlement()
	usI := us.Instance(b.Client(), res.Settlement)
	opts := &bind.CallOpts{Context: t.Context()}
	if got, err := bind.Call(usI, opts, us.PackSignerOf(op), us.UnpackSignerOf); err != nil || got != signer {
		t.Fatalf("signerOf(operator) = %s, %v; want %s", got, err, signer)
	}
	tk := bindings.NewRevenueShareToken()
	tkI := tk.Instance(b.Client(), res.Token)
	checks := []struct {
		name string
		data []byte
		want *big.Int
	}{
		{"percentClaimable", tk.PackPercentClaimable(), big.NewInt(70)},
		{"snapshotInterval", tk.PackSnapshotInterval(), big.NewInt(86400)},
		{"balanceOf(operator)", tk.PackBalanceOf(op), tokenOptions().Supply},
	}
	for _, c := range checks {
		got, err := bind.Call(tkI, opts, c.data, func(b []byte) (*big.Int, error) { return new(big.Int).SetBytes(b), nil })
		if err != nil || got.Cmp(c.want) != 0 {
			t.Errorf("%s = %s, %v; want %s", c.name, got, err, c.want)
		}
	}
	if got, err := bind.Call(tkI, opts, tk.PackOwner(), tk.UnpackOwner); err != nil || got != ownerAddr {
		t.Errorf("owner = %s, %v; want %s", got, err, ownerAddr)
	}

	first, err := b.Client().TransactionReceipt(t.Context(), res.Transactions[0])
	if err != nil {
		t.Fatal(err)
	}
	if !res.TokenDeployed || res.SettlementBlock != first.BlockNumber.Uint64() {
		t.Fatalf("token deployed %v, settlement block %d; want true, %d (its deployment's)", res.TokenDeployed, res.SettlementBlock, first.BlockNumber)
	}
	yaml := res.ConfigYAML(deploy.ConfigRefs{Model: "llama-3-8b"})
	for _, want := range []string{"chain_id: 1337", `settlement_contract: "` + res.Settlement.Hex() + `"`, `name: "llama-3-8b"`, `token: "` + res.Token.Hex() + `"`,
		fmt.Sprintf("from_block: %d ", first.BlockNumber)} {
		if !strings.Contains(yaml, want) {
			t.Errorf("config lines lack %q:\n%s", want, yaml)
		}
	}

	// Deploying again against the existing contract with the same signer sends
	// nothing; a new signer is a rotation.
	again, err := deploy.Deploy(t.Context(), b.Client(), auth, deploy.Options{ChainID: chaintest.ChainID, Signer: signer, Settlement: res.Settlement, Wait: commitWait(b)})
	if err != nil || again.SettlementDeployed || len(again.Transactions) != 0 || again.Token != (common.Address{}) {
		t.Fatalf("re-deploy = %+v, %v; want no transactions", again, err)
	}
	if again.SettlementBlock != res.SettlementBlock {
		t.Errorf("the reused contract's deployment block was found as %d, want %d", again.SettlementBlock, res.SettlementBlock)
	}
	if strings.Contains(again.ConfigYAML(deploy.ConfigRefs{Model: "x"}), "models:") {
		t.Error("config lines list a model although no token was deployed")
	}
	rotated := chaintest.Address(chaintest.Key("rotated"))
	if r, err := deploy.Deploy(t.Context(), b.Client(), auth, deploy.Options{ChainID: chaintest.ChainID, Signer: rotated, Settlement: res.Settlement, Wait: commitWait(b)}); err != nil || len(r.Transactions) != 1 {
		t.Fatalf("rotation = %+v, %v", r, err)
	}
	if got, _ := bind.Call(usI, opts, us.PackSignerOf(op), us.UnpackSignerOf); got != rotated {
		t.Fatalf("signer after rotation = %s, want %s", got, rotated)
	}
}

func TestDeployDefaultWaitPolls(t *testing.T) {
	b := chaintest.NewBackend(t, chaintest.Fund(operatorKey))
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
				b.Commit()
			}
		}
	}()
	res, err := deploy.Deploy(t.Context(), b.Client(), chaintest.Transactor(t, operatorKey), deploy.Options{
		ChainID: chaintest.ChainID, Signer: signer, PollInterval: 5 * time.Millisecond,
	})
	if err != nil || len(res.Transactions) != 2 {
		t.Fatalf("deploy = %+v, %v", res, err)
	}
}

func TestDeployRefusals(t *testing.T) {
	b := chaintest.NewBackend(t, chaintest.Fund(operatorKey))
	auth := chaintest.Transactor(t, operatorKey)
	eoa := chaintest.Address(chaintest.Key("not-a-contract"))
	badToken := &deploy.TokenOptions{PercentClaimable: 101, SnapshotInterval: 1500 * time.Millisecond}
	tests := []struct {
		name    string
		opts    deploy.Options
		wantErr error
		wantMsg []string
	}{
		{"wrong chain", deploy.Options{ChainID: big.NewInt(1), Signer: signer}, deploy.ErrWrongChain, []string{"serves chain 1337, expected 1"}},
		{"no chain id", deploy.Options{Signer: signer}, deploy.ErrInvalidOptions, []string{"chain id"}},
		{"every token problem at once", deploy.Options{ChainID: chaintest.ChainID, Token: badToken}, deploy.ErrInvalidOptions,
			[]string{"signer", "name and symbol", "supply", "above 100", "whole number of seconds"}},
		{"settlement without code", deploy.Options{ChainID: chaintest.ChainID, Signer: signer, Settlement: eoa}, deploy.ErrNoCode, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Wait = commitWait(b)
			_, err := deploy.Deploy(t.Context(), b.Client(), auth, opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("err %q lacks %q", err, m)
				}
			}
			if n := nonce(t, b); n != 0 {
				t.Fatalf("a refused deployment sent %d transactions", n)
			}
		})
	}
}

func TestLoadKeystore(t *testing.T) {
	key := chaintest.Key("keystore")
	dir := t.TempDir()
	blob, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: crypto.PubkeyToAddress(key.PublicKey), PrivateKey: key},
		"correct horse", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	ksPath := filepath.Join(dir, "key.json")
	pwPath := filepath.Join(dir, "password.txt")
	if err := os.WriteFile(ksPath, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pwPath, []byte("correct horse\r\nignored second line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pw, err := deploy.ReadPasswordFile(pwPath)
	if err != nil || pw != "correct horse" {
		t.Fatalf("password = %q, %v", pw, err)
	}
	got, err := deploy.LoadKeystore(ksPath, pw)
	if err != nil || !got.Equal(key) {
		t.Fatalf("LoadKeystore = %v; want the stored key", err)
	}
	if _, err := deploy.LoadKeystore(ksPath, "wrong"); err == nil || strings.Contains(err.Error(), "correct horse") {
		t.Fatalf("wrong password: err = %v", err)
	}
	if _, err := deploy.LoadKeystore(filepath.Join(dir, "missing.json"), pw); err == nil {
		t.Fatal("missing keystore file loaded")
	}
}

func TestKeyFromEnv(t *testing.T) {
	key := chaintest.Key("env")
	hexKey := common.Bytes2Hex(crypto.FromECDSA(key))
	tests := []struct {
		name, value string
		wantErr     error
		ok          bool
	}{
		{"0x prefix", "0x" + hexKey, nil, true},
		{"bare hex with newline", hexKey + "\n", nil, true},
		{"unset", "", deploy.ErrNoKey, false},
		{"garbage", "0xnot-a-key-SECRET", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("IMOGATE_TEST_DEPLOY_KEY", tc.value)
			got, err := deploy.KeyFromEnv("IMOGATE_TEST_DEPLOY_KEY")
			if tc.ok {
				if err != nil || !got.Equal(key) {
					t.Fatalf("KeyFromEnv = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Fatalf("error leaks the value: %v", err)
			}
		})
	}
}
