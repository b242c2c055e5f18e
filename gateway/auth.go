package gateway

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/config"
)

// Principal is an authenticated caller.
type Principal struct {
	Account string   // the paying account: API key id, or "jwt_…" for a JWT subject
	Name    string   // key name or JWT subject, for logs
	Role    string   // app, owner, auditor or admin
	Models  []string // public model names the caller may use; "*" = all
	RPM     int64    // requests per minute, 0 = unlimited
	TPM     int64    // tokens per minute, 0 = unlimited
	Via     string   // "api_key", "jwt" or "admin_token"
}

// Allows reports whether the principal may use the model.
func (p *Principal) Allows(model string) bool {
	return slices.Contains(p.Models, "*") || slices.Contains(p.Models, model)
}

const principalKey = "imogate.principal"

func principalOf(c *fiber.Ctx) *Principal {
	p, _ := c.Locals(principalKey).(*Principal)
	return p
}

func unauthorized(format string, args ...any) *APIError {
	return apiErr(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", format, args...)
}

// authenticate is the middleware that resolves the bearer credential into a
// Principal: an imogate API key, a JWT, or (admin routes) the admin token.
func (s *Server) authenticate(c *fiber.Ctx) error {
	if _, err := s.principal(c); err != nil {
		return err
	}
	return c.Next()
}

// principal resolves the request's credential into a Principal and keeps
// it in the request's locals.
func (s *Server) principal(c *fiber.Ctx) (*Principal, error) {
	tok, ok := bearerToken(c)
	if !ok {
		return nil, unauthorized("missing credentials: send Authorization: Bearer <API key or JWT> (or x-api-key: <API key>)")
	}
	p, err := s.resolve(c.UserContext(), tok)
	if err != nil {
		return nil, err
	}
	c.Locals(principalKey, p)
	return p, nil
}

// bearerToken is the request's credential: the token of an
// "Authorization: Bearer <token>" header, or else of an "x-api-key" header
// (how Anthropic's SDKs send their key).
func bearerToken(c *fiber.Ctx) (string, bool) {
	auth := c.Get(fiber.HeaderAuthorization)
	if auth == "" {
		tok := strings.TrimSpace(c.Get("X-Api-Key"))
		return tok, tok != ""
	}
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	tok = strings.TrimSpace(tok)
	return tok, ok && tok != ""
}

func (s *Server) resolve(ctx context.Context, tok string) (*Principal, error) {
	switch {
	case strings.HasPrefix(tok, apikey.Prefix):
		if p := s.keys.get(tok); p != nil {
			return p, nil
		}
		k, err := s.store.LookupKey(ctx, tok)
		if errors.Is(err, apikey.ErrNotFound) {
			return nil, unauthorized("invalid API key")
		}
		if err != nil {
			return nil, err
		}
		p := &Principal{Account: k.ID, Name: k.Name, Role: k.Role, Models: k.Models, RPM: k.RPM, TPM: k.TPM, Via: "api_key"}
		s.keys.put(tok, p)
		return p, nil
	case s.adminToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.adminToken)) == 1:
		return &Principal{Account: "admin", Name: "admin-token", Role: apikey.RoleAdmin, Models: []string{"*"}, Via: "admin_token"}, nil
	case strings.Count(tok, ".") == 2:
		return s.jwt.verify(tok)
	}
	return nil, unauthorized("invalid credentials: not an imogate API key (imk_…) or a JWT")
}

// jwtVerifier checks JWTs against the configured keys, each pinned to one
// algorithm: a token whose header names another algorithm (including "none")
// is refused before any signature check, which rules out algorithm confusion.
type jwtVerifier struct {
	keys []jwtKey
	now  func() time.Time
}

type jwtKey struct {
	cfg config.JWTKey
	key any // []byte for HS256, *rsa.PublicKey or *ecdsa.PublicKey
}

func newJWTVerifier(keys []config.JWTKey, now func() time.Time) (*jwtVerifier, error) {
	v := &jwtVerifier{now: now}
	ids := map[string]bool{}
	for i, k := range keys {
		// Accounts derive from (key id, iss, sub); ids keep keys apart.
		if len(keys) > 1 && (k.ID == "" || ids[k.ID]) {
			return nil, fmt.Errorf("jwt key %d: with several JWT keys each needs a distinct id", i)
		}
		ids[k.ID] = true
		jk := jwtKey{cfg: k}
		switch k.Algorithm {
		case "HS256":
			jk.key = []byte(k.Secret.Value().Reveal())
		default:
			pub, err := config.LoadJWTPublicKey(k)
			if err != nil {
				return nil, fmt.Errorf("jwt key %d: %w", i, err)
			}
			jk.key = pub
		}
		v.keys = append(v.keys, jk)
	}
	return v, nil
}

// claims are imogate's JWT claims on top of the registered ones.
type claims struct {
	jwt.RegisteredClaims
	Role   string   `json:"role"`
	Models []string `json:"models"`
	RPM    int64    `json:"rpm"`
	TPM    int64    `json:"tpm"`
}

func (v *jwtVerifier) verify(tok string) (*Principal, error) {
	if len(v.keys) == 0 {
		return nil, unauthorized("JWT authentication is not configured on this gateway")
	}
	var lastErr error
	for _, k := range v.keys {
		opts := []jwt.ParserOption{
			jwt.WithValidMethods([]string{k.cfg.Algorithm}),
			jwt.WithExpirationRequired(),
			jwt.WithLeeway(30 * time.Second),
			jwt.WithTimeFunc(v.now),
		}
		if k.cfg.Issuer != "" {
			opts = append(opts, jwt.WithIssuer(k.cfg.Issuer))
		}
		if k.cfg.Audience != "" {
			opts = append(opts, jwt.WithAudience(k.cfg.Audience))
		}
		var cl claims
		t, err := jwt.ParseWithClaims(tok, &cl, func(t *jwt.Token) (any, error) {
			if kid, ok := t.Header["kid"].(string); ok && k.cfg.ID != "" && kid != k.cfg.ID {
				return nil, errWrongKid
			}
			return k.key, nil
		}, opts...)
		if err != nil {
			lastErr = err
			continue
		}
		if !t.Valid {
			continue
		}
		return principalFromClaims(k.cfg.ID, &cl)
	}
	switch {
	case errors.Is(lastErr, jwt.ErrTokenExpired):
		return nil, unauthorized("the JWT has expired")
	case errors.Is(lastErr, jwt.ErrTokenNotValidYet):
		return nil, unauthorized("the JWT is not valid yet")
	case errors.Is(lastErr, jwt.ErrTokenRequiredClaimMissing):
		// The library's text names the claim; it never contains key material.
		return nil, unauthorized("the JWT lacks a required claim: %s", lastErr.Error())
	case errors.Is(lastErr, jwt.ErrTokenInvalidIssuer), errors.Is(lastErr, jwt.ErrTokenInvalidAudience):
		return nil, unauthorized("the JWT was issued by or for someone else (iss/aud)")
	}
	return nil, unauthorized("invalid JWT")
}

var errWrongKid = errors.New("kid does not match")

func principalFromClaims(keyID string, cl *claims) (*Principal, error) {
	if cl.Subject == "" {
		return nil, unauthorized("the JWT has no subject (sub)")
	}
	role := cl.Role
	if role == "" {
		role = apikey.RoleApp
	}
	if !apikey.ValidRole(role) {
		return nil, unauthorized("the JWT's role %q is not one of app, owner, auditor, admin", role)
	}
	return &Principal{
		Account: JWTAccount(keyID, cl.Issuer, cl.Subject), Name: cl.Subject, Role: role, Models: cl.Models,
		RPM: cl.RPM, TPM: cl.TPM, Via: "jwt",
	}, nil
}

// JWTAccount is the paying account of a JWT subject: stable per (verifying
// key id, iss, sub), safe as a Redis key part, and credited like an API
// key's account. The key id is part of it so a holder of one JWT key can
// never mint tokens that spend from subjects of another key.
func JWTAccount(keyID, issuer, subject string) string {
	h := crypto.Keccak256([]byte(keyID), []byte{0}, []byte(issuer), []byte{0}, []byte(subject))
	return "jwt_" + hex.EncodeToString(h[:12])
}

// requireRole refuses callers whose role is not among roles.
func requireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principalOf(c)
		if p == nil || !slices.Contains(roles, p.Role) {
			return apiErr(http.StatusForbidden, "invalid_request_error", "forbidden", "this route needs role %s", strings.Join(roles, " or "))
		}
		return c.Next()
	}
}
