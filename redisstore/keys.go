package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/apikey"
)

// API keys (package apikey) are stored so that every operation touches one
// Redis Cluster slot at a time (hash tags in braces), and looking a
// presented key up is one read:
//
//	imogate:keyhash:{<sha256>}  hash: the key's record, found by the key's hash (what grants access)
//	imogate:key:{<id>}          hash: the same record plus "hash", found by id (list, revoke)
//	imogate:keys                set: every key id
//
// The two copies differ only while a revocation is under way: Revoke marks
// the copy that grants access first.

const keySetKey = "imogate:keys"

func keyByIDKey(id string) string  { return "imogate:key:{" + id + "}" }
func keyByHashKey(h string) string { return "imogate:keyhash:{" + h + "}" }

// CreateKey makes a new API key and returns its record and the key itself,
// which is shown once and never stored. The writes go to three slots; if
// one fails, the key is never shown, so nobody can use what was written.
func (s *Store) CreateKey(ctx context.Context, k apikey.Key) (apikey.Key, string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return apikey.Key{}, "", fmt.Errorf("create key: %w", err)
	}
	var idb [8]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return apikey.Key{}, "", fmt.Errorf("create key: %w", err)
	}
	secret := apikey.Prefix + hex.EncodeToString(raw[:])
	k.ID = "key_" + hex.EncodeToString(idb[:])
	k.Created = s.now().UTC().Truncate(time.Second)
	k.Revoked = false
	if k.Role == "" {
		k.Role = apikey.RoleApp
	}
	h := apikey.Hash(secret)
	fields := keyFields(k)
	if err := s.rdb.HSet(ctx, keyByHashKey(h), fields).Err(); err != nil {
		return apikey.Key{}, "", fmt.Errorf("create key: %w", err)
	}
	fields["hash"] = h
	if err := s.rdb.HSet(ctx, keyByIDKey(k.ID), fields).Err(); err != nil {
		return apikey.Key{}, "", fmt.Errorf("create key: %w", err)
	}
	if err := s.rdb.SAdd(ctx, keySetKey, k.ID).Err(); err != nil {
		return apikey.Key{}, "", fmt.Errorf("create key: %w", err)
	}
	return k, secret, nil
}

func keyFields(k apikey.Key) map[string]any {
	return map[string]any{
		"id": k.ID, "name": k.Name, "role": k.Role, "models": strings.Join(k.Models, ","),
		"rpm": k.RPM, "tpm": k.TPM, "created": k.Created.Unix(), "revoked": strconv.FormatBool(k.Revoked),
	}
}

// LookupKey finds the record of a presented API key, in one read:
// apikey.ErrNotFound if unknown, apikey.ErrRevoked if revoked.
func (s *Store) LookupKey(ctx context.Context, secret string) (apikey.Key, error) {
	m, err := s.rdb.HGetAll(ctx, keyByHashKey(apikey.Hash(secret))).Result()
	if err != nil {
		return apikey.Key{}, fmt.Errorf("look up key: %w", err)
	}
	if len(m) == 0 {
		return apikey.Key{}, apikey.ErrNotFound
	}
	k := keyFromFields(m)
	if k.Revoked {
		return apikey.Key{}, apikey.ErrRevoked
	}
	return k, nil
}

// GetKey loads a key record by id.
func (s *Store) GetKey(ctx context.Context, id string) (apikey.Key, error) {
	m, err := s.rdb.HGetAll(ctx, keyByIDKey(id)).Result()
	if err != nil {
		return apikey.Key{}, fmt.Errorf("get key: %w", err)
	}
	if len(m) == 0 {
		return apikey.Key{}, apikey.ErrNotFound
	}
	return keyFromFields(m), nil
}

func keyFromFields(m map[string]string) apikey.Key {
	rpm, _ := strconv.ParseInt(m["rpm"], 10, 64)
	tpm, _ := strconv.ParseInt(m["tpm"], 10, 64)
	created, _ := strconv.ParseInt(m["created"], 10, 64)
	var models []string
	if m["models"] != "" {
		models = strings.Split(m["models"], ",")
	}
	return apikey.Key{
		ID: m["id"], Name: m["name"], Role: m["role"], Models: models, RPM: rpm, TPM: tpm,
		Created: time.Unix(created, 0).UTC(), Revoked: m["revoked"] == "true",
	}
}

// ListKeys returns every key record, sorted by creation then id: one read
// of the id set and one pipelined read of the records (go-redis splits the
// pipeline by node on a cluster).
func (s *Store) ListKeys(ctx context.Context) ([]apikey.Key, error) {
	ids, err := s.rdb.SMembers(ctx, keySetKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	p := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = p.HGetAll(ctx, keyByIDKey(id))
	}
	if len(ids) > 0 {
		if _, err := p.Exec(ctx); err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
	}
	out := make([]apikey.Key, 0, len(ids))
	for _, c := range cmds {
		if m := c.Val(); len(m) > 0 {
			out = append(out, keyFromFields(m))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// RevokeKey marks a key revoked; requests with it fail from then on (on
// other gateways once their key cache expires). The copy that grants access
// is marked first, so a revocation cut halfway has still taken effect.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	h, err := s.rdb.HGet(ctx, keyByIDKey(id), "hash").Result()
	if errors.Is(err, redis.Nil) {
		return apikey.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	if err := s.rdb.HSet(ctx, keyByHashKey(h), "revoked", "true").Err(); err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	if err := s.rdb.HSet(ctx, keyByIDKey(id), "revoked", "true").Err(); err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	return nil
}
