package main

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/redisstore"
)

func newRepairCmd() *cobra.Command {
	c := &cobra.Command{Use: "repair", Short: "Repair state a crash or a failover left behind"}
	var model string
	sigs := &cobra.Command{
		Use:   "signatures",
		Short: "Store again the lost signatures of logged receipts (needs the signer key)",
		Long: `Reads each model's receipt log and stores again every signature that is
missing: a gateway killed before its signature writer flushed, or a Redis
failover that lost the write. Signing is deterministic, so the signatures are
byte for byte those the clients were given. Until they are stored the batcher
cannot archive the batch (it logs "receipt has no stored signature"). A
running imogate serve does the same for the receipts the batcher asks for, on
every sweep; this command is for when none runs with the signer's key.
Receipts issued under another signer are listed, not signed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			signer, err := newSigner(cfg)
			if err != nil {
				return err
			}
			var tokens []common.Address
			var names []string
			for _, m := range cfg.Models {
				if model == "" || m.Name == model {
					tokens = append(tokens, common.HexToAddress(m.Token))
					names = append(names, m.Name)
				}
			}
			if len(tokens) == 0 {
				return fmt.Errorf("--model: unknown model %q", model)
			}
			log, flush := newLogger(cfg.Log.Level, cfg.Log.Unbuffered)
			defer flush()
			return withStore(cmd, cfg, func(st *redisstore.Store) error {
				foreign := 0
				for i, tok := range tokens {
					rep, err := gateway.RepairSignatures(cmd.Context(), st, signer, tok, true, log)
					if err != nil {
						return fmt.Errorf("model %s: %w", names[i], err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", names[i], rep)
					foreign += len(rep.Foreign)
				}
				if foreign > 0 {
					return fmt.Errorf("%d receipt(s) were issued by a signer other than %s: run again with that signer's key", foreign, signer.Address().Hex())
				}
				return nil
			})
		},
	}
	sigs.Flags().StringVar(&model, "model", "", "repair one model (default: every model)")
	c.AddCommand(sigs)
	return c
}
