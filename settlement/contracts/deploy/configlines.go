package deploy

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/config"
)

// Default names of the environment variables the config lines read keys
// from when the deployment did not name them.
const (
	DefaultSignerKeyEnv        = config.EnvSignerKey
	DefaultSettlerKeyEnv       = "IMOGATE_SETTLER_KEY"
	DefaultKeystorePasswordEnv = "IMOGATE_KEYSTORE_PASSWORD"
)

// ConfigRefs are what the config lines name but Deploy does not know: the
// model served with the token, the RPC URL the settler uses, and where the
// receipt signer's and the settler's keys are kept. Keys are named (an
// environment variable or a file), never included.
type ConfigRefs struct {
	// Model is the model's public name (models[].name). Default "my-model".
	Model string
	// RPCURL is the chain's JSON-RPC URL (settlement.rpc_url). Its user
	// and password, if any, are printed as USER:PASSWORD.
	RPCURL string
	// SignerKey holds the receipt signer's key. Default: the environment
	// variable IMOGATE_SIGNER_KEY.
	SignerKey config.SecretRef
	// SettlerKey holds the settler's key: the deploying account, which is
	// the operator that settles. Default: the environment variable
	// IMOGATE_SETTLER_KEY. Ignored when SettlerKeystore is set.
	SettlerKey config.SecretRef
	// SettlerKeystore is an encrypted go-ethereum keystore file holding the
	// settler's key instead, unlocked by KeystorePassword (default: the
	// environment variable IMOGATE_KEYSTORE_PASSWORD).
	SettlerKeystore  string
	KeystorePassword config.SecretRef
}

// ConfigYAML returns the configuration lines to paste into imogate's config
// file for this deployment: chain.chain_id and chain.settlement_contract,
// the signer section, the model entry with its token (when Deploy deployed
// or checked one), and settlement.rpc_url, settlement.from_block (the
// settlement contract's deployment block) and the settler's key. Comments
// say what each key must hold; no key is ever in them.
func (r Result) ConfigYAML(refs ConfigRefs) string {
	if refs.Model == "" {
		refs.Model = "my-model"
	}
	var b strings.Builder
	line := func(text, comment string) {
		b.WriteString(text)
		if comment != "" {
			b.WriteString(strings.Repeat(" ", max(1, commentColumn-len(text))) + "# " + comment)
		}
		b.WriteString("\n")
	}
	line("chain:", "")
	line(fmt.Sprintf("  chain_id: %s", r.ChainID), "")
	line(fmt.Sprintf("  settlement_contract: %q", r.Settlement.Hex()), "UsageSettlement")
	line("signer:", fmt.Sprintf("the key (hex) of receipt signer %s, never inline", r.Signer.Hex()))
	ref(line, "  ", refs.SignerKey, DefaultSignerKeyEnv)
	if r.Token != (common.Address{}) {
		line("models:", "")
		line(fmt.Sprintf("  - name: %q", refs.Model), "")
		line(fmt.Sprintf("    token: %q", r.Token.Hex()), "its ERC-7641 token")
		line("    # and its backend, upstream and price: deploy/imogate.example.yaml documents them", "")
	}
	line("settlement:", "")
	rpc, comment := refs.RPCURL, ""
	if u, err := url.Parse(rpc); err == nil && u.User != nil {
		u.User = url.UserPassword("USER", "PASSWORD")
		rpc, comment = u.String(), "put the URL's user and password back in place of USER:PASSWORD"
	} else if err != nil {
		rpc = config.RedactURL(rpc)
	}
	line(fmt.Sprintf("  rpc_url: %q", rpc), comment)
	line(fmt.Sprintf("  from_block: %d", r.SettlementBlock), "the block UsageSettlement was deployed in")
	if refs.SettlerKeystore != "" {
		line(fmt.Sprintf("  keystore_file: %q", refs.SettlerKeystore), fmt.Sprintf("the settler's key: operator %s", r.Operator.Hex()))
		line("  keystore_password:", "")
		ref(line, "    ", refs.KeystorePassword, DefaultKeystorePasswordEnv)
	} else {
		line("  settler_key:", fmt.Sprintf("the key (hex) of the settler, operator %s, never inline", r.Operator.Hex()))
		ref(line, "    ", refs.SettlerKey, DefaultSettlerKeyEnv)
	}
	return b.String()
}

// commentColumn is where the config lines' comments start.
const commentColumn = 36

// ref writes a secret reference's line: its file, else its variable, else
// the default variable.
func ref(line func(text, comment string), indent string, r config.SecretRef, defaultEnv string) {
	switch {
	case r.File != "":
		line(fmt.Sprintf("%sfile: %q", indent, r.File), "")
	case r.Env != "":
		line(indent+"env: "+scalar(r.Env), "")
	default:
		line(indent+"env: "+scalar(defaultEnv), "or file: a file holding it")
	}
}

var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// scalar is s as a YAML scalar: plain when it is a variable-like name,
// else double-quoted.
func scalar(s string) string {
	if plainName.MatchString(s) {
		return s
	}
	return fmt.Sprintf("%q", s)
}
