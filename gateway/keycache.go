package gateway

import (
	"crypto/sha256"
	"sync"
	"time"
)

// keyCache remembers resolved API keys for a short time so a paid call does
// not pay a Redis round trip to authenticate. A revoked key therefore keeps
// working for at most ttl (2 s by default) on a gateway that saw it
// recently. Entries are keyed by the key's SHA-256, never the key itself.
type keyCache struct {
	mu  sync.Mutex
	ttl time.Duration
	max int
	m   map[[32]byte]cachedKey
	now func() time.Time
}

type cachedKey struct {
	p       *Principal
	expires time.Time
}

func newKeyCache(ttl time.Duration, max int, now func() time.Time) *keyCache {
	return &keyCache{ttl: ttl, max: max, m: make(map[[32]byte]cachedKey), now: now}
}

func (c *keyCache) get(secret string) *Principal {
	if c == nil || c.ttl <= 0 {
		return nil
	}
	h := sha256.Sum256([]byte(secret))
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[h]
	if !ok || c.now().After(e.expires) {
		return nil
	}
	return e.p
}

func (c *keyCache) put(secret string, p *Principal) {
	if c == nil || c.ttl <= 0 {
		return
	}
	h := sha256.Sum256([]byte(secret))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max { // crude bound: start over rather than grow without limit
		clear(c.m)
	}
	c.m[h] = cachedKey{p: p, expires: c.now().Add(c.ttl)}
}

func (c *keyCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
