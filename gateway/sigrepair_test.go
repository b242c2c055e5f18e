package gateway_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
)

// Signatures lost after the client got its receipt (the gateway killed
// before its writer flushed, a failover) are asked for by the batcher and
// stored again by a sweep, byte for byte those the client holds; receipts of
// another signer are left for that signer.
func TestSweepRepairsLostSignatures(t *testing.T) {
	e := newEnv(t)
	other := newEnv(t, func(c *gateway.Config) { c.Models[0].Token = e.model.Token })
	ctx := t.Context()
	_, secret := e.key(1_000_000_000, apikey.Key{})
	_, otherSecret := other.key(0, apikey.Key{})
	if _, err := e.store.Credit(ctx, e.model.Token, mustKeyID(t, other, otherSecret), 1_000_000_000); err != nil {
		t.Fatal(err)
	}
	var got []metering.SignedReceipt
	for i := range 4 {
		env, sec := e, secret
		if i == 3 {
			env, sec = other, otherSecret // seq 4 is signed by the other gateway's key
		}
		resp, body := env.do("POST", "/v1/chat/completions", sec, chatBody("demo", "hello "+strconv.Itoa(i), nil), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("call %d: %d %s", i, resp.StatusCode, body)
		}
		got = append(got, env.receiptOf(resp))
	}
	rdb := e.store.Client()
	sigKey := redisstore.Prefix(e.model.Token) + "sig"
	deadline := time.Now().Add(5 * time.Second)
	for rdb.HLen(ctx, sigKey).Val() < 4 {
		if time.Now().After(deadline) {
			t.Fatal("the signature writers did not store the 4 signatures")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Lose seqs 2 and 4, and ask for them as the batcher does, with a seq
	// that is no longer in the log (99).
	if err := rdb.HDel(ctx, sigKey, "2", "4").Err(); err != nil {
		t.Fatal(err)
	}
	// Seq 1 is asked for too, but its signature is still stored (the writer
	// got there after the batcher looked): it leaves the list unchanged.
	if err := e.store.WantSignatures(ctx, e.model.Token, []uint64{1, 2, 4, 99}); err != nil {
		t.Fatal(err)
	}

	e.srv.SweepOnce(ctx)
	if lr, _ := e.store.ReceiptBySeq(ctx, e.model.Token, 1); !bytes.Equal(lr.Signature, got[0].Signature) {
		t.Fatalf("seq 1's stored signature changed: %x, the client holds %x", lr.Signature, got[0].Signature)
	}
	if lr, _ := e.store.ReceiptBySeq(ctx, e.model.Token, 2); !bytes.Equal(lr.Signature, got[1].Signature) {
		t.Fatalf("seq 2 after the sweep: signature %x, the client holds %x", lr.Signature, got[1].Signature)
	}
	if lr, _ := e.store.ReceiptBySeq(ctx, e.model.Token, 4); len(lr.Signature) != 0 {
		t.Fatalf("seq 4 was signed by a gateway that does not hold its signer's key: %x", lr.Signature)
	}
	if w, _ := e.store.WantedSignatures(ctx, e.model.Token, 10); len(w) != 1 || w[0] != 4 {
		t.Fatalf("wanted after the first sweep = %v, want [4]", w)
	}

	other.srv.SweepOnce(ctx)
	if lr, _ := e.store.ReceiptBySeq(ctx, e.model.Token, 4); !bytes.Equal(lr.Signature, got[3].Signature) {
		t.Fatalf("seq 4 after its signer's sweep: signature %x, the client holds %x", lr.Signature, got[3].Signature)
	}
	if w, _ := e.store.WantedSignatures(ctx, e.model.Token, 10); len(w) != 0 {
		t.Fatalf("wanted after both sweeps = %v", w)
	}

	// The repair command's pass reads the whole log without being asked.
	if err := rdb.HDel(ctx, sigKey, "1", "3").Err(); err != nil {
		t.Fatal(err)
	}
	rep, err := gateway.RepairSignatures(ctx, e.store, e.signer, e.model.Token, true, nil)
	if err != nil || rep.Checked != 4 || rep.Signed != 2 || len(rep.Foreign) != 0 {
		t.Fatalf("full repair = %+v, %v", rep, err)
	}
	for _, i := range []int{0, 2} {
		if lr, _ := e.store.ReceiptBySeq(ctx, e.model.Token, uint64(i+1)); !bytes.Equal(lr.Signature, got[i].Signature) {
			t.Fatalf("seq %d after the full repair: %x, the client holds %x", i+1, lr.Signature, got[i].Signature)
		}
	}
}

func mustKeyID(t *testing.T, e *env, secret string) string {
	t.Helper()
	k, err := e.store.LookupKey(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return k.ID
}
