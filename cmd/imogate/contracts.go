package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
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

// deployFlags are the flags of `imogate contracts deploy`.
type deployFlags struct {
	rpcURL, keyEnv, keystore, passwordFile, signerAddr, signerEnv, settlement string
	chainID, settlementBlock                                                  uint64
	tokenName, tokenSymbol, tokenSupply, tokenHolder, tokenOwner, token       string
	model                                                                     string
	percent                                                                   uint8
	snapshotEvery, timeout                                                    time.Duration
}

func newContractsCmd() *cobra.Command {
	c := &cobra.Command{Use: "contracts", Short: "Deploy and manage the on-chain contracts"}
	var fl deployFlags
	dep := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy UsageSettlement (and a model's ERC-7641 token, or check an existing one) and register the receipt signer",
		Long: `Deploys the UsageSettlement contract (or reuses --settlement), and for a model
(--model) either deploys a new RevenueShareToken (ERC-7641, --token-name) or
registers an existing ERC-7641 token (--token ADDRESS), and registers the receipt
signer for the deploying account, which becomes the operator that settles batches.
Before any transaction it checks the RPC's chain id against --chain-id, and that an
existing --token holds a contract that answers ERC-7641's views and takes the
settlement's payment (simulated from the settlement contract). Prints the
addresses and every config line the gateway and the settler need, ready to paste
into imogate.yaml: chain, signer, the model's token, and settlement.rpc_url,
from_block (the settlement contract's deployment block) and the settler's key.
Keys are named (the variable or file they are read from), never printed.

With --settlement, the existing contract's deployment block is found on-chain
(which needs a node that keeps old state) unless --settlement-block gives it.

The deploying key comes from an encrypted go-ethereum keystore file (--keystore,
password from --password-file or a prompt) or from an environment variable holding
a hex key (--key-env).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := fl.options(cmd)
			if err != nil {
				return err
			}
			refs, err := fl.refs()
			if err != nil {
				return err
			}
			key, err := loadDeployKey(cmd, fl.keystore, fl.passwordFile, fl.keyEnv)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), fl.timeout)
			defer cancel()
			client, err := ethclient.DialContext(ctx, fl.rpcURL)
			if err != nil {
				return fmt.Errorf("connect to %s: %w", config.RedactURL(fl.rpcURL), err)
			}
			defer client.Close()
			auth := bind.NewKeyedTransactor(key, opts.ChainID)
			auth.Context = ctx
			fmt.Fprintf(cmd.ErrOrStderr(), "deploying from %s to chain %d at %s …\n", auth.From.Hex(), fl.chainID, config.RedactURL(fl.rpcURL))
			res, err := deploy.Deploy(ctx, client, auth, opts)
			if errors.Is(err, deploy.ErrNoHistory) {
				return fmt.Errorf("deploy: %w; pass --settlement-block N, the block the contract was deployed in", err)
			}
			if err != nil {
				return fmt.Errorf("deploy: %w", err)
			}
			printDeployment(cmd.OutOrStdout(), res, refs, cmd.Flags().Changed("settlement-block"))
			return nil
		},
	}
	f := dep.Flags()
	f.StringVar(&fl.rpcURL, "rpc", "", "JSON-RPC URL of the chain (printed as settlement.rpc_url)")
	f.Uint64Var(&fl.chainID, "chain-id", 0, "expected chain id (checked before any transaction)")
	f.StringVar(&fl.keyEnv, "key-env", "", "environment variable holding the deploying key (hex); the settler's key in the printed config")
	f.StringVar(&fl.keystore, "keystore", "", "encrypted go-ethereum keystore file of the deploying key; the settler's keystore in the printed config")
	f.StringVar(&fl.passwordFile, "password-file", "", "file holding the keystore password (else a prompt)")
	f.StringVar(&fl.signerAddr, "signer", "", "receipt signer address to register")
	f.StringVar(&fl.signerEnv, "signer-key-env", "", "or: environment variable holding the signer key (its address is registered; the key is not sent anywhere)")
	f.StringVar(&fl.settlement, "settlement", "", "reuse this UsageSettlement instead of deploying one")
	f.Uint64Var(&fl.settlementBlock, "settlement-block", 0, "with --settlement: the block it was deployed in (default: found on-chain, which needs a node with old state)")
	f.StringVar(&fl.token, "token", "", "register this existing ERC-7641 token for --model instead of deploying one (checked first)")
	f.StringVar(&fl.tokenName, "token-name", "", "deploy a new ERC-7641 token with this name")
	f.StringVar(&fl.tokenSymbol, "token-symbol", "", "the new token's symbol")
	f.StringVar(&fl.tokenSupply, "token-supply", "1000000000000000000000000", "the new token's supply in smallest units (18 decimals)")
	f.StringVar(&fl.tokenHolder, "token-holder", "", "who receives the supply (default: the deployer)")
	f.StringVar(&fl.tokenOwner, "token-owner", "", "the token owner, who may endorse operators (default: the deployer)")
	f.Uint8Var(&fl.percent, "percent-claimable", 80, "percent of each snapshot's new revenue claimable by holders; the rest goes to the burn pool")
	f.DurationVar(&fl.snapshotEvery, "snapshot-interval", 24*time.Hour, "minimum time between snapshots")
	f.StringVar(&fl.model, "model", "my-model", "the model's name in the printed config lines")
	f.DurationVar(&fl.timeout, "timeout", 5*time.Minute, "give up after this long")
	c.AddCommand(dep)
	return c
}

// options checks the flags and turns them into deploy options.
func (fl *deployFlags) options(cmd *cobra.Command) (deploy.Options, error) {
	if fl.rpcURL == "" || fl.chainID == 0 {
		return deploy.Options{}, errors.New("--rpc and --chain-id are required")
	}
	signer, err := resolveSigner(fl.signerAddr, fl.signerEnv)
	if err != nil {
		return deploy.Options{}, err
	}
	opts := deploy.Options{ChainID: new(big.Int).SetUint64(fl.chainID), Signer: signer}
	addr := func(flag, v string) (common.Address, error) {
		if !common.IsHexAddress(v) {
			return common.Address{}, fmt.Errorf("--%s %q is not an address", flag, v)
		}
		return common.HexToAddress(v), nil
	}
	if fl.settlement != "" {
		if opts.Settlement, err = addr("settlement", fl.settlement); err != nil {
			return opts, err
		}
		if cmd.Flags().Changed("settlement-block") {
			opts.SettlementBlock = new(big.Int).SetUint64(fl.settlementBlock)
		}
	} else if cmd.Flags().Changed("settlement-block") {
		return opts, errors.New("--settlement-block goes with --settlement (a new contract's block is known)")
	}
	switch {
	case fl.token != "" && fl.tokenName != "":
		return opts, errors.New("use one of --token (an existing token) and --token-name (a new one)")
	case fl.token != "":
		if opts.UseToken, err = addr("token", fl.token); err != nil {
			return opts, err
		}
	case fl.tokenName != "":
		supply, ok := new(big.Int).SetString(fl.tokenSupply, 10)
		if !ok {
			return opts, fmt.Errorf("--token-supply %q is not an integer (smallest units, 18 decimals)", fl.tokenSupply)
		}
		to := &deploy.TokenOptions{Name: fl.tokenName, Symbol: fl.tokenSymbol, Supply: supply, PercentClaimable: fl.percent, SnapshotInterval: fl.snapshotEvery}
		if fl.tokenHolder != "" {
			if to.Holder, err = addr("token-holder", fl.tokenHolder); err != nil {
				return opts, err
			}
		}
		if fl.tokenOwner != "" {
			if to.Owner, err = addr("token-owner", fl.tokenOwner); err != nil {
				return opts, err
			}
		}
		opts.Token = to
	}
	return opts, nil
}

// refs says where the printed config lines read the keys from: the
// variable or keystore the deploying key came from (it is the settler's),
// the signer key's variable.
func (fl *deployFlags) refs() (deploy.ConfigRefs, error) {
	refs := deploy.ConfigRefs{Model: fl.model, RPCURL: fl.rpcURL}
	if fl.signerEnv != "" {
		refs.SignerKey.Env = fl.signerEnv
	}
	if fl.keyEnv != "" {
		refs.SettlerKey.Env = fl.keyEnv
	}
	if fl.keystore != "" {
		abs, err := filepath.Abs(fl.keystore)
		if err != nil {
			return refs, fmt.Errorf("keystore path: %w", err)
		}
		refs.SettlerKeystore = abs
		if fl.passwordFile != "" {
			if refs.KeystorePassword.File, err = filepath.Abs(fl.passwordFile); err != nil {
				return refs, fmt.Errorf("password file path: %w", err)
			}
		}
	}
	return refs, nil
}

// printDeployment writes what was deployed and the config lines to paste;
// blockGiven says whether --settlement-block gave the reused contract's
// deployment block.
func printDeployment(out io.Writer, res deploy.Result, refs deploy.ConfigRefs, blockGiven bool) {
	fmt.Fprintf(out, "operator (settler):   %s\n", res.Operator.Hex())
	switch {
	case res.SettlementDeployed:
		fmt.Fprintf(out, "UsageSettlement:      %s (deployed in block %d)\n", res.Settlement.Hex(), res.SettlementBlock)
	case blockGiven:
		fmt.Fprintf(out, "UsageSettlement:      %s (existing; deployed in block %d, as --settlement-block says)\n", res.Settlement.Hex(), res.SettlementBlock)
	default:
		fmt.Fprintf(out, "UsageSettlement:      %s (existing; deployed in block %d, found on-chain)\n", res.Settlement.Hex(), res.SettlementBlock)
	}
	switch {
	case res.TokenDeployed:
		fmt.Fprintf(out, "ERC-7641 token:       %s (deployed)\n", res.Token.Hex())
	case res.Token != (common.Address{}):
		fmt.Fprintf(out, "ERC-7641 token:       %s (existing; checked: an ERC-7641 token that takes the settlement's payments)\n", res.Token.Hex())
	}
	fmt.Fprintf(out, "receipt signer:       %s\n", res.Signer.Hex())
	for _, h := range res.Transactions {
		fmt.Fprintf(out, "transaction:          %s\n", h.Hex())
	}
	fmt.Fprintf(out, "\n# paste into imogate.yaml (keys are named, never printed):\n%s", res.ConfigYAML(refs))
	fmt.Fprintf(out, "# then check it: imogate config validate imogate.yaml --settle --check-chain\n")
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
