// Command imogate-load is imogate's load test: it starts an instant
// OpenAI-compatible upstream and an in-process gateway in front of it (on a
// real Redis, loopback sockets), then drives both with the same traffic in
// one run, so the numbers can be compared side by side: calls per second at
// full load, and p50/p99 latency at a fixed rate, gateway vs upstream
// directly. Added latency is measured per call as the client's total time
// minus the upstream time the gateway reports in Server-Timing.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/valyala/fasthttp"

	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/metering/redisstore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "imogate-load:", err)
		os.Exit(1)
	}
}

const upstreamBody = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}`

func run() error {
	redisURL := flag.String("redis", envOr("REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis URL")
	dur := flag.Duration("duration", 10*time.Second, "length of each phase")
	conc := flag.Int("concurrency", 64, "concurrent clients in the full-load phases")
	rate := flag.Int("rate", 1000, "calls per second in the fixed-rate phases")
	only := flag.String("only", "", "run only this target: direct or gateway (default both)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	// Instant upstream.
	upLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// The instant upstream and the load client use fasthttp, the lightest HTTP
	// stack at hand, so that as much of the 2 cores as possible is left to
	// what is measured.
	up := &fasthttp.Server{Handler: func(c *fasthttp.RequestCtx) {
		c.SetContentType("application/json")
		c.SetBodyString(upstreamBody)
	}}
	go up.Serve(upLn)
	defer up.Shutdown()
	upURL := "http://" + upLn.Addr().String() + "/v1"

	// Gateway.
	opts, err := redis.ParseURL(*redisURL)
	if err != nil {
		return err
	}
	opts.PoolSize = 256
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	st := redisstore.New(rdb, nil)
	var tok common.Address
	rand.Read(tok[:])
	key, _ := crypto.GenerateKey()
	srv, err := gateway.New(gateway.Config{
		Models: []gateway.Model{{Name: "m", Token: tok, Upstream: "up",
			Backend:   openai.New(openai.Config{BaseURL: upURL, Timeout: 10 * time.Second}),
			Price:     metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000},
			MaxTokens: 16, Timeout: 10 * time.Second}},
		Store: st, Signer: metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), common.Address{1})),
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		MaxBodyBytes: 1 << 20, ReservationTTL: time.Minute,
	})
	if err != nil {
		return err
	}
	gwLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(gwLn)
	defer srv.Shutdown(context.Background())
	k, secret, err := st.CreateKey(context.Background(), redisstore.Key{Name: "load", Models: []string{"*"}})
	if err != nil {
		return err
	}
	if _, err := st.Credit(context.Background(), tok, k.ID, 1<<62); err != nil {
		return err
	}
	gwURL := "http://" + gwLn.Addr().String() + "/v1"

	client := &fasthttp.Client{MaxConnsPerHost: 4096, MaxIdleConnDuration: time.Minute}
	body := []byte(`{"model":"m","messages":[{"role":"user","content":"say ok"}],"max_tokens":8}`)
	call := func(base, auth string) (time.Duration, time.Duration, error) {
		req := fasthttp.AcquireRequest()
		resp := fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		req.SetRequestURI(base + "/chat/completions")
		req.Header.SetMethod("POST")
		req.Header.SetContentType("application/json")
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		req.SetBodyRaw(body)
		t0 := time.Now()
		if err := client.DoTimeout(req, resp, 10*time.Second); err != nil {
			return 0, 0, err
		}
		total := time.Since(t0)
		if resp.StatusCode() != 200 {
			return 0, 0, fmt.Errorf("status %d", resp.StatusCode())
		}
		return total, serverTimingUpstream(string(resp.Header.Peek("Server-Timing"))), nil
	}
	targets := []struct {
		name, base, auth string
	}{{"upstream direct", upURL, ""}, {"through imogate", gwURL, secret}}
	switch *only {
	case "direct":
		targets = targets[:1]
	case "gateway":
		targets = targets[1:]
	}

	fmt.Printf("imogate load run: %s, GOMAXPROCS=%d, %d-core machine; Redis %s; each phase %s\n\n",
		time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0), runtime.NumCPU(), *redisURL, *dur)
	// Warm-up.
	for _, tg := range targets {
		closedLoop(*conc, time.Second, func() (time.Duration, time.Duration, error) { return call(tg.base, tg.auth) })
	}
	fmt.Printf("full load, %d concurrent clients:\n", *conc)
	fmt.Printf("  %-16s %10s %9s %9s %9s %7s\n", "target", "calls/s", "p50 ms", "p99 ms", "added p99", "errors")
	for _, tg := range targets {
		r := closedLoop(*conc, *dur, func() (time.Duration, time.Duration, error) { return call(tg.base, tg.auth) })
		r.print(tg.name)
	}
	fmt.Printf("\nfixed rate, %d calls/s:\n", *rate)
	fmt.Printf("  %-16s %10s %9s %9s %9s %7s\n", "target", "calls/s", "p50 ms", "p99 ms", "added p99", "errors")
	for _, tg := range targets {
		r := openLoop(*rate, *dur, func() (time.Duration, time.Duration, error) { return call(tg.base, tg.auth) })
		r.print(tg.name)
	}
	seq, _ := st.LastSeq(context.Background(), tok)
	fmt.Printf("\nreceipts issued through imogate in this run: %d\n", seq)
	return nil
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// serverTimingUpstream parses "upstream;dur=1.234" (milliseconds).
func serverTimingUpstream(h string) time.Duration {
	_, v, ok := strings.Cut(h, "dur=")
	if !ok {
		return 0
	}
	ms, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0
	}
	return time.Duration(ms * float64(time.Millisecond))
}

type result struct {
	n, errs int64
	elapsed time.Duration
	lat     []time.Duration
	added   []time.Duration
}

func (r *result) print(name string) {
	slices.Sort(r.lat)
	slices.Sort(r.added)
	q := func(s []time.Duration, p float64) string {
		if len(s) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", float64(s[int(float64(len(s)-1)*p)])/1e6)
	}
	added := "-"
	if len(r.added) > 0 {
		added = q(r.added, 0.99)
	}
	fmt.Printf("  %-16s %10.0f %9s %9s %9s %7d\n", name, float64(r.n)/r.elapsed.Seconds(), q(r.lat, 0.50), q(r.lat, 0.99), added, r.errs)
}

type callFn func() (total, upstream time.Duration, err error)

func closedLoop(conc int, d time.Duration, f callFn) *result {
	var mu sync.Mutex
	res := &result{}
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat, added []time.Duration
			var n, errs int64
			for time.Now().Before(deadline) {
				total, up, err := f()
				if err != nil {
					errs++
					continue
				}
				n++
				lat = append(lat, total)
				if up > 0 {
					added = append(added, total-up)
				}
			}
			mu.Lock()
			res.n += n
			res.errs += errs
			res.lat = append(res.lat, lat...)
			res.added = append(res.added, added...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// openLoop issues calls on a fixed schedule, each in its own goroutine, so
// a slow call does not delay the next (no coordinated omission).
func openLoop(rate int, d time.Duration, f callFn) *result {
	var mu sync.Mutex
	res := &result{}
	var wg sync.WaitGroup
	var inflight atomic.Int64
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	total := int(d / interval)
	for i := 0; i < total; i++ {
		next := start.Add(time.Duration(i) * interval)
		if w := time.Until(next); w > 0 {
			time.Sleep(w)
		}
		wg.Add(1)
		inflight.Add(1)
		go func() {
			defer wg.Done()
			defer inflight.Add(-1)
			t, up, err := f()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.errs++
				return
			}
			res.n++
			res.lat = append(res.lat, t)
			if up > 0 {
				res.added = append(res.added, t-up)
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}
