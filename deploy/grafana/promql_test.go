package grafana

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The test reads PromQL with the small scanner below rather than
// Prometheus's own parser: github.com/prometheus/prometheus would add a
// module whose requirements upgrade a dozen of go-ethereum's indirect
// dependencies and add some 160 lines to go.sum, for a test. The scanner
// knows PromQL's lexical structure (strings, label matchers, range
// selectors, grouping clauses, keywords, the functions and aggregations
// below) and fails on anything it cannot place, so an expression it
// misreads fails the test instead of passing it.

// query is what the test reads from one PromQL expression.
type query struct {
	refs   []metricRef
	labels []string // in label matchers and in by/without/on/ignoring/group_* lists
}

// metricRef is one metric an expression reads.
type metricRef struct {
	name   string // as written, with any _bucket/_sum/_count suffix
	fn     string // the innermost function or aggregation around it, "" if none
	ranged bool   // it has a range selector: name[5m]
}

// promqlFunctions are PromQL's functions, aggregations and the keywords
// written like calls (Prometheus 3), lower-cased.
var promqlFunctions = strings.Fields(`
	abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes clamp
	clamp_max clamp_min cos cosh count_over_time days_in_month day_of_month day_of_week day_of_year
	deg delta deriv double_exponential_smoothing exp first_over_time floor histogram_avg
	histogram_count histogram_fraction histogram_quantile histogram_quantiles histogram_stddev
	histogram_stdvar histogram_sum holt_winters hour idelta increase info irate label_join
	label_replace last_over_time ln log10 log2 mad_over_time max_of max_over_time min_of
	min_over_time minute month pi predict_linear present_over_time quantile_over_time rad rate
	resets round scalar sgn sin sinh sort sort_by_label sort_by_label_desc sort_desc sqrt
	start_timestamp stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp
	ts_of_first_over_time ts_of_last_over_time ts_of_max_over_time ts_of_min_over_time vector year
	sum avg count min max group stddev stdvar topk bottomk count_values quantile limitk limit_ratio
	start end step range fill fill_left fill_right`)

// promqlAggregations may put their grouping clause before the argument.
var promqlAggregations = strings.Fields(`sum avg count min max group stddev stdvar topk bottomk count_values quantile limitk limit_ratio`)

// promqlGrouping are the keywords followed by a list of label names.
var promqlGrouping = []string{"by", "without", "on", "ignoring", "group_left", "group_right"}

// promqlKeywords are the other words that are not metric names.
var promqlKeywords = []string{"and", "or", "unless", "atan2", "offset", "bool", "inf", "nan", "smoothed", "anchored"}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isIdent(c byte) bool { return isIdentStart(c) || ('0' <= c && c <= '9') }

func skipSpace(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
		i++
	}
	return i
}

// scanString returns the end of the string literal starting at s[i] and its
// text (escapes kept as written).
func scanString(s string, i int) (int, string, error) {
	quote := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && quote != '`':
			j++
		case s[j] == quote:
			return j + 1, s[i+1 : j], nil
		}
	}
	return 0, "", fmt.Errorf("unterminated string at %d in %q", i, s)
}

// scanName returns the end of the identifier or quoted name at s[i].
func scanName(s string, i int) (int, string, error) {
	if i < len(s) && (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
		return scanString(s, i)
	}
	j := i
	for j < len(s) && isIdent(s[j]) {
		j++
	}
	if j == i {
		return 0, "", fmt.Errorf("expected a name at %d in %q", i, s)
	}
	return j, s[i:j], nil
}

// scanMatchers reads the label matchers {…} starting at s[i]: the label
// names, and the metric a __name__="…" matcher selects.
func scanMatchers(s string, i int) (end int, labels []string, metric string, err error) {
	i++
	for {
		i = skipSpace(s, i)
		if i < len(s) && s[i] == '}' {
			return i + 1, labels, metric, nil
		}
		var name string
		if i, name, err = scanName(s, i); err != nil {
			return 0, nil, "", err
		}
		i = skipSpace(s, i)
		op := ""
		for _, o := range []string{"=~", "!~", "!=", "="} {
			if strings.HasPrefix(s[i:], o) {
				op = o
				break
			}
		}
		if op == "" {
			return 0, nil, "", fmt.Errorf("label matcher %q without an operator in %q", name, s)
		}
		i = skipSpace(s, i+len(op))
		if i >= len(s) || strings.IndexByte("\"'`", s[i]) < 0 {
			return 0, nil, "", fmt.Errorf("label matcher %q without a string value in %q", name, s)
		}
		var value string
		if i, value, err = scanString(s, i); err != nil {
			return 0, nil, "", err
		}
		if name == "__name__" {
			if op != "=" {
				return 0, nil, "", fmt.Errorf("select metrics by their literal name, not %s%s%q, so the test can check them", name, op, value)
			}
			metric = value
		} else {
			labels = append(labels, name)
		}
		i = skipSpace(s, i)
		if i < len(s) && s[i] == ',' {
			i++
		}
	}
}

// scanLabelList reads the label names in the parenthesised list at s[i].
func scanLabelList(s string, i int) (int, []string, error) {
	var labels []string
	i++
	for {
		i = skipSpace(s, i)
		if i < len(s) && s[i] == ')' {
			return i + 1, labels, nil
		}
		end, name, err := scanName(s, i)
		if err != nil {
			return 0, nil, err
		}
		labels = append(labels, name)
		i = skipSpace(s, end)
		if i < len(s) && s[i] == ',' {
			i++
		}
	}
}

// parsePromQL reads the metrics and label names in a PromQL expression,
// which may hold Grafana variables ($model, ${model}, [$__rate_interval]).
func parsePromQL(expr string) (query, error) {
	var q query
	var stack []string // the function of each open parenthesis, "" for a plain one
	top := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1]
	}
	afterRef := false // the last token was a metric name or its matchers
	s := expr
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case strings.IndexByte(" \t\r\n", c) >= 0:
			i++
			continue
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'' || c == '`':
			end, _, err := scanString(s, i)
			if err != nil {
				return query{}, err
			}
			i = end
		case c == '$': // a Grafana variable: $name or ${name}
			i++
			if i < len(s) && s[i] == '{' {
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					return query{}, fmt.Errorf("unterminated ${ in %q", expr)
				}
				i += end + 1
			}
			for i < len(s) && isIdent(s[i]) {
				i++
			}
		case c == '{':
			end, labels, metric, err := scanMatchers(s, i)
			if err != nil {
				return query{}, err
			}
			q.labels = append(q.labels, labels...)
			if metric != "" && !afterRef {
				q.refs = append(q.refs, metricRef{name: metric, fn: top()})
			}
			i = end
			afterRef = afterRef || metric != ""
			continue
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return query{}, fmt.Errorf("unterminated [ in %q", expr)
			}
			if afterRef {
				q.refs[len(q.refs)-1].ranged = true
			}
			i += end + 1
		case c == '(':
			stack = append(stack, "")
			i++
		case c == ')':
			if len(stack) == 0 {
				return query{}, fmt.Errorf("unbalanced ) in %q", expr)
			}
			stack = stack[:len(stack)-1]
			i++
		case '0' <= c && c <= '9' || c == '.': // numbers and durations: 0.99, 1e3, 0x1f, 5m
			for i < len(s) && (isIdent(s[i]) || s[i] == '.') {
				i++
			}
		case isIdentStart(c):
			end, word, _ := scanName(s, i)
			next := skipSpace(s, end)
			lower := strings.ToLower(word)
			switch {
			case slices.Contains(promqlGrouping, lower):
				i = end
				if next < len(s) && s[next] == '(' {
					e, labels, err := scanLabelList(s, next)
					if err != nil {
						return query{}, err
					}
					q.labels = append(q.labels, labels...)
					i = e
				}
			case slices.Contains(promqlKeywords, lower):
				i = end
			case slices.Contains(promqlAggregations, lower) && next < len(s) && s[next] != '(':
				// sum by (a) (…): the grouping clause comes before the argument.
				e, kw, err := scanName(s, next)
				if err != nil || !slices.Contains([]string{"by", "without"}, strings.ToLower(kw)) {
					return query{}, fmt.Errorf("%s without an argument in %q", word, expr)
				}
				e, labels, err := scanLabelList(s, skipSpace(s, e))
				if err != nil {
					return query{}, err
				}
				q.labels = append(q.labels, labels...)
				if e = skipSpace(s, e); e >= len(s) || s[e] != '(' {
					return query{}, fmt.Errorf("%s %s (…) without an argument in %q", word, kw, expr)
				}
				stack = append(stack, lower)
				i = e + 1
			case next < len(s) && s[next] == '(':
				if !slices.Contains(promqlFunctions, lower) {
					return query{}, fmt.Errorf("%s() is not a PromQL function in %q", word, expr)
				}
				stack = append(stack, lower)
				i = next + 1
			default:
				q.refs = append(q.refs, metricRef{name: word, fn: top()})
				i = end
				afterRef = true
				continue
			}
		default: // operators, commas, @
			i++
		}
		afterRef = false
	}
	if len(stack) != 0 {
		return query{}, fmt.Errorf("unbalanced ( in %q", expr)
	}
	return q, nil
}

// TestParsePromQL: the scanner finds the metrics, the function around each
// and the label names, and never takes a function, keyword, variable or
// string for a metric.
func TestParsePromQL(t *testing.T) {
	tests := []struct {
		expr    string
		refs    []metricRef
		labels  []string
		wantErr string
	}{
		{expr: `up`, refs: []metricRef{{name: "up"}}},
		{
			expr:   `histogram_quantile(0.99, sum by (le, route) (rate(imogate_added_latency_seconds_bucket{route=~"$route"}[$__rate_interval])))`,
			refs:   []metricRef{{name: "imogate_added_latency_seconds_bucket", fn: "rate", ranged: true}},
			labels: []string{"le", "route", "route"},
		},
		{
			expr:   `sum(rate(a_total{code=~"5..", route!="/x"}[5m])) by (route) / ignoring(code) sum(rate(a_total[5m]))`,
			refs:   []metricRef{{name: "a_total", fn: "rate", ranged: true}, {name: "a_total", fn: "rate", ranged: true}},
			labels: []string{"code", "route", "route", "code"},
		},
		{
			expr:   `count(max by (model) (g{model=~"$model"}) == 1) or vector(0)`,
			refs:   []metricRef{{name: "g", fn: "max"}},
			labels: []string{"model", "model"},
		},
		{
			expr: `{__name__="x_total", job="a"}[1h] offset 5m`,
			refs: []metricRef{{name: "x_total", ranged: true}}, labels: []string{"job"},
		},
		{expr: `max_over_time(g[1h:5m])`, refs: []metricRef{{name: "g", fn: "max_over_time", ranged: true}}},
		{expr: `sum by (a) g`, wantErr: "without an argument"},
		{expr: `SUM BY (a) (g) > bool 2 * $threshold`, refs: []metricRef{{name: "g", fn: "sum"}}, labels: []string{"a"}},
		{expr: `label_replace(g, "dst", "$1", "src", "(.*)")`, refs: []metricRef{{name: "g", fn: "label_replace"}}},
		{expr: `histogram_quantle(0.5, x)`, wantErr: "not a PromQL function"},
		{expr: `sum(rate(x[5m])`, wantErr: "unbalanced"},
		{expr: `x{a="b}`, wantErr: "unterminated"},
		{expr: `{__name__=~"imogate_.*"}`, wantErr: "literal name"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			q, err := parsePromQL(tt.expr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(q.refs, tt.refs) {
				t.Errorf("refs %+v, want %+v", q.refs, tt.refs)
			}
			if !slices.Equal(q.labels, tt.labels) {
				t.Errorf("labels %q, want %q", q.labels, tt.labels)
			}
		})
	}
}
