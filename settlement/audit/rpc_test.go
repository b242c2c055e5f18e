package audit_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/imogate/imogate/settlement/audit"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/devchain"
)

// The node clients imogate uses satisfy audit.Chain.
var (
	_ audit.Chain = (*ethclient.Client)(nil)
	_ audit.Chain = simulated.Client(nil)
)

// TestOverJSONRPC runs every kind of audit through a real JSON-RPC client
// (ethclient over HTTP) against a dev chain, as `imogate audit` does.
func TestOverJSONRPC(t *testing.T) {
	chain, err := devchain.Start(devchain.Config{
		Alloc: chaintest.Fund(operatorKey), RPCAddr: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = chain.Close() })
	rpc, err := ethclient.DialContext(t.Context(), chain.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rpc.Close)
	f := fixtureOn(t, deployEnv(t, chain.Client(), func() { chain.Commit() }, rpc))
	a := f.auditor(nil)

	rep, err := a.Receipt(t.Context(), f.receipts[f.a][5])
	if err != nil {
		t.Fatal(err)
	}
	wantFailed(t, rep)
	for id := range uint64(3) {
		rep, err := a.Batch(t.Context(), f.a, id)
		if err != nil {
			t.Fatal(err)
		}
		wantFailed(t, rep)
	}
	rep, err = a.History(t.Context(), f.a)
	if err != nil {
		t.Fatal(err)
	}
	wantFailed(t, rep)
	rep, err = a.Batch(t.Context(), f.short, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantFailed(t, rep, "fees equal deposit", "settlement.json")
}
