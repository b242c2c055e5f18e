package gateway_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
)

// TestSeqNeverReissued: when the store comes back older than the receipts
// already issued (a restored snapshot, a failover to a lagging replica), the
// gateway refuses to issue those seqs again: the call is not charged and
// gets no receipt, the model's metering halts (503 metering_halted,
// /readyz names it, imogate_metering_halted is 1), and it resumes once the
// counter is repaired. The floor is this gateway's own highest seq (raised
// in the store on a halt, so every gateway stops), or the one the batcher
// raised from the chain.
func TestSeqNeverReissued(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000_000, apikey.Key{})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.srv.RunRefresher(ctx, 50*time.Millisecond) }()
	t.Cleanup(func() { stop(); <-done })
	call := func() (int, []byte, string) {
		resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "x", nil), nil)
		return resp.StatusCode, body, resp.Header.Get(gateway.HeaderReceipt)
	}
	for range 3 {
		if st, body, _ := call(); st != 200 {
			t.Fatalf("%d %s", st, body)
		}
	}
	seqKey := "imogate:{0x" + strings.ToLower(e.model.Token.Hex()[2:]) + "}:seq"
	rdb := e.store.Client()
	// Redis loses its last two receipts' state: the counter goes back to 1.
	if err := rdb.Set(t.Context(), seqKey, 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	before := e.balance(acct)
	st, body, receipt := call()
	if st != 503 || !strings.Contains(string(body), "metering_halted") || receipt != "" {
		t.Fatalf("a commit that would reissue seq 2: %d %s (receipt %q)", st, body, receipt)
	}
	if e.balance(acct) != before {
		t.Fatal("the refused call was charged (or its hold kept)")
	}
	if n, _ := e.store.LastSeq(t.Context(), e.model.Token); n != 1 {
		t.Fatalf("the counter moved to %d", n)
	}
	resp, rb := e.do("GET", "/readyz", "", nil, nil)
	if resp.StatusCode != 503 || !strings.Contains(string(rb), "metering halted") {
		t.Fatalf("readyz %d %s", resp.StatusCode, rb)
	}
	_, mb := e.do("GET", "/metrics", "", nil, nil)
	if !strings.Contains(string(mb), `imogate_metering_halted{model="demo"} 1`) {
		t.Fatal("imogate_metering_halted not raised")
	}
	if st, body, _ := call(); st != 503 || !strings.Contains(string(body), "metering_halted") {
		t.Fatalf("a halted model took a call: %d %s", st, body)
	}
	// A gateway that has issued nothing (restarted since) is stopped too:
	// the halt raised the store's floor for every gateway.
	other := newEnv(t, func(c *gateway.Config) { c.Models[0].Token = e.model.Token })
	otherAcct, otherSecret := other.key(0, apikey.Key{})
	if _, err := e.store.Credit(t.Context(), e.model.Token, otherAcct, 1_000_000_000); err != nil {
		t.Fatal(err)
	}
	if resp, body := other.do("POST", "/v1/chat/completions", otherSecret, chatBody("demo", "x", nil), nil); resp.StatusCode != 503 || !strings.Contains(string(body), "metering_halted") {
		t.Fatalf("another gateway, with no high-water of its own, after the halt: %d %s", resp.StatusCode, body)
	}
	if n, _ := e.store.LastSeq(t.Context(), e.model.Token); n != 1 {
		t.Fatalf("the counter moved to %d: a lost seq was issued again", n)
	}
	// Repaired: the counter is back at the last issued seq.
	if err := rdb.Set(t.Context(), seqKey, 3, 0).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		st, body, _ := call()
		if st == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("metering did not resume: %d %s", st, body)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The batcher's floor from the chain protects a gateway that has issued
	// nothing itself.
	e2 := newEnv(t)
	_, secret2 := e2.key(1_000_000_000, apikey.Key{})
	if _, err := e2.store.RaiseSeqFloor(t.Context(), e2.model.Token, 10); err != nil {
		t.Fatal(err)
	}
	resp, body = e2.do("POST", "/v1/chat/completions", secret2, chatBody("demo", "x", nil), nil)
	if resp.StatusCode != 503 || !strings.Contains(string(body), "metering_halted") {
		t.Fatalf("a counter below the chain's floor: %d %s", resp.StatusCode, body)
	}
}

// TestUndeliverableModelRefused: while the store records that a model's
// token cannot take its revenue (a settler or a gateway found that the
// settlement's payment into it reverts), its paid calls are refused with the
// cause in words and nothing is held or charged, /readyz says why, and the
// model serves again once the record is cleared.
func TestUndeliverableModelRefused(t *testing.T) {
	e := newEnv(t)
	acct, secret := e.key(1_000_000, apikey.Key{})
	cause := `its receive() reverts with "revenue closed": every settlement paying it would revert`
	if err := e.store.SetDeliveryProblem(t.Context(), e.model.Token, cause); err != nil {
		t.Fatal(err)
	}
	e.srv.ReloadDelivery(t.Context())
	resp, b := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hi", nil), nil)
	if resp.StatusCode != 503 || *decodeError(t, b).Error.Code != "revenue_undeliverable" || !strings.Contains(string(b), "revenue closed") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if e.balance(acct) != 1_000_000 || e.lastSeq() != 0 || e.openHolds() != 0 {
		t.Fatal("a refused call held or charged")
	}
	resp, b = e.do("GET", "/readyz", "", nil, nil)
	if resp.StatusCode != 503 || !strings.Contains(string(b), "cannot take its revenue") {
		t.Fatalf("readyz: %d %s", resp.StatusCode, b)
	}
	if err := e.srv.SetDeliveryProblem(t.Context(), e.model.Token, ""); err != nil {
		t.Fatal(err)
	}
	if resp, b := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hi", nil), nil); resp.StatusCode != 200 {
		t.Fatalf("after the fix: %d %s", resp.StatusCode, b)
	}
	if cause, _ := e.store.DeliveryProblem(t.Context(), e.model.Token); cause != "" {
		t.Fatal("the cleared problem is still in the store")
	}
}
