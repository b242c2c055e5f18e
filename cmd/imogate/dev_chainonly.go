package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/settlement/devchain"
)

// The files `imogate dev --chain-only` writes into --write-config.
const (
	devConfigFile  = "imogate.yaml" // the config of the separate serve and settle processes; no secrets in it
	devSignerFile  = "signer.key"   // the receipt signer key (hex)
	devSettlerFile = "settler.key"  // the operator (settler) key (hex)
	devAdminFile   = "admin.token"  // the admin API's bearer token
	devEnvFile     = "dev.env"      // KEY=value lines for clients: the API key, base URLs, contracts
)

// The listen addresses written into the config: every interface, as in a
// container (IMOGATE_LISTEN and IMOGATE_SETTLEMENT_LISTEN override them).
const (
	devGatewayListen = ":8080"
	devSettleListen  = ":9464"
)

// runDevChainOnly is `imogate dev --chain-only`: the dev chain with the
// contracts, and the files separate `imogate serve` and `imogate settle`
// processes need, written into o.writeConfig; then /healthz and /readyz on
// o.listen until ctx ends. The chain lives in this process's memory: every
// start is a new chain, with new contracts and keys, and new files.
func runDevChainOnly(ctx context.Context, out io.Writer, o devOptions, credit int64, log *slog.Logger) error {
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		return errors.New("--chain-only needs REDIS_URL: the Redis the separate gateway and settler share (the printed API key is created there)")
	}
	if o.writeConfig == "" {
		return errors.New("--chain-only needs --write-config DIR: where the config for imogate serve and imogate settle is written")
	}
	dir, err := filepath.Abs(o.writeConfig)
	if err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}
	dc, err := startDevChain(ctx, o.rpc, log)
	if err != nil {
		return err
	}
	defer dc.chain.Close()
	rpcURL := o.advertiseRPC
	if rpcURL == "" {
		rpcURL = dc.chain.RPCURL()
	}
	adminToken := "adm_" + randomHex(16)
	path, err := writeDevConfig(dir, devConfig{
		redisURL: redisURL, rpcURL: rpcURL, chain: dc, adminToken: adminToken,
		logLevel: o.logLevel, settleEvery: o.settleEvery,
	})
	if err != nil {
		return err
	}
	// Load the file as `imogate serve` and `imogate settle` will, without
	// this process's environment: what is written must stand on its own.
	noEnv := func(string) string { return "" }
	cfg, err := config.Load(path, noEnv)
	if err != nil {
		return fmt.Errorf("the written config %s is invalid: %w", path, err)
	}
	if err := cfg.ValidateSettlement(); err != nil {
		return fmt.Errorf("the written config %s cannot settle: %w", path, err)
	}
	p, err := openProcessWithLog(ctx, cfg, log, func() {}) // runDev flushes the log
	if err != nil {
		return err
	}
	defer p.Close()
	k, secret, err := p.store.CreateKey(ctx, apikey.Key{Name: "dev", Role: apikey.RoleApp, Models: []string{"*"}})
	if err != nil {
		return err
	}
	if _, err := p.store.Credit(ctx, dc.res.Token, k.ID, credit); err != nil {
		return err
	}
	banner := devBanner{
		base: strings.TrimSuffix(o.gatewayURL, "/") + "/v1", key: secret, adminToken: adminToken, rpc: loopbackURL(dc.chain.RPCURL()),
		settlement: dc.res.Settlement, token: dc.res.Token, settler: dc.settler, signer: crypto.PubkeyToAddress(dc.signerKey.PublicKey),
		holder: dc.holder, redis: config.RedactURL(redisURL), credit: credit, keyID: k.ID, dataDir: dir, settleEvery: o.settleEvery,
	}
	if err := writeDevEnv(filepath.Join(dir, devEnvFile), banner); err != nil {
		return err
	}
	rp, err := devReadyPart(o.listen, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, `
imogate dev --chain-only: the chain (chain id %d) and contracts are up; the config for
imogate serve and imogate settle is %s (keys beside it), and these lines are in %s.
They work once the gateway runs (deploy/compose.yaml starts it).
`, devchain.ChainID, path, filepath.Join(dir, devEnvFile))
	printDevBanner(out, banner)
	return runGroup(ctx, log, rp)
}

// devConfig is what the written config says.
type devConfig struct {
	redisURL, rpcURL, adminToken, logLevel string
	chain                                  *devChain
	settleEvery                            time.Duration
}

// writeDevConfig writes the key files and the config that points at them
// into dir, and returns the config's path. The config holds no secret; the
// key files are readable by their owner only (the containers share one
// user).
func writeDevConfig(dir string, c devConfig) (string, error) {
	secrets := []struct{ name, value string }{
		{devSignerFile, hex.EncodeToString(crypto.FromECDSA(c.chain.signerKey))},
		{devSettlerFile, hex.EncodeToString(crypto.FromECDSA(c.chain.opKey))},
		{devAdminFile, c.adminToken},
	}
	for _, s := range secrets {
		if err := writeFileAtomic(filepath.Join(dir, s.name), []byte(s.value+"\n"), 0o600); err != nil {
			return "", err
		}
	}
	// The archive exists from the start, so a gateway started before the
	// settler serves archived batches to auditors too.
	if err := os.MkdirAll(filepath.Join(dir, "archive"), 0o750); err != nil {
		return "", err
	}
	price := devPrice()
	yaml := fmt.Sprintf(`# Written by imogate dev --chain-only for the separate imogate serve and
# imogate settle processes of the demo (deploy/compose.yaml). The chain lives
# in that process's memory: each start writes a new chain's contracts and keys.
# No secret is in this file: the keys are in the files it names.
listen: %q
redis:
  url: %q
chain:
  chain_id: %d
  settlement_contract: %q
signer: {file: %q}
admin:
  token: {file: %q}
log:
  level: %q
models:
  - name: %s
    token: %q
    backend: demo
    demo: {token_latency: %s}
    price: {per_request_wei: "%s", per_1k_prompt_wei: "%s", per_1k_completion_wei: "%s"}
    max_tokens: %d
settlement:
  rpc_url: %q
  settler_key: {file: %q}
  max_receipts: 1000
  max_age: %s
  confirmations: 1
  finality_depth: 1
  archive_dir: %q
  snapshots: true
  poll_interval: 500ms
  listen: %q
`, devGatewayListen, c.redisURL, devchain.ChainID.Uint64(), c.chain.res.Settlement.Hex(),
		filepath.Join(dir, devSignerFile), filepath.Join(dir, devAdminFile), c.logLevel,
		devModelName, c.chain.res.Token.Hex(), devTokenLatency, price.PerRequest, price.Per1KPrompt, price.Per1KCompletion, devMaxTokens,
		c.rpcURL, filepath.Join(dir, devSettlerFile), c.settleEvery, filepath.Join(dir, "archive"), devSettleListen)
	path := filepath.Join(dir, devConfigFile)
	if err := writeFileAtomic(path, []byte(yaml), 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// writeDevEnv writes the printed lines a client needs as KEY=value lines
// (a compose env_file, or `set -a; . dev.env`). It holds the API key and the
// admin token, so only its owner reads it.
func writeDevEnv(path string, b devBanner) error {
	origin := strings.TrimSuffix(b.base, "/v1")
	lines := []string{
		"# Written by imogate dev --chain-only: the demo's client settings (it holds secrets: keep it private).",
		"OPENAI_BASE_URL=" + b.base,
		"OPENAI_API_KEY=" + b.key,
		"ANTHROPIC_BASE_URL=" + origin,
		"ANTHROPIC_API_KEY=" + b.key,
		"ADMIN_TOKEN=" + b.adminToken,
		"API_KEY_ID=" + b.keyID,
		"CHAIN_RPC_URL=" + b.rpc,
		"SETTLEMENT_CONTRACT=" + b.settlement.Hex(),
		"MODEL_TOKEN=" + b.token.Hex(),
		"SETTLER=" + b.settler.Hex(),
		"RECEIPT_SIGNER=" + b.signer.Hex(),
		"TOKEN_HOLDER=" + b.holder.Hex(),
	}
	return writeFileAtomic(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// loopbackURL is raw with an unspecified host (0.0.0.0, ::) replaced by
// 127.0.0.1: where a chain listening on every interface is reached from
// the same machine (or through a port published on it).
func loopbackURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	}
	return u.String()
}

// devReadyPart serves /healthz and /readyz on addr for `imogate dev
// --chain-only`. It is built once the config is written, so a container
// health check on /readyz tells the gateway and the settler they can
// start.
func devReadyPart(addr string, log *slog.Logger) (part, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return part{}, fmt.Errorf("--listen %s: %w", addr, err)
	}
	ok := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ready"}`))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ok)
	mux.HandleFunc("GET /readyz", ok)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Info("dev chain ready: serving /healthz and /readyz", "addr", ln.Addr().String())
	return part{name: "dev chain readiness", run: func(ctx context.Context) error {
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}}, nil
}
