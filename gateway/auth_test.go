package gateway

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/golang-jwt/jwt/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

// testNow is the verifier's clock in the JWT tests.
var testNow = time.Unix(1_700_000_000, 0)

func fixedNow() time.Time { return testNow }

const (
	testIssuer   = "https://auth.example.com"
	testAudience = "imogate"
	testSecret   = "0123456789abcdef0123456789abcdef-hs256-test-secret"
)

// hsKey is an HS256 key config with its secret set.
func hsKey(id, secret, issuer, audience string) config.JWTKey {
	k := config.JWTKey{ID: id, Algorithm: "HS256", Issuer: issuer, Audience: audience}
	k.Secret.Set(secret)
	return k
}

// writePEM writes pub as a PKIX PEM public key file and returns its path and bytes.
func writePEM(t *testing.T, pub any) (string, []byte) {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, b
}

// validClaims are claims every key accepts, adjusted per case.
func validClaims(mod func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{
		"sub":    "alice",
		"iss":    testIssuer,
		"aud":    testAudience,
		"exp":    testNow.Add(time.Hour).Unix(),
		"iat":    testNow.Add(-time.Minute).Unix(),
		"role":   "app",
		"models": []string{"imogate-demo"},
		"rpm":    60,
		"tpm":    1000,
	}
	if mod != nil {
		mod(c)
	}
	return c
}

// sign signs claims with method and key, setting the kid header when non-empty.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign %s token: %v", method.Alg(), err)
	}
	return s
}

// tamper flips one character in the middle of the token's signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[2]) < 4 {
		t.Fatalf("not a signed JWT: %q", tok)
	}
	sig := []byte(parts[2])
	i := len(sig) / 2
	if sig[i] == 'A' {
		sig[i] = 'B'
	} else {
		sig[i] = 'A'
	}
	return parts[0] + "." + parts[1] + "." + string(sig)
}

// swapPayload keeps tok's header and signature but replaces its claims.
func swapPayload(t *testing.T, tok string, claims jwt.MapClaims) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return parts[0] + "." + new(jwt.Token).EncodeSegment(b) + "." + parts[2]
}

func TestJWTVerify(t *testing.T) {
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPath, rsaPEM := writePEM(t, &rsaPriv.PublicKey)
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPath, _ := writePEM(t, &ecPriv.PublicKey)
	otherEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	hs := []config.JWTKey{hsKey("main", testSecret, testIssuer, testAudience)}
	rs := []config.JWTKey{{ID: "rsa", Algorithm: "RS256", PublicKeyFile: rsaPath, Issuer: testIssuer}}
	es := []config.JWTKey{{ID: "ec", Algorithm: "ES256", PublicKeyFile: ecPath}}
	hsTok := func(mod func(jwt.MapClaims)) string {
		return sign(t, jwt.SigningMethodHS256, []byte(testSecret), "main", validClaims(mod))
	}

	tests := []struct {
		name    string
		keys    []config.JWTKey
		token   string
		want    *Principal // nil: refused with 401
		wantMsg string     // part of the refusal message
	}{
		{
			name: "HS256 valid", keys: hs, token: hsTok(nil),
			want: &Principal{Account: JWTAccount("main", testIssuer, "alice"), Name: "alice", Role: apikey.RoleApp,
				Models: []string{"imogate-demo"}, RPM: 60, TPM: 1000, Via: "jwt"},
		},
		{
			name: "HS256 without kid header", keys: hs,
			token: sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", validClaims(nil)),
			want: &Principal{Account: JWTAccount("main", testIssuer, "alice"), Name: "alice", Role: apikey.RoleApp,
				Models: []string{"imogate-demo"}, RPM: 60, TPM: 1000, Via: "jwt"},
		},
		{
			name: "role defaults to app", keys: hs, token: hsTok(func(c jwt.MapClaims) { delete(c, "role") }),
			want: &Principal{Account: JWTAccount("main", testIssuer, "alice"), Name: "alice", Role: apikey.RoleApp,
				Models: []string{"imogate-demo"}, RPM: 60, TPM: 1000, Via: "jwt"},
		},
		{
			name: "expired within leeway accepted", keys: hs,
			token: hsTok(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-10 * time.Second).Unix() }),
			want: &Principal{Account: JWTAccount("main", testIssuer, "alice"), Name: "alice", Role: apikey.RoleApp,
				Models: []string{"imogate-demo"}, RPM: 60, TPM: 1000, Via: "jwt"},
		},
		{
			name: "expired beyond leeway", keys: hs, wantMsg: "expired",
			token: hsTok(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-31 * time.Second).Unix() }),
		},
		{
			name: "missing exp", keys: hs, wantMsg: "exp",
			token: hsTok(func(c jwt.MapClaims) { delete(c, "exp") }),
		},
		{
			name: "nbf in the future", keys: hs, wantMsg: "not valid yet",
			token: hsTok(func(c jwt.MapClaims) { c["nbf"] = testNow.Add(5 * time.Minute).Unix() }),
		},
		{
			name: "wrong iss", keys: hs, wantMsg: "iss/aud",
			token: hsTok(func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com" }),
		},
		{
			// The message must name the claim that is missing, not exp.
			name: "missing iss when one is configured", keys: hs, wantMsg: "iss",
			token: hsTok(func(c jwt.MapClaims) { delete(c, "iss") }),
		},
		{
			name: "missing aud when one is configured", keys: hs, wantMsg: "aud",
			token: hsTok(func(c jwt.MapClaims) { delete(c, "aud") }),
		},
		{
			name: "wrong aud", keys: hs, wantMsg: "iss/aud",
			token: hsTok(func(c jwt.MapClaims) { c["aud"] = []string{"someone-else"} }),
		},
		{
			name: "alg none refused", keys: hs, wantMsg: "invalid JWT",
			token: sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "main", validClaims(nil)),
		},
		{
			// The classic confusion: the verifier holds an RSA public key; an
			// attacker signs with HMAC using the public PEM as the secret.
			name: "algorithm confusion HS256 with RSA PEM as secret", keys: rs, wantMsg: "invalid JWT",
			token: sign(t, jwt.SigningMethodHS256, rsaPEM, "rsa", validClaims(nil)),
		},
		{
			name: "algorithm confusion without kid", keys: rs, wantMsg: "invalid JWT",
			token: sign(t, jwt.SigningMethodHS256, rsaPEM, "", validClaims(nil)),
		},
		{
			name: "RS256 valid", keys: rs, token: sign(t, jwt.SigningMethodRS256, rsaPriv, "rsa", validClaims(nil)),
			want: &Principal{Account: JWTAccount("rsa", testIssuer, "alice"), Name: "alice", Role: apikey.RoleApp,
				Models: []string{"imogate-demo"}, RPM: 60, TPM: 1000, Via: "jwt"},
		},
		{
			name: "RS256 key refuses an RS384 token", keys: rs, wantMsg: "invalid JWT",
			token: sign(t, jwt.SigningMethodRS384, rsaPriv, "rsa", validClaims(nil)),
		},
		{
			name: "ES256 valid", keys: es,
			token: sign(t, jwt.SigningMethodES256, ecPriv, "ec", validClaims(func(c jwt.MapClaims) {
				c["sub"] = "bob"
				c["role"] = "auditor"
				c["models"] = []string{"*"}
			})),
			want: &Principal{Account: JWTAccount("ec", testIssuer, "bob"), Name: "bob", Role: apikey.RoleAuditor,
				Models: []string{"*"}, RPM: 60, TPM: 1000, Via: "jwt"},
		},
		{
			name: "ES256 signed by another key", keys: es, wantMsg: "invalid JWT",
			token: sign(t, jwt.SigningMethodES256, otherEC, "ec", validClaims(nil)),
		},
		{
			name: "wrong kid", keys: hs, wantMsg: "invalid JWT",
			token: sign(t, jwt.SigningMethodHS256, []byte(testSecret), "other", validClaims(nil)),
		},
		{
			name: "unknown role", keys: hs, wantMsg: "role",
			token: hsTok(func(c jwt.MapClaims) { c["role"] = "superuser" }),
		},
		{
			name: "missing sub", keys: hs, wantMsg: "sub",
			token: hsTok(func(c jwt.MapClaims) { delete(c, "sub") }),
		},
		{
			name: "tampered signature", keys: hs, wantMsg: "invalid JWT", token: tamper(t, hsTok(nil)),
		},
		{
			name: "tampered payload (role raised to admin)", keys: hs, wantMsg: "invalid JWT",
			token: swapPayload(t, hsTok(nil), validClaims(func(c jwt.MapClaims) { c["role"] = "admin" })),
		},
		{
			name: "HS256 signed with another secret", keys: hs, wantMsg: "invalid JWT",
			token: sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 48)), "main", validClaims(nil)),
		},
		{
			name: "no keys configured", keys: nil, wantMsg: "not configured", token: hsTok(nil),
		},
		{
			name: "garbage", keys: hs, wantMsg: "invalid JWT", token: "a.b.c",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := newJWTVerifier(tt.keys, fixedNow)
			if err != nil {
				t.Fatalf("newJWTVerifier: %v", err)
			}
			p, err := v.verify(tt.token)
			if tt.want != nil {
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				if p.Account != tt.want.Account || p.Name != tt.want.Name || p.Role != tt.want.Role ||
					!slices.Equal(p.Models, tt.want.Models) || p.RPM != tt.want.RPM || p.TPM != tt.want.TPM || p.Via != tt.want.Via {
					t.Fatalf("principal = %+v, want %+v", *p, *tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("verify accepted the token: principal %+v", *p)
			}
			assertUnauthorized(t, err, tt.wantMsg)
		})
	}
}

// assertUnauthorized checks err is a 401 APIError whose texts contain msg and
// never the secret.
func assertUnauthorized(t *testing.T, err error, msg string) {
	t.Helper()
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if ae.Status != http.StatusUnauthorized || ae.Code != "invalid_api_key" {
		t.Fatalf("status/code = %d/%s, want 401/invalid_api_key", ae.Status, ae.Code)
	}
	if !strings.Contains(ae.Message, msg) {
		t.Fatalf("message %q does not contain %q", ae.Message, msg)
	}
	for _, s := range []string{err.Error(), ae.Message} {
		if strings.Contains(s, testSecret) {
			t.Fatalf("error text contains the HS256 secret: %q", s)
		}
	}
}

func TestNewJWTVerifierRefusesBadKeyFiles(t *testing.T) {
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPath, _ := writePEM(t, &ecPriv.PublicKey)
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  config.JWTKey
	}{
		{"missing file", config.JWTKey{Algorithm: "RS256", PublicKeyFile: filepath.Join(t.TempDir(), "absent.pem")}},
		{"EC key for RS256", config.JWTKey{Algorithm: "RS256", PublicKeyFile: ecPath}},
		{"no PEM block", config.JWTKey{Algorithm: "ES256", PublicKeyFile: garbage}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newJWTVerifier([]config.JWTKey{tt.key}, fixedNow); err == nil {
				t.Fatal("newJWTVerifier accepted a bad key file")
			}
		})
	}
}

func TestJWTAccount(t *testing.T) {
	a := JWTAccount("main", testIssuer, "alice")
	if a != JWTAccount("main", testIssuer, "alice") {
		t.Fatal("JWTAccount is not stable")
	}
	if !strings.HasPrefix(a, "jwt_") || len(a) != len("jwt_")+24 {
		t.Fatalf("JWTAccount = %q, want jwt_ and 24 hex digits", a)
	}
	if _, err := hex.DecodeString(strings.TrimPrefix(a, "jwt_")); err != nil {
		t.Fatalf("JWTAccount %q is not hex after jwt_: %v", a, err)
	}
	others := []struct{ kid, iss, sub string }{
		{"main", testIssuer, "bob"},
		{"main", "https://other.example.com", "alice"},
		{"main", "", "alice"},
		{"main", testIssuer + "a", "lice"}, // separators keep the parts apart
		{"mai", "n" + testIssuer, "alice"},
		{"main", testIssuer, ""},
		{"partner", testIssuer, "alice"},
		{"", testIssuer, "alice"},
	}
	seen := map[string]string{a: "main|" + testIssuer + "|alice"}
	for _, o := range others {
		got := JWTAccount(o.kid, o.iss, o.sub)
		if prev, dup := seen[got]; dup {
			t.Fatalf("JWTAccount(%q, %q, %q) = %s, same as %s", o.kid, o.iss, o.sub, got, prev)
		}
		seen[got] = o.kid + "|" + o.iss + "|" + o.sub
	}
}

// TestJWTAccountsOfDifferentKeysNeverCollide checks that a holder of one
// configured key cannot mint tokens that pay from (or read the receipts of)
// the accounts of another key's subjects by claiming that key's issuer. The
// key id is optional in the config (config.JWTKey.ID), so keys without ids
// must stay apart too.
func TestJWTAccountsOfDifferentKeysNeverCollide(t *testing.T) {
	const partnerSecret = "partner-secret-partner-secret-partner-secret"
	tests := []struct {
		name              string
		mainID, partnerID string
		kid               string // kid header of the partner's forged token
	}{
		{"ids set, forged token with kid", "main", "partner", "partner"},
		{"ids set, forged token without kid", "main", "partner", ""},
		{"no ids", "", "", ""},
	}
	claims := validClaims(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := []config.JWTKey{
				hsKey(tt.mainID, testSecret, testIssuer, ""),
				hsKey(tt.partnerID, partnerSecret, "", ""), // no issuer pinned, like the example's partner key
			}
			v, err := newJWTVerifier(keys, fixedNow)
			if tt.mainID == "" {
				// Several keys without ids cannot be told apart: refused at start.
				if err == nil {
					t.Fatal("several JWT keys without ids were accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			legit, err := v.verify(sign(t, jwt.SigningMethodHS256, []byte(testSecret), tt.mainID, claims))
			if err != nil {
				t.Fatalf("main key token refused: %v", err)
			}
			p, err := v.verify(sign(t, jwt.SigningMethodHS256, []byte(partnerSecret), tt.kid, claims))
			if err != nil {
				return // refusing the forged issuer is fine
			}
			if p.Account == legit.Account {
				t.Fatalf("a token signed by the partner key claiming iss %q gets account %s, the account of the main key's subject %q",
					testIssuer, p.Account, "alice")
			}
		})
	}
}

// testGateway is a full gateway on the test Redis with one demo model.
type testGateway struct {
	srv        *Server
	store      *redisstore.Store
	adminToken string
	jwtSecret  string
	token      common.Address
	clk        *testClock
}

func newTestGateway(t *testing.T) *testGateway {
	t.Helper()
	rdb := testredis.Client(t)
	store := redisstore.New(rdb, nil)
	key, err := ethcrypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	var tok, settlement common.Address
	if _, err := rand.Read(tok[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(settlement[:]); err != nil {
		t.Fatal(err)
	}
	var adm [24]byte
	if _, err := rand.Read(adm[:]); err != nil {
		t.Fatal(err)
	}
	g := &testGateway{store: store, token: tok, adminToken: "adm-" + hex.EncodeToString(adm[:]), jwtSecret: testSecret, clk: &testClock{t: time.Now()}}
	srv, err := New(Config{
		Models: []Model{{
			Name: "imogate-demo", Token: tok, Upstream: "imogate-demo", Backend: demo.New(demo.Config{}),
			Price:     metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000},
			MaxTokens: 256, Timeout: 10 * time.Second, OwnedBy: "imogate", Demo: true,
		}},
		Store:        store,
		Signer:       metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), settlement)),
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Registry:     prometheus.NewRegistry(),
		JWTKeys:      []config.JWTKey{hsKey("main", testSecret, testIssuer, "")},
		AdminToken:   g.adminToken,
		MaxBodyBytes: 1 << 20,
		Now:          g.clk.now,
	})
	if err != nil {
		t.Fatalf("gateway.New: %v", err)
	}
	g.srv = srv
	return g
}

// do sends a request with the bearer credential (none when empty) and
// returns the status and body.
func (g *testGateway) do(t *testing.T, method, path, bearer string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := g.srv.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestAuthenticateHTTP(t *testing.T) {
	g := newTestGateway(t)
	ctx := t.Context()
	appKey, appSecret, err := g.store.CreateKey(ctx, apikey.Key{Name: "auth-test-app", Role: apikey.RoleApp, Models: []string{"imogate-demo"}})
	if err != nil {
		t.Fatal(err)
	}
	_, revokedSecret, err := g.store.CreateKey(ctx, apikey.Key{Name: "auth-test-revoked", Role: apikey.RoleApp, Models: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	revokedKey, err := g.store.LookupKey(ctx, revokedSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.store.RevokeKey(ctx, revokedKey.ID); err != nil {
		t.Fatal(err)
	}
	var unknown [32]byte
	if _, err := rand.Read(unknown[:]); err != nil {
		t.Fatal(err)
	}
	unknownSecret := apikey.Prefix + hex.EncodeToString(unknown[:])
	// The gateway runs on the wall clock.
	live := func(c jwt.MapClaims) {
		c["exp"] = time.Now().Add(time.Hour).Unix()
		c["iat"] = time.Now().Add(-time.Minute).Unix()
	}
	appJWT := sign(t, jwt.SigningMethodHS256, []byte(testSecret), "main", validClaims(live))
	adminJWT := sign(t, jwt.SigningMethodHS256, []byte(testSecret), "main", validClaims(func(c jwt.MapClaims) { live(c); c["role"] = "admin" }))
	expiredJWT := sign(t, jwt.SigningMethodHS256, []byte(testSecret), "main",
		validClaims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }))

	tests := []struct {
		name     string
		method   string
		path     string
		bearer   string
		rawAuth  string // sent as the whole Authorization header instead of bearer
		status   int
		code     string // error code, when status is not 200
		contains string // part of a 200 body
	}{
		{name: "valid key lists models", method: "GET", path: "/v1/models", bearer: appSecret, status: 200, contains: `"imogate-demo"`},
		{name: "revoked key", method: "GET", path: "/v1/models", bearer: revokedSecret, status: 401, code: "invalid_api_key"},
		{name: "unknown imk_ key", method: "GET", path: "/v1/models", bearer: unknownSecret, status: 401, code: "invalid_api_key"},
		{name: "no header", method: "GET", path: "/v1/models", status: 401, code: "invalid_api_key"},
		{name: "not a bearer header", method: "GET", path: "/v1/models", rawAuth: "Basic " + appSecret, status: 401, code: "invalid_api_key"},
		{name: "empty bearer", method: "GET", path: "/v1/models", rawAuth: "Bearer   ", status: 401, code: "invalid_api_key"},
		{name: "not a key or JWT", method: "GET", path: "/v1/models", bearer: "sk-something", status: 401, code: "invalid_api_key"},
		{name: "admin token on admin keys", method: "GET", path: "/admin/keys", bearer: g.adminToken, status: 200, contains: appKey.ID},
		{name: "admin token on v1", method: "GET", path: "/v1/models", bearer: g.adminToken, status: 200, contains: `"imogate-demo"`},
		{name: "app key on admin", method: "GET", path: "/admin/keys", bearer: appSecret, status: 403, code: "forbidden"},
		{name: "revoked key on admin", method: "GET", path: "/admin/keys", bearer: revokedSecret, status: 401, code: "invalid_api_key"},
		{name: "app JWT on admin", method: "GET", path: "/admin/keys", bearer: appJWT, status: 403, code: "forbidden"},
		{name: "app JWT lists models", method: "GET", path: "/v1/models", bearer: appJWT, status: 200, contains: `"imogate-demo"`},
		{name: "admin JWT on admin", method: "GET", path: "/admin/keys", bearer: adminJWT, status: 200, contains: appKey.ID},
		{name: "expired JWT", method: "GET", path: "/v1/models", bearer: expiredJWT, status: 401, code: "invalid_api_key"},
		{name: "admin token with a suffix", method: "GET", path: "/admin/keys", bearer: g.adminToken + "x", status: 401, code: "invalid_api_key"},
	}
	secrets := []string{appSecret, revokedSecret, unknownSecret, g.adminToken, testSecret}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(t.Context(), tt.method, tt.path, nil)
			switch {
			case tt.rawAuth != "":
				req.Header.Set("Authorization", tt.rawAuth)
			case tt.bearer != "":
				req.Header.Set("Authorization", "Bearer "+tt.bearer)
			}
			resp, err := g.srv.App().Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			for _, s := range secrets {
				if strings.Contains(string(body), s) {
					t.Fatalf("response body contains a secret: %s", body)
				}
				for k, vs := range resp.Header {
					for _, v := range vs {
						if strings.Contains(v, s) {
							t.Fatalf("response header %s contains a secret", k)
						}
					}
				}
			}
			if tt.status == http.StatusOK {
				if !strings.Contains(string(body), tt.contains) {
					t.Fatalf("body %s does not contain %s", body, tt.contains)
				}
				return
			}
			assertOpenAIError(t, body, tt.code)
		})
	}
}

// assertOpenAIError checks body is OpenAI's error JSON with the code.
func assertOpenAIError(t *testing.T, body []byte, code string) {
	t.Helper()
	var e struct {
		Error *struct {
			Message *string `json:"message"`
			Type    *string `json:"type"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s is not JSON: %v", body, err)
	}
	if e.Error == nil || e.Error.Message == nil || *e.Error.Message == "" || e.Error.Type == nil || *e.Error.Type == "" || e.Error.Code == nil {
		t.Fatalf("error body %s is not OpenAI's error shape", body)
	}
	if *e.Error.Code != code {
		t.Fatalf("error code = %q, want %q (body %s)", *e.Error.Code, code, body)
	}
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestRevokeTakesEffect checks a key that worked stops working once revoked.
func TestRevokeTakesEffect(t *testing.T) {
	g := newTestGateway(t)
	k, secret, err := g.store.CreateKey(t.Context(), apikey.Key{Name: "auth-test-revoke-live", Role: apikey.RoleApp, Models: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		revoke bool
		status int
	}{
		{"before revoke", false, http.StatusOK},
		{"after revoke", true, http.StatusUnauthorized},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.revoke {
				if err := g.store.RevokeKey(t.Context(), k.ID); err != nil {
					t.Fatal(err)
				}
				// Another process revoked it: this gateway's key cache
				// forgets it within its TTL (2 s).
				g.clk.advance(2*time.Second + time.Millisecond)
			}
			status, body := g.do(t, "GET", "/v1/models", secret)
			if status != st.status {
				t.Fatalf("status = %d, want %d; body %s", status, st.status, body)
			}
			if strings.Contains(string(body), secret) {
				t.Fatalf("body contains the API key: %s", body)
			}
			if st.status != http.StatusOK {
				assertOpenAIError(t, body, "invalid_api_key")
			}
		})
	}
}
