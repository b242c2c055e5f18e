package redisstore_test

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement"
)

// TestEveryFeatureOnCluster runs what is not a paid-call script (those are
// in TestScriptsRunOnCluster) on a real three-master Redis Cluster: API keys
// and their lookups, rate limits, prices, usage reads, batch records, the
// lease and the archive cursor. Before keys were laid out per slot,
// CreateKey failed with CROSSSLOT on a cluster.
func TestEveryFeatureOnCluster(t *testing.T) {
	cc := testredis.Cluster(t)
	clk := newClock()
	st := redisstore.New(cc, clk.now)
	ctx := t.Context()

	var secrets []string
	var ids []string
	for i := range 12 { // keys land on every node
		k, secret, err := st.CreateKey(ctx, apikey.Key{Name: "k", Models: []string{"*"}, RPM: int64(i)})
		if err != nil {
			t.Fatalf("create key %d: %v", i, err)
		}
		secrets, ids = append(secrets, secret), append(ids, k.ID)
	}
	for i, s := range secrets {
		k, err := st.LookupKey(ctx, s)
		if err != nil || k.ID != ids[i] || k.RPM != int64(i) {
			t.Fatalf("lookup %d: %+v %v", i, k, err)
		}
	}
	list, err := st.ListKeys(ctx)
	if err != nil || len(list) < 12 {
		t.Fatalf("list: %d keys, %v", len(list), err)
	}
	if err := st.RevokeKey(ctx, ids[3]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LookupKey(ctx, secrets[3]); !errors.Is(err, apikey.ErrRevoked) {
		t.Fatalf("revoked key: %v", err)
	}
	if k, err := st.GetKey(ctx, ids[3]); err != nil || !k.Revoked {
		t.Fatalf("revoked record: %+v %v", k, err)
	}
	if _, err := st.LookupKey(ctx, "imk_unknown"); !errors.Is(err, apikey.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}

	for i := range 6 {
		ok, _, err := st.RateLimit(ctx, ids[i], 2, 0)
		if err != nil || !ok {
			t.Fatalf("rate limit %d: %v %v", i, ok, err)
		}
		if err := st.CountTokens(ctx, ids[i], 10); err != nil {
			t.Fatal(err)
		}
	}

	tok := randomToken(t)
	if _, err := st.PublishPrice(ctx, tok, metering.PriceVersion{Price: metering.Price{PerRequest: 1}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if p, err := st.Prices(ctx, tok); err != nil || len(p) != 1 {
		t.Fatalf("prices %+v %v", p, err)
	}
	if _, err := st.Credit(ctx, tok, ids[0], 5000); err != nil {
		t.Fatal(err)
	}
	if bals, err := st.Balances(ctx, tok, ids[:4]); err != nil || bals[0] != 5000 {
		t.Fatalf("balances %v %v", bals, err)
	}
	if _, err := st.HourUsages(ctx, tok, "", 100, 110); err != nil {
		t.Fatal(err)
	}
	fence, err := st.AcquireLease(ctx, tok, "batcher-a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AcquireLease(ctx, tok, "batcher-b", time.Minute); !errors.Is(err, settlement.ErrLeaseHeld) {
		t.Fatalf("second lease: %v", err)
	}
	b := settlement.Batch{Token: tok, ID: 0, FirstSeq: 1, LastSeq: 1, Fee: big.NewInt(1), State: settlement.StateSealed, SealedAt: clk.now()}
	if err := st.SaveBatch(ctx, fence, b); err != nil {
		t.Fatal(err)
	}
	if got, err := st.LastBatch(ctx, tok); err != nil || got.ID != 0 {
		t.Fatalf("last batch %+v %v", got, err)
	}
	if err := st.SetArchiveCursor(ctx, tok, fence, 1); err != nil {
		t.Fatal(err)
	}
	if err := st.ReleaseLease(ctx, tok, "batcher-a"); err != nil {
		t.Fatal(err)
	}
}
