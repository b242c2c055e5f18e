package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ready","redis":"ok"}`))
	})
	mux.HandleFunc("/halted", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"unavailable","redis":"ok","reasons":["model imogate-demo: metering halted","token 0x22 cannot take its revenue"]}`))
	})
	mux.HandleFunc("/noredis", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"unavailable","redis":"unreachable"}`))
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "upstream exploded\nmore detail", http.StatusBadGateway)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	// An address nothing listens on: a port taken and released.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/readyz"
	ln.Close()

	for _, tc := range []struct {
		name     string
		url      string
		wantOK   bool
		wantErrs []string
	}{
		{name: "ready", url: srv.URL + "/readyz", wantOK: true},
		{name: "not ready names status and reasons", url: srv.URL + "/halted",
			wantErrs: []string{"503 Service Unavailable", "model imogate-demo: metering halted", "token 0x22 cannot take its revenue"}},
		{name: "redis unreachable", url: srv.URL + "/noredis", wantErrs: []string{"503", "redis unreachable"}},
		{name: "not json", url: srv.URL + "/plain", wantErrs: []string{"502 Bad Gateway", "upstream exploded"}},
		{name: "unreachable", url: dead, wantErrs: []string{"probe http://" + ln.Addr().String(), "refused"}},
		{name: "not a URL", url: "127.0.0.1:8080/readyz", wantErrs: []string{"not an http(s) URL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := newHealthcheckCmd()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SetArgs([]string{tc.url})
			err := cmd.ExecuteContext(t.Context())
			if tc.wantOK {
				if err != nil {
					t.Fatalf("healthcheck %s: %v", tc.url, err)
				}
				if !strings.Contains(out.String(), "200 OK") {
					t.Errorf("output %q does not name the status", out.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("healthcheck %s succeeded, want an error", tc.url)
			}
			for _, want := range tc.wantErrs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}
