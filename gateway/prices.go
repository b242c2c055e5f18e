package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
)

// Prices: every paid call is priced by its model's published price
// schedule (metering.PriceSchedule, kept in the store), at the moment the
// gateway accepted it, which is the receipt's timestamp. So the hold and the
// charge use one version, and anyone can recompute a receipt's fee from the
// schedule. A gateway publishes its configured price at start (a model's
// first version, or a new version when the config names a new effective
// time) and reloads every schedule every PriceRefresh, so every gateway
// knows a new version before it takes effect: a new version must take effect
// at least PriceLead after it is published.
const (
	PriceRefresh = 5 * time.Second
	PriceLead    = 3 * PriceRefresh
)

// PriceStore publishes and reads price schedules.
type PriceStore interface {
	// PublishPrice appends v to the token's schedule (a no-op if that exact
	// version is published). A version never changes: a different one at the
	// same time, one earlier than a published one, or — after the first —
	// one taking effect sooner than lead from now is refused.
	PublishPrice(ctx context.Context, token common.Address, v metering.PriceVersion, lead time.Duration) (added bool, err error)
	// Prices is the token's schedule, oldest first.
	Prices(ctx context.Context, token common.Address) (metering.PriceSchedule, error)
}

// priceBook holds the schedules this gateway prices calls by.
type priceBook struct {
	mu      sync.RWMutex
	byToken map[common.Address]metering.PriceSchedule
	loaded  time.Time // wall clock of the last successful load
}

// PublishPrices publishes every model's configured price and loads the
// schedules. It fails, saying how to fix it, when a configured price
// contradicts the published schedule: a published price never changes, so a
// new price needs a new effective time (models[].price.effective_from).
func (s *Server) PublishPrices(ctx context.Context) error {
	var errs []error
	for _, m := range s.byToken {
		v := metering.PriceVersion{EffectiveFrom: m.PriceFrom, Price: m.Price}
		added, err := s.store.PublishPrice(ctx, m.Token, v, PriceLead)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("model %s: %w; a published price never changes: to charge a new price, give it an effective_from at least %s ahead (models[].price.effective_from)", m.Name, err, PriceLead))
		case added:
			s.log.Info("published a price version", "model", m.Name, "effective_from_ms", v.EffectiveFrom,
				"per_request_wei", v.PerRequest, "per_1k_prompt_wei", v.Per1KPrompt, "per_1k_completion_wei", v.Per1KCompletion,
				"per_1k_embedding_wei", v.Per1KEmbedding)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return s.RefreshPrices(ctx)
}

// RefreshPrices reloads every model's schedule from the store.
func (s *Server) RefreshPrices(ctx context.Context) error {
	next := make(map[common.Address]metering.PriceSchedule, len(s.byToken))
	for _, m := range s.byToken {
		sch, err := s.store.Prices(ctx, m.Token)
		if err != nil {
			return fmt.Errorf("load prices of %s: %w", m.Name, err)
		}
		next[m.Token] = sch
	}
	s.prices.mu.Lock()
	s.prices.byToken = next
	s.prices.loaded = time.Now()
	s.prices.mu.Unlock()
	return nil
}

// RunRefresher reloads the price schedules, and rechecks the models whose
// metering is halted, every interval until ctx ends. While it runs, calls
// are refused (503) if the schedules could not be reloaded for PriceLead.
func (s *Server) RunRefresher(ctx context.Context, interval time.Duration) {
	s.refreshing.Store(true)
	defer s.refreshing.Store(false)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.RefreshPrices(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("price schedules not refreshed; the last loaded are used", "err", err)
		}
		s.recheckHalted(ctx)
		s.ReloadDelivery(ctx)
	}
}

// priceAt is the version of m's schedule in force at t. Schedules not
// reloaded for PriceLead could miss a version that has since taken effect:
// calls are then refused rather than priced by a stale schedule.
func (s *Server) priceAt(m *Model, t time.Time) (metering.PriceVersion, error) {
	s.prices.mu.RLock()
	sch, ok := s.prices.byToken[m.Token]
	loaded := s.prices.loaded
	s.prices.mu.RUnlock()
	if !ok {
		return metering.PriceVersion{}, errPricesNotLoaded
	}
	if time.Since(loaded) > PriceLead && s.refreshing.Load() {
		return metering.PriceVersion{}, errPricesStale
	}
	return sch.At(uint64(t.UnixMilli()))
}

// schedule is m's loaded schedule (nil before PublishPrices).
func (s *Server) schedule(m *Model) metering.PriceSchedule {
	s.prices.mu.RLock()
	defer s.prices.mu.RUnlock()
	return s.prices.byToken[m.Token]
}

// errPricesStale: the schedules have not been reloaded for too long.
var errPricesStale = &APIError{Status: http.StatusServiceUnavailable, Type: "api_error", Code: "prices_stale", RetryAfter: time.Second,
	Message: "the gateway could not reload the model's price schedule recently and will not price a call by a stale one; you were not charged; retry shortly"}

// errPricesNotLoaded: the gateway serves before PublishPrices has run.
var errPricesNotLoaded = &APIError{Status: http.StatusServiceUnavailable, Type: "api_error", Code: "prices_not_loaded",
	Message: "the gateway has not loaded its price schedules yet; retry shortly"}
