package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/metering/redisstore"
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
			rdb, err := newRedis(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer rdb.Close()
			st := redisstore.New(rdb, nil)
			k, secret, err := st.CreateKey(cmd.Context(), redisstore.Key{Name: name, Role: role, Models: ms, RPM: rpm, TPM: tpm})
			if err != nil {
				return err
			}
			var bal string
			if creditWei != "" {
				m, ok := cfg.ModelByName(creditModel)
				if !ok {
					return fmt.Errorf("--credit-model: unknown model %q (key %s was created without credit)", creditModel, k.ID)
				}
				amt, err := strconv.ParseInt(creditWei, 10, 64)
				if err != nil {
					return fmt.Errorf("--credit-wei: %q is not an integer amount of wei", creditWei)
				}
				b, err := st.Credit(cmd.Context(), common.HexToAddress(m.Token), k.ID, amt)
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
			rdb, err := newRedis(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer rdb.Close()
			keys, err := redisstore.New(rdb, nil).ListKeys(cmd.Context())
			if err != nil {
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
			rdb, err := newRedis(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer rdb.Close()
			if err := redisstore.New(rdb, nil).RevokeKey(cmd.Context(), args[0]); err != nil {
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
			m, ok := cfg.ModelByName(args[1])
			if !ok {
				return fmt.Errorf("unknown model %q", args[1])
			}
			amt, err := strconv.ParseInt(args[2], 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not an integer amount of wei", args[2])
			}
			rdb, err := newRedis(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer rdb.Close()
			bal, err := redisstore.New(rdb, nil).Credit(cmd.Context(), common.HexToAddress(m.Token), args[0], amt)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s balance for %s: %d wei\n", args[0], m.Name, bal)
			return nil
		},
	}
	c.AddCommand(create, list, revoke, credit)
	return c
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
