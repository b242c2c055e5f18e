package devchain

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
)

func TestStartRefusesABusyRPCPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Start(Config{RPCAddr: ln.Addr().String(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil || !strings.Contains(err.Error(), "not free") {
		t.Fatalf("err = %v, want a clear busy-port error", err)
	}
}

func TestStartServesRPC(t *testing.T) {
	c, err := Start(Config{RPCAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, err := c.Client().ChainID(t.Context())
	if err != nil || id.Cmp(ChainID) != 0 || !strings.HasPrefix(c.RPCURL(), "http://127.0.0.1:") {
		t.Fatalf("chain id %v (%v), rpc %q", id, err, c.RPCURL())
	}
}
