// Command imogate-load is imogate's load test: it starts an instant
// OpenAI-compatible upstream and a gateway in front of it on a real Redis,
// then drives both with the same traffic in one run, so the numbers can be
// compared side by side: calls per second at full load, and p50/p99 latency
// at a fixed rate, gateway vs upstream directly. Added latency is measured
// per call as the client's total time minus the upstream time the gateway
// reports in Server-Timing.
//
// By default the gateway is a real `imogate serve` process (-imogate names
// the binary) configured like a deployment, so the load client and the
// instant upstream, which share this process, never share its Go runtime.
// -gateway inprocess runs it inside this process instead, for -cpuprofile.
// Each phase reports the CPU time that the gateway process, Redis and this
// process (client and upstream) spent per call.
package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/valyala/fasthttp"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference/openai"
	"github.com/imogate/imogate/internal/childproc"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "imogate-load:", err)
		os.Exit(1)
	}
}

const upstreamBody = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"up","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}`

// price is the load model's price.
var price = metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("imogate-load", flag.ContinueOnError)
	fs.SetOutput(out)
	redisURL := fs.String("redis", envOr("REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis URL")
	dur := fs.Duration("duration", 10*time.Second, "length of each phase")
	conc := fs.Int("concurrency", 64, "concurrent clients in the full-load phase")
	rate := fs.Int("rate", 1000, "calls per second in the fixed-rate phase")
	only := fs.String("only", "", "run only this target: direct or gateway (default both)")
	phases := fs.String("phases", "full,rate", "phases to run, comma-separated: full (closed loop), rate (fixed rate)")
	mode := fs.String("gateway", "process", "process: run `imogate serve` (see -imogate); inprocess: run the gateway in this process")
	bin := fs.String("imogate", "bin/imogate", "the imogate binary for -gateway process (go build -o bin/imogate ./cmd/imogate)")
	pipelining := fs.Bool("pipelining", true, "the gateway's redis.auto_pipelining (false: one Redis round trip per script)")
	topology := fs.String("topology", "external", "external: the Redis at -redis; single: start a private redis-server (AOF on: appendfsync always under -durability fsync, else everysec); cluster: start a 3-primary Redis Cluster (with one replica each under -durability replicas:N)")
	durability := fs.String("durability", "none", "the gateways' redis.durability: none, fsync or replicas:N")
	ngw := fs.Int("gateways", 1, "gateway processes (-gateway process); clients spread their calls over them")
	gwLog := fs.String("gateway-log", "", "keep the gateway process's JSON log in this file (default: a temporary file, removed)")
	check := fs.Duration("hostcheck", 5*time.Second, "measure how steady the CPUs are for this long before and after the run (0: skip)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of this process to this file (with -gateway inprocess it covers the gateway)")
	traceFile := fs.String("trace", "", "write an execution trace of this process to this file (go tool trace)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return err
		}
		if err := trace.Start(f); err != nil {
			return err
		}
		defer trace.Stop()
	}
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
	ctx := context.Background()

	// Instant upstream. It and the load client use fasthttp, the lightest
	// HTTP stack at hand, so that as much of the machine as possible is left
	// to what is measured.
	upLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	up := &fasthttp.Server{Handler: func(c *fasthttp.RequestCtx) {
		c.SetContentType("application/json")
		c.SetBodyString(upstreamBody)
	}}
	go up.Serve(upLn)
	defer up.Shutdown()
	upURL := "http://" + upLn.Addr().String() + "/v1"

	rs, err := startRedis(ctx, *topology, *redisURL, *durability)
	if err != nil {
		return err
	}
	defer rs.stop()
	rdb := rs.client
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	st := redisstore.New(rdb, nil)
	var tok common.Address
	rand.Read(tok[:])
	key, err := crypto.GenerateKey()
	if err != nil {
		return err
	}

	var gws []*gatewayProc
	var gwURLs []string
	switch *mode {
	case "process":
		for i := 0; i < *ngw; i++ {
			logPath := *gwLog
			if logPath != "" && *ngw > 1 {
				logPath = fmt.Sprintf("%s.%d", logPath, i)
			}
			gw, err := startGatewayProcess(*bin, rs.yaml(*durability, *pipelining), upURL, tok, key, logPath)
			if err != nil {
				return err
			}
			defer gw.stop()
			gws = append(gws, gw)
			gwURLs = append(gwURLs, gw.url)
		}
	case "inprocess":
		if *topology != "external" || *ngw != 1 {
			return errors.New("-gateway inprocess runs one gateway on the -redis of -topology external")
		}
		gwURL, err := startGatewayInProcess(st, upURL, tok, key)
		if err != nil {
			return err
		}
		gwURLs = []string{gwURL}
	default:
		return fmt.Errorf("-gateway %q: want process or inprocess", *mode)
	}
	k, secret, err := st.CreateKey(ctx, apikey.Key{Name: "load", Models: []string{"*"}})
	if err != nil {
		return err
	}
	if _, err := st.Credit(ctx, tok, k.ID, 1<<62); err != nil {
		return err
	}

	client := &fasthttp.Client{MaxConnsPerHost: 4096, MaxIdleConnDuration: time.Minute}
	body := []byte(`{"model":"m","messages":[{"role":"user","content":"say ok"}],"max_tokens":8}`)
	var nextGW atomic.Uint64
	call := func(base, auth string) (time.Duration, time.Duration, error) {
		if base == "" { // through imogate: the gateways in turn
			base = gwURLs[nextGW.Add(1)%uint64(len(gwURLs))]
		}
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
	}{{"upstream direct", upURL, ""}, {"through imogate", "", secret}}
	switch *only {
	case "direct":
		targets = targets[:1]
	case "gateway":
		targets = targets[1:]
	}
	meter := &cpuMeter{rdb: rdb, gws: gws}

	fmt.Fprintf(out, "imogate load run: %s, %d gateway(s) (%s), %d-core machine (GOMAXPROCS %d here); Redis %s, durability %s; each phase %s\n",
		time.Now().UTC().Format(time.RFC3339), len(gwURLs), *mode, runtime.NumCPU(), runtime.GOMAXPROCS(0), rs.describe, *durability, *dur)
	fmt.Fprintln(out, "CPU columns: CPU time per call, in µs, of the gateway processes (all together; each one's on the line below),")
	fmt.Fprintln(out, "Redis (every node), and this process (load client + upstream).")
	if *check > 0 {
		printHostCheck(out, *check)
	}
	for _, tg := range targets { // warm-up
		closedLoop(*conc, time.Second, func() (time.Duration, time.Duration, error) { return call(tg.base, tg.auth) })
	}
	for _, ph := range strings.Split(*phases, ",") {
		var drive func(callFn) *result
		switch ph {
		case "full":
			fmt.Fprintf(out, "\nfull load, %d concurrent clients:\n", *conc)
			drive = func(f callFn) *result { return closedLoop(*conc, *dur, f) }
		case "rate":
			fmt.Fprintf(out, "\nfixed rate, %d calls/s:\n", *rate)
			drive = func(f callFn) *result { return openLoop(*rate, *dur, f) }
		default:
			return fmt.Errorf("-phases: unknown phase %q (want full or rate)", ph)
		}
		fmt.Fprintf(out, "  %-16s %8s %7s %7s %7s %9s %9s %9s %6s %6s %8s %7s\n", "target", "calls/s", "p50 ms", "p90 ms", "p99 ms",
			"added p50", "added p90", "added p99", "errors", "gw µs", "redis µs", "load µs")
		for _, tg := range targets {
			c0 := meter.read(ctx)
			r := drive(func() (time.Duration, time.Duration, error) { return call(tg.base, tg.auth) })
			cpu := meter.since(ctx, c0, r.n)
			r.print(out, tg.name, cpu)
			if tg.auth != "" && len(gws) > 1 {
				fmt.Fprintf(out, "  %-16s gateway CPU µs per call, each: %s\n", "", strings.Join(cpu.each, ", "))
			}
		}
	}
	seq, _ := st.LastSeq(ctx, tok)
	fmt.Fprintf(out, "\nreceipts issued through imogate in this run: %d\n", seq)
	if *check > 0 {
		printHostCheck(out, *check)
	}
	var errs []error
	for _, gw := range gws {
		errs = append(errs, gw.stop())
	}
	return errors.Join(errs...)
}

// gatewayProc is a running `imogate serve`.
type gatewayProc struct {
	cmd    *exec.Cmd
	exited chan error // receives the exit status once
	url    string
	dir    string
	keep   bool // the log was asked for: leave it
	once   sync.Once
	err    error
}

// startGatewayProcess writes a config with one model in front of the
// upstream, starts `imogate serve` with it and waits until /readyz answers.
func startGatewayProcess(bin, redisYAML string, upURL string, tok common.Address, key *ecdsa.PrivateKey, logPath string) (*gatewayProc, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("-imogate %s: %w (build it with: go build -o bin/imogate ./cmd/imogate)", bin, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	dir, err := os.MkdirTemp("", "imogate-load-")
	if err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`listen: %q
redis:
%s
chain:
  chain_id: 1337
  settlement_contract: "0x0100000000000000000000000000000000000000"
signer:
  env: IMOGATE_SIGNER_KEY
log:
  level: info
models:
  - name: m
    token: %q
    backend: openai
    upstream:
      base_url: %q
      model: up
      timeout: 10s
    price:
      per_request_wei: "%d"
      per_1k_prompt_wei: "%d"
      per_1k_completion_wei: "%d"
    max_tokens: 16
`, addr, redisYAML, tok.Hex(), upURL, price.PerRequest, price.Per1KPrompt, price.Per1KCompletion)
	cfgPath := filepath.Join(dir, "imogate.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	keep := logPath != ""
	if !keep {
		logPath = filepath.Join(dir, "gateway.log")
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(bin, "serve", "--config", cfgPath)
	cmd.Env = append(os.Environ(), "IMOGATE_SIGNER_KEY="+hex.EncodeToString(crypto.FromECDSA(key)))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	childproc.DieWithParent(cmd, syscall.SIGKILL)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	g := &gatewayProc{cmd: cmd, exited: make(chan error, 1), url: "http://" + addr + "/v1", dir: dir, keep: keep}
	go func() { g.exited <- cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if code, _, err := fasthttp.GetTimeout(nil, "http://"+addr+"/readyz", time.Second); err == nil && code == 200 {
			return g, nil
		}
		select {
		case err := <-g.exited:
			g.exited <- err
			msg := tail(logPath)
			g.stop()
			return nil, fmt.Errorf("imogate serve exited before it was ready (%v); the end of its log:\n%s", err, msg)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			msg := tail(logPath)
			g.stop()
			return nil, fmt.Errorf("imogate serve not ready after 15 s; the end of its log:\n%s", msg)
		}
	}
}

// stop shuts the gateway down with SIGTERM (it finishes the calls in
// flight) and removes its temporary files. It reports a gateway that could
// not be stopped or that had already failed.
func (g *gatewayProc) stop() error {
	g.once.Do(func() {
		_ = g.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-g.exited:
			if err != nil {
				g.err = fmt.Errorf("imogate serve: %w", err)
			}
		case <-time.After(30 * time.Second):
			_ = g.cmd.Process.Kill()
			g.err = errors.New("imogate serve did not stop within 30 s of SIGTERM")
		}
		if !g.keep {
			os.RemoveAll(g.dir)
		}
	})
	return g.err
}

// cpuSeconds is the CPU time (user + system) the process has used so far,
// from /proc (Linux); ok is false where that cannot be read.
func (g *gatewayProc) cpuSeconds() (float64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", g.cmd.Process.Pid))
	if err != nil {
		return 0, false
	}
	// After the parenthesised command name: utime and stime are the 12th
	// and 13th fields (fields 14 and 15 of proc(5)).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	stt, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return (ut + stt) / clockTicks, true
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// tail returns the last lines of a file, for error messages.
func tail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 20 {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// startGatewayInProcess serves the gateway from this process, for profiling
// it with -cpuprofile.
func startGatewayInProcess(st *redisstore.Store, upURL string, tok common.Address, key *ecdsa.PrivateKey) (string, error) {
	srv, err := gateway.New(gateway.Config{
		Models: []gateway.Model{{Name: "m", Token: tok, Upstream: "up",
			Backend: openai.New(openai.Config{BaseURL: upURL, Timeout: 10 * time.Second}),
			Price:   price, MaxTokens: 16, Timeout: 10 * time.Second}},
		Store: st, Signer: metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), common.Address{1})),
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		MaxBodyBytes: 1 << 20, ReservationTTL: time.Minute,
	})
	if err != nil {
		return "", err
	}
	if err := srv.PublishPrices(context.Background()); err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go srv.Serve(ln)
	go srv.RunSignatureWriter(context.Background()) // for the life of the load run
	return "http://" + ln.Addr().String() + "/v1", nil
}

// cpuMeter reads the CPU time used so far by the gateway processes, Redis
// (from INFO cpu of every node, so a remote Redis is measured too) and this
// process.
type cpuMeter struct {
	rdb redis.UniversalClient
	gws []*gatewayProc // none: the gateway runs in this process
}

// cpuSample holds CPU seconds used; a negative value is unknown.
type cpuSample struct {
	gw          []float64
	redis, self float64
}

func (m *cpuMeter) read(ctx context.Context) cpuSample {
	s := cpuSample{redis: -1, self: -1}
	for _, g := range m.gws {
		v, ok := g.cpuSeconds()
		if !ok {
			v = -1
		}
		s.gw = append(s.gw, v)
	}
	var mu sync.Mutex
	sum, nodes, bad := 0.0, 0, false
	each := func(ctx context.Context, c *redis.Client) error {
		info, err := c.Info(ctx, "cpu").Result()
		v, n := 0.0, 0
		for _, line := range strings.Split(info, "\n") {
			k, val, ok := strings.Cut(strings.TrimSpace(line), ":")
			if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
				if f, err := strconv.ParseFloat(val, 64); err == nil {
					v += f
					n++
				}
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil || n != 2 {
			bad = true
		}
		sum += v
		nodes++
		return nil
	}
	switch c := m.rdb.(type) {
	case *redis.ClusterClient:
		_ = c.ForEachShard(ctx, each)
	case *redis.Client:
		_ = each(ctx, c)
	}
	if !bad && nodes > 0 {
		s.redis = sum
	}
	s.self = selfCPU()
	return s
}

// cpuPerCall is CPU µs per call: the gateways together and each, Redis and
// this process ("-" where unknown).
type cpuPerCall struct {
	gw, redis, self string
	each            []string
}

// since returns the CPU µs per call since s0, over calls calls.
func (m *cpuMeter) since(ctx context.Context, s0 cpuSample, calls int64) cpuPerCall {
	s1 := m.read(ctx)
	per := func(a, b float64) string {
		if a < 0 || b < 0 || calls == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f", (b-a)/float64(calls)*1e6)
	}
	out := cpuPerCall{gw: "-", redis: per(s0.redis, s1.redis), self: per(s0.self, s1.self)}
	total, known := 0.0, len(s1.gw) > 0
	for i := range s1.gw {
		out.each = append(out.each, per(s0.gw[i], s1.gw[i]))
		if s0.gw[i] < 0 || s1.gw[i] < 0 {
			known = false
		}
		total += s1.gw[i] - s0.gw[i]
	}
	if known {
		out.gw = per(0, total)
	}
	return out
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

func (r *result) print(out io.Writer, name string, cpu cpuPerCall) {
	slices.Sort(r.lat)
	slices.Sort(r.added)
	q := func(s []time.Duration, p float64) string {
		if len(s) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", float64(s[int(float64(len(s)-1)*p)])/1e6)
	}
	fmt.Fprintf(out, "  %-16s %8.0f %7s %7s %7s %9s %9s %9s %6d %6s %8s %7s\n", name, float64(r.n)/r.elapsed.Seconds(),
		q(r.lat, 0.50), q(r.lat, 0.90), q(r.lat, 0.99), q(r.added, 0.50), q(r.added, 0.90), q(r.added, 0.99), r.errs,
		cpu.gw, cpu.redis, cpu.self)
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
