package redisstore

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering"
)

// TestCommitScriptRefusesBadRefund drives commit.lua directly with refunds
// the Go side never computes (negative, above the hold, not a number): the
// script refuses each and leaves balance, hold and log untouched.
func TestCommitScriptRefusesBadRefund(t *testing.T) {
	rdb := testredis.Client(t)
	st := New(rdb, nil)
	ctx := t.Context()
	tok := common.Address{0xbd, byte(time.Now().UnixNano()), byte(time.Now().UnixNano() >> 8), byte(time.Now().UnixNano() >> 16)}
	if _, err := st.Credit(ctx, tok, "a", 1000); err != nil {
		t.Fatal(err)
	}
	rid := common.Hash{0xbd, 1}
	if _, _, err := st.Reserve(ctx, metering.ReserveRequest{Token: tok, Account: "a", ReceiptID: rid, Amount: 300, TTL: time.Minute}); err != nil {
		t.Fatal(err)
	}
	k := keysOf(tok)
	keys := []string{k.balance("a"), k.resv(), k.resvExp(), k.seq(), k.log(), k.rid(rid), k.hour(1), k.acctHour("a", 1), k.totals(), k.placeholder(), k.seqFloor()}
	for _, refund := range []string{"-1", "301", "1000", "3a", "", "300.5", "9999", "030", "00", "399", "+1"} {
		res, err := commitScript.Run(ctx, rdb, keys, rid.Hex(), "0", 1, 1, 1, "0x00", "0x00", "0x00", "0x00", "a", "m", "", 0, "", "", "", 0, "", "0x00",
			300, refund, "0", 3600).StringSlice()
		if err != nil {
			t.Fatalf("refund %q: %v", refund, err)
		}
		if res[0] != "BAD_REFUND" {
			t.Fatalf("refund %q: reply %v, want BAD_REFUND", refund, res)
		}
	}
	if bal, _ := st.Balance(ctx, tok, "a"); bal != 700 {
		t.Fatalf("balance %d after refused commits, want 700", bal)
	}
	if seq, _ := st.LastSeq(ctx, tok); seq != 0 {
		t.Fatalf("seq %d after refused commits, want 0", seq)
	}
	if n, _ := st.OpenReservations(ctx, tok); n != 1 {
		t.Fatalf("%d open reservations, want the hold kept", n)
	}
	// The accepted edges: a refund of the whole hold, and of nothing.
	for _, refund := range []string{"300", "0"} {
		rid := common.Hash{0xbd, 2, byte(len(refund))}
		if _, _, err := st.Reserve(ctx, metering.ReserveRequest{Token: tok, Account: "a", ReceiptID: rid, Amount: 300, TTL: time.Minute}); err != nil {
			t.Fatal(err)
		}
		fee := map[string]string{"300": "0", "0": "300"}[refund]
		res, err := commitScript.Run(ctx, rdb, keys, rid.Hex(), fee, 1, 1, 1, "0x00", "0x00", "0x00", "0x00", "a", "m", "", 0, "", "", "", 0, "", "0x00",
			300, refund, "0", 3600).Slice()
		if err != nil || res[0] != "OK" {
			t.Fatalf("refund %q of a 300 hold: %v %v", refund, res, err)
		}
	}
	if bal, _ := st.Balance(ctx, tok, "a"); bal != 700-300 {
		t.Fatalf("balance %d, want 400 (holds of 300 kept, fee 0 and fee 300 charged)", bal)
	}
}
