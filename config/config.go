// Package config loads and validates imogate's configuration: a YAML file
// with IMOGATE_* environment overrides. Validation reports every problem at
// once, each prefixed with the path of the offending field. Secrets are read
// from files or the environment and never printed: they are held in Secret
// values whose String hides them.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"go.yaml.in/yaml/v3"

	"github.com/imogate/imogate/metering"
)

// Config is the whole imogate configuration. The zero value of every optional
// field means "use the default" documented on the field; Defaults fills them.
type Config struct {
	// Listen is the gateway's listen address. Default ":8080".
	Listen string `yaml:"listen"`
	// Redis is where metering state lives.
	Redis Redis `yaml:"redis"`
	// Chain identifies the chain and settlement contract receipts are signed for.
	Chain Chain `yaml:"chain"`
	// Signer is the receipt signer key (secp256k1).
	Signer SecretRef `yaml:"signer"`
	// Admin protects the admin HTTP API.
	Admin Admin `yaml:"admin"`
	// JWT lists the keys accepted for JWT bearer tokens.
	JWT JWT `yaml:"jwt"`
	// Limits bounds requests.
	Limits Limits `yaml:"limits"`
	// Models are the models served, by public name.
	Models []Model `yaml:"models"`
	// Log configures logging.
	Log Log `yaml:"log"`
	// Settlement configures the settlement batcher (`imogate settle`, or
	// inside `imogate serve` when Enabled).
	Settlement Settlement `yaml:"settlement"`
	// Audit configures the auditor API.
	Audit Audit `yaml:"audit"`
}

// Audit configures the auditor API (/v1/audit/...).
type Audit struct {
	// Public opens the auditor API to unauthenticated readers.
	Public bool `yaml:"public"`
}

// Settlement configures the batcher that Merkle-roots receipts and deposits
// their fees on-chain.
type Settlement struct {
	// Enabled runs the batcher inside `imogate serve` too.
	Enabled bool `yaml:"enabled"`
	// RPCURL is the chain's JSON-RPC URL. Required to settle.
	RPCURL string `yaml:"rpc_url"`
	// SettlerKey is the operator's key (hex), from a file or an env var.
	// Alternatively KeystoreFile + KeystorePassword.
	SettlerKey SecretRef `yaml:"settler_key"`
	// KeystoreFile is an encrypted go-ethereum keystore holding the settler key.
	KeystoreFile string `yaml:"keystore_file"`
	// KeystorePassword unlocks KeystoreFile.
	KeystorePassword SecretRef `yaml:"keystore_password"`
	// MaxReceipts (N) seals a batch when this many receipts wait. Default 10000.
	MaxReceipts int `yaml:"max_receipts"`
	// MaxAge (T) seals a smaller batch when its oldest receipt is this old. Default 60s.
	MaxAge time.Duration `yaml:"max_age"`
	// Confirmations (K) is the depth at which a settlement is final. Default 2.
	Confirmations int `yaml:"confirmations"`
	// FinalityDepth is when a settled batch's receipts may leave Redis:
	// 0 (default) at or below the chain's finalized block (64 blocks deep
	// on a node that reports none), N that many blocks deep. A reorg deeper
	// than Confirmations needs the receipts to settle them again.
	FinalityDepth int `yaml:"finality_depth"`
	// MaxFeeCapWei and MaxTipCapWei cap EIP-1559 fees per gas (0 = no cap).
	MaxFeeCapWei Wei `yaml:"max_fee_cap_wei"`
	MaxTipCapWei Wei `yaml:"max_tip_cap_wei"`
	// GasLimitCap is the largest gas limit signed. Default 1000000.
	GasLimitCap uint64 `yaml:"gas_limit_cap"`
	// StuckAfter replaces an unmined settlement with a fee bump. Default 3m.
	StuckAfter time.Duration `yaml:"stuck_after"`
	// ArchiveDir receives each settled batch's tree, receipts and
	// settlement transaction. Default ./archive.
	ArchiveDir string `yaml:"archive_dir"`
	// ArchiveS3, when its bucket is set, archives to S3-compatible object
	// storage instead of ArchiveDir.
	ArchiveS3 ArchiveS3 `yaml:"archive_s3"`
	// KeepReceipts keeps archived receipts in Redis (default: trim them).
	KeepReceipts bool `yaml:"keep_receipts"`
	// Snapshots calls each token's snapshot() when it is due.
	Snapshots bool `yaml:"snapshots"`
	// FromBlock is where event searches start (the contract's deployment block).
	FromBlock uint64 `yaml:"from_block"`
	// PollInterval is the pause between batcher steps. Default 2s.
	PollInterval time.Duration `yaml:"poll_interval"`
	// InstanceID names this batcher in its lease and its logs (several
	// `imogate settle` processes elect one active per model). Default: random.
	InstanceID string `yaml:"instance_id"`
	// Listen is where `imogate settle` serves /metrics, /healthz and
	// /readyz (503 with the reason while a model's settlement is halted).
	// Empty: not served. (Inside `imogate serve` the gateway's own routes
	// include the batcher's metrics and readiness.)
	Listen string `yaml:"listen"`
}

// ArchiveS3 locates an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2, …).
type ArchiveS3 struct {
	Endpoint  string    `yaml:"endpoint"` // host[:port]
	Bucket    string    `yaml:"bucket"`
	Prefix    string    `yaml:"prefix"`
	Region    string    `yaml:"region"`
	AccessKey SecretRef `yaml:"access_key"`
	SecretKey SecretRef `yaml:"secret_key"`
	// Insecure uses plain HTTP (local test servers only).
	Insecure bool `yaml:"insecure"`
}

// ValidateSettlement checks the settlement section; it is called only where
// settling is asked for (`imogate settle`, or serve with settlement.enabled).
func (c *Config) ValidateSettlement() error {
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	s := c.Settlement
	if u, err := url.Parse(s.RPCURL); err != nil || !(u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ws" || u.Scheme == "wss") {
		bad("settlement.rpc_url", "%q is not an http(s) or ws(s) URL", RedactURL(s.RPCURL))
	}
	hasKey := s.SettlerKey.Value() != ""
	hasStore := s.KeystoreFile != ""
	switch {
	case hasKey && hasStore:
		bad("settlement.settler_key", "give either settler_key or keystore_file, not both")
	case !hasKey && s.SettlerKey.Env != "":
		bad("settlement.settler_key", "environment variable %s is empty or unset", s.SettlerKey.Env)
	case !hasKey && s.SettlerKey.File != "":
		bad("settlement.settler_key", "file %s is empty or unreadable", s.SettlerKey.File)
	case !hasKey && !hasStore:
		bad("settlement.settler_key", "the settler (operator) key is required (settler_key.env/file or keystore_file)")
	case hasKey:
		if _, err := ParsePrivateKey(s.SettlerKey.Value()); err != nil {
			bad("settlement.settler_key", "not a secp256k1 private key in hex (value not shown)")
		}
	case hasStore && s.KeystorePassword.Value() == "":
		bad("settlement.keystore_password", "required with keystore_file")
	}
	if a := s.ArchiveS3; a.Bucket != "" {
		if a.Endpoint == "" {
			bad("settlement.archive_s3.endpoint", "required with a bucket")
		}
		if a.AccessKey.Value() == "" {
			bad("settlement.archive_s3.access_key", "required with a bucket")
		}
		if a.SecretKey.Value() == "" {
			bad("settlement.archive_s3.secret_key", "required with a bucket")
		}
	}
	for _, v := range []struct {
		path string
		bad  bool
	}{
		{"settlement.max_receipts", s.MaxReceipts < 0},
		{"settlement.max_age", s.MaxAge < 0},
		{"settlement.confirmations", s.Confirmations < 0},
		{"settlement.finality_depth", s.FinalityDepth < 0},
		{"settlement.stuck_after", s.StuckAfter < 0},
		{"settlement.poll_interval", s.PollInterval < 0},
	} {
		if v.bad {
			bad(v.path, "must not be negative")
		}
	}
	return errors.Join(errs...)
}

// Redis configures the Redis connection.
type Redis struct {
	// Mode is standalone (one Redis at URL; the default), sentinel (a
	// primary found through the Sentinels at Addrs under MasterName, with
	// failover) or cluster (a Redis Cluster whose nodes include Addrs).
	Mode string `yaml:"mode"`
	// URL is a redis://, rediss:// or unix:// URL (unix:///run/redis.sock?db=0
	// for a co-located Redis: cheaper per call than TCP loopback). Default
	// redis://127.0.0.1:6379/0. Standalone mode only.
	URL string `yaml:"url"`
	// Addrs are host:port addresses: cluster seed nodes, or the Sentinels.
	Addrs []string `yaml:"addrs"`
	// MasterName is the Sentinel master name (sentinel mode).
	MasterName string `yaml:"master_name"`
	// Username and Password authenticate to Redis (sentinel and cluster
	// modes; standalone takes them in the URL).
	Username string    `yaml:"username"`
	Password SecretRef `yaml:"password"`
	// SentinelPassword authenticates to the Sentinels, if they need one.
	SentinelPassword SecretRef `yaml:"sentinel_password"`
	// DB is the database number (sentinel mode; cluster has only 0).
	DB int `yaml:"db"`
	// Durability says when a paid call's receipt counts as safe to hand to
	// the client (see README, "Scale-out and durability"):
	//   none        — when Redis has it in memory (default; a Redis crash can
	//                 lose up to a second of receipts clients already hold);
	//   fsync       — when Redis has written it to its AOF and fsynced it;
	//                 the gateway refuses to start unless every primary runs
	//                 appendonly yes with appendfsync always;
	//   replicas:N  — when N replicas have it (WAIT N after each commit); a
	//                 call whose WAIT falls short answers 503
	//                 charge_unconfirmed with its receipt id.
	Durability string `yaml:"durability"`
	// DurabilityTimeout bounds each WAIT for replicas. Default 1s.
	DurabilityTimeout time.Duration `yaml:"durability_timeout"`
	// AutoPipelining lets the scripts of concurrent paid calls share round
	// trips (go-redis automatic pipelining, an experimental go-redis API)
	// when more than two are in flight. Default true; false sends every
	// script on its own round trip.
	AutoPipelining *bool `yaml:"auto_pipelining"`
}

// Replicas is the replica count of a "replicas:N" durability (0 for none
// and fsync), or an error naming the bad value.
func (r Redis) Replicas() (int, error) {
	switch d := r.Durability; {
	case d == "none" || d == "fsync" || d == "":
		return 0, nil
	case strings.HasPrefix(d, "replicas:"):
		n, err := strconv.Atoi(strings.TrimPrefix(d, "replicas:"))
		if err != nil || n < 1 || n > 16 {
			return 0, fmt.Errorf("%q: replicas:N needs N from 1 to 16", d)
		}
		return n, nil
	}
	return 0, fmt.Errorf("%q is not none, fsync or replicas:N", r.Durability)
}

// Pipelining reports whether automatic pipelining is on (the default).
func (r Redis) Pipelining() bool { return r.AutoPipelining == nil || *r.AutoPipelining }

// Chain holds the EIP-712 domain parameters for receipts.
type Chain struct {
	// ChainID is the EVM chain id the receipts are signed for. Required.
	ChainID uint64 `yaml:"chain_id"`
	// SettlementContract is the UsageSettlement address (the EIP-712
	// verifyingContract). Required.
	SettlementContract string `yaml:"settlement_contract"`
}

// Admin configures the admin API.
type Admin struct {
	// Token is the static admin bearer token. Optional: without it only JWTs
	// with role "admin" reach the admin API.
	Token SecretRef `yaml:"token"`
}

// JWT configures JWT authentication.
type JWT struct {
	Keys []JWTKey `yaml:"keys"`
}

// JWTKey is one accepted JWT verification key. The algorithm is pinned: a
// token signed with any other algorithm is refused.
type JWTKey struct {
	// ID matches the token's "kid" header when the token carries one.
	ID string `yaml:"id"`
	// Algorithm is HS256, RS256 or ES256.
	Algorithm string `yaml:"algorithm"`
	// Secret is the HMAC secret (HS256).
	Secret SecretRef `yaml:"secret"`
	// PublicKeyFile is a PEM public key (RS256, ES256).
	PublicKeyFile string `yaml:"public_key_file"`
	// Issuer, if set, must equal the token's "iss".
	Issuer string `yaml:"issuer"`
	// Audience, if set, must be among the token's "aud".
	Audience string `yaml:"audience"`
}

// Limits bounds requests and state lifetimes.
type Limits struct {
	// MaxBodyBytes is the largest request body accepted. Default 1 MiB.
	MaxBodyBytes int `yaml:"max_body_bytes"`
	// ReservationGrace is added to a model's upstream timeout to get the
	// lifetime of a reservation before the sweeper releases it. Default 60s.
	ReservationGrace time.Duration `yaml:"reservation_grace"`
	// IdempotencyTTL is how long an Idempotency-Key is remembered. Default 24h.
	IdempotencyTTL time.Duration `yaml:"idempotency_ttl"`
	// SweepInterval is how often expired reservations are released. Default 10s.
	SweepInterval time.Duration `yaml:"sweep_interval"`
	// ReadTimeout bounds reading one request, headers and body: a client
	// sending slowly is cut. Default 30s.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// MaxConnections caps the gateway's open connections. Default 10000.
	MaxConnections int `yaml:"max_connections"`
	// MaxConnectionsPerIP caps one client address's open connections.
	// Default 256.
	MaxConnectionsPerIP int `yaml:"max_connections_per_ip"`
	// ReceiptIndexTTL is how long a receipt can be looked up by id
	// (GET /v1/receipts/{id}) after its day; older receipts are read by seq
	// from the settlement archive. Default 720h (30 days).
	ReceiptIndexTTL time.Duration `yaml:"receipt_index_ttl"`
}

// Log configures logging.
type Log struct {
	// Level is debug, info, warn or error. Default info.
	Level string `yaml:"level"`
	// Unbuffered writes every line to stderr at once. By default lines
	// below warn (one per request at info) are written in batches, every
	// 100 ms or 64 KiB, which saves a system call per request; warnings and
	// errors are always written at once, the rest on exit or SIGTERM/SIGINT
	// (a SIGKILL loses up to the last 100 ms of info lines).
	Unbuffered bool `yaml:"unbuffered"`
}

// Model is one served model.
type Model struct {
	// Name is the public model name clients send as "model".
	Name string `yaml:"name"`
	// Token is the model's ERC-7641 token address (the receipt's "model").
	Token string `yaml:"token"`
	// Backend is "openai" (any OpenAI-compatible upstream) or "demo" (the
	// built-in demo model). Default "openai".
	Backend string `yaml:"backend"`
	// Upstream is the OpenAI-compatible server (backend "openai").
	Upstream Upstream `yaml:"upstream"`
	// Demo configures the demo backend (backend "demo").
	Demo Demo `yaml:"demo"`
	// Price is the model's price, integer wei. It is published as a version
	// of the model's price schedule (see Price.EffectiveFrom).
	Price Price `yaml:"price"`
	// Media bounds what multimodal content parts may cost (zero: refused).
	Media Media `yaml:"media"`
	// PromptOverheadTokens is added to the prompt tokens held for a chat
	// call: the tokens the upstream's chat template adds around messages and
	// tool definitions, which are not in the request's bytes. Default 256.
	PromptOverheadTokens int `yaml:"prompt_overhead_tokens"`
	// Tokenizer counts tokens the upstream does not report (a stream cut
	// short, an upstream without usage). Default: one token per byte.
	Tokenizer Tokenizer `yaml:"tokenizer"`
	// MaxTokens caps max_tokens per call (and is the default when a request
	// sets none). Default 1024.
	MaxTokens int `yaml:"max_tokens"`
	// OwnedBy is shown in /v1/models. Default "imogate".
	OwnedBy string `yaml:"owned_by"`
}

// Upstream is an OpenAI-compatible server.
type Upstream struct {
	// BaseURL is the server's base URL including /v1, e.g. http://127.0.0.1:8000/v1.
	BaseURL string `yaml:"base_url"`
	// Model is the upstream's model name. Default: the public name.
	Model string `yaml:"model"`
	// Kind is the server family: "openai" (OpenAI, Ollama, TGI, hosted
	// APIs; the default), "vllm" or "llamacpp". vLLM and llama.cpp are asked
	// for a running count of generated tokens on every stream chunk, so a
	// stream cut short is charged exactly what was generated.
	Kind string `yaml:"kind"`
	// API is what POST /v1/responses does for this model: "chat" (the
	// default) translates Responses requests onto the upstream's Chat
	// Completions and the answers back; "responses" passes them through to
	// an upstream that serves the Responses API itself (vLLM does), with the
	// model name set and max_output_tokens capped. Other routes are the same
	// either way.
	API string `yaml:"api"`
	// APIKeyEnv names the environment variable holding the upstream API key.
	APIKeyEnv string `yaml:"api_key_env"`
	// Timeout bounds one upstream call. Default 120s.
	Timeout time.Duration `yaml:"timeout"`
}

// Media bounds the prompt tokens held for each multimodal content part of
// a kind. A kind left at zero is refused with a 400: a part whose cost
// cannot be bounded is never accepted.
type Media struct {
	// ImageTokens is held per image_url part: the most tokens one image
	// becomes for the model (at its largest resolution).
	ImageTokens uint64 `yaml:"image_tokens"`
	// AudioTokens is held per input_audio or audio_url part: the model's
	// tokens per second times the longest audio it accepts.
	AudioTokens uint64 `yaml:"audio_tokens"`
	// VideoTokens is held per video_url part.
	VideoTokens uint64 `yaml:"video_tokens"`
}

// Tokenizer says how to count tokens an upstream does not report.
type Tokenizer struct {
	// Kind is "bytes" (one token per byte: never below any byte-level
	// tokenizer's count; the default), "tiktoken" (an OpenAI encoding,
	// built in) or "huggingface" (a tokenizer.json file).
	Kind string `yaml:"kind"`
	// Encoding is the tiktoken encoding: o200k_base, cl100k_base, …
	Encoding string `yaml:"encoding"`
	// File is the Hugging Face tokenizer.json of the model.
	File string `yaml:"file"`
}

// Demo configures the demo backend.
type Demo struct {
	// Latency is added before the first token. Default 0.
	Latency time.Duration `yaml:"latency"`
	// TokenLatency is added between streamed tokens. Default 0.
	TokenLatency time.Duration `yaml:"token_latency"`
}

// Price is a model's price in wei, as decimal strings in YAML so no value is
// ever rounded through a float.
type Price struct {
	PerRequest      Wei `yaml:"per_request_wei"`
	Per1KPrompt     Wei `yaml:"per_1k_prompt_wei"`
	Per1KCompletion Wei `yaml:"per_1k_completion_wei"`
	Per1KEmbedding  Wei `yaml:"per_1k_embedding_wei"`
	// EffectiveFrom publishes this price as a new version of the model's
	// schedule taking effect then (RFC 3339); it must be at least 15 s
	// after the gateway first starts with it. Unset, the price is the
	// schedule's first version (from the beginning) and must equal it: a
	// published price never changes, so a new price needs a new time.
	EffectiveFrom time.Time `yaml:"effective_from"`
}

// Wei is a non-negative integer amount of wei parsed from a decimal string or
// YAML integer. Its zero value is 0.
type Wei struct{ v *big.Int }

// NewWei returns w for an int64.
func NewWei(v int64) Wei { return Wei{big.NewInt(v)} }

// Big returns a copy of the amount.
func (w Wei) Big() *big.Int {
	if w.v == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(w.v)
}

// String is the decimal amount.
func (w Wei) String() string { return w.Big().String() }

// UnmarshalYAML accepts a decimal integer (quoted or not); never a float.
func (w *Wei) UnmarshalYAML(n *yaml.Node) error {
	// A *yaml.TypeError lets the decoder go on and report the file's other
	// problems too.
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a wei amount must be a decimal integer", n.Line)}}
	}
	v, ok := new(big.Int).SetString(strings.ReplaceAll(n.Value, "_", ""), 10)
	if !ok || v.Sign() < 0 {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: wei amount %q must be a non-negative decimal integer", n.Line, n.Value)}}
	}
	w.v = v
	return nil
}

// MarshalYAML writes the decimal string.
func (w Wei) MarshalYAML() (any, error) { return w.String(), nil }

// SecretRef points at a secret: a file holding it or an environment variable.
// The resolved value is held behind a pointer, so printing a SecretRef, or
// any struct holding one, with fmt never shows it.
type SecretRef struct {
	// File is a path to a file holding the secret (surrounding space trimmed).
	File string `yaml:"file"`
	// Env names an environment variable holding the secret.
	Env   string `yaml:"env"`
	value *Secret
}

// String describes where the secret comes from, never its value.
func (r SecretRef) String() string {
	switch {
	case r.File != "":
		return "secret(file " + r.File + ")"
	case r.Env != "":
		return "secret(env " + r.Env + ")"
	case r.value != nil:
		return "secret(set)"
	}
	return "secret(none)"
}

// GoString is String, so %#v hides the value too.
func (r SecretRef) GoString() string { return r.String() }

// Secret is a secret value; String and GoString hide it.
type Secret string

// String hides the secret.
func (Secret) String() string { return "[redacted]" }

// GoString hides the secret.
func (Secret) GoString() string { return "[redacted]" }

// Reveal returns the secret itself; call it only where the secret is used.
func (s Secret) Reveal() string { return string(s) }

// Value is the resolved secret ("" if none is configured).
func (r SecretRef) Value() Secret {
	if r.value == nil {
		return ""
	}
	return *r.value
}

// Set gives the reference a value directly (used by overrides and tests).
func (r *SecretRef) Set(v string) { s := Secret(v); r.value = &s }

func (r *SecretRef) resolve(getenv func(string) string) error {
	if r.Value() != "" {
		return nil
	}
	switch {
	case r.File != "":
		b, err := os.ReadFile(r.File)
		if err != nil {
			return fmt.Errorf("read secret file: %w", err)
		}
		r.Set(strings.TrimSpace(string(b)))
		if r.Value() == "" {
			return fmt.Errorf("secret file %s is empty", r.File)
		}
	case r.Env != "":
		r.Set(strings.TrimSpace(getenv(r.Env)))
		if r.Value() == "" {
			return fmt.Errorf("environment variable %s is empty or unset", r.Env)
		}
	}
	return nil
}

// Load reads the YAML file at path, applies environment overrides from
// getenv (os.Getenv when nil), fills defaults, resolves secrets and
// validates, the settlement section too when settlement.enabled is set. The
// error lists every problem found, each once (joined; most are
// *FieldError). A file that is not YAML at all is the one problem reported.
func Load(path string, getenv func(string) string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(b, getenv)
}

// LoadSettler is Load for a process that settles (`imogate settle`): the
// settlement section is resolved and validated (ValidateSettlement) whether
// or not settlement.enabled is set.
func LoadSettler(path string, getenv func(string) string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseSettler(b, getenv)
}

// Parse is Load on bytes.
func Parse(data []byte, getenv func(string) string) (*Config, error) {
	return parse(data, getenv, false)
}

// ParseSettler is LoadSettler on bytes.
func ParseSettler(data []byte, getenv func(string) string) (*Config, error) {
	return parse(data, getenv, true)
}

func parse(data []byte, getenv func(string) string, settler bool) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var c Config
	// read are the values that could not be read (a mistyped value, a bad
	// override, an unset secret): checks of those fields are not reported
	// on top (joinOnce).
	var read []error
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		// A type error leaves the other fields decoded: go on, so that
		// every problem is reported at once. Anything else (not YAML) stops.
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("parse config: %s", redactYAMLError(err))
		}
		read = append(read, typeErrors(data, te)...)
	}
	if err := c.applyEnv(getenv); err != nil {
		read = append(read, err)
	}
	c.Defaults()
	settling := settler || c.Settlement.Enabled
	read = append(read, c.resolveSecrets(getenv, settling)...)
	checks := []error{c.Validate()}
	if settling {
		checks = append(checks, c.ValidateSettlement())
	}
	if err := joinOnce(read, checks...); err != nil {
		return nil, err
	}
	return &c, nil
}

// Environment overrides, documented in deploy/imogate.example.yaml.
const (
	EnvListen             = "IMOGATE_LISTEN"
	EnvRedisURL           = "IMOGATE_REDIS_URL"
	EnvChainID            = "IMOGATE_CHAIN_ID"
	EnvSettlementContract = "IMOGATE_SETTLEMENT_CONTRACT"
	EnvSignerKey          = "IMOGATE_SIGNER_KEY"
	EnvAdminToken         = "IMOGATE_ADMIN_TOKEN"
	EnvLogLevel           = "IMOGATE_LOG_LEVEL"
	// EnvSettlementListen and EnvInstanceID let several processes share one
	// config file (settlement.listen, settlement.instance_id).
	EnvSettlementListen = "IMOGATE_SETTLEMENT_LISTEN"
	EnvInstanceID       = "IMOGATE_INSTANCE_ID"
	// EnvSettlementRPCURL replaces settlement.rpc_url: a provider's URL
	// often carries its API key, which belongs in a secret, not the file.
	EnvSettlementRPCURL = "IMOGATE_SETTLEMENT_RPC_URL"
)

func (c *Config) applyEnv(getenv func(string) string) error {
	if v := getenv(EnvListen); v != "" {
		c.Listen = v
	}
	if v := getenv(EnvRedisURL); v != "" {
		c.Redis.URL = v
	}
	if v := getenv(EnvSettlementContract); v != "" {
		c.Chain.SettlementContract = v
	}
	if v := getenv(EnvLogLevel); v != "" {
		c.Log.Level = v
	}
	if v := getenv(EnvSettlementListen); v != "" {
		c.Settlement.Listen = v
	}
	if v := getenv(EnvInstanceID); v != "" {
		c.Settlement.InstanceID = v
	}
	if v := getenv(EnvSettlementRPCURL); v != "" {
		c.Settlement.RPCURL = v
	}
	if v := getenv(EnvSignerKey); v != "" {
		c.Signer.Set(strings.TrimSpace(v))
	}
	if v := getenv(EnvAdminToken); v != "" {
		c.Admin.Token.Set(strings.TrimSpace(v))
	}
	if v := getenv(EnvChainID); v != "" {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fieldErr("chain.chain_id", "%s=%q is not a chain id", EnvChainID, v)
		}
		c.Chain.ChainID = id
	}
	return nil
}

// Defaults fills every unset optional field with its default.
func (c *Config) Defaults() {
	if c.Listen == "" {
		c.Listen = ":8080"
	}
	if c.Redis.Mode == "" {
		c.Redis.Mode = "standalone"
	}
	if c.Redis.URL == "" {
		c.Redis.URL = "redis://127.0.0.1:6379/0"
	}
	if c.Limits.MaxBodyBytes == 0 {
		c.Limits.MaxBodyBytes = 1 << 20
	}
	if c.Limits.ReservationGrace == 0 {
		c.Limits.ReservationGrace = 60 * time.Second
	}
	if c.Limits.IdempotencyTTL == 0 {
		c.Limits.IdempotencyTTL = 24 * time.Hour
	}
	if c.Limits.SweepInterval == 0 {
		c.Limits.SweepInterval = 10 * time.Second
	}
	if c.Limits.ReadTimeout == 0 {
		c.Limits.ReadTimeout = 30 * time.Second
	}
	if c.Limits.MaxConnections == 0 {
		c.Limits.MaxConnections = 10_000
	}
	if c.Limits.MaxConnectionsPerIP == 0 {
		c.Limits.MaxConnectionsPerIP = 256
	}
	if c.Limits.ReceiptIndexTTL == 0 {
		c.Limits.ReceiptIndexTTL = 30 * 24 * time.Hour
	}
	if c.Redis.Durability == "" {
		c.Redis.Durability = "none"
	}
	if c.Redis.DurabilityTimeout == 0 {
		c.Redis.DurabilityTimeout = time.Second
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Settlement.ArchiveDir == "" {
		c.Settlement.ArchiveDir = "archive"
	}
	for i := range c.Models {
		m := &c.Models[i]
		if m.Backend == "" {
			m.Backend = "openai"
		}
		if m.Upstream.Model == "" {
			m.Upstream.Model = m.Name
		}
		if m.Upstream.Timeout == 0 {
			m.Upstream.Timeout = 120 * time.Second
		}
		if m.MaxTokens == 0 {
			m.MaxTokens = 1024
		}
		if m.OwnedBy == "" {
			m.OwnedBy = "imogate"
		}
		if m.Upstream.API == "" {
			m.Upstream.API = "chat"
		}
		if m.Upstream.Kind == "" {
			m.Upstream.Kind = "openai"
		}
		if m.PromptOverheadTokens == 0 {
			m.PromptOverheadTokens = 256
		}
		if m.Tokenizer.Kind == "" {
			m.Tokenizer.Kind = "bytes"
		}
	}
}

// resolveSecrets reads every secret from its file or environment
// variable; settling says whether the settlement section's secrets are
// needed (else they are read if they can be, and not reported).
func (c *Config) resolveSecrets(getenv func(string) string, settling bool) []error {
	var errs []error
	add := func(path string, r *SecretRef) {
		if err := r.resolve(getenv); err != nil {
			errs = append(errs, &FieldError{Path: path, Err: err})
		}
	}
	add("signer", &c.Signer)
	add("admin.token", &c.Admin.Token)
	add("redis.password", &c.Redis.Password)
	add("redis.sentinel_password", &c.Redis.SentinelPassword)
	// The settlement secrets are needed only where settling is asked for;
	// ValidateSettlement reports them missing there.
	if settling {
		add("settlement.settler_key", &c.Settlement.SettlerKey)
		add("settlement.keystore_password", &c.Settlement.KeystorePassword)
	} else {
		_ = c.Settlement.SettlerKey.resolve(getenv)
		_ = c.Settlement.KeystorePassword.resolve(getenv)
	}
	if c.Settlement.ArchiveS3.Bucket != "" {
		add("settlement.archive_s3.access_key", &c.Settlement.ArchiveS3.AccessKey)
		add("settlement.archive_s3.secret_key", &c.Settlement.ArchiveS3.SecretKey)
	}
	for i := range c.JWT.Keys {
		add(fmt.Sprintf("jwt.keys[%d].secret", i), &c.JWT.Keys[i].Secret)
	}
	return errs
}

var modelNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$`)

// MaxCallFee bounds the most one call may cost (1 ether). It keeps every
// per-call amount, and every balance and counter built from them, inside the
// int64 range that Redis INCRBY/DECRBY compute exactly (DESIGN.md invariant 4).
var MaxCallFee = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// Validate checks the configuration (after Defaults) and returns every
// problem at once, each prefixed with the path of the field.
func (c *Config) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	switch c.Redis.Mode {
	case "standalone":
		if u, err := url.Parse(c.Redis.URL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			bad("redis.url", "%q is not a redis://, rediss:// or unix:// URL", RedactURL(c.Redis.URL))
		}
	case "sentinel", "cluster":
		if len(c.Redis.Addrs) == 0 {
			bad("redis.addrs", "%s mode needs the addresses (host:port) of its %s", c.Redis.Mode, map[string]string{"sentinel": "Sentinels", "cluster": "cluster nodes"}[c.Redis.Mode])
		}
		for i, a := range c.Redis.Addrs {
			if _, _, err := net.SplitHostPort(a); err != nil {
				bad(fmt.Sprintf("redis.addrs[%d]", i), "%q is not host:port", a)
			}
		}
		if c.Redis.Mode == "sentinel" && c.Redis.MasterName == "" {
			bad("redis.master_name", "sentinel mode needs the master name")
		}
		if c.Redis.Mode == "cluster" && c.Redis.DB != 0 {
			bad("redis.db", "Redis Cluster has only database 0")
		}
	default:
		bad("redis.mode", "%q is not standalone, sentinel or cluster", c.Redis.Mode)
	}
	if _, err := c.Redis.Replicas(); err != nil {
		bad("redis.durability", "%v", err)
	}
	for _, v := range []struct {
		path string
		bad  bool
	}{
		{"limits.reservation_grace", c.Limits.ReservationGrace < 0},
		{"limits.idempotency_ttl", c.Limits.IdempotencyTTL < 0},
		{"limits.sweep_interval", c.Limits.SweepInterval < 0},
		{"limits.read_timeout", c.Limits.ReadTimeout < 0},
		{"limits.max_connections", c.Limits.MaxConnections < 0},
		{"limits.max_connections_per_ip", c.Limits.MaxConnectionsPerIP < 0},
		{"limits.receipt_index_ttl", c.Limits.ReceiptIndexTTL < 0},
	} {
		if v.bad {
			bad(v.path, "must not be negative")
		}
	}
	if c.Limits.ReceiptIndexTTL > 0 && c.Limits.ReceiptIndexTTL < c.Limits.IdempotencyTTL {
		bad("limits.receipt_index_ttl", "must be at least limits.idempotency_ttl (%s): replays read it", c.Limits.IdempotencyTTL)
	}
	if c.Chain.ChainID == 0 {
		bad("chain.chain_id", "is required (the EVM chain id receipts are signed for)")
	}
	if !common.IsHexAddress(c.Chain.SettlementContract) {
		bad("chain.settlement_contract", "%q is not a 0x address", c.Chain.SettlementContract)
	}
	switch {
	case c.Signer.Value() == "" && (c.Signer.Env != "" || c.Signer.File != ""):
		// An unset variable or an empty file is reported where it is read.
	case c.Signer.Value() == "":
		bad("signer", "a receipt signer key is required (signer.file, signer.env or %s)", EnvSignerKey)
	default:
		if _, err := ParsePrivateKey(c.Signer.Value()); err != nil {
			bad("signer", "not a secp256k1 private key in hex (value not shown)")
		}
	}
	if c.Limits.MaxBodyBytes < 1024 {
		bad("limits.max_body_bytes", "must be at least 1024")
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	ids := map[string]bool{}
	for i, k := range c.JWT.Keys {
		p := fmt.Sprintf("jwt.keys[%d]", i)
		// A JWT subject's account is derived from (key id, iss, sub): with
		// several keys, each needs its own id or one key's holder could mint
		// tokens that spend another key's subjects' balances.
		if len(c.JWT.Keys) > 1 && k.ID == "" {
			bad(p+".id", "is required when several JWT keys are configured")
		} else if ids[k.ID] {
			bad(p+".id", "%q is used by another key", k.ID)
		}
		ids[k.ID] = true
		switch k.Algorithm {
		case "HS256":
			if len(k.Secret.Value()) < 32 {
				bad(p+".secret", "HS256 needs a secret of at least 32 bytes")
			}
		case "RS256", "ES256":
			if k.PublicKeyFile == "" {
				bad(p+".public_key_file", "%s needs a PEM public key file", k.Algorithm)
			} else if _, err := LoadJWTPublicKey(k); err != nil {
				bad(p+".public_key_file", "%v", err)
			}
		default:
			bad(p+".algorithm", "%q is not one of HS256, RS256, ES256", k.Algorithm)
		}
	}
	if len(c.Models) == 0 {
		bad("models", "at least one model is required")
	}
	seen := map[string]bool{}
	priceOf := map[string]Price{}
	for i, m := range c.Models {
		p := fmt.Sprintf("models[%d]", i)
		if !modelNameRE.MatchString(m.Name) {
			bad(p+".name", "%q must be 1-128 characters of letters, digits and ._:/-", m.Name)
		}
		if seen[m.Name] {
			bad(p+".name", "%q is configured twice", m.Name)
		}
		seen[m.Name] = true
		if !common.IsHexAddress(m.Token) {
			bad(p+".token", "%q is not a 0x address (the model's ERC-7641 token)", m.Token)
		}
		switch m.Backend {
		case "openai":
			if u, err := url.Parse(m.Upstream.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(p+".upstream.base_url", "%q is not an http(s) URL", m.Upstream.BaseURL)
			}
			if m.Upstream.Timeout < 0 {
				bad(p+".upstream.timeout", "must be positive")
			}
		case "demo":
		default:
			bad(p+".backend", "%q is not \"openai\" or \"demo\"", m.Backend)
		}
		if m.MaxTokens < 1 || m.MaxTokens > 1<<20 {
			bad(p+".max_tokens", "must be between 1 and 1048576")
		}
		switch m.Upstream.Kind {
		case "openai", "vllm", "llamacpp":
		default:
			bad(p+".upstream.kind", "%q is not openai, vllm or llamacpp", m.Upstream.Kind)
		}
		switch m.Upstream.API {
		case "chat":
		case "responses":
			if m.Backend != "openai" {
				bad(p+".upstream.api", "\"responses\" passes calls to an upstream server; the %s backend has none (use \"chat\")", m.Backend)
			}
		default:
			bad(p+".upstream.api", "%q is not chat or responses", m.Upstream.API)
		}
		if m.PromptOverheadTokens < 0 || m.PromptOverheadTokens > 1<<20 {
			bad(p+".prompt_overhead_tokens", "must be between 0 and 1048576")
		}
		for _, mt := range []struct {
			name string
			v    uint64
		}{{"image_tokens", m.Media.ImageTokens}, {"audio_tokens", m.Media.AudioTokens}, {"video_tokens", m.Media.VideoTokens}} {
			if mt.v > 1<<24 {
				bad(p+".media."+mt.name, "must be at most 16777216")
			}
		}
		switch m.Tokenizer.Kind {
		case "bytes":
		case "tiktoken":
			if m.Tokenizer.Encoding == "" {
				bad(p+".tokenizer.encoding", "a tiktoken encoding is required (o200k_base, cl100k_base, …)")
			}
		case "huggingface":
			if m.Tokenizer.File == "" {
				bad(p+".tokenizer.file", "the model's tokenizer.json is required")
			} else if _, err := os.Stat(m.Tokenizer.File); err != nil {
				bad(p+".tokenizer.file", "%v", err)
			}
		default:
			bad(p+".tokenizer.kind", "%q is not bytes, tiktoken or huggingface", m.Tokenizer.Kind)
		}
		if !m.Price.EffectiveFrom.IsZero() && m.Price.EffectiveFrom.Before(time.Unix(0, 0)) {
			bad(p+".price.effective_from", "must be after 1970-01-01")
		}
		if prev, ok := priceOf[m.Token]; ok && !samePrice(prev, m.Price) {
			bad(p+".price", "models sharing token %s must have the same price: a token has one price schedule", m.Token)
		}
		priceOf[m.Token] = m.Price
		if max := MaxFee(m, c.Limits.MaxBodyBytes); max.Cmp(MaxCallFee) > 0 {
			bad(p+".price", "the most one call can cost (%s wei) exceeds the per-call bound of %s wei", max, MaxCallFee)
		}
	}
	return errors.Join(errs...)
}

func samePrice(a, b Price) bool {
	return a.PerRequest.String() == b.PerRequest.String() && a.Per1KPrompt.String() == b.Per1KPrompt.String() &&
		a.Per1KCompletion.String() == b.Per1KCompletion.String() && a.Per1KEmbedding.String() == b.Per1KEmbedding.String() &&
		a.EffectiveFrom.Equal(b.EffectiveFrom)
}

// MaxFee is the most one ordinary call to m can cost (one prompt, one
// sequence, no media): per-request price plus every token of the largest
// possible prompt (one token per body byte, an upper bound for any
// byte-level tokenizer, plus the template overhead) and of max_tokens
// completion tokens. Larger requests (n, prompt arrays, media) are bounded
// per request by the gateway.
func MaxFee(m Model, maxBodyBytes int) *big.Int {
	prompt := metering.Per1K(m.Price.Per1KPrompt.Big(), uint64(maxBodyBytes)+uint64(max(m.PromptOverheadTokens, 0)))
	if e := metering.Per1K(m.Price.Per1KEmbedding.Big(), uint64(maxBodyBytes)); e.Cmp(prompt) > 0 {
		prompt = e
	}
	total := m.Price.PerRequest.Big()
	total.Add(total, prompt)
	return total.Add(total, metering.Per1K(m.Price.Per1KCompletion.Big(), uint64(m.MaxTokens)))
}

// ModelByName returns the model with the public name, if configured.
func (c *Config) ModelByName(name string) (Model, bool) {
	for _, m := range c.Models {
		if m.Name == name {
			return m, true
		}
	}
	return Model{}, false
}

// backquoted matches the values yaml quotes in its errors (`value`).
var backquoted = regexp.MustCompile("`[^`]*`")

// redactYAMLError drops the values yaml quotes in its messages: a secret
// pasted inline into the file must not come back in an error.
func redactYAMLError(err error) string {
	return backquoted.ReplaceAllString(err.Error(), "`…`")
}

// RedactURL hides the user info (password) of a URL.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); i > 0 {
			if j := strings.Index(raw, "://"); j >= 0 && j < i {
				return raw[:j+3] + "***" + raw[i:]
			}
			return "***" + raw[i:]
		}
		return raw
	}
	u.User = url.User("***")
	return u.String()
}
