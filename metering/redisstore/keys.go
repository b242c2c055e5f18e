package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/metering"
)

// KeyPrefix starts every imogate API key.
const KeyPrefix = "imk_"

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

const (
	keySetKey = "imogate:keys"
)

func keyMetaKey(id string) string  { return "imogate:key:" + id }
func keyHashKey(h string) string   { return "imogate:keyhash:" + h }
func hashAPIKey(key string) string { h := sha256.Sum256([]byte(key)); return hex.EncodeToString(h[:]) }

// CreateKey makes a new API key and returns its record and the key itself,
// which is shown once and never stored.
func (s *Store) CreateKey(ctx context.Context, k Key) (Key, string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Key{}, "", fmt.Errorf("create key: %w", err)
	}
	var idb [8]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return Key{}, "", fmt.Errorf("create key: %w", err)
	}
	secret := KeyPrefix + hex.EncodeToString(raw[:])
	k.ID = "key_" + hex.EncodeToString(idb[:])
	k.Created = s.now().UTC().Truncate(time.Second)
	k.Revoked = false
	if k.Role == "" {
		k.Role = "app"
	}
	p := s.rdb.TxPipeline()
	p.HSet(ctx, keyMetaKey(k.ID), keyFields(k))
	p.Set(ctx, keyHashKey(hashAPIKey(secret)), k.ID, 0)
	p.SAdd(ctx, keySetKey, k.ID)
	if _, err := p.Exec(ctx); err != nil {
		return Key{}, "", fmt.Errorf("create key: %w", err)
	}
	return k, secret, nil
}

func keyFields(k Key) map[string]any {
	return map[string]any{
		"id": k.ID, "name": k.Name, "role": k.Role, "models": strings.Join(k.Models, ","),
		"rpm": k.RPM, "tpm": k.TPM, "created": k.Created.Unix(), "revoked": strconv.FormatBool(k.Revoked),
	}
}

// ErrKeyRevoked is returned by LookupKey for a revoked key.
var ErrKeyRevoked = errors.New("api key revoked")

// LookupKey finds the record of a presented API key: metering.ErrNotFound if
// unknown, ErrKeyRevoked if revoked.
func (s *Store) LookupKey(ctx context.Context, secret string) (Key, error) {
	// One round trip: the script follows the hash to the record.
	vals, err := lookupKeyScript.Run(ctx, s.rdb, []string{keyHashKey(hashAPIKey(secret))}, "imogate:key:").StringSlice()
	if errors.Is(err, redis.Nil) {
		return Key{}, metering.ErrNotFound
	}
	if err != nil {
		return Key{}, fmt.Errorf("look up key: %w", err)
	}
	m := make(map[string]string, len(vals)/2)
	for i := 0; i+1 < len(vals); i += 2 {
		m[vals[i]] = vals[i+1]
	}
	if len(m) == 0 {
		return Key{}, metering.ErrNotFound
	}
	k := keyFromFields(m)
	if k.Revoked {
		return Key{}, ErrKeyRevoked
	}
	return k, nil
}

var lookupKeyScript = redis.NewScript(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('HGETALL', ARGV[1] .. id)`)

// GetKey loads a key record by id.
func (s *Store) GetKey(ctx context.Context, id string) (Key, error) {
	m, err := s.rdb.HGetAll(ctx, keyMetaKey(id)).Result()
	if err != nil {
		return Key{}, fmt.Errorf("get key: %w", err)
	}
	if len(m) == 0 {
		return Key{}, metering.ErrNotFound
	}
	return keyFromFields(m), nil
}

func keyFromFields(m map[string]string) Key {
	rpm, _ := strconv.ParseInt(m["rpm"], 10, 64)
	tpm, _ := strconv.ParseInt(m["tpm"], 10, 64)
	created, _ := strconv.ParseInt(m["created"], 10, 64)
	var models []string
	if m["models"] != "" {
		models = strings.Split(m["models"], ",")
	}
	return Key{
		ID: m["id"], Name: m["name"], Role: m["role"], Models: models, RPM: rpm, TPM: tpm,
		Created: time.Unix(created, 0).UTC(), Revoked: m["revoked"] == "true",
	}
}

// ListKeys returns every key record, sorted by creation then id.
func (s *Store) ListKeys(ctx context.Context) ([]Key, error) {
	ids, err := s.rdb.SMembers(ctx, keySetKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	out := make([]Key, 0, len(ids))
	for _, id := range ids {
		k, err := s.GetKey(ctx, id)
		if errors.Is(err, metering.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// RevokeKey marks a key revoked; requests with it fail from then on.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	n, err := s.rdb.Exists(ctx, keyMetaKey(id)).Result()
	if err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	if n == 0 {
		return metering.ErrNotFound
	}
	if err := s.rdb.HSet(ctx, keyMetaKey(id), "revoked", "true").Err(); err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	return nil
}
