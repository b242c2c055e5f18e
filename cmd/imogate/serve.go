package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/settlement/onchain"
)

func newServeCmd() *cobra.Command {
	var shutdownTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the metered gateway (and, with settlement.enabled, the batcher)",
		Long: `Serves the metered API until SIGINT/SIGTERM, with its reservation sweeper, its
receipt-signature writer and, when settlement.enabled is true, the settlement
batcher. On a signal it stops taking calls, finishes the ones in flight (streams
included) and commits their receipts, then stops the sweeper, the signature writer
and the batcher, in that order.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if cfg.Settlement.Enabled {
				if err := cfg.ValidateSettlement(); err != nil {
					return err
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			p, err := openProcess(ctx, cfg)
			if err != nil {
				return err
			}
			defer p.Close()
			var parts []part
			var notReady func() []string
			if cfg.Settlement.RPCURL != "" {
				// With a chain at hand, each model's token is checked at start:
				// can it take its revenue? (Without one, the settler's record
				// is used.)
				if client, err := ethclient.DialContext(ctx, cfg.Settlement.RPCURL); err != nil {
					p.log.Warn("could not connect to the chain to check the models' tokens at start; the settler checks them before each seal",
						"rpc", config.RedactURL(cfg.Settlement.RPCURL), "err", err)
				} else {
					defer client.Close()
					p.checkDelivery = onchain.NewReader(client, common.HexToAddress(cfg.Chain.SettlementContract), common.Address{}).CheckDelivery
				}
			}
			if cfg.Settlement.Enabled {
				client, err := ethclient.DialContext(ctx, cfg.Settlement.RPCURL)
				if err != nil {
					return fmt.Errorf("connect to %s: %w", config.RedactURL(cfg.Settlement.RPCURL), err)
				}
				defer client.Close()
				key, err := settlerKey(cfg)
				if err != nil {
					return fmt.Errorf("settler key: %w", err)
				}
				bat, err := p.newBatcher(client, key)
				if err != nil {
					return err
				}
				parts = append(parts, batcherPart(bat))
				notReady = bat.NotReady
			}
			gw, err := p.gatewayParts(ctx, shutdownTimeout, nil, notReady)
			if err != nil {
				return err
			}
			parts = append(parts, gw...)
			if err := runGroup(ctx, p.log, parts...); err != nil {
				return err
			}
			p.log.Info("stopped cleanly")
			return nil
		},
	}
	cmd.Flags().DurationVar(&shutdownTimeout, "shutdown-timeout", 2*time.Minute, "how long to wait for in-flight calls on shutdown")
	return cmd
}
