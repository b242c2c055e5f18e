// Command imogate-chaos is the chaos proof behind RELIABILITY.md: on this
// machine only (loopback), it starts a Redis topology (a 3-master /
// 3-replica Redis Cluster, or one Redis), several `imogate serve` gateways,
// several `imogate settle` settlers sharing one operator key, and a
// `geth --dev` chain with the contracts; drives paid calls from many
// clients (each retried with its Idempotency-Key, as clients should); and
// over a bounded number of cycles SIGKILLs at random a gateway, a settler or
// a Redis master (in a cluster, forcing a replica failover; on one Redis, a
// host crash is modelled by cutting the last second of its AOF under
// durability none). Then it lets settlement drain and reconciles the ledger
// to the wei: credit − balances = Σ receipt fees = Σ wei deposited by settle
// = the tokens' balances; every receipt a client holds is in exactly one
// settled batch; seqs are 1..N without gap or duplicate; no hold is left.
// It prints a report (and writes it as JSON with -out) and exits 1 if an
// invariant failed.
//
//	go build -o bin/imogate ./cmd/imogate
//	go run ./cmd/imogate-chaos -topology cluster -durability replicas:1 -cycles 20
//	go run ./cmd/imogate-chaos -topology single -durability fsync -cycles 20
//	go run ./cmd/imogate-chaos -topology single -durability none -cycles 20
package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement/contracts/deploy"
)

type options struct {
	imogate, geth string
	topology      string
	durability    string
	cycles        int
	cycleEvery    time.Duration
	gateways      int
	settlers      int
	workers       int
	streamShare   float64
	out           string
	keep          bool
}

func main() {
	var o options
	flag.StringVar(&o.imogate, "imogate", "bin/imogate", "the imogate binary (go build -o bin/imogate ./cmd/imogate)")
	flag.StringVar(&o.geth, "geth", envOr("GETH_BIN", "bin/geth"), "the geth binary (go build -o bin/geth github.com/ethereum/go-ethereum/cmd/geth)")
	flag.StringVar(&o.topology, "topology", "cluster", "cluster (3 masters, 3 replicas) or single")
	flag.StringVar(&o.durability, "durability", "replicas:1", "redis.durability of the gateways: none, fsync or replicas:N")
	flag.IntVar(&o.cycles, "cycles", 20, "kill cycles")
	flag.DurationVar(&o.cycleEvery, "cycle", 3*time.Second, "time between kills")
	flag.IntVar(&o.gateways, "gateways", 3, "gateway processes")
	flag.IntVar(&o.settlers, "settlers", 2, "settler processes")
	flag.IntVar(&o.workers, "workers", 12, "concurrent clients")
	flag.Float64Var(&o.streamShare, "streams", 0.2, "share of calls that stream")
	flag.StringVar(&o.out, "out", "", "write the report as JSON here")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's directory (logs, archive) even when the run passes (a failed run's is always kept)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, o)
	if rep != nil {
		rep.print(os.Stdout)
		if o.out != "" {
			b, _ := json.MarshalIndent(rep, "", "  ")
			_ = os.WriteFile(o.out, b, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "imogate-chaos:", err)
		os.Exit(2)
	}
	if !rep.OK && !rep.Expected {
		os.Exit(1)
	}
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// world is everything one run starts.
type world struct {
	o          options
	dir        string
	redis      *topology
	rpcURL     string
	settlement common.Address
	tokens     []common.Address
	operator   common.Address
	gateways   []*child
	settlers   []*child
	archive    string
	credits    map[string]map[common.Address]int64 // account → token → credit
	started    time.Time
}

func run(ctx context.Context, o options) (*report, error) {
	for _, b := range []*string{&o.imogate, &o.geth} {
		abs, err := filepath.Abs(*b)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("%s: %w (build it first; see the command's doc)", *b, err)
		}
		*b = abs
	}
	dir, err := os.MkdirTemp("", "imogate-chaos-")
	if err != nil {
		return nil, err
	}
	logf("run directory: %s", dir)
	var rep *report
	defer func() {
		// Kept when asked, and whenever the run failed: its logs say why.
		if o.keep || rep == nil || (!rep.OK && !rep.Expected) {
			logf("kept the run directory: %s", dir)
			return
		}
		os.RemoveAll(dir)
	}()
	w := &world{started: time.Now(), o: o, dir: dir, archive: filepath.Join(dir, "archive"), credits: map[string]map[common.Address]int64{}}

	// Redis.
	rctx, cancelRedis := context.WithCancel(ctx)
	defer cancelRedis()
	switch o.topology {
	case "cluster":
		w.redis, err = startCluster(rctx, dir, 3)
	case "single":
		w.redis, err = startSingle(rctx, dir, o.durability == "fsync")
	default:
		err = fmt.Errorf("-topology %q is not cluster or single", o.topology)
	}
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	defer func() {
		for _, n := range w.redis.nodes {
			if n.srv != nil {
				_ = n.srv.Kill()
			}
		}
	}()
	logf("redis: %s, %d node(s), durability %s", o.topology, len(w.redis.nodes), o.durability)

	// Chain and contracts.
	gethPort := freePort()
	geth, err := startGeth(o.geth, dir, gethPort)
	if err != nil {
		return nil, err
	}
	defer func() { _ = geth.Process.Kill(); _ = geth.Wait() }()
	w.rpcURL = fmt.Sprintf("http://127.0.0.1:%d", gethPort)
	opKey, _ := crypto.GenerateKey()
	signerKey, _ := crypto.GenerateKey()
	if err := w.deploy(ctx, opKey, signerKey); err != nil {
		return nil, fmt.Errorf("chain: %w", err)
	}
	logf("chain: geth --dev at %s, settlement %s, tokens %v", w.rpcURL, w.settlement.Hex(), w.tokens)

	// Gateways and settlers share one config file.
	if err := w.startProcesses(ctx, opKey, signerKey); err != nil {
		return nil, err
	}
	defer func() {
		for _, c := range append(w.gateways, w.settlers...) {
			c.kill()
		}
	}()
	accounts, err := w.createAccounts(ctx)
	if err != nil {
		return nil, err
	}

	// Load and chaos.
	var urls []string
	for _, g := range w.gateways {
		urls = append(urls, g.url)
	}
	l := &load{gateways: urls, accounts: accounts, client: &http.Client{Timeout: 30 * time.Second}}
	lctx, stopLoad := context.WithCancel(ctx)
	loadDone := make(chan struct{})
	go func() { defer close(loadDone); l.run(lctx, o.workers, o.streamShare) }()
	kills := w.chaos(ctx, o.cycles, o.cycleEvery)
	stopLoad()
	<-loadDone
	logf("load stopped: %d calls", len(l.snapshot()))
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	rep, err = w.reconcile(ctx, l.snapshot(), kills)
	return rep, err
}

// deploy deploys UsageSettlement and two tokens from the operator, funded
// by geth's dev account.
func (w *world) deploy(ctx context.Context, opKey, signerKey *ecdsa.PrivateKey) error {
	var c *rpc.Client
	var err error
	for i := 0; i < 100; i++ {
		if c, err = rpc.Dial(w.rpcURL); err == nil {
			var n hexutil.Uint64
			if err = c.Call(&n, "eth_blockNumber"); err == nil {
				break
			}
			c.Close()
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("geth did not answer: %w", err)
	}
	defer c.Close()
	ec := ethclient.NewClient(c)
	w.operator = crypto.PubkeyToAddress(opKey.PublicKey)
	var accts []common.Address
	if err := c.Call(&accts, "eth_accounts"); err != nil || len(accts) == 0 {
		return fmt.Errorf("geth dev account: %v", err)
	}
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	var h common.Hash
	if err := c.Call(&h, "eth_sendTransaction", map[string]any{"from": accts[0], "to": w.operator, "value": (*hexutil.Big)(new(big.Int).Mul(big.NewInt(100), ether))}); err != nil {
		return err
	}
	for i := 0; ; i++ {
		if r, err := ec.TransactionReceipt(ctx, h); err == nil && r != nil {
			break
		}
		if i > 100 {
			return fmt.Errorf("funding not mined")
		}
		time.Sleep(100 * time.Millisecond)
	}
	chainID := big.NewInt(1337)
	for i, sym := range []string{"CHA", "CHB"} {
		auth := bind.NewKeyedTransactor(opKey, chainID)
		auth.Context = ctx
		res, err := deploy.Deploy(ctx, ec, auth, deploy.Options{ChainID: chainID, Signer: crypto.PubkeyToAddress(signerKey.PublicKey),
			Settlement: w.settlement, PollInterval: 50 * time.Millisecond,
			Token: &deploy.TokenOptions{Name: "Chaos " + sym, Symbol: sym, Supply: ether, PercentClaimable: 80, SnapshotInterval: time.Hour}})
		if err != nil {
			return fmt.Errorf("deploy %d: %w", i, err)
		}
		w.settlement = res.Settlement
		w.tokens = append(w.tokens, res.Token)
	}
	return nil
}

func (w *world) configYAML() string {
	var models strings.Builder
	for i, t := range w.tokens {
		fmt.Fprintf(&models, `
  - name: chaos-%d
    token: %q
    backend: demo
    demo: {token_latency: 2ms}
    upstream: {timeout: 5s}
    price: {per_request_wei: "1000000", per_1k_prompt_wei: "2000000", per_1k_completion_wei: "4000000"}
    max_tokens: 32`, i, t.Hex())
	}
	return fmt.Sprintf(`redis: %s
chain: {chain_id: 1337, settlement_contract: %q}
signer: {env: CHAOS_SIGNER}
admin: {token: {env: CHAOS_ADMIN}}
limits: {reservation_grace: 2s, sweep_interval: 500ms}
log: {level: info}
models:%s
settlement:
  rpc_url: %q
  settler_key: {env: CHAOS_OPERATOR}
  archive_dir: %q
  max_receipts: 300
  max_age: 2s
  confirmations: 1
  finality_depth: 1
  poll_interval: 300ms
`, w.redis.configYAML(w.o.durability), w.settlement.Hex(), models.String(), w.rpcURL, w.archive)
}

func (w *world) startProcesses(ctx context.Context, opKey, signerKey *ecdsa.PrivateKey) error {
	cfg := filepath.Join(w.dir, "imogate.yaml")
	if err := os.WriteFile(cfg, []byte(w.configYAML()), 0o600); err != nil {
		return err
	}
	env := append(os.Environ(), "CHAOS_SIGNER="+hex.EncodeToString(crypto.FromECDSA(signerKey)),
		"CHAOS_OPERATOR="+hex.EncodeToString(crypto.FromECDSA(opKey)), "CHAOS_ADMIN=chaos-admin")
	for i := 0; i < w.o.gateways; i++ {
		port := freePort()
		w.gateways = append(w.gateways, &child{name: fmt.Sprintf("gateway-%d", i), args: []string{w.o.imogate, "serve", "-c", cfg, "--shutdown-timeout", "5s"},
			env: append(slices.Clone(env), fmt.Sprintf("IMOGATE_LISTEN=127.0.0.1:%d", port)), logf: filepath.Join(w.dir, fmt.Sprintf("gateway-%d.log", i)),
			url: fmt.Sprintf("http://127.0.0.1:%d", port)})
	}
	for i := 0; i < w.o.settlers; i++ {
		w.settlers = append(w.settlers, &child{name: fmt.Sprintf("settler-%d", i), args: []string{w.o.imogate, "settle", "-c", cfg},
			env: append(slices.Clone(env), fmt.Sprintf("IMOGATE_INSTANCE_ID=settler-%d", i)), logf: filepath.Join(w.dir, fmt.Sprintf("settler-%d.log", i))})
	}
	for _, c := range append(w.gateways, w.settlers...) {
		if err := c.start(); err != nil {
			return err
		}
	}
	for _, c := range w.gateways {
		if err := c.waitReady(ctx, 30*time.Second); err != nil {
			return err
		}
	}
	logf("started %d gateways and %d settlers", len(w.gateways), len(w.settlers))
	return nil
}

// createAccounts makes 4 keys per model, each with credit.
func (w *world) createAccounts(ctx context.Context) ([]account, error) {
	var out []account
	cfg := filepath.Join(w.dir, "imogate.yaml")
	for i := range w.tokens {
		model := fmt.Sprintf("chaos-%d", i)
		for k := 0; k < 4; k++ {
			const credit = 5_000_000_000_000_000 // 0.005 ether
			cmd := exec.CommandContext(ctx, w.o.imogate, "keys", "create", "-c", cfg, "--name", fmt.Sprintf("%s-%d", model, k),
				"--models", model, "--credit-model", model, "--credit-wei", fmt.Sprint(credit), "--json")
			cmd.Env = w.gateways[0].env
			b, err := cmd.Output()
			if err != nil {
				return nil, fmt.Errorf("keys create: %w", err)
			}
			var v struct {
				Key struct {
					ID string `json:"id"`
				} `json:"key"`
				APIKey string `json:"api_key"`
			}
			if err := json.Unmarshal(b, &v); err != nil {
				return nil, err
			}
			out = append(out, account{id: v.Key.ID, secret: v.APIKey, model: model})
			w.credits[v.Key.ID] = map[common.Address]int64{w.tokens[i]: credit}
		}
	}
	return out, nil
}

// kill is one chaos event.
type kill struct {
	At     time.Time `json:"at"`
	Target string    `json:"target"`
	Note   string    `json:"note,omitempty"`
}

// chaos kills, at random, a gateway, a settler or a Redis master every
// cycle, and restarts it.
func (w *world) chaos(ctx context.Context, cycles int, every time.Duration) []kill {
	var kills []kill
	for cycle := 0; cycle < cycles && ctx.Err() == nil; cycle++ {
		time.Sleep(every)
		switch cycle % 3 {
		case 0:
			g := w.gateways[rand.IntN(len(w.gateways))]
			g.kill()
			kills = append(kills, kill{At: time.Now(), Target: g.name})
			logf("cycle %d: SIGKILL %s", cycle+1, g.name)
			time.Sleep(300 * time.Millisecond)
			if err := g.start(); err == nil {
				_ = g.waitReady(ctx, 30*time.Second)
			}
		case 1:
			s := w.settlers[rand.IntN(len(w.settlers))]
			s.kill()
			kills = append(kills, kill{At: time.Now(), Target: s.name})
			logf("cycle %d: SIGKILL %s", cycle+1, s.name)
			time.Sleep(300 * time.Millisecond)
			_ = s.start()
		case 2:
			var seqKeys []string
			for _, t := range w.tokens {
				seqKeys = append(seqKeys, redisstore.Prefix(t)+"seq")
			}
			m := w.redis.master(ctx, rand.IntN, seqKeys...)
			if m == nil {
				logf("cycle %d: no redis master found", cycle+1)
				continue
			}
			_ = m.srv.Kill()
			k := kill{At: time.Now(), Target: fmt.Sprintf("redis master :%d", m.opts.Port)}
			if w.o.durability != "fsync" {
				// A host crash: the last second of the AOF (appendfsync
				// everysec) was never on disk. Under fsync (appendfsync
				// always) nothing acknowledged can be in the page cache only:
				// Redis fsyncs before it replies, so there is nothing to cut.
				k.Note = m.crashHost(time.Second)
			}
			kills = append(kills, k)
			logf("cycle %d: SIGKILL %s %s", cycle+1, k.Target, k.Note)
			if w.redis.cluster {
				time.Sleep(4 * time.Second) // its replica takes over
			} else {
				time.Sleep(500 * time.Millisecond)
			}
			if err := m.start(ctx); err != nil {
				logf("restart redis: %v", err)
			}
			if w.redis.cluster {
				_ = w.redis.waitClusterOK(ctx, 30*time.Second)
			}
		}
	}
	return kills
}
