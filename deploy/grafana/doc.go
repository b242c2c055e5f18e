// Package grafana ships imogate's Grafana dashboard, imogate-dashboard.json
// (Grafana's dashboard JSON model, with a ${datasource} Prometheus variable
// and no __inputs, so it can be provisioned from a file or imported as is),
// and the test that keeps it honest: every metric a panel or a template
// variable reads must be one that a gateway or a settler really registers,
// with the labels it really has, counters must be read through rate(),
// irate() or increase(), and every panel needs a unique id and a query.
//
// The package has no code of its own; the dashboard is data.
package grafana
