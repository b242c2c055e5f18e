package config_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"go.yaml.in/yaml/v3"

	"github.com/imogate/imogate/config"
)

// env is a getenv over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// newSignerHex returns a fresh secp256k1 key in hex (no 0x).
func newSignerHex(t testing.TB) string {
	t.Helper()
	k, err := ethcrypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(ethcrypto.FromECDSA(k))
}

// writeFile writes content to name in a fresh temp dir and returns the path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writePublicKey writes pub as a PKIX PEM file and returns its path.
func writePublicKey(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "pub.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
}

// minimal is the smallest valid config; %s is extra YAML appended at the end.
const minimal = `
chain:
  chain_id: 1337
  settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
signer:
  env: TEST_SIGNER
models:
  - name: m
    token: "0x1111111111111111111111111111111111111111"
    backend: demo
`

func TestParseExample(t *testing.T) {
	data, err := os.ReadFile("../deploy/imogate.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	signer := newSignerHex(t)
	const admin = "example-admin-token-0123456789"
	cfg, err := config.Parse(data, env(map[string]string{config.EnvSignerKey: signer, config.EnvAdminToken: admin}))
	if err != nil {
		t.Fatalf("Parse(example): %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", cfg.Listen, ":8080"},
		{"redis.url", cfg.Redis.URL, "redis://127.0.0.1:6379/0"},
		{"chain.chain_id", cfg.Chain.ChainID, uint64(1337)},
		{"chain.settlement_contract", cfg.Chain.SettlementContract, "0x5FbDB2315678afecb367f032d93F642f64180aa3"},
		{"signer", cfg.Signer.Value().Reveal(), signer},
		{"admin.token", cfg.Admin.Token.Value().Reveal(), admin},
		{"jwt.keys", len(cfg.JWT.Keys), 0},
		{"limits.max_body_bytes", cfg.Limits.MaxBodyBytes, 1 << 20},
		{"limits.reservation_grace", cfg.Limits.ReservationGrace, 60 * time.Second},
		{"limits.idempotency_ttl", cfg.Limits.IdempotencyTTL, 24 * time.Hour},
		{"limits.sweep_interval", cfg.Limits.SweepInterval, 10 * time.Second},
		{"log.level", cfg.Log.Level, "info"},
		{"models", len(cfg.Models), 2},
		{"models[0].name", cfg.Models[0].Name, "llama-3.1-8b"},
		{"models[0].backend", cfg.Models[0].Backend, "openai"},
		{"models[0].upstream.base_url", cfg.Models[0].Upstream.BaseURL, "http://127.0.0.1:8000/v1"},
		{"models[0].upstream.model", cfg.Models[0].Upstream.Model, "meta-llama/Llama-3.1-8B-Instruct"},
		{"models[0].upstream.api_key_env", cfg.Models[0].Upstream.APIKeyEnv, "UPSTREAM_API_KEY"},
		{"models[0].upstream.timeout", cfg.Models[0].Upstream.Timeout, 120 * time.Second},
		{"models[0].price.per_request_wei", cfg.Models[0].Price.PerRequest.String(), "10000000000"},
		{"models[0].price.per_1k_prompt_wei", cfg.Models[0].Price.Per1KPrompt.String(), "1000000000"},
		{"models[0].price.per_1k_completion_wei", cfg.Models[0].Price.Per1KCompletion.String(), "3000000000"},
		{"models[0].price.per_1k_embedding_wei", cfg.Models[0].Price.Per1KEmbedding.String(), "0"},
		{"models[0].max_tokens", cfg.Models[0].MaxTokens, 1024},
		{"models[0].owned_by (default)", cfg.Models[0].OwnedBy, "imogate"},
		{"models[1].name", cfg.Models[1].Name, "imogate-demo"},
		{"models[1].backend", cfg.Models[1].Backend, "demo"},
		{"models[1].upstream.model (default)", cfg.Models[1].Upstream.Model, "imogate-demo"},
		{"models[1].demo.latency", cfg.Models[1].Demo.Latency, time.Duration(0)},
		{"models[1].price.per_1k_completion_wei", cfg.Models[1].Price.Per1KCompletion.String(), "4000"},
		{"models[1].max_tokens", cfg.Models[1].MaxTokens, 256},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("%s = %v, want %v", c.name, c.got, c.want)
			}
		})
	}
	if m, ok := cfg.ModelByName("imogate-demo"); !ok || m.Token != "0x2222222222222222222222222222222222222222" {
		t.Fatalf("ModelByName(imogate-demo) = %+v, %v", m, ok)
	}
	if _, ok := cfg.ModelByName("nope"); ok {
		t.Fatal("ModelByName found an unconfigured model")
	}
}

func TestParseDefaults(t *testing.T) {
	cfg, err := config.Parse([]byte(minimal+"  - name: up\n    token: \"0x3333333333333333333333333333333333333333\"\n    upstream: {base_url: \"http://127.0.0.1:8000/v1\"}\n"),
		env(map[string]string{"TEST_SIGNER": newSignerHex(t)}))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", cfg.Listen, ":8080"},
		{"redis.url", cfg.Redis.URL, "redis://127.0.0.1:6379/0"},
		{"limits.max_body_bytes", cfg.Limits.MaxBodyBytes, 1 << 20},
		{"limits.reservation_grace", cfg.Limits.ReservationGrace, time.Minute},
		{"limits.idempotency_ttl", cfg.Limits.IdempotencyTTL, 24 * time.Hour},
		{"limits.sweep_interval", cfg.Limits.SweepInterval, 10 * time.Second},
		{"log.level", cfg.Log.Level, "info"},
		{"admin.token", cfg.Admin.Token.Value().Reveal(), ""},
		{"models[0].backend", cfg.Models[0].Backend, "demo"},
		{"models[0].max_tokens", cfg.Models[0].MaxTokens, 1024},
		{"models[0].owned_by", cfg.Models[0].OwnedBy, "imogate"},
		{"models[0].price", cfg.Models[0].Price.PerRequest.String(), "0"},
		{"models[1].backend", cfg.Models[1].Backend, "openai"},
		{"models[1].upstream.model", cfg.Models[1].Upstream.Model, "up"},
		{"models[1].upstream.timeout", cfg.Models[1].Upstream.Timeout, 120 * time.Second},
		{"models[1].upstream.api", cfg.Models[1].Upstream.API, "chat"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("%s = %v, want %v", c.name, c.got, c.want)
			}
		})
	}
}

// TestParseReportsEveryProblem checks one invalid file yields every problem,
// one per line, each prefixed with its field path (what `imogate config
// validate` prints).
func TestParseReportsEveryProblem(t *testing.T) {
	const data = `
redis:
  url: http://127.0.0.1:6379
chain:
  settlement_contract: "nope"
limits:
  max_body_bytes: 100
log:
  level: loud
jwt:
  keys:
    - algorithm: PS256
    - algorithm: HS256
      secret: {env: SHORT_SECRET}
    - algorithm: RS256
models:
  - name: "bad name!"
    token: "0x12"
    backend: grpc
    max_tokens: -1
  - name: dup
    token: "0x1111111111111111111111111111111111111111"
    upstream: {base_url: "ftp://example.com", api: anthropic}
  - name: dup
    token: "0x2222222222222222222222222222222222222222"
    backend: demo
    upstream: {api: responses}
    price: {per_request_wei: "2000000000000000000"}
`
	wantPaths := []string{
		"redis.url",
		"chain.chain_id",
		"chain.settlement_contract",
		"signer",
		"limits.max_body_bytes",
		"log.level",
		"jwt.keys[0].id",
		"jwt.keys[0].algorithm",
		"jwt.keys[1].id",
		"jwt.keys[1].secret",
		"jwt.keys[2].id",
		"jwt.keys[2].public_key_file",
		"models[0].name",
		"models[0].token",
		"models[0].backend",
		"models[0].max_tokens",
		"models[1].upstream.base_url",
		"models[1].upstream.api",
		"models[2].name",
		"models[2].upstream.api",
		"models[2].price",
	}
	cfg, err := config.Parse([]byte(data), env(map[string]string{"SHORT_SECRET": "too-short"}))
	if err == nil {
		t.Fatalf("Parse accepted an invalid file: %+v", cfg)
	}
	lines := strings.Split(err.Error(), "\n")
	var gotPaths []string
	for _, l := range lines {
		p, _, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("line %q has no field path", l)
		}
		gotPaths = append(gotPaths, p)
	}
	if len(lines) != len(wantPaths) {
		t.Errorf("%d problems reported, want %d:\n%s", len(lines), len(wantPaths), err)
	}
	for _, p := range wantPaths {
		if !slices.Contains(gotPaths, p) {
			t.Errorf("no problem reported for %s in:\n%s", p, err)
		}
	}
	if strings.Contains(err.Error(), "too-short") {
		t.Errorf("the error shows the JWT secret:\n%s", err)
	}
}

func TestParseRefusesUnknownFields(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		field string
	}{
		{"top level", minimal + "bogus: 1\n", "bogus"},
		{"in a model", minimal + "    max_token: 5\n", "max_token"},
		{"in price", minimal + "    price: {per_request: \"5\"}\n", "per_request"},
		{"in signer", "signer: {path: /x}\n", "path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.yaml), env(map[string]string{"TEST_SIGNER": newSignerHex(t)}))
			if err == nil || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want one naming %q", err, tt.field)
			}
		})
	}
}

func TestEnvOverrides(t *testing.T) {
	fileKey, envKey := newSignerHex(t), newSignerHex(t)
	keyFile := writeFile(t, "signer", fileKey)
	data := fmt.Sprintf(`
listen: ":9000"
redis: {url: "redis://file-host:6379/0"}
chain: {chain_id: 5, settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
signer: {file: %q}
admin: {token: {env: FILE_ADMIN}}
log: {level: debug}
models:
  - {name: m, token: "0x1111111111111111111111111111111111111111", backend: demo}
`, keyFile)
	e := map[string]string{
		config.EnvListen:             ":7000",
		config.EnvRedisURL:           "redis://env-host:6380/1",
		config.EnvChainID:            "31337",
		config.EnvSettlementContract: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
		config.EnvSignerKey:          "0x" + envKey,
		config.EnvAdminToken:         "env-admin-token",
		config.EnvLogLevel:           "warn",
		config.EnvSettlementRPCURL:   "https://eth.example/v2/provider-key",
		"FILE_ADMIN":                 "file-admin-token",
	}
	cfg, err := config.Parse([]byte(data), env(e))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", cfg.Listen, ":7000"},
		{"redis.url", cfg.Redis.URL, "redis://env-host:6380/1"},
		{"chain.chain_id", cfg.Chain.ChainID, uint64(31337)},
		{"chain.settlement_contract", cfg.Chain.SettlementContract, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
		{"signer", cfg.Signer.Value().Reveal(), "0x" + envKey},
		{"admin.token", cfg.Admin.Token.Value().Reveal(), "env-admin-token"},
		{"log.level", cfg.Log.Level, "warn"},
		{"settlement.rpc_url", cfg.Settlement.RPCURL, "https://eth.example/v2/provider-key"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("%s = %v, want %v", c.name, c.got, c.want)
			}
		})
	}
	t.Run("bad chain id", func(t *testing.T) {
		e := map[string]string{config.EnvChainID: "mainnet", "FILE_ADMIN": "x"}
		_, err := config.Parse([]byte(data), env(e))
		if err == nil || !strings.Contains(err.Error(), config.EnvChainID) {
			t.Fatalf("err = %v, want one naming %s", err, config.EnvChainID)
		}
	})
}

func TestWeiYAML(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // decimal; "" = refused
	}{
		{"quoted", `w: "1000"`, "1000"},
		{"int", `w: 1000`, "1000"},
		{"zero", `w: 0`, "0"},
		{"underscores", `w: "1_000_000"`, "1000000"},
		{"above int64", `w: "1000000000000000000000"`, "1000000000000000000000"},
		{"above int64 unquoted", `w: 1000000000000000000000`, "1000000000000000000000"},
		{"above uint256", `w: "` + strings.Repeat("9", 80) + `"`, strings.Repeat("9", 80)},
		{"float", `w: 1.5`, ""},
		{"quoted float", `w: "1.5"`, ""},
		{"float with zero fraction", `w: 1.0`, ""},
		{"exponent", `w: 1e18`, ""},
		{"negative", `w: -1`, ""},
		{"hex", `w: 0x10`, ""},
		{"word", `w: lots`, ""},
		{"empty string", `w: ""`, ""},
		{"list", `w: [1]`, ""},
		{"map", `w: {v: 1}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				W config.Wei `yaml:"w"`
			}
			err := yaml.Unmarshal([]byte(tt.yaml), &v)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("%s accepted as %s", tt.yaml, v.W)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.yaml, err)
			}
			if v.W.String() != tt.want || v.W.Big().String() != tt.want {
				t.Fatalf("%s = %s, want %s", tt.yaml, v.W, tt.want)
			}
		})
	}
	t.Run("Big is a copy", func(t *testing.T) {
		w := config.NewWei(5)
		w.Big().SetInt64(7)
		if w.String() != "5" {
			t.Fatalf("changing Big() changed the Wei to %s", w)
		}
	})
	t.Run("zero value", func(t *testing.T) {
		var w config.Wei
		if w.String() != "0" || w.Big().Sign() != 0 {
			t.Fatalf("zero Wei = %s", w)
		}
	})
	t.Run("marshal", func(t *testing.T) {
		b, err := yaml.Marshal(struct {
			W config.Wei `yaml:"w"`
		}{config.NewWei(123)})
		if err != nil || strings.TrimSpace(string(b)) != `w: "123"` {
			t.Fatalf("marshal = %q, %v", b, err)
		}
	})
}

// TestPriceBound checks prices parse exactly into the model, and that the
// per-call bound refuses any price whose maximum call cost exceeds it.
func TestPriceBound(t *testing.T) {
	signer := newSignerHex(t)
	tests := []struct {
		name  string
		price string
		max   int
		ok    bool
	}{
		{"small", `{per_request_wei: "1000", per_1k_prompt_wei: 2000, per_1k_completion_wei: "4000"}`, 256, true},
		{"exactly the bound", `{per_request_wei: "1000000000000000000"}`, 256, true},
		{"one wei over the bound", `{per_request_wei: "1000000000000000001"}`, 256, false},
		{"above int64", `{per_request_wei: "1000000000000000000000"}`, 256, false},
		{"completion pushes over", `{per_1k_completion_wei: "1000000000000000000"}`, 1001, false},
		{"completion at the bound", `{per_1k_completion_wei: "1000000000000000000"}`, 1000, true},
		// 1 MiB of prompt plus the 256-token template overhead at
		// 953441542592140 wei per 1k tokens is just under 1e18.
		{"prompt at the bound", `{per_1k_prompt_wei: "953441542592140"}`, 1, true},
		{"prompt one wei over", `{per_1k_prompt_wei: "953441542592141"}`, 1, false},
		{"embedding at the bound", `{per_1k_embedding_wei: "953674316406250"}`, 1, true},
		{"embedding one wei over", `{per_1k_embedding_wei: "953674316406251"}`, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := minimal + fmt.Sprintf("    price: %s\n    max_tokens: %d\n", tt.price, tt.max)
			cfg, err := config.Parse([]byte(data), env(map[string]string{"TEST_SIGNER": signer}))
			if tt.ok {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got := config.MaxFee(cfg.Models[0], cfg.Limits.MaxBodyBytes); got.Cmp(config.MaxCallFee) > 0 {
					t.Fatalf("accepted price with MaxFee %s", got)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted price %s", tt.price)
			}
			if lines := strings.Split(err.Error(), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "models[0].price: ") {
				t.Fatalf("err = %q, want exactly one problem at models[0].price", err)
			}
		})
	}
	t.Run("float refused", func(t *testing.T) {
		_, err := config.Parse([]byte(minimal+"    price: {per_request_wei: 1.5}\n"), env(map[string]string{"TEST_SIGNER": signer}))
		if err == nil || !strings.Contains(err.Error(), "1.5") {
			t.Fatalf("err = %v, want the float refused", err)
		}
	})
}

func TestMaxFee(t *testing.T) {
	wei := func(s string) config.Wei {
		var w config.Wei
		if err := yaml.Unmarshal([]byte(s), &w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	tests := []struct {
		name      string
		price     config.Price
		maxTokens int
		body      int
		want      string
	}{
		{"zero", config.Price{}, 1024, 1 << 20, "0"},
		{"per request only", config.Price{PerRequest: config.NewWei(10)}, 1024, 1 << 20, "10"},
		{"prompt rounds up", config.Price{Per1KPrompt: config.NewWei(1)}, 1, 1024, "2"},         // ceil(1024/1000)
		{"prompt exact", config.Price{Per1KPrompt: config.NewWei(1000)}, 1, 1024, "1024"},       // 1 wei per token
		{"completion rounds up", config.Price{Per1KCompletion: config.NewWei(3)}, 1, 1024, "1"}, // ceil(3/1000)
		{"all parts", config.Price{PerRequest: config.NewWei(10), Per1KPrompt: config.NewWei(1), Per1KCompletion: config.NewWei(3)},
			1, 1024, "13"},
		{"embedding larger than prompt wins", config.Price{Per1KPrompt: config.NewWei(1000), Per1KEmbedding: config.NewWei(2000)},
			1, 1000, "2000"},
		{"prompt larger than embedding wins", config.Price{Per1KPrompt: config.NewWei(3000), Per1KEmbedding: config.NewWei(2000)},
			1, 1000, "3000"},
		{"example llama", config.Price{PerRequest: config.NewWei(10_000_000_000), Per1KPrompt: config.NewWei(1_000_000_000),
			Per1KCompletion: config.NewWei(3_000_000_000)}, 1024, 1 << 20,
			// 1e10 + ceil(1e9*1048576/1000) + ceil(3e9*1024/1000)
			"1061648000000"},
		// 99999999999999999999999 + ceil(1000000000000000000001 / 1000)
		{"beyond int64 stays exact", config.Price{PerRequest: wei(`"99999999999999999999999"`), Per1KCompletion: wei(`"1000000000000000000001"`)},
			1, 0, "100001000000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := config.MaxFee(config.Model{Price: tt.price, MaxTokens: tt.maxTokens}, tt.body)
			if got.String() != tt.want {
				t.Fatalf("MaxFee = %s, want %s", got, tt.want)
			}
		})
	}
	if config.MaxCallFee.Cmp(new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)) != 0 {
		t.Fatalf("MaxCallFee = %s, want 1e18", config.MaxCallFee)
	}
}

func TestSecretSources(t *testing.T) {
	signer := newSignerHex(t)
	signerFile := writeFile(t, "signer", "  0x"+signer+"\n\n")
	adminFile := writeFile(t, "admin", "\tfile-admin-token\n")
	jwtFile := writeFile(t, "jwt", strings.Repeat("j", 40)+"\n")
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		signer  string
		admin   string
		jwt     string
		errPath string // when non-empty: Parse fails with a problem at this path
	}{
		{
			name:   "files",
			yaml:   fmt.Sprintf("signer: {file: %q}\nadmin: {token: {file: %q}}\njwt: {keys: [{algorithm: HS256, secret: {file: %q}}]}\n", signerFile, adminFile, jwtFile),
			signer: "0x" + signer, admin: "file-admin-token", jwt: strings.Repeat("j", 40),
		},
		{
			name:   "env",
			yaml:   "signer: {env: S}\nadmin: {token: {env: A}}\njwt: {keys: [{algorithm: HS256, secret: {env: J}}]}\n",
			env:    map[string]string{"S": " " + signer + " ", "A": "env-admin", "J": strings.Repeat("k", 32)},
			signer: signer, admin: "env-admin", jwt: strings.Repeat("k", 32),
		},
		{
			name:    "missing file",
			yaml:    fmt.Sprintf("signer: {file: %q}\n", filepath.Join(t.TempDir(), "absent")),
			errPath: "signer",
		},
		{
			name:    "unset env",
			yaml:    "signer: {env: S}\nadmin: {token: {env: UNSET_ADMIN}}\n",
			env:     map[string]string{"S": signer},
			errPath: "admin.token",
		},
		{
			name:    "unset signer env",
			yaml:    "signer: {env: UNSET_SIGNER}\n",
			errPath: "signer",
		},
		{
			name:    "empty secret file",
			yaml:    fmt.Sprintf("signer: {file: %q}\n", writeFile(t, "empty", "\n")),
			errPath: "signer",
		},
	}
	base := `
chain: {chain_id: 1, settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
models: [{name: m, token: "0x1111111111111111111111111111111111111111", backend: demo}]
`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(base+tt.yaml), env(tt.env))
			if tt.errPath != "" {
				if err == nil || strings.Count(err.Error(), tt.errPath+": ") != 1 {
					t.Fatalf("err = %v, want one problem at %s", err, tt.errPath)
				}
				if strings.Contains(err.Error(), signer) {
					t.Fatalf("the error shows the signer key: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := []string{cfg.Signer.Value().Reveal(), cfg.Admin.Token.Value().Reveal(), cfg.JWT.Keys[0].Secret.Value().Reveal()}
			if want := []string{tt.signer, tt.admin, tt.jwt}; !slices.Equal(got, want) {
				t.Fatalf("secrets = %q, want %q", got, want)
			}
			if _, err := config.ParsePrivateKey(cfg.Signer.Value()); err != nil {
				t.Fatalf("ParsePrivateKey: %v", err)
			}
		})
	}
}

// TestSecretsNeverPrinted checks no secret shows in an error or in any fmt
// rendering of a loaded config.
func TestSecretsNeverPrinted(t *testing.T) {
	signer := newSignerHex(t)
	const admin = "ADMIN-TOKEN-never-print-me-0123"
	jwtSecret := "JWT-SECRET-never-print-me-" + strings.Repeat("z", 16)
	good := `
chain: {chain_id: 1, settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
signer: {env: S}
admin: {token: {env: A}}
jwt: {keys: [{id: main, algorithm: HS256, secret: {env: J}}]}
models: [{name: m, token: "0x1111111111111111111111111111111111111111", backend: demo}]
`
	t.Run("fmt of a loaded config", func(t *testing.T) {
		cfg, err := config.Parse([]byte(good), env(map[string]string{"S": signer, "A": admin, "J": jwtSecret}))
		if err != nil {
			t.Fatal(err)
		}
		renders := map[string]string{
			"%v %+v %#v of *Config":     fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg),
			"%v %+v %#v of Config":      fmt.Sprintf("%v %+v %#v", *cfg, *cfg, *cfg),
			"%v %+v %#v of Signer":      fmt.Sprintf("%v %+v %#v", cfg.Signer, cfg.Signer, cfg.Signer),
			"%v %+v %#v of JWT key":     fmt.Sprintf("%v %+v %#v", cfg.JWT.Keys[0], cfg.JWT.Keys[0], cfg.JWT.Keys[0]),
			"%v %s %q %#v of Secret":    fmt.Sprintf("%v %s %q %#v", cfg.Signer.Value(), cfg.Signer.Value(), cfg.Signer.Value(), cfg.Signer.Value()),
			"%v %+v of Admin":           fmt.Sprintf("%v %+v", cfg.Admin, cfg.Admin),
			"%v of secret values slice": fmt.Sprintf("%v", []config.Secret{cfg.Signer.Value(), cfg.Admin.Token.Value()}),
		}
		for name, out := range renders {
			for _, s := range []string{signer, admin, jwtSecret} {
				if strings.Contains(out, s) {
					t.Errorf("%s shows a secret: %s", name, out)
					break
				}
			}
		}
	})
	tests := []struct {
		name   string
		yaml   string
		env    map[string]string
		secret string
	}{
		{"invalid signer key from env", good, map[string]string{"S": "not-a-key-SIGNER-SECRET-42", "A": admin, "J": jwtSecret}, "not-a-key-SIGNER-SECRET-42"},
		{"signer key one digit short", good, map[string]string{"S": signer[:63], "A": admin, "J": jwtSecret}, signer[:63]},
		{"short JWT secret", good, map[string]string{"S": signer, "A": admin, "J": "short-JWT-SECRET"}, "short-JWT-SECRET"},
		{"invalid signer key from file", strings.Replace(good, "signer: {env: S}", fmt.Sprintf("signer: {file: %q}", writeFile(t, "bad", "FILE-SIGNER-SECRET-xyz")), 1),
			map[string]string{"A": admin, "J": jwtSecret}, "FILE-SIGNER-SECRET-xyz"},
		{"IMOGATE_SIGNER_KEY invalid", good, map[string]string{config.EnvSignerKey: "ENV-OVERRIDE-SECRET-0xabc", "A": admin, "J": jwtSecret}, "ENV-OVERRIDE-SECRET-0xabc"},
		// Operators do paste secrets inline by mistake; the refusal must not echo them.
		{"admin token pasted inline", strings.Replace(good, "admin: {token: {env: A}}", "admin: {token: hunter2pw}", 1),
			map[string]string{"S": signer, "J": jwtSecret}, "hunter2pw"},
		{"signer key pasted inline", strings.Replace(good, "signer: {env: S}", "signer: "+signer, 1),
			map[string]string{"A": admin, "J": jwtSecret}, signer[:7]},
		// A Redis password is a secret too (cmd/imogate redacts it in its own errors).
		{"redis password in a bad URL", good + "redis: {url: \"tcp://:REDIS-PASSWORD-x1@127.0.0.1:6379\"}\n",
			map[string]string{"S": signer, "A": admin, "J": jwtSecret}, "REDIS-PASSWORD-x1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.yaml), env(tt.env))
			if err == nil {
				t.Fatal("Parse accepted the config")
			}
			for _, out := range []string{err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err)} {
				if strings.Contains(out, tt.secret) {
					t.Fatalf("the error shows the secret %q: %s", tt.secret, out)
				}
			}
		})
	}
}

func TestJWTKeyValidation(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM, ecPEM := writePublicKey(t, &rsaKey.PublicKey), writePublicKey(t, &ecKey.PublicKey)
	notPEM := writeFile(t, "x.pem", "hello")
	privPEM := writeFile(t, "priv.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("junk")})))
	tests := []struct {
		name    string
		key     string
		env     map[string]string
		errPath string // "" = valid
		errText string
	}{
		{"HS256 32-byte secret", `{algorithm: HS256, secret: {env: J}}`, map[string]string{"J": strings.Repeat("s", 32)}, "", ""},
		{"HS256 31-byte secret", `{algorithm: HS256, secret: {env: J}}`, map[string]string{"J": strings.Repeat("s", 31)}, "jwt.keys[0].secret", "32 bytes"},
		{"HS256 no secret", `{algorithm: HS256}`, nil, "jwt.keys[0].secret", "32 bytes"},
		{"RS256 RSA key", fmt.Sprintf(`{algorithm: RS256, public_key_file: %q}`, rsaPEM), nil, "", ""},
		{"ES256 EC key", fmt.Sprintf(`{algorithm: ES256, public_key_file: %q}`, ecPEM), nil, "", ""},
		{"RS256 missing file", fmt.Sprintf(`{algorithm: RS256, public_key_file: %q}`, filepath.Join(t.TempDir(), "absent.pem")), nil, "jwt.keys[0].public_key_file", "read public key"},
		{"RS256 no file configured", `{algorithm: RS256}`, nil, "jwt.keys[0].public_key_file", "PEM public key file"},
		{"RS256 with an EC key", fmt.Sprintf(`{algorithm: RS256, public_key_file: %q}`, ecPEM), nil, "jwt.keys[0].public_key_file", "ECDSA"},
		{"ES256 with an RSA key", fmt.Sprintf(`{algorithm: ES256, public_key_file: %q}`, rsaPEM), nil, "jwt.keys[0].public_key_file", "RSA"},
		{"not PEM", fmt.Sprintf(`{algorithm: ES256, public_key_file: %q}`, notPEM), nil, "jwt.keys[0].public_key_file", "PEM"},
		{"bad DER", fmt.Sprintf(`{algorithm: ES256, public_key_file: %q}`, privPEM), nil, "jwt.keys[0].public_key_file", "parse public key"},
		{"none", `{algorithm: none}`, nil, "jwt.keys[0].algorithm", "none"},
		{"lower-case hs256", `{algorithm: hs256, secret: {env: J}}`, map[string]string{"J": strings.Repeat("s", 32)}, "jwt.keys[0].algorithm", "hs256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{"TEST_SIGNER": newSignerHex(t)}
			for k, v := range tt.env {
				e[k] = v
			}
			_, err := config.Parse([]byte(minimal+"jwt:\n  keys:\n    - "+tt.key+"\n"), env(e))
			if tt.errPath == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Parse accepted the key")
			}
			if !strings.HasPrefix(err.Error(), tt.errPath+": ") || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("err = %q, want %s: …%s…", err, tt.errPath, tt.errText)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name string
		path string
		ok   bool
	}{
		{"example", "../deploy/imogate.example.yaml", true},
		{"missing", filepath.Join(t.TempDir(), "absent.yaml"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(tt.path, env(map[string]string{config.EnvSignerKey: newSignerHex(t), config.EnvAdminToken: "a"}))
			if (err == nil) != tt.ok {
				t.Fatalf("Load(%s) err = %v, want ok=%v", tt.path, err, tt.ok)
			}
		})
	}
}

// FuzzParse checks Parse never panics on any bytes, and returns either a
// valid config or an error.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("../deploy/imogate.example.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		minimal,
		"",
		"listen: [",
		"models: [{price: {per_request_wei: 1.5}}]",
		"models: [{price: {per_request_wei: \"99999999999999999999999999\"}, max_tokens: -5}]",
		"limits: {max_body_bytes: -1}\nmodels: [{name: m, token: \"0x1111111111111111111111111111111111111111\", backend: demo, price: {per_1k_prompt_wei: 1}}]",
		"jwt: {keys: [{algorithm: RS256, public_key_file: \"\"}]}",
		"signer: 5",
		"a: &a [*a]",
		"- - - -",
		"chain: {chain_id: -1}",
	} {
		f.Add([]byte(s))
	}
	getenv := env(map[string]string{"TEST_SIGNER": "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Never let the fuzzer read from devices or block on FIFOs.
		if strings.Contains(string(data), "/dev") || strings.Contains(string(data), "/proc") {
			return
		}
		cfg, err := config.Parse(data, getenv)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("Parse returned config %v and error %v", cfg != nil, err)
		}
		if cfg != nil {
			if err := cfg.Validate(); err != nil {
				t.Fatalf("Parse returned a config that does not validate: %v", err)
			}
		}
	})
}

func TestValidateSettlement(t *testing.T) {
	base := `chain: {chain_id: 1337, settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
signer: {env: SIGNER}
models: [{name: m, token: "0x2222222222222222222222222222222222222222", backend: demo}]
`
	key := "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
	tests := []struct {
		name     string
		section  string
		env      map[string]string
		loadErr  string // Parse must fail naming this
		wantErrs []string
	}{
		{"complete", "settlement: {rpc_url: 'http://127.0.0.1:8545', settler_key: {env: SETTLER}}", map[string]string{"SETTLER": key}, "", nil},
		{"disabled with unset env loads, settle refuses", "settlement: {rpc_url: 'http://x:1', settler_key: {env: SETTLER}}", nil, "",
			[]string{"settlement.settler_key: environment variable SETTLER is empty or unset"}},
		{"enabled with unset env fails to load", "settlement: {enabled: true, rpc_url: 'http://x:1', settler_key: {env: SETTLER}}", nil, "settlement.settler_key", nil},
		{"no rpc, no key", "settlement: {}", nil, "", []string{"settlement.rpc_url", "settlement.settler_key"}},
		{"bad key", "settlement: {rpc_url: 'http://x:1', settler_key: {env: SETTLER}}", map[string]string{"SETTLER": "zz"}, "", []string{"not a secp256k1 private key"}},
		{"both key and keystore", "settlement: {rpc_url: 'http://x:1', settler_key: {env: SETTLER}, keystore_file: /k.json}", map[string]string{"SETTLER": key}, "", []string{"not both"}},
		{"keystore without password", "settlement: {rpc_url: 'http://x:1', keystore_file: /k.json}", nil, "", []string{"settlement.keystore_password"}},
		{"negative values", "settlement: {rpc_url: 'http://x:1', settler_key: {env: SETTLER}, max_receipts: -1, confirmations: -2}", map[string]string{"SETTLER": key}, "",
			[]string{"settlement.max_receipts", "settlement.confirmations"}},
		{"password in rpc url hidden", "settlement: {rpc_url: 'ftp://user:hunter2@x', settler_key: {env: SETTLER}}", map[string]string{"SETTLER": key}, "", []string{"settlement.rpc_url"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := map[string]string{"SIGNER": key}
			for k, v := range tc.env {
				e[k] = v
			}
			cfg, err := config.Parse([]byte(base+tc.section+"\n"), env(e))
			if tc.loadErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.loadErr) {
					t.Fatalf("Parse error %v, want one naming %s", err, tc.loadErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.ValidateSettlement()
			if len(tc.wantErrs) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.wantErrs {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), key) {
				t.Fatalf("a secret is in the error: %v", err)
			}
		})
	}
}

func TestRedisAutoPipelining(t *testing.T) {
	getenv := env(map[string]string{"TEST_SIGNER": "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"})
	for _, tc := range []struct {
		yaml string
		want bool
	}{
		{"", true},
		{"redis: {auto_pipelining: true}\n", true},
		{"redis: {auto_pipelining: false}\n", false},
	} {
		cfg, err := config.Parse([]byte(minimal+tc.yaml), getenv)
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := cfg.Redis.Pipelining(); got != tc.want {
			t.Fatalf("%q: Pipelining() = %v, want %v", tc.yaml, got, tc.want)
		}
	}
	if _, err := config.Parse([]byte(minimal+"redis: {auto_pipelining: maybe}\n"), getenv); err == nil {
		t.Fatal("auto_pipelining: maybe was accepted")
	}
}
