package batcher

import (
	"fmt"
	"maps"
	"slices"
)

// Stalls are what stops a model's settlement that the batcher cannot fix by
// itself: it keeps the batch and retries, but nothing moves until an
// operator acts. Each is the gauge imogate_settlement_stalled{token,reason},
// an error line saying what to do when it starts, and a readiness reason
// (NotReady) until it clears.
const (
	// StallBalance: the settler cannot pay a batch's value and gas.
	StallBalance = "settler_balance_short"
	// StallFeeCap: a stuck settle transaction cannot be replaced within
	// the configured fee caps.
	StallFeeCap = "fee_cap_too_low"
	// StallGasCap: settling a batch needs more gas than the configured cap.
	StallGasCap = "gas_limit_cap_too_low"
	// StallArchive: archiving a settled batch keeps failing, so its
	// receipts cannot leave Redis.
	StallArchive = "archive_failing"
	// StallSigner: the next receipts are signed by a key other than the
	// operator's registered signer; settled, they would be recorded with
	// the wrong signer and never verify on-chain.
	StallSigner = "signer_mismatch"
)

// archiveStallAfter is how many archive attempts in a row may fail before
// it counts as a stall: a signature lost in a crash is stored again by the
// gateways' sweeps within a few ticks.
const archiveStallAfter = 5

// stall records that settlement of the model is stalled for reason, with
// what to do; it logs the first time, until cleared.
func (m *model) stall(reason, what string) {
	m.haltMu.Lock()
	if m.stalls == nil {
		m.stalls = map[string]string{}
	}
	_, was := m.stalls[reason]
	m.stalls[reason] = what
	m.haltMu.Unlock()
	m.b.metrics.setStalled(m.token, reason, true)
	if !was {
		m.log.Error("SETTLEMENT STALLED: "+what, "reason", reason)
	}
}

// unstall clears reasons that no longer hold.
func (m *model) unstall(reasons ...string) {
	m.haltMu.Lock()
	var cleared []string
	for _, r := range reasons {
		if _, ok := m.stalls[r]; ok {
			delete(m.stalls, r)
			cleared = append(cleared, r)
		}
	}
	m.haltMu.Unlock()
	for _, r := range cleared {
		m.b.metrics.setStalled(m.token, r, false)
		m.log.Info("settlement no longer stalled", "reason", r)
	}
}

// stallReasons lists the model's stalls for readiness, in a stable order.
func (m *model) stallReasons() []string {
	m.haltMu.Lock()
	defer m.haltMu.Unlock()
	var out []string
	for _, r := range slices.Sorted(maps.Keys(m.stalls)) {
		out = append(out, fmt.Sprintf("settlement of %s stalled (%s): %s", m.token.Hex(), r, m.stalls[r]))
	}
	return out
}
