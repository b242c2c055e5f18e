package gateway_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imogate/imogate/gateway"
)

// One client address may hold MaxConnectionsPerIP connections: the next is
// answered 429 in the OpenAI error shape; closing one frees its slot; and a
// graceful Shutdown with idle connections open stops cleanly (fasthttp's own
// per-IP cap crashed here, closing an idle connection twice).
func TestConnectionsPerIPCap(t *testing.T) {
	e := newEnv(t, func(c *gateway.Config) { c.MaxConnectionsPerIP = 2 })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ln) }()
	addr := ln.Addr().String()
	get := func(c net.Conn) (*http.Response, string) {
		t.Helper()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("read response: %v", err)
		}
		var b strings.Builder
		_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
		resp.Body.Close()
		return resp, b.String()
	}
	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := dial(), dial()
	for _, c := range []net.Conn{a, b} {
		if resp, body := get(c); resp.StatusCode != 200 {
			t.Fatalf("a connection within the cap: %d %s", resp.StatusCode, body)
		}
	}
	over := dial()
	resp, body := get(over)
	if resp.StatusCode != 429 || !strings.Contains(body, `"code":"too_many_connections"`) {
		t.Fatalf("a third connection from one address: %d %s", resp.StatusCode, body)
	}
	a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := dial()
		if resp, _ := get(c); resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed connection's slot was not given back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// b and the last one are idle keep-alive connections now.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
