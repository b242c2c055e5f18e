package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/internal/redisproc"
	"github.com/imogate/imogate/settlement/contracts/deploy"
	"github.com/imogate/imogate/settlement/devchain"
)

// devOptions are the flags of `imogate dev`.
type devOptions struct {
	listen      string
	rpc         string
	credit      string
	settleEvery time.Duration
	dataDir     string
	logLevel    string

	// chainOnly runs only the chain with its contracts and writes the
	// config and key files separate `serve` and `settle` processes need
	// into writeConfig (the containers of deploy/compose.yaml).
	chainOnly   bool
	writeConfig string
	// advertiseRPC is the chain's JSON-RPC URL as those processes reach it
	// (default: the URL of --rpc); gatewayURL is where clients reach their
	// gateway, for the printed lines.
	advertiseRPC string
	gatewayURL   string
}

func newDevCmd() *cobra.Command {
	var o devOptions
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Zero-setup demo: Redis, an in-process chain with the contracts, the gateway with the demo model, and the batcher",
		Long: `Starts everything imogate needs on this machine and prints the lines to use it:

  - Redis: REDIS_URL if set, else a private redis-server started as a child process
    (Debian/Ubuntu package: redis-server);
  - an in-process Ethereum chain (chain id 1337) with its JSON-RPC on --rpc, the
    UsageSettlement contract and a demo ERC-7641 token deployed, and a funded settler;
  - the gateway on --listen with the built-in DEMO model (deterministic text, not a
    language model) and an API key with credit;
  - the settlement batcher: every --settle-interval it Merkle-roots the new receipts,
    deposits their fees into the demo token on the chain and archives the batch under
    --data-dir/archive.

Ctrl-C stops everything cleanly. Nothing is written outside --data-dir.

With --chain-only it runs only the chain (on --rpc, with the contracts, the
settler funded) for a gateway and a settler run as separate processes, as the
containers of deploy/compose.yaml are: it writes into --write-config the config
file imogate.yaml (no secrets in it), the key files it points at (signer.key,
settler.key, admin.token), and dev.env with an API key that has credit (created
in the Redis at REDIS_URL, which is required) and the lines printed below; then
it serves /healthz and /readyz on --listen, ready once those files are written.
Start them with:

  imogate serve  -c DIR/imogate.yaml    # listens on :8080 (IMOGATE_LISTEN overrides)
  imogate settle -c DIR/imogate.yaml    # health and metrics on :9464`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runDev(ctx, cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "gateway listen address")
	f.StringVar(&o.rpc, "rpc", "127.0.0.1:8545", "dev chain JSON-RPC listen address")
	f.StringVar(&o.credit, "credit-wei", "1000000000000000", "credit of the printed API key, wei")
	f.DurationVar(&o.settleEvery, "settle-interval", 10*time.Second, "how often the batcher settles")
	f.StringVar(&o.dataDir, "data-dir", ".imogate-dev", "where the dev Redis and batch archive live")
	f.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	f.BoolVar(&o.chainOnly, "chain-only", false, "run only the chain and contracts, and write the config for separate serve and settle processes into --write-config")
	f.StringVar(&o.writeConfig, "write-config", "", "with --chain-only: the directory the config, key files and dev.env are written to")
	f.StringVar(&o.advertiseRPC, "advertise-rpc", "", "with --chain-only: the chain's JSON-RPC URL as serve and settle reach it (default: http://<--rpc>)")
	f.StringVar(&o.gatewayURL, "gateway-url", "http://127.0.0.1:8080", "with --chain-only: where clients reach the gateway, for the printed lines")
	return cmd
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // no entropy: nothing can be done safely
	}
	return hex.EncodeToString(b)
}

func runDev(ctx context.Context, out io.Writer, o devOptions) error {
	log, flushLog := newLogger(o.logLevel, false)
	defer flushLog()
	credit, err := strconv.ParseInt(o.credit, 10, 64)
	if err != nil || credit <= 0 {
		return fmt.Errorf("--credit-wei %q must be a positive integer", o.credit)
	}
	if o.chainOnly {
		return runDevChainOnly(ctx, out, o, credit, log)
	}
	if o.writeConfig != "" || o.advertiseRPC != "" {
		return errors.New("--write-config and --advertise-rpc go with --chain-only")
	}
	// Absolute from here on: the printed paths must work from any directory,
	// and child processes must not depend on the working directory.
	if o.dataDir, err = filepath.Abs(o.dataDir); err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	if err := os.MkdirAll(o.dataDir, 0o755); err != nil {
		return err
	}

	// Redis.
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		u, stopRedis, err := startChildRedis(ctx, filepath.Join(o.dataDir, "redis"), log)
		if err != nil {
			return err
		}
		defer stopRedis()
		redisURL = u
	}

	dc, err := startDevChain(ctx, o.rpc, log)
	if err != nil {
		return err
	}
	defer dc.chain.Close()
	res, opKey, signerKey := dc.res, dc.opKey, dc.signerKey

	// Gateway config, built like a file would be.
	cfg := &config.Config{
		Listen: o.listen,
		Redis:  config.Redis{URL: redisURL},
		Chain:  config.Chain{ChainID: devchain.ChainID.Uint64(), SettlementContract: res.Settlement.Hex()},
		Log:    config.Log{Level: o.logLevel},
		Models: []config.Model{{
			Name: devModelName, Token: res.Token.Hex(), Backend: "demo",
			Demo:      config.Demo{TokenLatency: devTokenLatency},
			Price:     devPrice(),
			MaxTokens: devMaxTokens,
		}},
	}
	cfg.Signer.Set(hex.EncodeToString(crypto.FromECDSA(signerKey)))
	adminToken := "adm_" + randomHex(16)
	cfg.Admin.Token.Set(adminToken)
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("dev config: %w", err)
	}
	cfg.Settlement = config.Settlement{
		Enabled: true, RPCURL: dc.chain.RPCURL(), MaxReceipts: 1000, MaxAge: o.settleEvery, Confirmations: 1,
		FinalityDepth: 1,
		ArchiveDir:    filepath.Join(o.dataDir, "archive"), Snapshots: true, PollInterval: 500 * time.Millisecond,
	}
	cfg.Settlement.SettlerKey.Set(hex.EncodeToString(crypto.FromECDSA(opKey)))
	p, err := openProcessWithLog(ctx, cfg, log, func() {}) // the log is flushed by this function's defer
	if err != nil {
		return err
	}
	defer p.Close()
	k, secret, err := p.store.CreateKey(ctx, apikey.Key{Name: "dev", Role: apikey.RoleApp, Models: []string{"*"}})
	if err != nil {
		return err
	}
	if _, err := p.store.Credit(ctx, res.Token, k.ID, credit); err != nil {
		return err
	}
	bat, err := p.newBatcher(dc.chain.Client(), opKey)
	if err != nil {
		return err
	}
	ready := func(addr string) {
		printDevBanner(out, devBanner{
			base: "http://" + addr + "/v1", key: secret, adminToken: adminToken, rpc: dc.chain.RPCURL(),
			settlement: res.Settlement, token: res.Token, settler: dc.settler, signer: crypto.PubkeyToAddress(signerKey.PublicKey),
			holder: dc.holder, redis: config.RedactURL(redisURL), credit: credit, keyID: k.ID, dataDir: o.dataDir, settleEvery: o.settleEvery,
		})
	}
	gw, err := p.gatewayParts(ctx, 30*time.Second, ready, bat.NotReady)
	if err != nil {
		return err
	}
	return runGroup(ctx, p.log, append([]part{batcherPart(bat)}, gw...)...)
}

// The demo model, the same in both modes of `imogate dev`.
const (
	devModelName    = "imogate-demo"
	devTokenLatency = 15 * time.Millisecond
	devMaxTokens    = 256
)

// devPrice is the demo model's price, wei.
func devPrice() config.Price {
	return config.Price{PerRequest: config.NewWei(1_000_000_000), Per1KPrompt: config.NewWei(2_000_000_000), Per1KCompletion: config.NewWei(4_000_000_000)}
}

// devChain is a dev session's chain with the contracts deployed: the
// operator (settler) key, the receipt signer key, the funded settler and
// the holder of the demo token's whole supply.
type devChain struct {
	chain            *devchain.Chain
	res              deploy.Result
	opKey, signerKey *ecdsa.PrivateKey
	settler, holder  common.Address
}

// startDevChain starts the in-process chain with its JSON-RPC on rpc and
// deploys UsageSettlement and the demo token. Fresh keys each run, so
// contract addresses (and so every Redis key) are new even on a Redis that
// outlives runs. The caller closes the chain.
func startDevChain(ctx context.Context, rpc string, log *slog.Logger) (*devChain, error) {
	opKey, _ := crypto.GenerateKey()
	signerKey, _ := crypto.GenerateKey()
	holderKey, _ := crypto.GenerateKey()
	settler := crypto.PubkeyToAddress(opKey.PublicKey)
	holder := crypto.PubkeyToAddress(holderKey.PublicKey)
	thousand := new(big.Int).Mul(big.NewInt(1000), devchain.Ether)
	chain, err := devchain.Start(devchain.Config{
		Alloc:   types.GenesisAlloc{settler: {Balance: thousand}, holder: {Balance: thousand}},
		RPCAddr: rpc, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("start dev chain: %w", err)
	}
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	auth := bind.NewKeyedTransactor(opKey, devchain.ChainID)
	auth.Context = dctx
	res, err := deploy.Deploy(dctx, chain.Client(), auth, deploy.Options{
		ChainID: devchain.ChainID, Signer: crypto.PubkeyToAddress(signerKey.PublicKey), PollInterval: 50 * time.Millisecond,
		Token: &deploy.TokenOptions{Name: "imogate demo model", Symbol: "IMODEMO", Supply: new(big.Int).Mul(big.NewInt(1_000_000), devchain.Ether),
			Holder: holder, PercentClaimable: 80, SnapshotInterval: time.Minute},
	})
	if err != nil {
		chain.Close()
		return nil, fmt.Errorf("deploy contracts on the dev chain: %w", err)
	}
	return &devChain{chain: chain, res: res, opKey: opKey, signerKey: signerKey, settler: settler, holder: holder}, nil
}

type devBanner struct {
	base, key, adminToken, rpc, redis, keyID, dataDir string
	settlement, token, settler, signer, holder        common.Address
	credit                                            int64
	settleEvery                                       time.Duration
}

func printDevBanner(w io.Writer, b devBanner) {
	fmt.Fprintf(w, `
imogate dev is running (DEMO model: deterministic text, not a language model). Ctrl-C stops everything.

# Use it with any OpenAI SDK — paste these two lines into your shell:
export OPENAI_BASE_URL=%[1]s
export OPENAI_API_KEY=%[2]s
# and with Anthropic's SDKs (the Messages API, same key):
export ANTHROPIC_BASE_URL=%[16]s
export ANTHROPIC_API_KEY=%[2]s

# curl (the receipt comes back in the Imogate-Receipt header; a retry with the same
# Idempotency-Key gets the same answer and receipt and is not charged twice):
curl -s -D - $OPENAI_BASE_URL/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: demo-$RANDOM$RANDOM" \
  -d '{"model":"imogate-demo","messages":[{"role":"user","content":"Hello!"}]}'

# The Responses API and Anthropic's Messages API, metered the same way:
curl -s -D - $OPENAI_BASE_URL/responses -H "Authorization: Bearer $OPENAI_API_KEY" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: demo-$RANDOM$RANDOM" \
  -d '{"model":"imogate-demo","input":"Hello!","store":false}'
curl -s -D - $ANTHROPIC_BASE_URL/v1/messages -H "x-api-key: $ANTHROPIC_API_KEY" -H 'anthropic-version: 2023-06-01' \
  -H 'Content-Type: application/json' -H "Idempotency-Key: demo-$RANDOM$RANDOM" \
  -d '{"model":"imogate-demo","max_tokens":64,"messages":[{"role":"user","content":"Hello!"}]}'

# OpenAI SDK for Node (npm install openai):
node -e 'const OpenAI=require("openai");new OpenAI().chat.completions.create({model:"imogate-demo",messages:[{role:"user",content:"Hello!"}]}).then(r=>console.log(r.choices[0].message.content))'

# For auditors — the chain (chain id 1337) and contracts:
CHAIN_RPC_URL=%[3]s
SETTLEMENT_CONTRACT=%[4]s
MODEL_TOKEN=%[5]s          # the demo model's ERC-7641 token; fees are deposited here
SETTLER=%[6]s              # operator that settles batches
RECEIPT_SIGNER=%[7]s
TOKEN_HOLDER=%[8]s         # holds the whole token supply

# Settlements: every %[15]s the batcher deposits the new fees into MODEL_TOKEN; batches are archived in %[14]s/archive
# Watch usage and settlements:
#   dashboard: http://%[9]s/dashboard   (log in with %[10]s)
#   metrics:   curl -s http://%[9]s/metrics | grep imogate_
#   balance:   curl -s -H "Authorization: Bearer %[10]s" "http://%[9]s/admin/accounts/%[11]s/balance?model=imogate-demo"
#   token ETH: curl -s -X POST %[3]s -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["%[5]s","latest"]}'
# API key %[11]s has %[12]d wei of credit. Redis: %[13]s. Data: %[14]s
`, b.base, b.key, b.rpc, b.settlement.Hex(), b.token.Hex(), b.settler.Hex(), b.signer.Hex(), b.holder.Hex(),
		hostOf(b.base), b.adminToken, b.keyID, b.credit, b.redis, b.dataDir, b.settleEvery, strings.TrimSuffix(b.base, "/v1"))
}

func hostOf(base string) string {
	s := base[len("http://"):]
	if i := len(s) - len("/v1"); i > 0 {
		return s[:i]
	}
	return s
}

// startChildRedis runs a private redis-server for the dev session on a free
// loopback port, with its files in dir, and returns its URL and a stop
// function.
func startChildRedis(ctx context.Context, dir string, log *slog.Logger) (string, func(), error) {
	srv, err := redisproc.Start(ctx, redisproc.Options{Dir: dir})
	if errors.Is(err, redisproc.ErrNotInstalled) {
		return "", nil, errors.New("REDIS_URL is not set and redis-server is not installed: install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), or set REDIS_URL to a Redis 7 server")
	}
	if err != nil {
		return "", nil, fmt.Errorf("start the dev session's redis-server: %w", err)
	}
	log.Info("started a private redis-server for this dev session", "url", srv.URL(), "dir", srv.Dir())
	stop := func() {
		if err := srv.Stop(); err != nil {
			log.Warn("stop dev redis", "err", err)
			return
		}
		log.Info("dev redis stopped")
	}
	return srv.URL(), stop, nil
}
