package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"os/signal"
	"syscall"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/contracts/deploy"
)

func newSettleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "settle",
		Short: "Run the settlement batcher: Merkle-root receipts and deposit their fees on-chain",
		Long: `Runs the settlement batcher for every configured model until SIGINT/SIGTERM: seals
batches of receipts (settlement.max_receipts or settlement.max_age), persists each
sealed batch before any transaction, calls settle(token, batchId, root, firstSeq,
lastSeq) with the batch's fee sum, waits for settlement.confirmations, archives the
batch to settlement.archive_dir and trims it from Redis. Safe to restart at any
point and to run as several replicas (a Redis lease with a fencing token keeps one
active batcher per model).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if err := cfg.ValidateSettlement(); err != nil {
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
			client, err := ethclient.DialContext(ctx, cfg.Settlement.RPCURL)
			if err != nil {
				return fmt.Errorf("connect to %s: %w", config.RedactURL(cfg.Settlement.RPCURL), err)
			}
			defer client.Close()
			b, err := newBatcher(cfg, log, rdb, client, prometheus.NewRegistry())
			if err != nil {
				return err
			}
			return b.Run(ctx)
		},
	}
}

// settlerKey loads the operator key from the settlement section.
func settlerKey(cfg *config.Config) (*ecdsa.PrivateKey, error) {
	s := cfg.Settlement
	if s.KeystoreFile != "" {
		return deploy.LoadKeystore(s.KeystoreFile, s.KeystorePassword.Value().Reveal())
	}
	return config.ParsePrivateKey(s.SettlerKey.Value())
}

// newBatcher builds the batcher for every configured model's token, with
// metrics registered on reg.
func newBatcher(cfg *config.Config, log *slog.Logger, rdb redis.UniversalClient, chain batcher.Chain, reg prometheus.Registerer) (*batcher.Batcher, error) {
	key, err := settlerKey(cfg)
	if err != nil {
		return nil, fmt.Errorf("settler key: %w", err)
	}
	return newBatcherWithKey(cfg, log, rdb, chain, reg, key)
}

func newBatcherWithKey(cfg *config.Config, log *slog.Logger, rdb redis.UniversalClient, chain batcher.Chain, reg prometheus.Registerer, key *ecdsa.PrivateKey) (*batcher.Batcher, error) {
	s := cfg.Settlement
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
	settled := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imogate_batches_settled_total", Help: "Batches settled on-chain."}, []string{"token"})
	settledWei := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imogate_fees_settled_wei_total", Help: "Fees deposited on-chain, in wei (a float metric; the chain is the ledger)."}, []string{"token"})
	lowBalance := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "imogate_settler_balance_short", Help: "1 while the settler's balance cannot cover the next settlement of a token."}, []string{"token"})
	failures := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imogate_settlement_step_failures_total", Help: "Failed batcher steps (retried with backoff)."}, []string{"token"})
	for _, c := range []prometheus.Collector{settled, settledWei, lowBalance, failures} {
		if err := reg.Register(c); err != nil {
			return nil, err
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
		Store: redisstore.New(rdb, nil), Chain: chain, Archive: arch, KeepReceipts: s.KeepReceipts, Snapshots: s.Snapshots,
		Key: key, ChainID: new(big.Int).SetUint64(cfg.Chain.ChainID), Settlement: common.HexToAddress(cfg.Chain.SettlementContract),
		Tokens: tokens, LogFromBlock: s.FromBlock, MaxBatch: s.MaxReceipts, MaxAge: s.MaxAge, Confirmations: s.Confirmations,
		MaxTipCap: maxTip, MaxFeeCap: maxFee, GasLimitCap: s.GasLimitCap, StuckAfter: s.StuckAfter, PollInterval: s.PollInterval,
		Logger: log,
		Hooks: batcher.Hooks{
			LowBalance: func(t common.Address, have, need *big.Int) {
				lowBalance.WithLabelValues(t.Hex()).Set(1)
			},
			Settled: func(b settlement.Batch) {
				settled.WithLabelValues(b.Token.Hex()).Inc()
				if b.Fee != nil {
					f, _ := new(big.Float).SetInt(b.Fee).Float64()
					settledWei.WithLabelValues(b.Token.Hex()).Add(f)
				}
				lowBalance.WithLabelValues(b.Token.Hex()).Set(0)
			},
			StepFailed: func(t common.Address, err error) { failures.WithLabelValues(t.Hex()).Inc() },
			Stage:      pauseAtStage(os.Getenv(pauseAtEnv), log),
		},
	})
}

// pauseAtEnv names the crash-test knob: set to a batcher stage name
// (batcher.StageSealed, …), the batcher logs "paused for a crash test" at
// WARN when a batch reaches that stage and then blocks forever, so a test
// can SIGKILL the process at exactly that point
// (cmd/imogate/crash_batcher_test.go). It exists only for crash tests and
// is inert unless set.
const pauseAtEnv = "IMOGATE_TEST_PAUSE_AT"

// pauseAtStage returns the Hooks.Stage of the pauseAtEnv knob: nil (no
// hook) when stage is empty.
func pauseAtStage(stage string, log *slog.Logger) func(common.Address, string, settlement.Batch) {
	if stage == "" {
		return nil
	}
	log.Warn("crash-test knob set: the batcher will pause forever at a stage", "env", pauseAtEnv, "stage", stage)
	return func(t common.Address, s string, b settlement.Batch) {
		if s != stage {
			return
		}
		log.Warn("paused for a crash test", "stage", s, "token", t.Hex(), "batch", b.ID)
		select {}
	}
}

// runBatcher runs b until ctx ends; done is closed when it has stopped.
func runBatcher(ctx context.Context, b *batcher.Batcher, log *slog.Logger) (done chan struct{}) {
	done = make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Run(ctx); err != nil {
			log.Error("settlement batcher stopped", "err", err)
		}
	}()
	return done
}

// newArchive is the configured archive: S3-compatible storage when a bucket
// is set, else the local directory.
func newArchive(cfg *config.Config) (archive.Store, error) {
	if a := cfg.Settlement.ArchiveS3; a.Bucket != "" {
		return archive.NewS3(archive.S3Config{
			Endpoint: a.Endpoint, Bucket: a.Bucket, Prefix: a.Prefix, Region: a.Region,
			AccessKey: a.AccessKey.Value().Reveal(), SecretKey: a.SecretKey.Value().Reveal(), Insecure: a.Insecure,
		})
	}
	return archive.NewDir(cfg.Settlement.ArchiveDir)
}
