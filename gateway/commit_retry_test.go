package gateway_test

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/metering/redisstore"
)

// lostCommitReplies is a go-redis hook that lets the commit script run on
// Redis and then loses its reply, as a connection dropped mid-reply does:
// the gateway cannot know the call was committed.
type lostCommitReplies struct{ left atomic.Int32 }

func (h *lostCommitReplies) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *lostCommitReplies) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *lostCommitReplies) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		args := cmd.Args()
		// The commit script is the one with 10 keys: EVALSHA sha 10 key…
		if err == nil && len(args) > 2 && args[0] == "evalsha" && args[2] == 10 && h.left.Add(-1) >= 0 {
			cmd.SetErr(io.ErrUnexpectedEOF)
			return io.ErrUnexpectedEOF
		}
		return err
	}
}

// lostReplyEnv is a gateway on a Redis client that loses the replies of the
// first n commits.
func lostReplyEnv(t *testing.T, n int32) (*env, *lostCommitReplies) {
	t.Helper()
	hook := &lostCommitReplies{}
	hook.left.Store(n)
	rdb := testredis.Client(t)
	rdb.AddHook(hook)
	st := redisstore.New(rdb, nil)
	e := newEnv(t, func(c *gateway.Config) { c.Store = st })
	e.store = st
	return e, hook
}

// TestCommitWithLostRepliesChargesOnce loses the replies of a call's first
// two commits: the gateway commits again, gets the receipt of the commit
// that did run, and the call is charged exactly once.
func TestCommitWithLostRepliesChargesOnce(t *testing.T) {
	e, hook := lostReplyEnv(t, 2)
	acct, secret := e.key(1_000_000, redisstore.Key{})
	resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hello", nil), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if hook.left.Load() >= 0 {
		t.Fatalf("the hook lost %d of 2 commit replies: the test did not exercise the retry", 2-hook.left.Load())
	}
	rc := e.receiptOf(resp)
	if rc.Seq != 1 || e.lastSeq() != 1 {
		t.Fatalf("receipt seq %d, last seq %d; want 1 and 1 (one commit)", rc.Seq, e.lastSeq())
	}
	if got, want := e.balance(acct), 1_000_000-rc.Fee.Int64(); got != want {
		t.Fatalf("balance %d, want %d: charged once, for the fee on the receipt", got, want)
	}
	if e.openHolds() != 0 {
		t.Fatalf("%d holds open after the call", e.openHolds())
	}
}

// TestCommitWithEveryReplyLostSaysSo loses every commit reply: the call's
// charge is unknown to the gateway, so it answers 503 charge_unconfirmed
// with the receipt id, and the receipt the first commit wrote can be
// fetched by that id.
func TestCommitWithEveryReplyLostSaysSo(t *testing.T) {
	e, _ := lostReplyEnv(t, 1<<20)
	acct, secret := e.key(1_000_000, redisstore.Key{})
	resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hello", nil), nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if code := decodeError(t, body).Error.Code; code == nil || *code != "charge_unconfirmed" {
		t.Fatalf("error code %v, want charge_unconfirmed: %s", code, body)
	}
	rid := resp.Header.Get(gateway.HeaderReceiptID)
	if rid == "" {
		t.Fatal("no Imogate-Receipt-Id on an unconfirmed charge")
	}
	resp, body = e.do("GET", "/v1/receipts/"+rid, secret, nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the receipt of the unconfirmed call: %d %s", resp.StatusCode, body)
	}
	if e.lastSeq() != 1 || e.balance(acct) >= 1_000_000 {
		t.Fatalf("seq %d, balance %d: the first commit ran once and charged", e.lastSeq(), e.balance(acct))
	}
}
