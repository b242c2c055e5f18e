package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imogate/imogate/config"
)

// problems splits a Parse error into its lines, one problem each.
func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		t.Fatal("the config was accepted")
	}
	return strings.Split(err.Error(), "\n")
}

// countPrefix counts the lines starting with "path: ".
func countPrefix(lines []string, path string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, path+": ") {
			n++
		}
	}
	return n
}

// TestParseReportsEachProblemOnce gives a file with problems of every
// source at once (a mistyped value, an unknown field, a bad override, unset
// secrets, checks, the settlement section) and wants each reported once,
// with its field path, and none left out.
func TestParseReportsEachProblemOnce(t *testing.T) {
	const data = `
bogus: 1
chain: {settlement_contract: "nope"}
signer: {env: UNSET_SIGNER}
limits:
  max_connections: -1
  read_timeout: 5x
jwt:
  keys:
    - {id: a, algorithm: HS256, secret: {env: UNSET_JWT}}
settlement:
  enabled: true
  rpc_url: "ftp://x"
  settler_key: {env: UNSET_SETTLER}
  archive_s3: {bucket: b, access_key: {env: UNSET_AK}, secret_key: {env: UNSET_SK}}
models:
  - name: m
    token: "0x12"
    backend: demo
    max_tokens: lots
    price:
      per_request_wei: 1.5
`
	want := []string{
		"bogus",                            // unknown field
		"chain.chain_id",                   // IMOGATE_CHAIN_ID, not also "is required"
		"chain.settlement_contract",        // check
		"signer",                           // unset variable, not also "required"
		"limits.max_connections",           // check
		"limits.read_timeout",              // mistyped duration
		"jwt.keys[0].secret",               // unset variable, not also "at least 32 bytes"
		"settlement.rpc_url",               // settlement check (enabled)
		"settlement.settler_key",           // unset variable, not also by ValidateSettlement
		"settlement.archive_s3.endpoint",   // settlement check
		"settlement.archive_s3.access_key", // unset variable, not also "required with a bucket"
		"settlement.archive_s3.secret_key", // unset variable, not also "required with a bucket"
		"models[0].token",                  // check
		"models[0].max_tokens",             // mistyped integer
		"models[0].price.per_request_wei",  // not a wei amount (the decoder goes on after it)
	}
	_, err := config.Parse([]byte(data), env(map[string]string{config.EnvChainID: "mainnet"}))
	lines := problems(t, err)
	for _, p := range want {
		if n := countPrefix(lines, p); n != 1 {
			t.Errorf("%s is reported %d times, want once", p, n)
		}
	}
	if len(lines) != len(want) {
		t.Errorf("%d problems reported, want %d", len(lines), len(want))
	}
	for _, l := range lines {
		if !strings.Contains(l, ": ") || strings.Count(err.Error(), l) != 1 {
			t.Errorf("line %q has no path or is repeated", l)
		}
	}
	for _, w := range []string{"IMOGATE_CHAIN_ID", "UNSET_JWT", "unknown field", `"1.5"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the problems do not mention %s", w)
		}
	}
	if t.Failed() {
		t.Logf("problems:\n%s", err)
	}
	var fe *config.FieldError
	if !errors.As(err, &fe) {
		t.Error("no *FieldError in the joined error")
	}
}

// TestTypeErrorPaths: a value of the wrong type is reported with its field
// path, once, its value hidden; the checks do not report the field again.
// Where a line holds several fields the message could be about, it keeps
// its line number only, and both problems are reported.
func TestTypeErrorPaths(t *testing.T) {
	const valid = `chain: {chain_id: 1337, settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
signer: {env: TEST_SIGNER}
`
	const model = "models:\n  - {name: m, token: \"0x1111111111111111111111111111111111111111\", backend: demo}\n"
	tests := []struct {
		name, yaml string
		path       string // "" : no path, the line number only
		count      int    // problems expected in all
		hidden     string // must not appear
	}{
		{"flow mapping", "chain: {chain_id: abc, settlement_contract: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"}\nsigner: {env: TEST_SIGNER}\n" + model,
			"chain.chain_id", 1, ""},
		{"block mapping", valid + "limits:\n  read_timeout: sk-live-abcdefgh\n" + model, "limits.read_timeout", 1, "sk-live"},
		{"in a list item", valid + "models:\n  - name: m\n    token: \"0x1111111111111111111111111111111111111111\"\n    backend: demo\n    max_tokens: lots\n",
			"models[0].max_tokens", 1, "lots"},
		{"a list for a struct", "chain: [1]\nsigner: {env: TEST_SIGNER}\n" + model, "chain", 1, ""},
		{"unknown field", valid + model + "redis: {urll: x}\n", "redis.urll", 1, ""},
		{"field set twice", valid + model + "log: {level: info, level: debug}\n", "log.level", 1, ""},
		{"same line, same value", valid + "models: [{name: a, token: \"0x1111111111111111111111111111111111111111\", backend: demo, max_tokens: x}, " +
			"{name: b, token: \"0x2222222222222222222222222222222222222222\", backend: demo, max_tokens: x}]\n", "", 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tc.yaml), env(map[string]string{"TEST_SIGNER": newSignerHex(t)}))
			lines := problems(t, err)
			if len(lines) != tc.count {
				t.Errorf("%d problems, want %d:\n%s", len(lines), tc.count, err)
			}
			if tc.path != "" && countPrefix(lines, tc.path) != 1 {
				t.Errorf("want one problem at %s:\n%s", tc.path, err)
			}
			if tc.path == "" && !strings.HasPrefix(lines[0], "line ") {
				t.Errorf("want a line number for an unclear field:\n%s", err)
			}
			if tc.hidden != "" && strings.Contains(err.Error(), tc.hidden) {
				t.Errorf("the value %q is shown:\n%s", tc.hidden, err)
			}
		})
	}
}

// TestParseSettler checks the settlement section where settling is asked
// for: Parse leaves a disabled section alone, ParseSettler reports each of
// its problems once.
func TestParseSettler(t *testing.T) {
	data := minimal + "settlement: {rpc_url: 'http://127.0.0.1:8545', settler_key: {env: UNSET_SETTLER}, archive_s3: {bucket: b, endpoint: s3, access_key: {env: AK}}}\n"
	e := env(map[string]string{"TEST_SIGNER": newSignerHex(t), "AK": "access"})
	if _, err := config.Parse([]byte(data), e); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	_, err := config.ParseSettler([]byte(data), e)
	lines := problems(t, err)
	for _, p := range []string{"settlement.settler_key", "settlement.archive_s3.secret_key"} {
		if countPrefix(lines, p) != 1 {
			t.Errorf("want one problem at %s", p)
		}
	}
	if len(lines) != 2 {
		t.Errorf("%d problems, want 2:\n%s", len(lines), err)
	}
	path := writeFile(t, "settle.yaml", data)
	if _, err := config.LoadSettler(path, e); err == nil || !strings.Contains(err.Error(), "UNSET_SETTLER") {
		t.Fatalf("LoadSettler: %v", err)
	}
}
