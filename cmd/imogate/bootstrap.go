package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/onchain"
)

// process is what `serve`, `settle` and `dev` share: the config, the
// logger, Redis and the store on it, and the metrics registry. Close
// releases them in reverse order.
type process struct {
	cfg   *config.Config
	log   *slog.Logger
	rdb   redis.UniversalClient
	store *redisstore.Store
	reg   *prometheus.Registry

	signer   common.Address // the gateway's receipt signer, once built
	flushLog func()
	// checkDelivery, when the process has a chain client, simulates the
	// settlement's payment into a token (onchain.Reader.CheckDelivery).
	checkDelivery func(ctx context.Context, token common.Address) error

	// tracer is the OTLP trace pipeline the environment configures (nil:
	// tracing off); stopTracing flushes it.
	tracer      trace.TracerProvider
	genAI       bool
	stopTracing func()
}

// openProcess builds the logger and connects to Redis for cfg.
func openProcess(ctx context.Context, cfg *config.Config) (*process, error) {
	log, flush := newLogger(cfg.Log.Level, cfg.Log.Unbuffered)
	return openProcessWithLog(ctx, cfg, log, flush)
}

// openProcessWithLog connects to Redis for cfg, logging to log; Close calls
// flush.
func openProcessWithLog(ctx context.Context, cfg *config.Config, log *slog.Logger, flush func()) (*process, error) {
	tp, stopTracing, err := newTracerProvider(ctx, log)
	if err != nil {
		flush()
		return nil, err
	}
	rdb, err := newRedis(ctx, cfg)
	if err != nil {
		stopTracing()
		flush()
		return nil, err
	}
	return &process{cfg: cfg, log: log, rdb: rdb, store: newStore(cfg, rdb), reg: prometheus.NewRegistry(), flushLog: flush,
		tracer: tp, genAI: genAIAttributes(), stopTracing: stopTracing}, nil
}

// Close disconnects from Redis, flushes the last spans and writes out the
// log.
func (p *process) Close() {
	_ = p.rdb.Close()
	p.stopTracing()
	p.flushLog()
}

// Redis retries: go-redis retries a command on LOADING, TRYAGAIN, MOVED,
// CLUSTERDOWN, MASTERDOWN, READONLY and connection errors; these let it ride
// out a restart's AOF reload or a failover (about 6 s in all) instead of
// failing paid calls.
const (
	redisRetries    = 10
	redisMinBackoff = 50 * time.Millisecond
	redisMaxBackoff = time.Second
)

// newRedis connects to Redis as the config's mode says: one server, a
// Sentinel-managed primary with failover, or a Redis Cluster.
func newRedis(ctx context.Context, cfg *config.Config) (redis.UniversalClient, error) {
	r := cfg.Redis
	var rdb redis.UniversalClient
	where := config.RedactURL(r.URL)
	switch r.Mode {
	case "sentinel":
		rdb = redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: r.MasterName, SentinelAddrs: r.Addrs, SentinelPassword: r.SentinelPassword.Value().Reveal(),
			Username: r.Username, Password: r.Password.Value().Reveal(), DB: r.DB, PoolSize: 256,
			MaxRetries: redisRetries, MinRetryBackoff: redisMinBackoff, MaxRetryBackoff: redisMaxBackoff,
		})
		where = fmt.Sprintf("master %q of the Sentinels %v", r.MasterName, r.Addrs)
	case "cluster":
		rdb = redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: r.Addrs, Username: r.Username, Password: r.Password.Value().Reveal(), PoolSize: 256,
			MaxRetries: redisRetries, MinRetryBackoff: redisMinBackoff, MaxRetryBackoff: redisMaxBackoff,
		})
		where = fmt.Sprintf("the Redis Cluster at %v", r.Addrs)
	default:
		opts, err := redis.ParseURL(r.URL)
		if err != nil {
			return nil, fmt.Errorf("redis url: %w", err)
		}
		opts.PoolSize = 256
		opts.MaxRetries, opts.MinRetryBackoff, opts.MaxRetryBackoff = redisRetries, redisMinBackoff, redisMaxBackoff
		rdb = redis.NewClient(opts)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis (%s) is not reachable: %w (start one with: redis-server --daemonize yes)", where, err)
	}
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		// Every shard must answer, not just the one Ping reached.
		if err := cc.ForEachShard(pctx, func(ctx context.Context, c *redis.Client) error { return c.Ping(ctx).Err() }); err != nil {
			rdb.Close()
			return nil, fmt.Errorf("a shard of %s is not reachable: %w", where, err)
		}
	}
	return rdb, nil
}

// newStore is the store on rdb as the config asks.
func newStore(cfg *config.Config, rdb redis.UniversalClient) *redisstore.Store {
	replicas, _ := cfg.Redis.Replicas() // validated
	opts := []redisstore.Option{
		redisstore.WithReceiptIndexTTL(cfg.Limits.ReceiptIndexTTL),
		redisstore.WithDurability(redisstore.Durability{Replicas: replicas, Timeout: cfg.Redis.DurabilityTimeout}),
	}
	if !cfg.Redis.Pipelining() {
		opts = append(opts, redisstore.WithoutAutoPipelining())
	}
	return redisstore.New(rdb, nil, opts...)
}

// checkDurability checks Redis for the configured durability before the
// gateway takes calls: fsync that Redis does not give is refused; missing
// replicas are warned of; none is warned of (what it can lose).
func (p *process) checkDurability(ctx context.Context) error {
	r := p.cfg.Redis
	replicas, _ := r.Replicas()
	if r.Durability == "none" {
		p.log.Warn("redis.durability is none: a Redis crash can lose receipts already sent to clients (up to a second under appendfsync everysec); their seqs are then refused, halting the model, not issued twice. Use fsync or replicas:N in production, and before posting a bond")
		return nil
	}
	warnings, err := redisstore.CheckDurability(ctx, p.rdb, r.Durability == "fsync", replicas)
	for _, w := range warnings {
		p.log.Warn("redis durability", "warning", w)
	}
	if err != nil {
		return fmt.Errorf("redis.durability %s: %w", r.Durability, err)
	}
	p.log.Info("redis durability checked", "durability", r.Durability)
	return nil
}

// newBatcher builds the settlement batcher for every configured model's
// token, settling through chain as the operator whose key is key.
func (p *process) newBatcher(chain batcher.Chain, key *ecdsa.PrivateKey) (*batcher.Batcher, error) {
	cfg, s := p.cfg, p.cfg.Settlement
	arch, err := newArchive(cfg)
	if err != nil {
		return nil, err
	}
	var tokens []common.Address
	seen := map[common.Address]bool{}
	for _, m := range cfg.Models {
		t := common.HexToAddress(m.Token)
		if !seen[t] {
			seen[t] = true
			tokens = append(tokens, t)
		}
	}
	var maxFee, maxTip *big.Int
	if v := s.MaxFeeCapWei.Big(); v.Sign() > 0 {
		maxFee = v
	}
	if v := s.MaxTipCapWei.Big(); v.Sign() > 0 {
		maxTip = v
	}
	return batcher.New(batcher.Config{
		Store: p.store, Chain: chain, Archive: arch, KeepReceipts: s.KeepReceipts, Snapshots: s.Snapshots,
		Key: key, ChainID: new(big.Int).SetUint64(cfg.Chain.ChainID), Settlement: common.HexToAddress(cfg.Chain.SettlementContract),
		Tokens: tokens, LogFromBlock: s.FromBlock, MaxBatch: s.MaxReceipts, MaxAge: s.MaxAge, Confirmations: s.Confirmations,
		FinalityDepth: s.FinalityDepth,
		MaxTipCap:     maxTip, MaxFeeCap: maxFee, GasLimitCap: s.GasLimitCap, StuckAfter: s.StuckAfter, PollInterval: s.PollInterval,
		Logger: p.log, Registerer: p.reg, InstanceID: s.InstanceID, TracerProvider: p.tracer,
		Hooks: batcher.Hooks{Stage: pauseAtStage(os.Getenv(pauseAtEnv), p.log)},
	})
}

// batcherPart runs b as a part of the process.
func batcherPart(b *batcher.Batcher) part {
	return part{name: "settlement batcher", run: b.Run}
}

// newGateway builds the gateway for the config; notReady, if set, adds
// readiness reasons (the batcher's, when it runs in this process).
func (p *process) newGateway(notReady func() []string) (*gateway.Server, error) {
	cfg := p.cfg
	signer, err := newSigner(cfg)
	if err != nil {
		return nil, err
	}
	p.signer = signer.Address()
	models, err := buildModels(cfg)
	if err != nil {
		return nil, err
	}
	// The auditor API serves archived batches when there is an archive here,
	// and names the operator when this process knows the settler key.
	var arch archive.Store
	if _, statErr := os.Stat(cfg.Settlement.ArchiveDir); statErr == nil || cfg.Settlement.Enabled || cfg.Settlement.ArchiveS3.Bucket != "" {
		if a, err := newArchive(cfg); err == nil {
			arch = a
		} else {
			p.log.Warn("archive unavailable: the auditor API serves only batches still in Redis", "err", err)
		}
	}
	var operator common.Address
	if k, err := settlerKey(cfg); err == nil {
		operator = crypto.PubkeyToAddress(k.PublicKey)
	}
	return gateway.New(gateway.Config{
		Models: models, Store: p.store, Signer: signer, Logger: p.log,
		Registry: p.reg, Archive: arch, Operator: operator, PublicAudit: cfg.Audit.Public, JWTKeys: cfg.JWT.Keys,
		TracerProvider: p.tracer, GenAIAttributes: p.genAI,
		AdminToken:   cfg.Admin.Token.Value().Reveal(),
		MaxBodyBytes: cfg.Limits.MaxBodyBytes, ReservationTTL: cfg.Limits.ReservationGrace,
		IdempotencyTTL: cfg.Limits.IdempotencyTTL, ReadTimeout: cfg.Limits.ReadTimeout,
		MaxConnections: cfg.Limits.MaxConnections, MaxConnectionsPerIP: cfg.Limits.MaxConnectionsPerIP,
		NotReady: notReady,
	})
}

// gatewayParts builds the gateway, listens on the configured address and
// returns the gateway's parts in start order: the signature writer, the
// reservation sweeper, and the server (stopped first, so in-flight calls
// finish while the others still run). ready, if set, is called with the
// listen address once the server accepts calls.
func (p *process) gatewayParts(ctx context.Context, shutdownTimeout time.Duration, ready func(addr string), notReady func() []string) ([]part, error) {
	srv, err := p.newGateway(notReady)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.checkDurability(pctx); err != nil {
		return nil, err
	}
	if err := srv.PublishPrices(pctx); err != nil {
		return nil, fmt.Errorf("prices: %w", err)
	}
	if err := p.checkTokens(pctx, srv); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", p.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", p.cfg.Listen, err)
	}
	return []part{
		{name: "signature writer", run: func(ctx context.Context) error { srv.RunSignatureWriter(ctx); return nil }},
		{name: "reservation sweeper", run: func(ctx context.Context) error { srv.RunSweeper(ctx, p.cfg.Limits.SweepInterval); return nil }},
		{name: "price and halt refresher", run: func(ctx context.Context) error { srv.RunRefresher(ctx, gateway.PriceRefresh); return nil }},
		{name: "gateway", run: func(ctx context.Context) error {
			served := make(chan error, 1)
			go func() { served <- srv.Serve(ln) }()
			p.log.Info("imogate gateway listening", "addr", ln.Addr().String(), "models", len(p.cfg.Models),
				"receipt_signer", p.signer.Hex(), "chain_id", p.cfg.Chain.ChainID)
			for _, m := range p.cfg.Models {
				if m.Backend == "demo" {
					p.log.Warn("model uses the built-in DEMO backend: deterministic text, not a language model", "model", m.Name)
				}
			}
			if ready != nil {
				ready(ln.Addr().String())
			}
			select {
			case err := <-served:
				return err
			case <-ctx.Done():
			}
			p.log.Info("shutting down: finishing in-flight calls", "timeout", shutdownTimeout.String())
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
			defer cancel()
			err := srv.Shutdown(sctx)
			if err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("shutdown incomplete: %w", err)
			}
			return nil
		}},
	}, nil
}

// healthPart serves /metrics, /healthz and /readyz on addr for a process
// without a gateway (`imogate settle`): /readyz answers 503 with reasons
// while notReady lists any.
func (p *process) healthPart(addr string, notReady func() []string) (part, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return part{}, fmt.Errorf("settlement.listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(p.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body := map[string]any{"status": "ready"}
		if err := p.rdb.Ping(r.Context()).Err(); err != nil {
			body = map[string]any{"status": "unavailable", "reasons": []string{"redis unreachable"}}
		} else if reasons := notReady(); len(reasons) > 0 {
			body = map[string]any{"status": "unavailable", "reasons": reasons}
		}
		if body["status"] != "ready" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(body)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	p.log.Info("serving metrics and health", "addr", ln.Addr().String())
	return part{name: "health and metrics", run: func(ctx context.Context) error {
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

// checkTokens asks the chain, where the process has a client, whether each
// model's token can take its revenue, and records the answer for every
// gateway; a model whose token cannot is not ready and its paid calls are
// refused (the settler rechecks before each seal, and records a fix).
// Without a chain client it loads what a settler recorded.
func (p *process) checkTokens(ctx context.Context, srv *gateway.Server) error {
	if p.checkDelivery == nil {
		srv.ReloadDelivery(ctx)
		return nil
	}
	seen := map[common.Address]bool{}
	for _, m := range p.cfg.Models {
		token := common.HexToAddress(m.Token)
		if seen[token] {
			continue
		}
		seen[token] = true
		err := p.checkDelivery(ctx, token)
		var u *onchain.Undeliverable
		switch {
		case errors.As(err, &u):
			if err := srv.SetDeliveryProblem(ctx, token, u.Cause); err != nil {
				return err
			}
		case err != nil:
			p.log.Warn("could not ask the chain whether the model's token takes its revenue; the settler checks before each seal", "model", m.Name, "err", err)
		default:
			if err := srv.SetDeliveryProblem(ctx, token, ""); err != nil {
				return err
			}
		}
	}
	return nil
}
