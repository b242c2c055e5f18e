package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/redisstore"
)

func newKeysCmd() *cobra.Command {
	c := &cobra.Command{Use: "keys", Short: "Create, list, revoke and credit API keys (talks to Redis directly)"}
	var name, role, models string
	var rpm, tpm int64
	var creditModel, creditWei string
	var asJSON bool
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API key; the key is printed once and only its hash is stored",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if name == "" {
				return fmt.Errorf("--name is required")
			}
			ms := splitList(models)
			for _, m := range ms {
				if _, ok := cfg.ModelByName(m); !ok && m != "*" {
					return fmt.Errorf("--models: unknown model %q", m)
				}
			}
			var token common.Address
			var amt int64
			if creditWei != "" {
				// Checked before the key exists, so a bad flag creates nothing.
				if token, amt, err = parseCredit(cfg, creditModel, creditWei); err != nil {
					return fmt.Errorf("--credit-model/--credit-wei: %w", err)
				}
			}
			return withStore(cmd, cfg, func(st *redisstore.Store) error {
				k, secret, err := st.CreateKey(cmd.Context(), apikey.Key{Name: name, Role: role, Models: ms, RPM: rpm, TPM: tpm})
				if err != nil {
					return err
				}
				var bal string
				if creditWei != "" {
					b, err := st.Credit(cmd.Context(), token, k.ID, amt)
					if err != nil {
						return err
					}
					bal = strconv.FormatInt(b, 10)
				}
				if asJSON {
					return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]any{"key": k, "api_key": secret, "balance_wei": bal})
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created %s (%s, role %s, models %s)\n", k.ID, k.Name, k.Role, strings.Join(k.Models, ","))
				if bal != "" {
					fmt.Fprintf(cmd.OutOrStdout(), "balance for %s: %s wei\n", creditModel, bal)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "API key (shown once, store it now): %s\n", secret)
				return nil
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "a name for the key (required)")
	create.Flags().StringVar(&role, "role", "app", "app, owner, auditor or admin")
	create.Flags().StringVar(&models, "models", "*", "comma-separated model names the key may use, or *")
	create.Flags().Int64Var(&rpm, "rpm", 0, "requests per minute (0 = unlimited)")
	create.Flags().Int64Var(&tpm, "tpm", 0, "tokens per minute (0 = unlimited)")
	create.Flags().StringVar(&creditModel, "credit-model", "", "model to credit right away")
	create.Flags().StringVar(&creditWei, "credit-wei", "", "wei to credit for --credit-model")
	create.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	list := &cobra.Command{
		Use:   "list",
		Short: "List API keys (never the keys themselves)",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			var keys []apikey.Key
			if err := withStore(cmd, cfg, func(st *redisstore.Store) (err error) {
				keys, err = st.ListKeys(cmd.Context())
				return err
			}); err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(keys)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tROLE\tMODELS\tRPM\tTPM\tCREATED\tREVOKED")
			for _, k := range keys {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%v\n", k.ID, k.Name, k.Role, strings.Join(k.Models, ","), k.RPM, k.TPM, k.Created.Format("2006-01-02T15:04:05Z"), k.Revoked)
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	revoke := &cobra.Command{
		Use:   "revoke KEY_ID",
		Short: "Revoke an API key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if err := withStore(cmd, cfg, func(st *redisstore.Store) error { return st.RevokeKey(cmd.Context(), args[0]) }); err != nil {
				return fmt.Errorf("revoke %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", args[0])
			return nil
		},
	}

	credit := &cobra.Command{
		Use:   "credit ACCOUNT MODEL WEI",
		Short: "Add (or with a negative amount, remove) prepaid wei to an account's balance for a model",
		Long:  "ACCOUNT is an API key id (key_…) or a JWT account (jwt_…). WEI is an integer; the balance may never go below zero.",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			token, amt, err := parseCredit(cfg, args[1], args[2])
			if err != nil {
				return err
			}
			return withStore(cmd, cfg, func(st *redisstore.Store) error {
				bal, err := st.Credit(cmd.Context(), token, args[0], amt)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s balance for %s: %d wei\n", args[0], args[1], bal)
				return nil
			})
		},
	}
	c.AddCommand(create, list, revoke, credit)
	return c
}

// withStore runs fn with a store on the configured Redis, closed afterwards.
func withStore(cmd *cobra.Command, cfg *config.Config, fn func(*redisstore.Store) error) error {
	rdb, err := newRedis(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer rdb.Close()
	return fn(redisstore.New(rdb, nil))
}

// parseCredit resolves a model name to its token and a wei amount to an
// integer, before anything is written.
func parseCredit(cfg *config.Config, model, wei string) (common.Address, int64, error) {
	m, ok := cfg.ModelByName(model)
	if !ok {
		return common.Address{}, 0, fmt.Errorf("unknown model %q", model)
	}
	amt, err := strconv.ParseInt(wei, 10, 64)
	if err != nil {
		return common.Address{}, 0, fmt.Errorf("%q is not an integer amount of wei", wei)
	}
	return common.HexToAddress(m.Token), amt, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
