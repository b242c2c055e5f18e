package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/batcher"
)

func newServeCmd() *cobra.Command {
	var shutdownTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the metered gateway",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			log, flushLog := newLogger(cfg.Log.Level, cfg.Log.Unbuffered)
			defer flushLog()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rdb, err := newRedis(ctx, cfg)
			if err != nil {
				return err
			}
			defer rdb.Close()
			var mk makeBatcher
			if cfg.Settlement.Enabled {
				if err := cfg.ValidateSettlement(); err != nil {
					return err
				}
				client, err := ethclient.DialContext(ctx, cfg.Settlement.RPCURL)
				if err != nil {
					return fmt.Errorf("connect to %s: %w", config.RedactURL(cfg.Settlement.RPCURL), err)
				}
				defer client.Close()
				mk = func(reg prometheus.Registerer) (*batcher.Batcher, error) {
					return newBatcher(cfg, log, rdb, client, reg)
				}
			}
			return runGateway(ctx, cfg, log, rdb, shutdownTimeout, nil, mk)
		},
	}
	cmd.Flags().DurationVar(&shutdownTimeout, "shutdown-timeout", 2*time.Minute, "how long to wait for in-flight calls on shutdown")
	return cmd
}

// makeBatcher builds the settlement batcher with its metrics on reg.
type makeBatcher func(reg prometheus.Registerer) (*batcher.Batcher, error)

// runGateway serves the gateway, its reservation sweeper and, when mk is
// set, the settlement batcher until ctx ends, then shuts down in reverse
// order: stop taking calls and finish the ones in flight (committing their
// receipts), then stop the sweeper, then the batcher (which keeps every
// sealed or sent batch for its next start). ready, if set, is called with the
// listen address once the gateway accepts calls.
func runGateway(ctx context.Context, cfg *config.Config, log *slog.Logger, rdb redis.UniversalClient, shutdownTimeout time.Duration,
	ready func(*gateway.Server, string), mk makeBatcher) error {
	signer, err := newSigner(cfg)
	if err != nil {
		return err
	}
	models, err := buildModels(cfg)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	var bat *batcher.Batcher
	if mk != nil {
		if bat, err = mk(reg); err != nil {
			return err
		}
	}
	// The auditor API serves archived batches when there is an archive here,
	// and names the operator when this process knows the settler key.
	var arch archive.Store
	if _, statErr := os.Stat(cfg.Settlement.ArchiveDir); statErr == nil || cfg.Settlement.Enabled || cfg.Settlement.ArchiveS3.Bucket != "" {
		if a, err := newArchive(cfg); err == nil {
			arch = a
		} else {
			log.Warn("archive unavailable: the auditor API serves only batches still in Redis", "err", err)
		}
	}
	var operator common.Address
	if k, err := settlerKey(cfg); err == nil {
		operator = crypto.PubkeyToAddress(k.PublicKey)
	}
	srv, err := gateway.New(gateway.Config{
		Models: models, Store: newStore(cfg, rdb), Signer: signer, Logger: log,
		Registry: reg, Archive: arch, Operator: operator, PublicAudit: cfg.Audit.Public, JWTKeys: cfg.JWT.Keys, AdminToken: cfg.Admin.Token.Value().Reveal(),
		MaxBodyBytes: cfg.Limits.MaxBodyBytes, ReservationTTL: cfg.Limits.ReservationGrace,
		IdempotencyTTL: cfg.Limits.IdempotencyTTL,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	sweepDone := make(chan struct{})
	go func() { defer close(sweepDone); srv.RunSweeper(sweepCtx, cfg.Limits.SweepInterval) }()
	batCtx, stopBat := context.WithCancel(context.Background())
	defer stopBat()
	batDone := make(chan struct{})
	if bat != nil {
		batDone = runBatcher(batCtx, bat, log)
	} else {
		close(batDone)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("imogate gateway listening", "addr", ln.Addr().String(), "models", len(models),
		"receipt_signer", signer.Address().Hex(), "chain_id", cfg.Chain.ChainID)
	for _, m := range models {
		if m.Demo {
			log.Warn("model uses the built-in DEMO backend: deterministic text, not a language model", "model", m.Name)
		}
	}
	if ready != nil {
		ready(srv, ln.Addr().String())
	}
	select {
	case err := <-serveErr:
		stopSweep()
		<-sweepDone
		stopBat()
		<-batDone
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight calls", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	stopSweep()
	<-sweepDone
	stopBat()
	<-batDone
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Error("shutdown incomplete", "err", err)
		return err
	}
	log.Info("stopped cleanly")
	return nil
}
