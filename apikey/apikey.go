// Package apikey is imogate's API-key domain: the record of a key, the roles
// a caller can have, and the errors of looking a key up. A key is shown to
// its holder once and stored only as a hash; the record says who holds it
// (name), what it may do (role, models) and how fast (rpm, tpm).
// Implementations of key storage live elsewhere (redisstore).
package apikey

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"time"
)

// Prefix starts every imogate API key.
const Prefix = "imk_"

// Roles a caller can have.
const (
	RoleApp     = "app"     // calls models and pays for them
	RoleOwner   = "owner"   // sees the usage and revenue of its models
	RoleAuditor = "auditor" // reads every receipt, batch and proof
	RoleAdmin   = "admin"   // manages keys and credit
)

// Roles lists every role, in order of growing power.
var Roles = []string{RoleApp, RoleOwner, RoleAuditor, RoleAdmin}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool { return slices.Contains(Roles, r) }

// Key is an API key's record. The key itself is never stored: only its
// SHA-256 (the key carries 256 random bits, so a fast hash is enough).
type Key struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`   // app, owner, auditor or admin
	Models  []string  `json:"models"` // public model names; "*" = all
	RPM     int64     `json:"rpm"`    // requests per minute, 0 = unlimited
	TPM     int64     `json:"tpm"`    // tokens per minute, 0 = unlimited
	Created time.Time `json:"created"`
	Revoked bool      `json:"revoked"`
}

// Allows reports whether the key may use the model.
func (k *Key) Allows(model string) bool {
	return slices.Contains(k.Models, "*") || slices.Contains(k.Models, model)
}

// Errors of looking a key up.
var (
	// ErrNotFound: no key with this value or id.
	ErrNotFound = errors.New("api key not found")
	// ErrRevoked: the key exists but was revoked.
	ErrRevoked = errors.New("api key revoked")
)

// Hash is the stored form of a presented key: hex SHA-256.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
