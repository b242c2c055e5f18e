package redisstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

// TestPublishPrice: a schedule is append-only. The first version takes any
// time; the same version again is a no-op; another price at a published
// time, a version before the latest, or one taking effect within the lead
// are refused, and nothing changes.
func TestPublishPrice(t *testing.T) {
	clk := newClock()
	rdb := testredis.Client(t)
	st := redisstore.New(rdb, clk.now)
	tok := randomToken(t)
	ctx := t.Context()
	lead := 15 * time.Second
	v0 := metering.PriceVersion{EffectiveFrom: 0, Price: metering.Price{PerRequest: 1000, Per1KPrompt: 2}}
	if added, err := st.PublishPrice(ctx, tok, v0, lead); err != nil || !added {
		t.Fatalf("first version: %v %v", added, err)
	}
	if added, err := st.PublishPrice(ctx, tok, v0, lead); err != nil || added {
		t.Fatalf("the same version again: %v %v", added, err)
	}
	changed := v0
	changed.PerRequest = 999
	if _, err := st.PublishPrice(ctx, tok, changed, lead); !errors.Is(err, redisstore.ErrPriceConflict) {
		t.Fatalf("a changed price at a published time: %v", err)
	}
	now := uint64(clk.now().UnixMilli())
	soon := metering.PriceVersion{EffectiveFrom: now + 1000, Price: metering.Price{PerRequest: 5}}
	if _, err := st.PublishPrice(ctx, tok, soon, lead); !errors.Is(err, redisstore.ErrPriceTooSoon) {
		t.Fatalf("a version within the lead: %v", err)
	}
	later := metering.PriceVersion{EffectiveFrom: now + 20_000, Price: metering.Price{PerRequest: 5}}
	if added, err := st.PublishPrice(ctx, tok, later, lead); err != nil || !added {
		t.Fatalf("a version after the lead: %v %v", added, err)
	}
	between := metering.PriceVersion{EffectiveFrom: now + 19_000, Price: metering.Price{PerRequest: 6}}
	if _, err := st.PublishPrice(ctx, tok, between, lead); !errors.Is(err, redisstore.ErrPriceNotLatest) {
		t.Fatalf("a version before the latest: %v", err)
	}
	sched, err := st.Prices(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(sched) != 2 || sched[0] != v0 || sched[1] != later {
		t.Fatalf("schedule %+v", sched)
	}
	empty, err := st.Prices(ctx, randomToken(t))
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("an empty schedule: %+v %v", empty, err)
	}
}
