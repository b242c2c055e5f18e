package gateway

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	added     *prometheus.HistogramVec
	upstream  *prometheus.HistogramVec
	fees      *prometheus.CounterVec
	receipts  *prometheus.CounterVec
	swept     prometheus.Counter
	openResvs *prometheus.GaugeVec
	// beyondHold counts calls whose upstream reported more usage than the
	// request allowed (it ignored max_tokens, or miscounts): charged what
	// the hold paid for.
	beyondHold *prometheus.CounterVec
	// halted is 1 while a model's metering is halted (its store lost state).
	halted *prometheus.GaugeVec
	// undeliverable is 1 while a model's token cannot take its revenue.
	undeliverable *prometheus.GaugeVec
}

func newMetrics(reg *prometheus.Registry, s *Server) (*metrics, error) {
	buckets := []float64{.0001, .00025, .0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1}
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imogate_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		added: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "imogate_added_latency_seconds", Help: "Time the gateway adds to a call: total minus upstream time.", Buckets: buckets,
		}, []string{"route"}),
		upstream: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "imogate_upstream_latency_seconds", Help: "Upstream model latency (to the last byte).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 14),
		}, []string{"model"}),
		fees: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imogate_fees_metered_wei_total", Help: "Fees metered, in wei (a float metric for dashboards; the exact ledger is in Redis).",
		}, []string{"model"}),
		receipts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imogate_receipts_total", Help: "Receipts issued.",
		}, []string{"model"}),
		swept: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "imogate_reservations_swept_total", Help: "Expired reservations released by the sweeper.",
		}),
		beyondHold: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "imogate_usage_beyond_hold_total",
			Help: "Calls whose upstream reported more tokens than the request allowed; each was charged what its hold paid for (a misbehaving upstream).",
		}, []string{"model"}),
		halted: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "imogate_metering_halted",
			Help: "1 while a model's metering is halted because its store's receipt seq counter fell behind a seq already issued.",
		}, []string{"model"}),
		undeliverable: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "imogate_model_revenue_undeliverable",
			Help: "1 while a model's token cannot take its revenue (the settlement's payment into it reverts); its paid calls are refused.",
		}, []string{"model"}),
		openResvs: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "imogate_open_reservations", Help: "Credit holds currently open, per model.",
		}, []string{"model"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.added, m.upstream, m.fees, m.receipts, m.swept, m.beyondHold, m.halted, m.undeliverable,
		&openResvCollector{s: s, desc: prometheus.NewDesc("imogate_open_reservations", "Credit holds currently open, per model.", []string{"model"}, nil)}} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m, nil
}

func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// openResvCollector reads the open reservation count from Redis at scrape time.
type openResvCollector struct {
	s    *Server
	desc *prometheus.Desc
}

func (o *openResvCollector) Describe(ch chan<- *prometheus.Desc) { ch <- o.desc }

func (o *openResvCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, name := range o.s.order {
		n, err := o.s.store.OpenReservations(ctx, o.s.models[name].Token)
		if err != nil {
			continue
		}
		ch <- prometheus.MustNewConstMetric(o.desc, prometheus.GaugeValue, float64(n), name)
	}
}

const upstreamTimeKey = "imogate.upstream"

// observe logs every request as JSON with its request id and records the
// request counter and added-latency histogram.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	route := c.Route().Path
	code := c.Response().StatusCode()
	total := time.Since(start)
	s.metrics.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	if up, ok := c.Locals(upstreamTimeKey).(time.Duration); ok {
		s.metrics.added.WithLabelValues(route).Observe((total - up).Seconds())
	}
	if s.log.Enabled(c.UserContext(), slog.LevelInfo) && route != "/metrics" && route != "/healthz" {
		attrs := []any{"request_id", requestID(c), "method", c.Method(), "path", c.Path(), "status", code, "duration_ms", float64(total.Microseconds()) / 1000}
		if p := principalOf(c); p != nil {
			attrs = append(attrs, "account", p.Account)
		}
		if rid := c.GetRespHeader(HeaderReceiptID); rid != "" {
			attrs = append(attrs, "receipt_id", rid)
		}
		s.log.Info("request", attrs...)
	}
	return nil
}
