package gateway_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement"
)

// A retry with the Idempotency-Key of a call whose gateway stopped before it
// stored the receipt in the idempotency record, after the receipt was
// settled, archived and trimmed from the log: the gateway reads it from the
// archive and answers the same receipt (it answered 500 before). Without an
// archive to read, the answer says the call was charged once, under which
// receipt, and where to fetch it: never a 500, never a second charge.
func TestReplayOfArchivedReceipt(t *testing.T) {
	f := audNewFixture(t, false)
	const key = "retry-after-archive"
	resp, body := f.do(http.MethodPost, "/v1/chat/completions", f.appSecret, chatBody("demo", "hello", nil), map[string]string{"Idempotency-Key": key})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	first := f.receiptOf(resp)
	// The gateway died before completing the record: drop its receipt.
	h := sha256.Sum256([]byte(key))
	idem := redisstore.Prefix(f.model.Token) + "idem:" + f.appID + ":" + hex.EncodeToString(h[:16])
	if n, err := f.store.Client().HDel(t.Context(), idem, "receipt").Result(); err != nil || n != 1 {
		t.Fatalf("drop the record's receipt from %s: %d, %v", idem, n, err)
	}
	b := f.audSave(0, []metering.SignedReceipt{first}, settlement.StateSettled)
	f.audTrim(f.audArchive(b, []metering.SignedReceipt{first}))
	balance := f.balance(f.appID)

	resp, body = f.do(http.MethodPost, "/v1/chat/completions", f.appSecret, chatBody("demo", "hello", nil), map[string]string{"Idempotency-Key": key})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("replay after the receipt was archived: %d %s", resp.StatusCode, body)
	}
	if again := f.receiptOf(resp); again.ID != first.ID || again.Seq != first.Seq || string(again.Signature) != string(first.Signature) {
		t.Fatalf("replayed receipt %s seq %d, first was %s seq %d", again.ID.Hex(), again.Seq, first.ID.Hex(), first.Seq)
	}
	if f.balance(f.appID) != balance {
		t.Fatal("the replay charged again")
	}

	// The archive is gone (or this gateway cannot read it).
	if err := os.RemoveAll(f.dir.Root()); err != nil {
		t.Fatal(err)
	}
	resp, body = f.do(http.MethodPost, "/v1/chat/completions", f.appSecret, chatBody("demo", "hello", nil), map[string]string{"Idempotency-Key": key})
	e := decodeError(t, body)
	if resp.StatusCode != http.StatusConflict || e.Error.Code == nil || *e.Error.Code != "idempotent_replay_archived" ||
		!strings.Contains(e.Error.Message, first.ID.Hex()) {
		t.Fatalf("replay with the archive unreadable: %d %s", resp.StatusCode, body)
	}
	if f.balance(f.appID) != balance {
		t.Fatal("the refused replay charged")
	}
}
