package gateway_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

// TestPriceVersions: a price change is a new published version with a
// later effective time; calls are priced by the version in force when they
// were accepted (their receipt's timestamp); a changed price without a new
// effective time, or one taking effect too soon, is refused at start.
func TestPriceVersions(t *testing.T) {
	v1 := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}
	v2 := metering.Price{PerRequest: 5000, Per1KPrompt: 3000, Per1KCompletion: 9000}
	e1 := newEnv(t, withPrice(v1))
	_, secret := e1.key(1_000_000_000, apikey.Key{})

	var clock atomic.Int64
	clock.Store(time.Now().UnixMilli())
	from := uint64(clock.Load() + 20_000)
	e2 := newEnv(t, func(c *gateway.Config) {
		c.Models[0].Token = e1.model.Token
		c.Models[0].Price = v2
		c.Models[0].PriceFrom = from
		c.Now = func() time.Time { return time.UnixMilli(clock.Load()) }
	})
	if err := e1.srv.RefreshPrices(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, e := range []*env{e1, e2} {
		_, body := e.do("GET", "/v1/models/demo", secret, nil, nil)
		var m struct {
			Imogate struct {
				Prices metering.PriceSchedule `json:"prices"`
			} `json:"imogate"`
		}
		if err := json.Unmarshal(body, &m); err != nil || len(m.Imogate.Prices) != 2 || m.Imogate.Prices[1].EffectiveFrom != from ||
			m.Imogate.Prices[1].Price != v2 || m.Imogate.Prices[0].Price != v1 {
			t.Fatalf("published schedule: %s", body)
		}
	}
	call := func(e *env) metering.SignedReceipt {
		t.Helper()
		resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "price me", nil), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		return e.receiptOf(resp)
	}
	before := call(e2)
	clock.Store(int64(from) + 1)
	after := call(e2)
	sched := metering.PriceSchedule{{EffectiveFrom: 0, Price: v1}, {EffectiveFrom: from, Price: v2}}
	for _, rc := range []metering.SignedReceipt{before, after} {
		if ok, why := sched.ExplainsReceipt(&rc.Receipt); !ok {
			t.Fatal(why)
		}
	}
	if f, _ := v1.Fee(uint64(before.PromptTokens), uint64(before.CompletionTokens)); before.Fee.Int64() != f {
		t.Fatalf("a call before the change was not charged v1: %s", before.Fee)
	}
	if f, _ := v2.Fee(uint64(after.PromptTokens), uint64(after.CompletionTokens)); after.Fee.Int64() != f || after.Timestamp != from+1 {
		t.Fatalf("a call after the change: fee %s, timestamp %d", after.Fee, after.Timestamp)
	}

	// A gateway whose configured price contradicts the published schedule
	// does not start, and says how to fix it.
	publish := func(m gateway.Model) error {
		srv, err := gateway.New(gateway.Config{Models: []gateway.Model{m}, Store: e1.store, Signer: e1.signer,
			Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(), MaxBodyBytes: 1 << 16})
		if err != nil {
			t.Fatal(err)
		}
		return srv.PublishPrices(t.Context())
	}
	changed := e1.model
	changed.Price = metering.Price{PerRequest: 1}
	if err := publish(changed); !errors.Is(err, redisstore.ErrPriceConflict) {
		t.Fatalf("a changed price without a new time: %v", err)
	}
	earlier := changed
	earlier.PriceFrom = from - 1
	if err := publish(earlier); !errors.Is(err, redisstore.ErrPriceNotLatest) {
		t.Fatalf("a new price before the latest: %v", err)
	}
	soon := newEnv(t).model // a fresh model: its first version is published
	soon.Price = metering.Price{PerRequest: 7}
	soon.PriceFrom = uint64(time.Now().Add(time.Second).UnixMilli())
	if err := publish(soon); !errors.Is(err, redisstore.ErrPriceTooSoon) {
		t.Fatalf("a new price within the lead: %v", err)
	}
}
