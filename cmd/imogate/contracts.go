package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/settlement/contracts/deploy"
)

func newContractsCmd() *cobra.Command {
	c := &cobra.Command{Use: "contracts", Short: "Deploy and manage the on-chain contracts"}
	var (
		rpcURL, keyEnv, keystore, passwordFile, signerAddr, signerEnv, settlement string
		chainID                                                                   uint64
		tokenName, tokenSymbol, tokenSupply, tokenHolder, tokenOwner, model       string
		percent                                                                   uint8
		snapshotEvery                                                             time.Duration
		timeout                                                                   time.Duration
	)
	dep := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy UsageSettlement (and optionally a model's ERC-7641 token) and register the receipt signer",
		Long: `Deploys the UsageSettlement contract (or reuses --settlement), optionally a new
RevenueShareToken (ERC-7641) for a model, and registers the receipt signer for the
deploying account, which becomes the operator that settles batches. The RPC's chain
id is checked against --chain-id before any transaction is sent. Prints the
addresses and the config lines to paste into imogate.yaml.

The deploying key comes from an encrypted go-ethereum keystore file (--keystore,
password from --password-file or a prompt) or from an environment variable holding
a hex key (--key-env).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if rpcURL == "" || chainID == 0 {
				return errors.New("--rpc and --chain-id are required")
			}
			key, err := loadDeployKey(cmd, keystore, passwordFile, keyEnv)
			if err != nil {
				return err
			}
			signer, err := resolveSigner(signerAddr, signerEnv)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			client, err := ethclient.DialContext(ctx, rpcURL)
			if err != nil {
				return fmt.Errorf("connect to %s: %w", config.RedactURL(rpcURL), err)
			}
			defer client.Close()
			opts := deploy.Options{ChainID: new(big.Int).SetUint64(chainID), Signer: signer}
			if settlement != "" {
				if !common.IsHexAddress(settlement) {
					return fmt.Errorf("--settlement %q is not an address", settlement)
				}
				opts.Settlement = common.HexToAddress(settlement)
			}
			if tokenName != "" {
				supply, ok := new(big.Int).SetString(tokenSupply, 10)
				if !ok {
					return fmt.Errorf("--token-supply %q is not an integer (smallest units, 18 decimals)", tokenSupply)
				}
				to := &deploy.TokenOptions{Name: tokenName, Symbol: tokenSymbol, Supply: supply, PercentClaimable: percent, SnapshotInterval: snapshotEvery}
				if tokenHolder != "" {
					to.Holder = common.HexToAddress(tokenHolder)
				}
				if tokenOwner != "" {
					to.Owner = common.HexToAddress(tokenOwner)
				}
				opts.Token = to
			}
			auth := bind.NewKeyedTransactor(key, opts.ChainID)
			auth.Context = ctx
			fmt.Fprintf(cmd.ErrOrStderr(), "deploying from %s to chain %d at %s …\n", auth.From.Hex(), chainID, config.RedactURL(rpcURL))
			res, err := deploy.Deploy(ctx, client, auth, opts)
			if err != nil {
				return fmt.Errorf("deploy: %w", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "operator (settler):   %s\n", res.Operator.Hex())
			fmt.Fprintf(out, "UsageSettlement:      %s%s\n", res.Settlement.Hex(), map[bool]string{true: " (deployed)", false: " (existing)"}[res.SettlementDeployed])
			if res.Token != (common.Address{}) {
				fmt.Fprintf(out, "ERC-7641 token:       %s\n", res.Token.Hex())
			}
			fmt.Fprintf(out, "receipt signer:       %s\n", res.Signer.Hex())
			for _, h := range res.Transactions {
				fmt.Fprintf(out, "transaction:          %s\n", h.Hex())
			}
			fmt.Fprintf(out, "\n# paste into imogate.yaml:\n%s", res.ConfigYAML(model))
			return nil
		},
	}
	f := dep.Flags()
	f.StringVar(&rpcURL, "rpc", "", "JSON-RPC URL of the chain")
	f.Uint64Var(&chainID, "chain-id", 0, "expected chain id (checked before any transaction)")
	f.StringVar(&keyEnv, "key-env", "", "environment variable holding the deploying key (hex)")
	f.StringVar(&keystore, "keystore", "", "encrypted go-ethereum keystore file of the deploying key")
	f.StringVar(&passwordFile, "password-file", "", "file holding the keystore password (else a prompt)")
	f.StringVar(&signerAddr, "signer", "", "receipt signer address to register")
	f.StringVar(&signerEnv, "signer-key-env", "", "or: environment variable holding the signer key (its address is registered; the key is not sent anywhere)")
	f.StringVar(&settlement, "settlement", "", "reuse this UsageSettlement instead of deploying one")
	f.StringVar(&tokenName, "token-name", "", "deploy a new ERC-7641 token with this name")
	f.StringVar(&tokenSymbol, "token-symbol", "", "the new token's symbol")
	f.StringVar(&tokenSupply, "token-supply", "1000000000000000000000000", "the new token's supply in smallest units (18 decimals)")
	f.StringVar(&tokenHolder, "token-holder", "", "who receives the supply (default: the deployer)")
	f.StringVar(&tokenOwner, "token-owner", "", "the token owner, who may endorse operators (default: the deployer)")
	f.Uint8Var(&percent, "percent-claimable", 80, "percent of each snapshot's new revenue claimable by holders; the rest goes to the burn pool")
	f.DurationVar(&snapshotEvery, "snapshot-interval", 24*time.Hour, "minimum time between snapshots")
	f.StringVar(&model, "model", "my-model", "model name for the printed config lines")
	f.DurationVar(&timeout, "timeout", 5*time.Minute, "give up after this long")
	c.AddCommand(dep)
	return c
}

func loadDeployKey(cmd *cobra.Command, keystore, passwordFile, keyEnv string) (*ecdsa.PrivateKey, error) {
	switch {
	case keystore != "" && keyEnv != "":
		return nil, errors.New("use one of --keystore and --key-env")
	case keystore != "":
		var pw string
		var err error
		if passwordFile != "" {
			pw, err = deploy.ReadPasswordFile(passwordFile)
		} else {
			pw, err = promptPassword(cmd, "keystore password: ")
		}
		if err != nil {
			return nil, err
		}
		return deploy.LoadKeystore(keystore, pw)
	case keyEnv != "":
		return deploy.KeyFromEnv(keyEnv)
	}
	return nil, errors.New("a deploying key is required: --keystore FILE or --key-env VAR")
}

func promptPassword(cmd *cobra.Command, prompt string) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errors.New("no terminal to prompt for the keystore password: use --password-file")
	}
	fmt.Fprint(cmd.ErrOrStderr(), prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(cmd.ErrOrStderr())
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func resolveSigner(addr, env string) (common.Address, error) {
	switch {
	case addr != "" && env != "":
		return common.Address{}, errors.New("use one of --signer and --signer-key-env")
	case addr != "":
		if !common.IsHexAddress(addr) {
			return common.Address{}, fmt.Errorf("--signer %q is not an address", addr)
		}
		return common.HexToAddress(addr), nil
	case env != "":
		k, err := config.ParsePrivateKey(config.Secret(os.Getenv(env)))
		if err != nil {
			return common.Address{}, fmt.Errorf("--signer-key-env %s: %w", env, err)
		}
		return crypto.PubkeyToAddress(k.PublicKey), nil
	}
	return common.Address{}, errors.New("the receipt signer is required: --signer ADDRESS or --signer-key-env VAR")
}
