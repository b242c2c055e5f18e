package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/internal/childproc"
	"github.com/imogate/imogate/internal/testredis"
)

// TestDevChainOnlyRefusesWithoutItsInputs checks the mode's flags are
// checked before anything starts.
func TestDevChainOnlyRefusesWithoutItsInputs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		redisURL string
		o        devOptions
		want     string
	}{
		{name: "no REDIS_URL", o: devOptions{chainOnly: true, writeConfig: t.TempDir()}, want: "--chain-only needs REDIS_URL"},
		{name: "no --write-config", redisURL: "redis://127.0.0.1:1/0", o: devOptions{chainOnly: true}, want: "--chain-only needs --write-config"},
		{name: "--write-config alone", o: devOptions{writeConfig: t.TempDir()}, want: "go with --chain-only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("REDIS_URL", tc.redisURL)
			tc.o.credit, tc.o.logLevel = "1000", "error"
			err := runDev(t.Context(), io.Discard, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestDevChainOnlyServeAndSettle runs `imogate dev --chain-only` as
// deploy/compose.yaml does, then the real `imogate serve` and `imogate
// settle` binaries on the config it wrote: the config loads on its own and
// holds no secret, the chain answers with the contracts deployed, a paid call
// with the written API key gets a receipt, and the separate settler deposits
// its fee into the demo token on the chain.
func TestDevChainOnlyServeAndSettle(t *testing.T) {
	bin := imogateBin(t)
	t.Setenv("REDIS_URL", testredis.URL(t))
	dir := filepath.Join(t.TempDir(), "shared")
	readyAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	gatewayAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	settleAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	out := new(lockedBuffer)
	go func() {
		done <- runDev(ctx, out, devOptions{
			chainOnly: true, writeConfig: dir, rpc: fmt.Sprintf("127.0.0.1:%d", freePort(t)), listen: readyAddr,
			credit: "1000000000000000", settleEvery: time.Second, logLevel: "warn", gatewayURL: "http://" + gatewayAddr,
		})
	}()
	stopped := false
	t.Cleanup(func() {
		cancel()
		if !stopped {
			<-done
		}
	})
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := probe(ctx, http.DefaultClient, "http://"+readyAddr+"/readyz"); err == nil {
			break
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("imogate dev --chain-only stopped before it was ready: %v\n%s", err, out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("imogate dev --chain-only was not ready within a minute:\n%s", out)
		}
	}

	// The config stands on its own (no environment) and holds no secret.
	path := filepath.Join(dir, devConfigFile)
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatalf("the written config does not load: %v", err)
	}
	if err := cfg.ValidateSettlement(); err != nil {
		t.Fatalf("the written config cannot settle: %v", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{devSignerFile, devSettlerFile, devAdminFile} {
		secret, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.TrimSpace(string(secret)); s == "" || strings.Contains(string(raw), s) {
			t.Errorf("%s is empty or its secret is in %s", f, devConfigFile)
		}
		if fi, _ := os.Stat(filepath.Join(dir, f)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	env := readEnvFile(t, filepath.Join(dir, devEnvFile))
	if !strings.Contains(out.String(), env["OPENAI_API_KEY"]) {
		t.Errorf("the printed lines do not show the written API key:\n%s", out)
	}

	// The chain answers at the written RPC URL, with the contracts on it.
	client, err := ethclient.DialContext(ctx, cfg.Settlement.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if id, err := client.ChainID(ctx); err != nil || id.Uint64() != cfg.Chain.ChainID {
		t.Fatalf("chain id %v (%v), want %d", id, err, cfg.Chain.ChainID)
	}
	token := common.HexToAddress(cfg.Models[0].Token)
	for name, addr := range map[string]common.Address{"settlement contract": common.HexToAddress(cfg.Chain.SettlementContract), "model token": token} {
		if code, err := client.CodeAt(ctx, addr, nil); err != nil || len(code) == 0 {
			t.Fatalf("no code at the %s %s (%v)", name, addr.Hex(), err)
		}
	}

	// The gateway and the settler as separate processes, as in compose.
	startProc(t, bin, gatewayAddr, []string{"IMOGATE_LISTEN=" + gatewayAddr}, "serve", "-c", path)
	startProc(t, bin, settleAddr, []string{"IMOGATE_SETTLEMENT_LISTEN=" + settleAddr, "IMOGATE_INSTANCE_ID=test-settler"}, "settle", "-c", path)

	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, env["OPENAI_BASE_URL"]+"/chat/completions",
		strings.NewReader(`{"model":"imogate-demo","messages":[{"role":"user","content":"Hello!"}]}`))
	req.Header.Set("Authorization", "Bearer "+env["OPENAI_API_KEY"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Imogate-Receipt") == "" {
		t.Fatalf("paid call: %s, receipt %q: %s", resp.Status, resp.Header.Get("Imogate-Receipt"), body)
	}
	waitFor(t, "the settler to deposit the call's fee into the model token", time.Minute, func() bool {
		bal, err := client.BalanceAt(ctx, token, nil)
		return err == nil && bal.Cmp(big.NewInt(0)) > 0
	})
}

// startProc starts the imogate binary with args and extra environment, and
// waits for /readyz on addr; the process is killed when the test ends.
func startProc(t *testing.T, bin, addr string, env []string, args ...string) {
	t.Helper()
	stderr := new(lockedBuffer)
	cmd := exec.Command(bin, args...)
	childproc.DieWithParent(cmd, syscall.SIGKILL)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := probe(t.Context(), http.DefaultClient, "http://"+addr+"/readyz")
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("imogate %s was not ready: %v\n%s", args[0], err, stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// readEnvFile reads KEY=value lines, skipping comments.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[k] = v
		}
	}
	for _, k := range []string{"OPENAI_BASE_URL", "OPENAI_API_KEY", "CHAIN_RPC_URL", "SETTLEMENT_CONTRACT", "MODEL_TOKEN"} {
		if env[k] == "" {
			t.Fatalf("%s has no %s", path, k)
		}
	}
	return env
}
