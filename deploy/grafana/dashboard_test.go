package grafana

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement/batcher"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
)

// dashboardFile is the dashboard this package keeps honest.
const dashboardFile = "imogate-dashboard.json"

// TestDashboard checks the shipped dashboard against the metrics a gateway
// and a settler really register.
func TestDashboard(t *testing.T) {
	d := loadDashboard(t, dashboardFile)
	cat := imogateMetrics(t)
	problems := checkDashboard(d, cat)
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) == 0 && countTargets(d.Panels) < 10 {
		t.Fatalf("the dashboard has only %d queries: wrong file?", countTargets(d.Panels))
	}
}

// --- the dashboard model ---------------------------------------------------

// dashboard is the part of Grafana's dashboard JSON model the test reads.
type dashboard struct {
	Inputs        json.RawMessage `json:"__inputs"`
	UID           string          `json:"uid"`
	Title         string          `json:"title"`
	SchemaVersion int             `json:"schemaVersion"`
	Panels        []panel         `json:"panels"`
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int            `json:"id"`
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Datasource *datasourceRef `json:"datasource"`
	Targets    []target       `json:"targets"`
	Panels     []panel        `json:"panels"` // a collapsed row's panels
}

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type target struct {
	RefID        string         `json:"refId"`
	Expr         string         `json:"expr"`
	LegendFormat string         `json:"legendFormat"`
	Datasource   *datasourceRef `json:"datasource"`
}

type variable struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Query      json.RawMessage `json:"query"`
	Datasource *datasourceRef  `json:"datasource"`
}

// queryText is a variable's query: Grafana stores a plain string or, for a
// Prometheus query variable, an object holding it.
func (v variable) queryText() (string, error) {
	var s string
	if err := json.Unmarshal(v.Query, &s); err == nil {
		return s, nil
	}
	var o struct {
		Query string `json:"query"`
	}
	if err := json.Unmarshal(v.Query, &o); err != nil {
		return "", fmt.Errorf("variable %s: query is neither a string nor an object: %w", v.Name, err)
	}
	return o.Query, nil
}

func loadDashboard(t *testing.T, path string) dashboard {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

func countTargets(ps []panel) int {
	n := 0
	for _, p := range ps {
		n += len(p.Targets) + countTargets(p.Panels)
	}
	return n
}

// --- what imogate registers ----------------------------------------------

type kind int

const (
	gauge kind = iota
	counter
	histogram
	summary
)

// family is what the test knows of one metric: its type and label names.
type family struct {
	kind   kind
	labels []string
}

// catalog maps metric names to what imogate registers under them.
type catalog map[string]family

// imogateMetrics builds the registry the way `imogate dev` does (the
// gateway and the settlement batcher registering into one
// prometheus.NewRegistry, which also proves their names do not clash), and
// returns every metric in it. Vectors show in Gather only once a label is
// used, so the gateway is driven through the calls that give each of its
// metrics a series; the batcher's series need settlements on a chain, so
// its metrics are read from the descriptors of the collectors it registers.
func imogateMetrics(t *testing.T) catalog {
	t.Helper()
	reg := prometheus.NewRegistry()
	store := redisstore.New(testredis.Client(t), nil)
	key, err := crypto.GenerateKey() // a fresh token, so the Redis keys are new
	if err != nil {
		t.Fatal(err)
	}
	token := crypto.PubkeyToAddress(key.PublicKey)
	srv := newGateway(t, reg, store, token)
	exerciseGateway(t, srv, store, token)
	settler := &describer{Registerer: reg}
	newBatcher(t, settler, store, token)

	cat := catalog{
		// Prometheus adds up for every scrape target: 1 when the scrape worked.
		"up": {kind: gauge},
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		f := family{}
		switch mf.GetType().String() {
		case "COUNTER":
			f.kind = counter
		case "HISTOGRAM":
			f.kind = histogram
		case "SUMMARY":
			f.kind = summary
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if !slices.Contains(f.labels, l.GetName()) {
					f.labels = append(f.labels, l.GetName())
				}
			}
		}
		cat[mf.GetName()] = f
	}
	for name, f := range settler.families(t) {
		cat[name] = f
	}
	for _, want := range []string{"imogate_http_requests_total", "imogate_metering_halted", "imogate_batches_settled_total", "go_goroutines"} {
		if _, ok := cat[want]; !ok {
			t.Fatalf("%s is missing from what the test gathered: the catalog is built wrong", want)
		}
	}
	return cat
}

// newGateway builds a gateway on store, registering its metrics in reg, for
// one model whose upstream over-reports usage.
func newGateway(t *testing.T, reg *prometheus.Registry, store *redisstore.Store, token common.Address) *gateway.Server {
	t.Helper()
	signer := metering.NewSigner(chaintest.Key("dashboard-signer"), metering.NewDomain(chaintest.ChainID, common.HexToAddress("0x5e77")))
	srv, err := gateway.New(gateway.Config{
		Models: []gateway.Model{{
			Name: "dashboard", Token: token, Upstream: "demo", Backend: overReporting{demo.New(demo.Config{})},
			Price:     metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000},
			MaxTokens: 64, Timeout: 5 * time.Second, Demo: true, Counter: demo.Tokenizer{}, PromptOverhead: 64,
		}},
		Store: store, Signer: signer, Logger: slog.New(slog.DiscardHandler), Registry: reg, MaxBodyBytes: 64 << 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.PublishPrices(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.RunSignatureWriter(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	return srv
}

// overReporting is an upstream that reports more completion tokens than any
// request allows, so calls count in imogate_usage_beyond_hold_total.
type overReporting struct{ inference.Backend }

func (o overReporting) Complete(ctx context.Context, req inference.Request) (*inference.Response, error) {
	r, err := o.Backend.Complete(ctx, req)
	if err != nil {
		return nil, err
	}
	r.Usage = inference.Usage{PromptTokens: 1, CompletionTokens: 1 << 20, Reported: true}
	return r, nil
}

// exerciseGateway gives every gateway metric vector a series: a paid call
// (requests, latencies, fees, receipts, usage beyond the hold), a call
// refused under a seq floor the store's counter is below (metering halted)
// and a recorded delivery problem (revenue undeliverable).
func exerciseGateway(t *testing.T, srv *gateway.Server, store *redisstore.Store, token common.Address) {
	t.Helper()
	ctx := t.Context()
	k, secret, err := store.CreateKey(ctx, apikey.Key{Name: "dashboard", Models: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Credit(ctx, token, k.ID, 1_000_000_000); err != nil {
		t.Fatal(err)
	}
	call := func() int {
		body := `{"model":"dashboard","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}`
		req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if st := call(); st != http.StatusOK {
		t.Fatalf("paid call: %d", st)
	}
	if _, err := store.RaiseSeqFloor(ctx, token, 1<<20); err != nil {
		t.Fatal(err)
	}
	if st := call(); st != http.StatusServiceUnavailable {
		t.Fatalf("a call under a seq floor above the counter: %d, want 503 metering_halted", st)
	}
	if err := srv.SetDeliveryProblem(ctx, token, "the dashboard test says so"); err != nil {
		t.Fatal(err)
	}
}

// newBatcher builds a settlement batcher on store and a simulated chain,
// registering its metrics in reg, as `imogate settle` does.
func newBatcher(t *testing.T, reg prometheus.Registerer, store *redisstore.Store, token common.Address) {
	t.Helper()
	chain := chaintest.NewBackend(t, nil)
	_, err := batcher.New(batcher.Config{
		Store: store, Chain: chain.Client(), Key: chaintest.Key("dashboard-settler"), ChainID: chaintest.ChainID,
		Settlement: common.HexToAddress("0x5e77"), Tokens: []common.Address{token},
		Logger: slog.New(slog.DiscardHandler), Registerer: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// describer registers collectors in a registry and keeps them, so the test
// can read the metrics they describe before any has a series.
type describer struct {
	prometheus.Registerer
	collectors []prometheus.Collector
}

func (d *describer) Register(c prometheus.Collector) error {
	if err := d.Registerer.Register(c); err != nil {
		return err
	}
	d.collectors = append(d.collectors, c)
	return nil
}

func (d *describer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := d.Register(c); err != nil {
			panic(err)
		}
	}
}

// descPattern reads a descriptor's name and label names from its String
// form, the only place client_golang shows them.
var descPattern = regexp.MustCompile(`^Desc\{fqName: "([^"]+)", help: .*, constLabels: \{([^}]*)\}, variableLabels: \{([^}]*)\}\}$`)

// families returns the metrics of every collector registered through d.
func (d *describer) families(t *testing.T) catalog {
	t.Helper()
	if len(d.collectors) == 0 {
		t.Fatal("nothing was registered through the describer")
	}
	out := catalog{}
	for _, c := range d.collectors {
		var k kind
		switch c.(type) {
		case *prometheus.GaugeVec, prometheus.Gauge: // before Counter: a Gauge has Inc and Add too
			k = gauge
		case *prometheus.CounterVec, prometheus.Counter:
			k = counter
		case *prometheus.HistogramVec, prometheus.Histogram:
			k = histogram
		default:
			t.Fatalf("collector %T: teach the test its metric type", c)
		}
		ch := make(chan *prometheus.Desc)
		go func() { c.Describe(ch); close(ch) }()
		for desc := range ch {
			m := descPattern.FindStringSubmatch(desc.String())
			if m == nil {
				t.Fatalf("cannot read the descriptor %s (has client_golang's Desc.String changed?)", desc)
			}
			f := family{kind: k}
			for _, pair := range splitList(m[2]) {
				name, _, _ := strings.Cut(pair, "=")
				f.labels = append(f.labels, name)
			}
			for _, l := range splitList(m[3]) {
				f.labels = append(f.labels, strings.TrimSuffix(strings.TrimPrefix(l, "c("), ")"))
			}
			out[m[1]] = f
		}
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// --- the checks ------------------------------------------------------------

// targetLabels are the labels Prometheus adds to every scraped series.
var targetLabels = []string{"job", "instance"}

// rateFuncs are the functions a counter is read through.
var rateFuncs = []string{"rate", "irate", "increase"}

// builtinVariables are Grafana's own variables.
var builtinVariables = []string{"__rate_interval", "__range", "__interval", "__range_s", "__interval_ms", "__range_ms"}

var (
	legendLabel    = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
	variableUse    = regexp.MustCompile(`\$\{?([a-zA-Z_][a-zA-Z0-9_]*)`)
	labelValuesVar = regexp.MustCompile(`^\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$`)
)

// checkDashboard returns every way d disagrees with cat or is not a
// dashboard that can be provisioned as is.
func checkDashboard(d dashboard, cat catalog) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(d.Inputs) > 0 && string(d.Inputs) != "null" {
		add("the dashboard has __inputs: it could only be imported by hand, not provisioned")
	}
	if d.SchemaVersion < 36 {
		add("schemaVersion %d: want 36 or later (a ${datasource} variable in every panel)", d.SchemaVersion)
	}
	if d.UID == "" || d.Title == "" {
		add("the dashboard needs a uid and a title")
	}
	vars := map[string]variable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
		if v.Type == "query" {
			errs = append(errs, checkVariable(v, cat)...)
		}
	}
	if ds, ok := vars["datasource"]; !ok || ds.Type != "datasource" || string(ds.Query) != `"prometheus"` {
		add("the dashboard needs a datasource variable of type datasource for prometheus")
	}
	if m, ok := vars["model"]; !ok || m.Type != "query" {
		add("the dashboard needs a model query variable")
	}
	pc := panelCheck{cat: cat, vars: vars, ids: map[int]string{}}
	pc.check(d.Panels)
	return append(errs, pc.errs...)
}

// panelCheck checks panels, remembering the ids seen so far.
type panelCheck struct {
	cat  catalog
	vars map[string]variable
	ids  map[int]string // panel id to title
	errs []error
}

func (pc *panelCheck) add(format string, args ...any) {
	pc.errs = append(pc.errs, fmt.Errorf(format, args...))
}

// check checks ps and the panels of collapsed rows among them.
func (pc *panelCheck) check(ps []panel) {
	for _, p := range ps {
		where := fmt.Sprintf("panel %d %q", p.ID, p.Title)
		if p.ID <= 0 {
			pc.add("%s: no id", where)
		} else if other, dup := pc.ids[p.ID]; dup {
			pc.add("%s: id %d is also panel %q's", where, p.ID, other)
		} else {
			pc.ids[p.ID] = p.Title
		}
		pc.check(p.Panels)
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			pc.add("%s: no targets", where)
		}
		if !usesDatasourceVar(p.Datasource) {
			pc.add("%s: datasource must be ${datasource}", where)
		}
		refIDs := map[string]bool{}
		for _, tg := range p.Targets {
			at := fmt.Sprintf("%s target %s", where, tg.RefID)
			if tg.RefID == "" || refIDs[tg.RefID] {
				pc.add("%s: missing or repeated refId", at)
			}
			refIDs[tg.RefID] = true
			pc.checkTarget(at, tg)
		}
	}
}

// checkTarget checks one query: its datasource, the variables it uses and
// the metrics it reads.
func (pc *panelCheck) checkTarget(at string, tg target) {
	if tg.Datasource != nil && !usesDatasourceVar(tg.Datasource) {
		pc.add("%s: datasource must be ${datasource}", at)
	}
	for _, m := range variableUse.FindAllStringSubmatch(tg.Expr, -1) {
		if _, ok := pc.vars[m[1]]; !ok && !slices.Contains(builtinVariables, m[1]) {
			pc.add("%s: uses $%s, which the dashboard does not define", at, m[1])
		}
	}
	for _, err := range pc.cat.checkExpr(tg.Expr, tg.LegendFormat, true) {
		pc.add("%s: %v", at, err)
	}
}

func usesDatasourceVar(ds *datasourceRef) bool {
	return ds != nil && ds.Type == "prometheus" && ds.UID == "${datasource}"
}

// checkVariable checks a query variable: label_values of a metric imogate
// registers and one of its labels.
func checkVariable(v variable, cat catalog) []error {
	where := "variable " + v.Name
	q, err := v.queryText()
	if err != nil {
		return []error{err}
	}
	if !usesDatasourceVar(v.Datasource) {
		return []error{fmt.Errorf("%s: datasource must be ${datasource}", where)}
	}
	m := labelValuesVar.FindStringSubmatch(q)
	if m == nil {
		return []error{fmt.Errorf("%s: query %q is not label_values(metric, label)", where, q)}
	}
	var errs []error
	for _, err := range cat.checkExpr(m[1], "{{"+m[2]+"}}", false) {
		errs = append(errs, fmt.Errorf("%s: %w", where, err))
	}
	return errs
}

// histogramSuffixes are the series a histogram or summary is exposed as.
var histogramSuffixes = []string{"_bucket", "_sum", "_count"}

// series is a metric as an expression reads it.
type series struct {
	labels  []string // its labels, with the target's and any le or quantile
	counter bool     // it only grows: read it through rate() and the like
}

// lookup finds the metric behind a series name: a registered name, or a
// histogram's (a summary's) _bucket, _sum or _count series.
func (cat catalog) lookup(name string) (series, error) {
	labels := slices.Clip(targetLabels)
	if f, ok := cat[name]; ok {
		switch f.kind {
		case histogram:
			return series{}, fmt.Errorf("%s is a histogram: read its %s series", name, strings.Join(histogramSuffixes, ", "))
		case summary:
			labels = append(labels, "quantile")
		}
		return series{labels: append(labels, f.labels...), counter: f.kind == counter}, nil
	}
	for _, suffix := range histogramSuffixes {
		base, found := strings.CutSuffix(name, suffix)
		f, ok := cat[base]
		if !found || !ok || !(f.kind == histogram || f.kind == summary && suffix != "_bucket") {
			continue
		}
		if suffix == "_bucket" {
			labels = append(labels, "le")
		}
		return series{labels: append(labels, f.labels...), counter: true}, nil
	}
	return series{}, fmt.Errorf("%s is not a metric that imogate's gateway or settler registers", name)
}

// checkExpr checks one PromQL expression (and the legend that names its
// series' labels) against cat: every metric it reads is registered, and
// every label it names is one that each of its metrics has; when the
// expression's values are read (a panel's query, not label_values), each
// metric is read as its type allows.
func (cat catalog) checkExpr(expr, legend string, values bool) []error {
	q, err := parsePromQL(expr)
	if err != nil {
		return []error{err}
	}
	if len(q.refs) == 0 {
		return []error{fmt.Errorf("%q reads no metric", expr)}
	}
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	labels := q.labels
	for _, m := range legendLabel.FindAllStringSubmatch(legend, -1) {
		labels = append(labels, m[1])
	}
	for _, r := range q.refs {
		s, err := cat.lookup(r.name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		inRate := slices.Contains(rateFuncs, r.fn)
		switch {
		case !values:
		case s.counter && !(inRate && r.ranged):
			add("%s is a counter: read it through rate(), irate() or increase() over a range", r.name)
		case !s.counter && inRate:
			add("%s is a gauge: %s() of it means nothing", r.name, r.fn)
		}
		for _, l := range labels {
			if !slices.Contains(s.labels, l) {
				add("%s has no label %q (it has %v)", r.name, l, s.labels)
			}
		}
	}
	return errs
}

// --- the checks can fail ---------------------------------------------------

// TestCheckCatchesMistakes: each kind of mistake in a dashboard is
// reported, so TestDashboard cannot pass by checking nothing.
func TestCheckCatchesMistakes(t *testing.T) {
	cat := catalog{
		"up":                     {kind: gauge},
		"req_total":              {kind: counter, labels: []string{"route", "code"}},
		"lat_seconds":            {kind: histogram, labels: []string{"route"}},
		"holds":                  {kind: gauge, labels: []string{"model"}},
		"go_gc_duration_seconds": {kind: summary},
	}
	good := func() dashboard {
		var d dashboard
		d.UID, d.Title, d.SchemaVersion = "x", "x", 39
		ds := &datasourceRef{Type: "prometheus", UID: "${datasource}"}
		d.Templating.List = []variable{
			{Name: "datasource", Type: "datasource", Query: json.RawMessage(`"prometheus"`)},
			{Name: "model", Type: "query", Datasource: ds, Query: json.RawMessage(`{"query":"label_values(holds, model)"}`)},
			// label_values reads a counter's labels, not its values: no rate().
			{Name: "route", Type: "query", Datasource: ds, Query: json.RawMessage(`"label_values(req_total, route)"`)},
		}
		d.Panels = []panel{
			{ID: 1, Type: "row", Title: "row"},
			{ID: 2, Type: "timeseries", Title: "requests", Datasource: ds, Targets: []target{
				{RefID: "A", Expr: `sum by (route) (rate(req_total{code=~"5..", route=~"${route}"}[$__rate_interval]))`, LegendFormat: "{{route}}"},
				{RefID: "B", Expr: `histogram_quantile(0.5, sum by (le) (rate(lat_seconds_bucket[5m])))`},
				{RefID: "C", Expr: `sum(rate(lat_seconds_sum[5m])) / sum(rate(lat_seconds_count[5m]))`},
				{RefID: "D", Expr: `max by (model) (holds{model=~"$model"})`, LegendFormat: "{{model}} {{instance}}"},
				{RefID: "E", Expr: `go_gc_duration_seconds{quantile="0.5"}`},
				{RefID: "F", Expr: `up`, LegendFormat: "{{job}}"},
			}},
		}
		return d
	}
	if errs := checkDashboard(good(), cat); len(errs) > 0 {
		t.Fatalf("a good dashboard fails: %v", errs)
	}
	setExpr := func(expr, legend string) func(*dashboard) {
		return func(d *dashboard) { d.Panels[1].Targets[0].Expr, d.Panels[1].Targets[0].LegendFormat = expr, legend }
	}
	tests := []struct {
		name   string
		change func(*dashboard)
		want   string
	}{
		{"bogus metric", setExpr(`rate(imogate_bogus_total[5m])`, ""), "imogate_bogus_total is not a metric"},
		{"bogus histogram", setExpr(`rate(holds_bucket[5m])`, ""), "holds_bucket is not a metric"},
		{"counter without rate", setExpr(`sum(req_total)`, ""), "req_total is a counter"},
		{"counter in rate without a range", setExpr(`rate(req_total)`, ""), "req_total is a counter"},
		{"bucket without rate", setExpr(`histogram_quantile(0.5, lat_seconds_bucket)`, ""), "lat_seconds_bucket is a counter"},
		{"histogram by its bare name", setExpr(`lat_seconds`, ""), "lat_seconds is a histogram"},
		{"gauge in rate", setExpr(`rate(holds[5m])`, ""), "holds is a gauge"},
		{"unknown matcher label", setExpr(`holds{token="x"}`, ""), `holds has no label "token"`},
		{"unknown grouping label", setExpr(`sum by (model) (rate(req_total[5m]))`, ""), `req_total has no label "model"`},
		{"unknown legend label", setExpr(`holds`, "{{route}}"), `holds has no label "route"`},
		{"le on a counter", setExpr(`sum by (le) (rate(req_total[5m]))`, ""), `req_total has no label "le"`},
		{"no metric", setExpr(`vector(1)`, ""), "reads no metric"},
		{"unknown function", setExpr(`ratee(req_total[5m])`, ""), "not a PromQL function"},
		{"undefined variable", setExpr(`holds{model=~"$modle"}`, ""), "$modle"},
		{"duplicate panel id", func(d *dashboard) { d.Panels[1].ID = 1 }, "id 1 is also"},
		{"duplicate id in a collapsed row", func(d *dashboard) {
			d.Panels[0].Panels = []panel{{ID: 2, Type: "stat", Title: "nested", Datasource: d.Panels[1].Datasource, Targets: d.Panels[1].Targets[:1]}}
		}, "id 2 is also"},
		{"panel without targets", func(d *dashboard) { d.Panels[1].Targets = nil }, "no targets"},
		{"repeated refId", func(d *dashboard) { d.Panels[1].Targets[1].RefID = "A" }, "repeated refId"},
		{"fixed datasource", func(d *dashboard) {
			d.Panels[1].Datasource = &datasourceRef{Type: "prometheus", UID: "P1809F7CD0C75ACF3"}
		}, "must be ${datasource}"},
		{"__inputs", func(d *dashboard) { d.Inputs = json.RawMessage(`[{"name":"DS_PROMETHEUS"}]`) }, "__inputs"},
		{"no datasource variable", func(d *dashboard) { d.Templating.List = d.Templating.List[1:] }, "datasource variable"},
		{"variable on a bogus metric", func(d *dashboard) {
			d.Templating.List[1].Query = json.RawMessage(`"label_values(imogate_bogus, model)"`)
		}, "variable model: imogate_bogus is not a metric"},
		{"variable on a missing label", func(d *dashboard) {
			d.Templating.List[1].Query = json.RawMessage(`"label_values(holds, token)"`)
		}, `holds has no label "token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good()
			tt.change(&d)
			errs := checkDashboard(d, cat)
			for _, err := range errs {
				if strings.Contains(err.Error(), tt.want) {
					return
				}
			}
			t.Fatalf("no problem saying %q among %v", tt.want, errs)
		})
	}
}
