package gateway

import (
	"context"
	"net/http"
	"sync"

	"github.com/ethereum/go-ethereum/common"
)

// deliveryGuard holds, per model token, why its token cannot take its
// revenue (the settlement's payment into it reverts), as the store records
// it: whoever checks the chain (a settler before each seal, a gateway with
// an RPC URL at start) writes it, and every gateway reloads it with the
// price schedules. A model whose revenue cannot be delivered is not ready
// and its paid calls are refused: the apps would pay fees the holders can
// never receive.
type deliveryGuard struct {
	mu    sync.RWMutex
	cause map[common.Address]string
}

// problem is why token's revenue cannot be delivered, or "".
func (g *deliveryGuard) problem(token common.Address) string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.cause[token]
}

// ReloadDelivery reads every model's recorded delivery problem (see
// SetDeliveryProblem); a model whose read fails keeps its last known state.
// RunRefresher calls it every interval.
func (s *Server) ReloadDelivery(ctx context.Context) {
	for _, m := range s.byToken {
		cause, err := s.store.DeliveryProblem(ctx, m.Token)
		if err != nil {
			continue
		}
		s.setDelivery(m, cause)
	}
}

// SetDeliveryProblem records that m's token cannot take its revenue (cause
// in words) or, with cause "", that it can: in this gateway at once and in
// the store for every other gateway. serve calls it after checking the
// chain at start.
func (s *Server) SetDeliveryProblem(ctx context.Context, token common.Address, cause string) error {
	if err := s.store.SetDeliveryProblem(ctx, token, cause); err != nil {
		return err
	}
	for _, m := range s.byToken {
		if m.Token == token {
			s.setDelivery(m, cause)
		}
	}
	return nil
}

func (s *Server) setDelivery(m *Model, cause string) {
	g := &s.delivery
	g.mu.Lock()
	was := g.cause[m.Token]
	if g.cause == nil {
		g.cause = map[common.Address]string{}
	}
	if cause == "" {
		delete(g.cause, m.Token)
	} else {
		g.cause[m.Token] = cause
	}
	g.mu.Unlock()
	if was == cause {
		return
	}
	if cause != "" {
		s.metrics.undeliverable.WithLabelValues(m.Name).Set(1)
		s.log.Error("the model's token cannot take its revenue: its paid calls are refused until it can; fix the token contract (its receive() must accept ETH from the settlement contract) or the model's token address",
			"model", m.Name, "token", m.Token.Hex(), "cause", cause)
	} else {
		s.metrics.undeliverable.WithLabelValues(m.Name).Set(0)
		s.log.Info("the model's token takes its revenue again: paid calls are served", "model", m.Name)
	}
}

// deliveryErr refuses a paid call to a model whose revenue cannot be
// delivered, saying why.
func (s *Server) deliveryErr(m *Model) error {
	cause := s.delivery.problem(m.Token)
	if cause == "" {
		return nil
	}
	return apiErr(http.StatusServiceUnavailable, "api_error", "revenue_undeliverable",
		"calls to %q are refused: its token %s cannot receive the fees they would pay (%s); you were not charged; the operator has been alerted",
		m.Name, m.Token.Hex(), cause)
}

// deliveryReasons lists the models whose revenue cannot be delivered, for
// /readyz.
func (s *Server) deliveryReasons() []string {
	s.delivery.mu.RLock()
	defer s.delivery.mu.RUnlock()
	var out []string
	for t, cause := range s.delivery.cause {
		out = append(out, "model "+s.modelName(t)+": its token cannot take its revenue: "+cause)
	}
	return out
}
