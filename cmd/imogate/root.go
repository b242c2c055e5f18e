package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/inference/tokenizer"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/contracts/deploy"
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
	var settle, checkChain bool
	var timeout time.Duration
	validate := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a config file and report every problem, once, with its field path",
		Long: `Checks a config file as imogate serve loads it (with the IMOGATE_* environment
overrides and the secrets' files and variables) and reports every problem at once,
each once, with the path of its field. The settlement section is checked too when
settlement.enabled is set, or with --settle (as imogate settle loads it).

Offline by default. With --check-chain it also asks the chain at settlement.rpc_url:
a chain id other than chain.chain_id or no contract at chain.settlement_contract
is a problem; a model's token that cannot take its revenue (no contract, not an
ERC-7641 token, or the settlement's payment into it reverts: the check imogate
serve runs at start) or a settlement.from_block after the contract's deployment
is a warning, as is a chain that cannot be reached.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			load := config.Load
			if settle {
				load = config.LoadSettler
			}
			stderr := cmd.ErrOrStderr()
			cfg, err := load(args[0], nil)
			var problems, warnings []string
			if err != nil {
				problems = strings.Split(err.Error(), "\n")
			} else if checkChain {
				ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
				defer cancel()
				problems, warnings = checkConfigChain(ctx, cfg)
			}
			for _, w := range warnings {
				fmt.Fprintf(stderr, "warning: %s\n", w)
			}
			if len(problems) > 0 {
				fmt.Fprintf(stderr, "%s is invalid:\n", args[0])
				for _, line := range problems {
					fmt.Fprintf(stderr, "  - %s\n", line)
				}
				return fmt.Errorf("config %s is invalid", args[0])
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is valid: %d model(s), chain %d, settlement contract %s\n",
				args[0], len(cfg.Models), cfg.Chain.ChainID, cfg.Chain.SettlementContract)
			return nil
		},
	}
	validate.Flags().BoolVar(&settle, "settle", false, "check the settlement section as imogate settle needs it (settlement.enabled does this too)")
	validate.Flags().BoolVar(&checkChain, "check-chain", false, "also ask the chain at settlement.rpc_url (chain id, settlement contract, each model's token)")
	validate.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "with --check-chain: give up on the chain after this long")
	c.AddCommand(validate)
	return c
}

// checkConfigChain asks the chain at settlement.rpc_url about cfg: a
// chain id other than chain.chain_id, or no code at the settlement
// contract, are problems; a model's token that cannot take its revenue
// (deploy.CheckToken, which runs the delivery check of serve's start), a
// from_block later than the contract's deployment, and a chain that cannot
// be asked are warnings.
func checkConfigChain(ctx context.Context, cfg *config.Config) (problems, warnings []string) {
	if cfg.Settlement.RPCURL == "" {
		return []string{"settlement.rpc_url: --check-chain needs the chain's JSON-RPC URL"}, nil
	}
	where := config.RedactURL(cfg.Settlement.RPCURL)
	client, err := ethclient.DialContext(ctx, cfg.Settlement.RPCURL)
	if err != nil {
		return nil, []string{fmt.Sprintf("the chain was not checked: connect to %s: %v", where, err)}
	}
	defer client.Close()
	id, err := client.ChainID(ctx)
	if err != nil {
		return nil, []string{fmt.Sprintf("the chain was not checked: %s does not answer: %v", where, err)}
	}
	if id.Cmp(new(big.Int).SetUint64(cfg.Chain.ChainID)) != 0 {
		return []string{fmt.Sprintf("chain.chain_id: %d, but settlement.rpc_url (%s) serves chain %s", cfg.Chain.ChainID, where, id)}, nil
	}
	settlement := common.HexToAddress(cfg.Chain.SettlementContract)
	code, err := client.CodeAt(ctx, settlement, nil)
	switch {
	case err != nil:
		return nil, []string{fmt.Sprintf("the chain was not checked: read the settlement contract's code: %v", err)}
	case len(code) == 0:
		return []string{fmt.Sprintf("chain.settlement_contract: no contract at %s on chain %s", settlement.Hex(), id)}, nil
	}
	if n := cfg.Settlement.FromBlock; n > 0 {
		// A node without old state cannot say: nothing is reported then.
		if code, err := client.CodeAt(ctx, settlement, new(big.Int).SetUint64(n-1)); err == nil && len(code) > 0 {
			warnings = append(warnings, fmt.Sprintf("settlement.from_block: the settlement contract already existed in block %d: searches from block %d miss the settlements before it (use its deployment block)", n-1, n))
		}
	}
	seen := map[common.Address]bool{}
	for i, m := range cfg.Models {
		token := common.HexToAddress(m.Token)
		if seen[token] {
			continue
		}
		seen[token] = true
		err := deploy.CheckToken(ctx, client, settlement, token)
		switch {
		case errors.Is(err, deploy.ErrNoCode) || errors.Is(err, deploy.ErrUndeliverable):
			warnings = append(warnings, fmt.Sprintf("models[%d].token (%s): %v; imogate serve refuses the model's paid calls while it cannot take its revenue", i, m.Name, err))
		case errors.Is(err, deploy.ErrNotERC7641):
			warnings = append(warnings, fmt.Sprintf("models[%d].token (%s): %v; check the model's token address", i, m.Name, err))
		case err != nil:
			warnings = append(warnings, fmt.Sprintf("models[%d].token (%s) was not checked: %v", i, m.Name, err))
		}
	}
	return nil, warnings
}
