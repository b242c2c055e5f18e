// Package gateway is imogate's HTTP front: a Fiber app serving the
// OpenAI-compatible API (chat completions, completions, embeddings, models),
// metering every paid call in Redis and answering it with an EIP-712 signed
// receipt, plus receipt lookup, the admin API, health, readiness and
// Prometheus metrics. All errors go through one handler that writes
// OpenAI's error shape.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/ledger"
)

// Model is a served model with its backend, price and bounds.
type Model struct {
	Name     string         // public name
	Token    common.Address // ERC-7641 token (the receipt's model)
	Upstream string         // upstream model name
	Backend  inference.Backend
	// Price is the model's configured price: its first published version
	// when the store has none (see Server.PublishPrices).
	Price metering.Price
	// PriceFrom is when Price takes effect (unix ms); 0: from the start of
	// the model's schedule.
	PriceFrom uint64
	MaxTokens int
	Timeout   time.Duration
	OwnedBy   string
	Demo      bool
	// Media bounds the prompt tokens of multimodal parts (zero: refused).
	Media Media
	// PromptOverhead is added to a chat call's prompt bound: the tokens the
	// upstream's chat template adds around messages and tools.
	PromptOverhead int
	// Kind is the upstream's server family: it says how to ask for a
	// running count of what a stream has generated.
	Kind inference.Kind
	// Counter counts tokens the upstream does not report; nil counts one
	// token per byte (the bound the hold uses).
	Counter inference.TokenCounter
	// PassResponses passes POST /v1/responses through to the upstream's
	// own Responses API instead of translating it onto Chat Completions.
	PassResponses bool
}

// Config is everything the gateway needs, built by main.
type Config struct {
	Models         []Model
	Store          Store
	Signer         *metering.Signer
	Logger         *slog.Logger
	Registry       *prometheus.Registry // metrics are registered here
	JWTKeys        []config.JWTKey
	AdminToken     string
	MaxBodyBytes   int
	ReservationTTL time.Duration // added to a model's timeout for a hold's lifetime
	IdempotencyTTL time.Duration
	// ReadTimeout bounds reading one request (headers and body): a client
	// that sends slowly is cut. Zero means 30s.
	ReadTimeout time.Duration
	// MaxConnections caps open connections (zero: 10,000) and
	// MaxConnectionsPerIP those of one client address (zero: 256), so slow
	// or idle clients cannot hold the listener.
	MaxConnections      int
	MaxConnectionsPerIP int
	// CommitBudget is how long a commit whose outcome is unknown is tried
	// again before the call's charge is reported unconfirmed. Zero: 20s.
	CommitBudget time.Duration
	// NotReady, if set, adds reasons for /readyz to fail (the batcher's
	// halted models, when it runs in this process).
	NotReady func() []string
	// KeyCacheTTL is how long a resolved API key is cached in memory; a
	// revoked key keeps working this long at most. 0 means 2s; negative
	// disables the cache.
	KeyCacheTTL time.Duration
	Now         func() time.Time // nil = time.Now
	// Archive is where the settlement batcher archives settled batches; the
	// audit API serves trees and receipts from it once a batch's receipts
	// have left Redis. nil: only batches still in the Redis log are served.
	Archive archive.Store
	// PublicAudit opens the audit API (/v1/audit/...) to unauthenticated
	// callers; otherwise it needs role auditor or admin.
	PublicAudit bool
	// Operator is the settler's address (the operator on-chain), shown by
	// the audit API; the zero address means unknown.
	Operator common.Address
	// TracerProvider, if set, traces paid calls: a span per call (a child
	// of the caller's W3C traceparent), with its reserve, upstream and
	// commit steps as children and its receipt's id, seq and fee as
	// attributes. Nil: no tracing.
	TracerProvider trace.TracerProvider
	// GenAIAttributes adds the OpenTelemetry GenAI semantic-convention
	// attributes (gen_ai.operation.name, gen_ai.request.model,
	// gen_ai.usage.input_tokens, gen_ai.usage.output_tokens) to call spans.
	GenAIAttributes bool
}

// Validate reports every missing dependency at once.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Models) == 0 {
		errs = append(errs, errors.New("no models"))
	}
	for _, m := range c.Models {
		if m.Backend == nil {
			errs = append(errs, fmt.Errorf("model %q has no backend", m.Name))
		}
		if m.MaxTokens < 1 {
			errs = append(errs, fmt.Errorf("model %q: max tokens must be positive", m.Name))
		}
	}
	if c.Store == nil {
		errs = append(errs, errors.New("no store"))
	}
	if c.Signer == nil {
		errs = append(errs, errors.New("no receipt signer"))
	}
	if c.Logger == nil {
		errs = append(errs, errors.New("no logger"))
	}
	if c.Registry == nil {
		errs = append(errs, errors.New("no metrics registry"))
	}
	if c.MaxBodyBytes <= 0 {
		errs = append(errs, errors.New("max body bytes must be positive"))
	}
	return errors.Join(errs...)
}

// Server is the gateway.
type Server struct {
	app            *fiber.App
	models         map[string]*Model
	order          []string
	byToken        []*Model // the first model of each distinct token (state is per token)
	store          Store
	ledger         *ledger.Ledger
	signer         *metering.Signer
	log            *slog.Logger
	jwt            *jwtVerifier
	adminToken     string
	maxBody        int
	reservationTTL time.Duration
	idemTTL        time.Duration
	now            func() time.Time
	metrics        *metrics
	keys           *keyCache
	sigs           *sigWriter
	audit          auditConfig

	// baseCtx outlives requests: streams and commits run under it so a
	// shutdown lets them finish. streamsCtx is cancelled when a shutdown
	// runs out of time, cutting the streams still running (each then ends
	// in a receipt for what it delivered). inflight counts paid calls under
	// way.
	baseCtx       context.Context
	streamsCtx    context.Context
	cancelStreams context.CancelFunc
	inflight      sync.WaitGroup
	prices        priceBook
	refreshing    atomic.Bool // RunRefresher is running: stale schedules refuse calls
	commitBudget  time.Duration
	notReady      func() []string
	maxPerIP      int
	seqs          *seqGuard
	delivery      deliveryGuard
	tracing       tracing
}

// New builds the gateway app.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("gateway config: %w", err)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	jv, err := newJWTVerifier(cfg.JWTKeys, now)
	if err != nil {
		return nil, err
	}
	s := &Server{
		models: map[string]*Model{}, store: cfg.Store, signer: cfg.Signer, log: cfg.Logger, jwt: jv,
		adminToken: cfg.AdminToken, maxBody: cfg.MaxBodyBytes, reservationTTL: cfg.ReservationTTL,
		idemTTL: cfg.IdempotencyTTL, now: now, baseCtx: context.Background(),
	}
	s.notReady = cfg.NotReady
	s.tracing = newTracing(cfg.TracerProvider, cfg.GenAIAttributes)
	s.commitBudget = cfg.CommitBudget
	if s.commitBudget <= 0 {
		s.commitBudget = defaultCommitBudget
	}
	s.streamsCtx, s.cancelStreams = context.WithCancel(context.Background())
	s.seqs = newSeqGuard()
	kttl := cfg.KeyCacheTTL
	if kttl == 0 {
		kttl = 2 * time.Second
	}
	s.audit = auditConfig{public: cfg.PublicAudit, operator: cfg.Operator}
	s.ledger, err = ledger.New(ledger.Config{Records: cfg.Store, Log: cfg.Store, Archive: cfg.Archive, Sign: s.signed})
	if err != nil {
		return nil, err
	}
	s.keys = newKeyCache(kttl, 100_000, now)
	s.sigs = newSigWriter(cfg.Store, cfg.Logger)
	if s.idemTTL <= 0 {
		s.idemTTL = 24 * time.Hour
	}
	if s.reservationTTL <= 0 {
		s.reservationTTL = time.Minute
	}
	for i := range cfg.Models {
		m := cfg.Models[i]
		s.models[m.Name] = &m
		s.order = append(s.order, m.Name)
		if !slices.ContainsFunc(s.byToken, func(o *Model) bool { return o.Token == m.Token }) {
			s.byToken = append(s.byToken, s.models[m.Name])
		}
	}
	s.metrics, err = newMetrics(cfg.Registry, s)
	if err != nil {
		return nil, err
	}
	readTimeout, maxConns, maxPerIP := cfg.ReadTimeout, cfg.MaxConnections, cfg.MaxConnectionsPerIP
	if readTimeout <= 0 {
		readTimeout = 30 * time.Second
	}
	if maxConns <= 0 {
		maxConns = 10_000
	}
	if maxPerIP <= 0 {
		maxPerIP = 256
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "imogate",
		BodyLimit:             cfg.MaxBodyBytes,
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           readTimeout,
		IdleTimeout:           2 * time.Minute,
		Concurrency:           maxConns,
		StreamRequestBody:     false,
	})
	s.maxPerIP = maxPerIP
	s.routes()
	return s, nil
}

// App returns the Fiber app (tests drive it with app.Test).
func (s *Server) App() *fiber.App { return s.app }

func (s *Server) routes() {
	a := s.app
	a.Use(recover.New())
	a.Use(requestid.New(requestid.Config{Header: "X-Request-Id"}))
	a.Use(s.observe)
	a.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	a.Get("/readyz", s.ready)
	a.Get("/metrics", s.metrics.handler())
	s.mountDashboard(a)
	// The audit API is registered before the /v1 group, whose middleware
	// demands credentials: auditGate decides (PublicAudit lets anyone read).
	a.Get("/v1/audit/models", s.auditGate, s.auditModels)
	a.Get("/v1/audit/models/:model/batches", s.auditGate, s.auditBatches)
	a.Get("/v1/audit/models/:model/batches/:id", s.auditGate, s.auditBatch)
	a.Get("/v1/audit/models/:model/batches/:id/tree", s.auditGate, s.auditTree)
	a.Get("/v1/audit/models/:model/batches/:id/receipts", s.auditGate, s.auditReceipts)

	v1 := a.Group("/v1", s.authenticate)
	v1.Get("/models", s.listModels)
	v1.Get("/models/:model", s.getModel)
	v1.Post("/chat/completions", s.paid(inference.ChatCompletions, apiOpenAI))
	v1.Post("/completions", s.paid(inference.Completions, apiOpenAI))
	v1.Post("/embeddings", s.paid(inference.Embeddings, apiOpenAI))
	v1.Post("/responses", s.paid(inference.ChatCompletions, apiResponses))
	v1.Get("/responses/:id", s.unstored)
	v1.Post("/responses/:id/cancel", s.unstored)
	v1.Delete("/responses/:id", s.unstored)
	v1.Get("/responses/:id/input_items", s.unstored)
	v1.Post("/messages", s.paid(inference.ChatCompletions, apiMessages))
	v1.Post("/messages/count_tokens", s.countTokens)
	v1.Get("/receipts/:id", s.getReceipt)
	v1.Get("/receipts/:id/proof", s.receiptProof)
	own := v1.Group("/owner", requireRole(apikey.RoleOwner, apikey.RoleAdmin))
	own.Get("/models/:model/usage", s.ownerUsage)
	own.Get("/models/:model/revenue", s.ownerRevenue)
	own.Get("/models/:model/keys", s.ownerKeys)
	own.Get("/models/:model/batches", s.ownerBatches)

	adm := a.Group("/admin", s.authenticate, requireRole(apikey.RoleAdmin))
	adm.Post("/keys", s.createKey)
	adm.Get("/keys", s.listKeys)
	adm.Delete("/keys/:id", s.revokeKey)
	adm.Post("/accounts/:account/credit", s.credit)
	adm.Get("/accounts/:account/balance", s.balance)
}

func (s *Server) ready(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready: redis unreachable", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "redis": "unreachable"})
	}
	reasons := append(s.seqs.reasons(s.modelName), s.deliveryReasons()...)
	if s.notReady != nil {
		reasons = append(reasons, s.notReady()...)
	}
	if len(reasons) > 0 {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "redis": "ok", "reasons": reasons})
	}
	return c.JSON(fiber.Map{"status": "ready", "redis": "ok"})
}

// modelName is the public name of the first model on token.
func (s *Server) modelName(token common.Address) string {
	for _, m := range s.byToken {
		if m.Token == token {
			return m.Name
		}
	}
	return token.Hex()
}

func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals(requestid.ConfigDefault.ContextKey).(string); ok {
		return v
	}
	return ""
}

// Serve accepts connections on ln until Shutdown, at most
// Config.MaxConnectionsPerIP of them open per client address.
func (s *Server) Serve(ln net.Listener) error {
	return s.app.Listener(newPerIPListener(ln, s.maxPerIP))
}

// Shutdown stops accepting connections, waits for in-flight calls (streams
// included) to finish and commit their receipts, then returns. ctx bounds the
// wait. The signature writer and the sweeper are stopped by their own
// contexts, after this returns.
//
// When ctx ends first, the streams still running are cut: each ends in a
// receipt for what it delivered (or a release if it delivered nothing), and
// Shutdown waits up to shutdownCommitGrace more for those commits.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.app.ShutdownWithContext(ctx)
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return err
	case <-ctx.Done():
	}
	s.log.Warn("shutdown timeout: cutting the streams still running; each is charged what it delivered")
	s.cancelStreams()
	select {
	case <-done:
		return errors.Join(err, fmt.Errorf("in-flight streams were cut at the shutdown timeout: %w", ctx.Err()))
	case <-time.After(shutdownCommitGrace):
		return errors.Join(err, fmt.Errorf("in-flight calls still running after the shutdown timeout: %w", ctx.Err()))
	}
}

// shutdownCommitGrace is how long Shutdown waits, after cutting streams,
// for their receipts to be committed.
const shutdownCommitGrace = 15 * time.Second

// RunSignatureWriter stores the signatures of issued receipts in batches
// until ctx ends, then stores what is queued and returns. Run it for as long
// as the server serves, and stop it after Shutdown: receipts whose
// signatures were never stored are signed again when read.
func (s *Server) RunSignatureWriter(ctx context.Context) { s.sigs.run(ctx) }

// RunSweeper releases expired reservations of every model every interval
// until ctx ends. A crash between reserve and commit therefore never holds
// credit longer than the reservation's lifetime plus one interval.
func (s *Server) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.SweepOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SweepOnce runs one sweep over every model's token: expired holds are
// released and the signatures the batcher found missing are stored again.
func (s *Server) SweepOnce(ctx context.Context) {
	for _, m := range s.byToken {
		n, err := s.store.Sweep(ctx, m.Token)
		if err != nil {
			s.log.Warn("sweep failed", "model", m.Name, "err", err)
			continue
		}
		if n > 0 {
			s.log.Info("released expired reservations", "model", m.Name, "count", n)
			s.metrics.swept.Add(float64(n))
		}
		s.repairSignatures(ctx, m)
	}
}

func weiString(v int64) string { return big.NewInt(v).String() }
