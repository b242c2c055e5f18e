package gateway

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
)

// seqGuard keeps the promise that a seq is issued once, ever, as far as
// this gateway can see: it remembers the highest seq it has issued per
// model (every commit passes it as the floor, so a store that came back
// older than this gateway's own receipts refuses to issue those seqs again)
// and halts a model's metering when the store refuses a commit for that
// reason. A halted model takes no paid calls, and /readyz says why, until
// the store's counter is above the floor again (its state restored, or
// repaired by an operator).
type seqGuard struct {
	mu     sync.Mutex
	high   map[common.Address]uint64
	halted map[common.Address]*metering.SeqBehindError
}

func newSeqGuard() *seqGuard {
	return &seqGuard{high: map[common.Address]uint64{}, halted: map[common.Address]*metering.SeqBehindError{}}
}

// floor is the highest seq this gateway has issued for token.
func (g *seqGuard) floor(token common.Address) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.high[token]
}

// issued records a committed seq.
func (g *seqGuard) issued(token common.Address, seq uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.high[token] = max(g.high[token], seq)
}

// halt stops token's metering after the store refused a seq.
func (g *seqGuard) halt(token common.Address, e *metering.SeqBehindError) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.halted[token] = e
	g.high[token] = max(g.high[token], e.Floor)
}

// haltedErr is the error a halted model's calls get, or nil.
func (g *seqGuard) haltedErr(token common.Address) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.halted[token]; ok {
		return e
	}
	return nil
}

// reasons lists the halted models' reasons for /readyz.
func (g *seqGuard) reasons(names func(common.Address) string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for t, e := range g.halted {
		out = append(out, fmt.Sprintf("model %s: metering halted: %v", names(t), e))
	}
	return out
}

// recheck lifts the halt of every model whose store counter has caught up
// with the floor again.
func (s *Server) recheckHalted(ctx context.Context) {
	s.seqs.mu.Lock()
	halted := make(map[common.Address]*metering.SeqBehindError, len(s.seqs.halted))
	for t, e := range s.seqs.halted {
		halted[t] = e
	}
	s.seqs.mu.Unlock()
	for t, e := range halted {
		last, err := s.store.LastSeq(ctx, t)
		if err != nil || last < e.Floor {
			continue
		}
		s.seqs.mu.Lock()
		delete(s.seqs.halted, t)
		s.seqs.mu.Unlock()
		s.metrics.halted.WithLabelValues(s.modelName(t)).Set(0)
		s.log.Warn("metering resumed: the store's receipt seq counter is at or above the floor again", "token", t.Hex(), "seq", last, "floor", e.Floor)
	}
}

// haltedAPIError is the client's answer for a model whose metering halted.
func haltedAPIError(e *metering.SeqBehindError) *APIError {
	return apiErr(http.StatusServiceUnavailable, "api_error", "metering_halted",
		"metering of this model is halted: its store lost state and could issue a receipt number twice; you were not charged; the operator has been alerted")
}
