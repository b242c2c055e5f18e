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
	}
	for _, c := range []prometheus.Collector{m.settled, m.settledWei, m.lowBalance, m.failures} {
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
