package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
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
)

const adminToken = "test-admin-token-0123456789"

type env struct {
	t      *testing.T
	srv    *gateway.Server
	store  *redisstore.Store
	signer *metering.Signer
	model  gateway.Model
	base   string // http://addr when started with listen()
}

type option func(*gateway.Config)

func withBackend(b inference.Backend) option {
	return func(c *gateway.Config) { c.Models[0].Backend = b }
}

func withPrice(p metering.Price) option {
	return func(c *gateway.Config) { c.Models[0].Price = p }
}

func withTimeout(d time.Duration) option {
	return func(c *gateway.Config) { c.Models[0].Timeout = d }
}

func randomAddress(t testing.TB) common.Address {
	var a common.Address
	if _, err := rand.Read(a[:]); err != nil {
		t.Fatal(err)
	}
	return a
}

// newEnv builds a real gateway on the test Redis with one demo model whose
// token address is fresh, so tests never share ledger state.
func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer := metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")))
	st := redisstore.New(testredis.Client(t), nil)
	cfg := gateway.Config{
		Models: []gateway.Model{{
			Name: "demo", Token: randomAddress(t), Upstream: "demo-up", Backend: demo.New(demo.Config{}),
			Price:     metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000},
			MaxTokens: 64, Timeout: 5 * time.Second, Demo: true, Counter: demo.Tokenizer{}, PromptOverhead: 64,
		}},
		Store: st, Signer: signer, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
		AdminToken: adminToken, MaxBodyBytes: 64 << 10, ReservationTTL: 30 * time.Second, IdempotencyTTL: time.Hour,
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := gateway.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.PublishPrices(t.Context()); err != nil {
		t.Fatal(err)
	}
	wctx, stopWriter := context.WithCancel(context.Background())
	writerDone := make(chan struct{})
	go func() { defer close(writerDone); srv.RunSignatureWriter(wctx) }()
	t.Cleanup(func() { stopWriter(); <-writerDone })
	return &env{t: t, srv: srv, store: st, signer: signer, model: cfg.Models[0]}
}

// listen serves the app on a loopback port until the test ends.
func (e *env) listen() {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = e.srv.Serve(ln) }()
	e.t.Cleanup(func() { _ = e.srv.App().Shutdown() })
	e.base = "http://" + ln.Addr().String()
}

// key creates an app key for the model with credit and returns (id, secret).
func (e *env) key(credit int64, k apikey.Key) (string, string) {
	e.t.Helper()
	if k.Name == "" {
		k.Name = "test"
	}
	if k.Models == nil {
		k.Models = []string{"*"}
	}
	rec, secret, err := e.store.CreateKey(e.t.Context(), k)
	if err != nil {
		e.t.Fatal(err)
	}
	if credit != 0 {
		if _, err := e.store.Credit(e.t.Context(), e.model.Token, rec.ID, credit); err != nil {
			e.t.Fatal(err)
		}
	}
	return rec.ID, secret
}

func (e *env) balance(acct string) int64 {
	e.t.Helper()
	b, err := e.store.Balance(e.t.Context(), e.model.Token, acct)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) lastSeq() uint64 {
	e.t.Helper()
	s, err := e.store.LastSeq(e.t.Context(), e.model.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) openHolds() int64 {
	e.t.Helper()
	n, err := e.store.OpenReservations(e.t.Context(), e.model.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// do sends a request through app.Test (no network).
func (e *env) do(method, path, secret string, body []byte, hdr map[string]string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	var resp *http.Response
	var err error
	if e.base != "" {
		req.URL, _ = req.URL.Parse(e.base + path)
		req.RequestURI = ""
		resp, err = http.DefaultClient.Do(req)
	} else {
		resp, err = e.srv.App().Test(req, -1)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

// doHeadersOnly sends a POST's request line and headers, announcing a body of
// n bytes, over a raw connection to the listening server, and reads the
// answer without sending the body.
func (e *env) doHeadersOnly(path, secret string, n int) (*http.Response, []byte) {
	e.t.Helper()
	if e.base == "" {
		e.t.Fatal("doHeadersOnly needs listen()")
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.base, "http://"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	// A server that waited for the body instead of answering fails here.
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: imogate\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, n)
	if secret != "" {
		fmt.Fprintf(conn, "Authorization: Bearer %s\r\n", secret)
	}
	fmt.Fprint(conn, "\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

// openStream starts a streaming chat call on the listening server and
// returns its response, body unread (the caller closes it).
func (e *env) openStream(secret, content string) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.base+"/v1/chat/completions", bytes.NewReader(chatBody("demo", content, map[string]any{"stream": true})))
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

func chatBody(model, content string, extra map[string]any) []byte {
	m := map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": content}}}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// receiptOf decodes and verifies the Imogate-Receipt header.
func (e *env) receiptOf(resp *http.Response) metering.SignedReceipt {
	e.t.Helper()
	rc, err := metering.ParseHeader(resp.Header.Get(gateway.HeaderReceipt))
	if err != nil {
		e.t.Fatalf("receipt header: %v", err)
	}
	if err := rc.Verify(); err != nil {
		e.t.Fatalf("receipt does not verify: %v", err)
	}
	if rc.Signer != e.signer.Address() {
		e.t.Fatalf("receipt signer %s, want %s", rc.Signer.Hex(), e.signer.Address().Hex())
	}
	return rc
}

type apiError struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Code    *string `json:"code"`
		Param   *string `json:"param"`
	} `json:"error"`
}

func decodeError(t *testing.T, b []byte) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(b, &e); err != nil || e.Error.Message == "" || e.Error.Type == "" {
		t.Fatalf("not an OpenAI error body: %s", b)
	}
	return e
}
