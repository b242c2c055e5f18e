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

// API keys (package apikey) are stored as
//
//	imogate:key:<id>          hash: the key's record (apikey.Key)
//	imogate:keyhash:<sha256>  string: the id of the key with that hash
//	imogate:keys              set: every key id

const (
	keySetKey = "imogate:keys"
)

func keyMetaKey(id string) string { return "imogate:key:" + id }
func keyHashKey(h string) string  { return "imogate:keyhash:" + h }

// CreateKey makes a new API key and returns its record and the key itself,
// which is shown once and never stored.
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
	p := s.rdb.TxPipeline()
	p.HSet(ctx, keyMetaKey(k.ID), keyFields(k))
	p.Set(ctx, keyHashKey(apikey.Hash(secret)), k.ID, 0)
	p.SAdd(ctx, keySetKey, k.ID)
	if _, err := p.Exec(ctx); err != nil {
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

// LookupKey finds the record of a presented API key: apikey.ErrNotFound if
// unknown, apikey.ErrRevoked if revoked.
func (s *Store) LookupKey(ctx context.Context, secret string) (apikey.Key, error) {
	// One round trip: the script follows the hash to the record.
	vals, err := lookupKeyScript.Run(ctx, s.rdb, []string{keyHashKey(apikey.Hash(secret))}, "imogate:key:").StringSlice()
	if errors.Is(err, redis.Nil) {
		return apikey.Key{}, apikey.ErrNotFound
	}
	if err != nil {
		return apikey.Key{}, fmt.Errorf("look up key: %w", err)
	}
	m := make(map[string]string, len(vals)/2)
	for i := 0; i+1 < len(vals); i += 2 {
		m[vals[i]] = vals[i+1]
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
	m, err := s.rdb.HGetAll(ctx, keyMetaKey(id)).Result()
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

// ListKeys returns every key record, sorted by creation then id.
func (s *Store) ListKeys(ctx context.Context) ([]apikey.Key, error) {
	ids, err := s.rdb.SMembers(ctx, keySetKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	out := make([]apikey.Key, 0, len(ids))
	for _, id := range ids {
		k, err := s.GetKey(ctx, id)
		if errors.Is(err, apikey.ErrNotFound) {
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
		return apikey.ErrNotFound
	}
	if err := s.rdb.HSet(ctx, keyMetaKey(id), "revoked", "true").Err(); err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	return nil
}
