package main

import (
	"crypto/ecdsa"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
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
			key, err := settlerKey(cfg)
			if err != nil {
				return fmt.Errorf("settler key: %w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			p, err := openProcess(ctx, cfg)
			if err != nil {
				return err
			}
			defer p.Close()
			client, err := ethclient.DialContext(ctx, cfg.Settlement.RPCURL)
			if err != nil {
				return fmt.Errorf("connect to %s: %w", config.RedactURL(cfg.Settlement.RPCURL), err)
			}
			defer client.Close()
			b, err := p.newBatcher(client, key)
			if err != nil {
				return err
			}
			parts := []part{batcherPart(b)}
			if cfg.Settlement.Listen != "" {
				hp, err := p.healthPart(cfg.Settlement.Listen, b.NotReady)
				if err != nil {
					return err
				}
				parts = append(parts, hp)
			}
			return runGroup(ctx, p.log, parts...)
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
