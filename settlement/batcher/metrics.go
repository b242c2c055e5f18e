package batcher

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/imogate/imogate/settlement"
)

// metrics are the batcher's Prometheus metrics, labelled by token. A nil
// *metrics (no Config.Registerer) records nothing.
type metrics struct {
	settled    *prometheus.CounterVec
	settledWei *prometheus.CounterVec
	lowBalance *prometheus.GaugeVec
	failures   *prometheus.CounterVec
	halted     *prometheus.GaugeVec
	// undeliverable: 1 while a token cannot take its revenue.
	undeliverable *prometheus.GaugeVec
	// stalled: 1 while a token's settlement is stalled for a reason.
	stalled *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		settled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imogate_batches_settled_total", Help: "Batches settled on-chain.",
		}, []string{"token"}),
		settledWei: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imogate_fees_settled_wei_total", Help: "Fees deposited on-chain, in wei (a float metric; the chain is the ledger).",
		}, []string{"token"}),
		lowBalance: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "imogate_settler_balance_short", Help: "1 while the settler's balance cannot cover the next settlement of a token.",
		}, []string{"token"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imogate_settlement_step_failures_total", Help: "Failed batcher steps (retried with backoff).",
		}, []string{"token"}),
		halted: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "imogate_settlement_halted", Help: "1 while a token's settlement is stopped on a fault it must not work around: a receipt missing from the log, a log that disagrees with a sealed or settled root (two receipts with one seq), or a store behind the chain.",
		}, []string{"token"}),
		undeliverable: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "imogate_settlement_token_undeliverable", Help: "1 while a token cannot take its revenue (settle's payment into it reverts): its receipts wait, unsealed, and gateways refuse its paid calls.",
		}, []string{"token"}),
		stalled: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "imogate_settlement_stalled", Help: "1 while a token's settlement is stalled on something only an operator can fix (reason: settler_balance_short, fee_cap_too_low, gas_limit_cap_too_low, archive_failing, signer_mismatch); the error log says what to do.",
		}, []string{"token", "reason"}),
	}
	for _, c := range []prometheus.Collector{m.settled, m.settledWei, m.lowBalance, m.failures, m.halted, m.undeliverable, m.stalled} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) onLowBalance(t common.Address) {
	if m != nil {
		m.lowBalance.WithLabelValues(t.Hex()).Set(1)
	}
}

func (m *metrics) onSettled(b *settlement.Batch) {
	if m == nil {
		return
	}
	m.settled.WithLabelValues(b.Token.Hex()).Inc()
	if b.Fee != nil {
		f, _ := new(big.Float).SetInt(b.Fee).Float64()
		m.settledWei.WithLabelValues(b.Token.Hex()).Add(f)
	}
	m.lowBalance.WithLabelValues(b.Token.Hex()).Set(0)
}

func (m *metrics) onStepFailed(t common.Address) {
	if m != nil {
		m.failures.WithLabelValues(t.Hex()).Inc()
	}
}

func (m *metrics) setUndeliverable(t common.Address, bad bool) {
	if m == nil {
		return
	}
	v := 0.0
	if bad {
		v = 1
	}
	m.undeliverable.WithLabelValues(t.Hex()).Set(v)
}

func (m *metrics) setHalted(t common.Address, halted bool) {
	if m == nil {
		return
	}
	v := 0.0
	if halted {
		v = 1
	}
	m.halted.WithLabelValues(t.Hex()).Set(v)
}

func (m *metrics) setStalled(t common.Address, reason string, stalled bool) {
	if m == nil {
		return
	}
	v := 0.0
	if stalled {
		v = 1
	}
	m.stalled.WithLabelValues(t.Hex(), reason).Set(v)
}
