package main

import (
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/inference/tokenizer"
	"github.com/imogate/imogate/metering"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "imogate",
		Short:         "Metered, receipt-signing OpenAI-compatible gateway for ERC-7641 models",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringP("config", "c", "imogate.yaml", "path of the YAML config file")
	root.AddCommand(newServeCmd(), newKeysCmd(), newConfigCmd(), newContractsCmd(), newDevCmd(), newSettleCmd(), newAuditCmd(), newRepairCmd(), newHealthcheckCmd())
	return root
}

func loadConfig(cmd *cobra.Command) (*config.Config, error) {
	path, _ := cmd.Flags().GetString("config")
	return config.Load(path, nil)
}

// buildModels turns configured models into gateway models with backends
// and token counters.
func buildModels(cfg *config.Config) ([]gateway.Model, error) {
	out := make([]gateway.Model, 0, len(cfg.Models))
	for i, m := range cfg.Models {
		gm := gateway.Model{
			Name: m.Name, Token: common.HexToAddress(m.Token), Upstream: m.Upstream.Model,
			Price: metering.Price{
				PerRequest:      m.Price.PerRequest.Big().Int64(),
				Per1KPrompt:     m.Price.Per1KPrompt.Big().Int64(),
				Per1KCompletion: m.Price.Per1KCompletion.Big().Int64(),
				Per1KEmbedding:  m.Price.Per1KEmbedding.Big().Int64(),
			},
			MaxTokens: m.MaxTokens, Timeout: m.Upstream.Timeout, OwnedBy: m.OwnedBy,
			Media:          gateway.Media{ImageTokens: m.Media.ImageTokens, AudioTokens: m.Media.AudioTokens, VideoTokens: m.Media.VideoTokens},
			PromptOverhead: m.PromptOverheadTokens,
			Kind:           inference.Kind(m.Upstream.Kind),
			PassResponses:  m.Upstream.API == "responses",
		}
		if !m.Price.EffectiveFrom.IsZero() {
			gm.PriceFrom = uint64(m.Price.EffectiveFrom.UnixMilli())
		}
		switch m.Backend {
		case "demo":
			gm.Demo = true
			gm.Backend = demo.New(demo.Config{Latency: m.Demo.Latency, TokenLatency: m.Demo.TokenLatency})
			gm.Counter = demo.Tokenizer{} // the demo model's own tokenizer
		default:
			var key string
			if m.Upstream.APIKeyEnv != "" {
				key = os.Getenv(m.Upstream.APIKeyEnv)
			}
			gm.Backend = openai.New(openai.Config{BaseURL: m.Upstream.BaseURL, APIKey: key, Timeout: m.Upstream.Timeout})
			if m.Tokenizer.Kind != tokenizer.KindBytes {
				tc, err := tokenizer.Load(m.Tokenizer.Kind, m.Tokenizer.Encoding, m.Tokenizer.File)
				if err != nil {
					return nil, fmt.Errorf("models[%d].tokenizer: %w", i, err)
				}
				gm.Counter = tc
			}
		}
		out = append(out, gm)
	}
	return out, nil
}

func newSigner(cfg *config.Config) (*metering.Signer, error) {
	key, err := config.ParsePrivateKey(cfg.Signer.Value())
	if err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	d := metering.NewDomain(new(big.Int).SetUint64(cfg.Chain.ChainID), common.HexToAddress(cfg.Chain.SettlementContract))
	return metering.NewSigner(key, d), nil
}

func newConfigCmd() *cobra.Command {
	c := &cobra.Command{Use: "config", Short: "Configuration commands"}
	c.AddCommand(&cobra.Command{
		Use:   "validate FILE",
		Short: "Check a config file and report every problem with its field path",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(args[0], nil)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s is invalid:\n", args[0])
				for _, line := range strings.Split(err.Error(), "\n") {
					fmt.Fprintf(cmd.ErrOrStderr(), "  - %s\n", line)
				}
				return fmt.Errorf("config %s is invalid", args[0])
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is valid: %d model(s), chain %d, settlement contract %s\n",
				args[0], len(cfg.Models), cfg.Chain.ChainID, cfg.Chain.SettlementContract)
			return nil
		},
	})
	return c
}
