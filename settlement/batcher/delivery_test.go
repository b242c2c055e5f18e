package batcher_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/testbindings"
)

// TestUndeliverableTokenIsNotSealed: a model whose token's receive()
// reverts gets nothing sealed (a settle paying it would revert and burn
// gas), the batcher is not ready with the cause in words, and the store
// records the cause for the gateways; once the token takes ETH, the
// receipts are settled and the record cleared.
func TestUndeliverableTokenIsNotSealed(t *testing.T) {
	e := newEnv(t)
	addr, tx, err := bind.DeployContract(chaintest.Transactor(t, e.opKey), common.FromHex(testbindings.RefusingTokenMetaData.Bin), e.client, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.backend.Commit()
	if _, err := bind.WaitDeployed(t.Context(), e.client, tx.Hash()); err != nil {
		t.Fatal(err)
	}
	e.token = addr
	if _, err := e.store.Credit(t.Context(), e.token, "app", 1_000_000_000_000_000_000); err != nil {
		t.Fatal(err)
	}
	e.issue(3)
	b := e.newBatcher()
	e.clk.advance(2 * time.Minute)
	for range 5 {
		if err := b.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		e.backend.Commit()
	}
	if _, err := e.store.LastBatch(t.Context(), e.token); err == nil {
		t.Fatal("a batch was sealed for a token that cannot take its revenue")
	}
	reasons := strings.Join(b.NotReady(), "\n")
	if !strings.Contains(reasons, `reverts with "revenue closed"`) {
		t.Fatalf("not-ready reasons: %q", reasons)
	}
	if cause, err := e.store.DeliveryProblem(t.Context(), e.token); err != nil || !strings.Contains(cause, "revenue closed") {
		t.Fatalf("recorded problem %q, %v", cause, err)
	}

	if _, err := bind.Transact(bind.NewBoundContract(addr, testbindings.NewRefusingToken().GetABI(), e.client, e.client, e.client),
		chaintest.Transactor(t, e.opKey), testbindings.NewRefusingToken().PackOpen()); err != nil {
		t.Fatal(err)
	}
	e.backend.Commit()
	e.settleAll(b)
	if last := e.lastBatch(); last.State != settlement.StateSettled || last.LastSeq != 3 {
		t.Fatalf("after the fix: %+v", last)
	}
	if cause, err := e.store.DeliveryProblem(t.Context(), e.token); err != nil || cause != "" || len(b.NotReady()) != 0 {
		t.Fatalf("the problem is still recorded: %q %v %v", cause, err, b.NotReady())
	}
}
