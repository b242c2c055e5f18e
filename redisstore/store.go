// Package redisstore is the Redis implementation of imogate's state: the
// metering hot path (holds, charges, the per-model receipt log and sequence,
// usage counters, idempotency records, balances), rate limits, API keys, and
// the settlement batcher's batch records, lease and archive cursor. It sits
// above the domains it implements (metering, apikey, settlement): consumers
// declare the small interfaces they need and never import this package;
// main wires it in.
//
// Files by concern: meter.go (hold, charge, release, sweep, credit),
// receiptlog.go (reading the log, signatures), usage.go, ratelimit.go,
// keys.go, batches.go and lease.go; every Lua script is a file in lua/.
//
// Every key that one paid call's charge touches is prefixed
// "imogate:{<token address>}:", so a call's whole state sits in one Redis
// Cluster hash slot and the Lua scripts run unchanged on a single Redis or a
// cluster (DESIGN.md invariant 5). Amounts are only ever computed by Redis's
// integer INCRBY/DECRBY; Lua never does arithmetic on them (invariant 4).
package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/metering"
)

// Store is imogate's state in Redis. It is safe for concurrent use.
type Store struct {
	rdb        redis.UniversalClient
	hot        *hotPath
	now        func() time.Time
	ridTTL     time.Duration
	durability Durability
}

// Option configures a Store.
type Option func(*storeOptions)

type storeOptions struct {
	noPipelining bool
	ridTTL       time.Duration
	durability   Durability
}

// DefaultReceiptIndexTTL is how long a receipt can be looked up by id after
// its day (GET /v1/receipts/{id}); older receipts are read by seq from the
// settlement archive.
const DefaultReceiptIndexTTL = 30 * 24 * time.Hour

// WithReceiptIndexTTL sets how long the receipt id index keeps a day's ids
// (DefaultReceiptIndexTTL when zero). It must outlast every retry of a
// commit and the idempotency window, which read it.
func WithReceiptIndexTTL(d time.Duration) Option { return func(o *storeOptions) { o.ridTTL = d } }

// WithoutAutoPipelining sends every paid-call script on its own round trip,
// never through go-redis's automatic pipelining (see hotPath).
func WithoutAutoPipelining() Option { return func(o *storeOptions) { o.noPipelining = true } }

// New returns a store on rdb. now is the clock (time.Now when nil).
func New(rdb redis.UniversalClient, now func() time.Time, opts ...Option) *Store {
	if now == nil {
		now = time.Now
	}
	var o storeOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.ridTTL <= 0 {
		o.ridTTL = DefaultReceiptIndexTTL
	}
	return &Store{rdb: rdb, hot: newHotPath(rdb, !o.noPipelining), now: now, ridTTL: o.ridTTL, durability: o.durability}
}

// Client returns the underlying Redis client.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// Prefix is the key prefix of a model's state; the braces make the token
// address the Redis Cluster hash tag.
func Prefix(token common.Address) string {
	// Plain lowercase hex: Address.Hex would compute an EIP-55 checksum
	// (a keccak) on every call of the hot path.
	return "imogate:{0x" + hex.EncodeToString(token[:]) + "}:"
}

type modelKeys struct{ p string }

func keysOf(token common.Address) modelKeys { return modelKeys{Prefix(token)} }

func (k modelKeys) balance(acct string) string { return k.p + "bal:" + acct }
func (k modelKeys) resv() string               { return k.p + "resv" }
func (k modelKeys) resvExp() string            { return k.p + "resv:exp" }
func (k modelKeys) seq() string                { return k.p + "seq" }
func (k modelKeys) log() string                { return k.p + "log" }

// rid is the receipt id → seq index bucket of the id's UTC day (receipt ids
// carry their creation time): each bucket expires ReceiptIndexTTL after its
// first receipt, so the index stays bounded.
func (k modelKeys) rid(id common.Hash) string {
	return k.p + "rid:" + strconv.FormatInt(metering.ReceiptIDTime(id).Unix()/86400, 10)
}
func (k modelKeys) seqFloor() string { return k.p + "seqfloor" }

// undeliverable holds why the model's token cannot take its revenue, while
// it cannot.
func (k modelKeys) undeliverable() string { return k.p + "undeliverable" }
func (k modelKeys) sig() string           { return k.p + "sig" }
func (k modelKeys) sigWanted() string     { return k.p + "sig:wanted" }
func (k modelKeys) totals() string        { return k.p + "use:total" }
func (k modelKeys) hour(h int64) string   { return k.p + "use:h:" + strconv.FormatInt(h, 10) }
func (k modelKeys) acctHour(acct string, h int64) string {
	return k.p + "use:a:" + acct + ":h:" + strconv.FormatInt(h, 10)
}
func (k modelKeys) idem(acct, keyHash string) string { return k.p + "idem:" + acct + ":" + keyHash }

// placeholder is a never-written key in the model's slot, passed where a
// script takes an optional key.
func (k modelKeys) placeholder() string { return k.p + "none" }

// idemHash shortens a client's Idempotency-Key to a fixed-size key part.
func idemHash(key string) string {
	if key == "" {
		return ""
	}
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:16])
}

func checkAccount(a string) error {
	if a == "" || len(a) > 128 || strings.ContainsAny(a, "|:{} \t\r\n") {
		return fmt.Errorf("%w: %q", metering.ErrBadAccount, a)
	}
	return nil
}
