package gateway_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/redisstore"
)

// lostCommitReplies is a go-redis hook that lets the commit script run on
// Redis and then loses its reply, as a connection dropped mid-reply does:
// the gateway cannot know the call was committed.
type lostCommitReplies struct {
	left atomic.Int32
	err  error // what the lost reply looks like: io.ErrUnexpectedEOF when nil
}

func (h *lostCommitReplies) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *lostCommitReplies) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *lostCommitReplies) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		args := cmd.Args()
		// The commit script is the one with 11 keys: EVALSHA sha 11 key…
		if err == nil && len(args) > 2 && args[0] == "evalsha" && args[2] == 11 && h.left.Add(-1) >= 0 {
			lost := h.err
			if lost == nil {
				lost = io.ErrUnexpectedEOF
			}
			cmd.SetErr(lost)
			return lost
		}
		return err
	}
}

// lostReplyEnv is a gateway on a Redis client that loses the replies of the
// first n commits.
func lostReplyEnv(t *testing.T, n int32, lost error) (*env, *lostCommitReplies) {
	t.Helper()
	hook := &lostCommitReplies{err: lost}
	hook.left.Store(n)
	rdb := testredis.Client(t)
	rdb.AddHook(hook)
	st := redisstore.New(rdb, nil)
	e := newEnv(t, func(c *gateway.Config) { c.Store = st; c.CommitBudget = 2 * time.Second })
	e.store = st
	return e, hook
}

// TestCommitWithLostRepliesChargesOnce loses the replies of a call's first
// two commits: the gateway commits again, gets the receipt of the commit
// that did run, and the call is charged exactly once.
func TestCommitWithLostRepliesChargesOnce(t *testing.T) {
	e, hook := lostReplyEnv(t, 2, nil)
	acct, secret := e.key(1_000_000, apikey.Key{})
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
	e, _ := lostReplyEnv(t, 1<<20, nil)
	acct, secret := e.key(1_000_000, apikey.Key{})
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

// TestCommitDeadlineIsAnUnknownOutcome makes the commit's reply miss its
// deadline after the script ran: that outcome is unknown too, so the
// gateway commits again (and gets the receipt), and when every attempt
// misses it, answers charge_unconfirmed, never "not charged".
func TestCommitDeadlineIsAnUnknownOutcome(t *testing.T) {
	t.Run("once", func(t *testing.T) {
		e, _ := lostReplyEnv(t, 1, context.DeadlineExceeded)
		acct, secret := e.key(1_000_000, apikey.Key{})
		resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hello", nil), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		rc := e.receiptOf(resp)
		if got, want := e.balance(acct), 1_000_000-rc.Fee.Int64(); got != want || e.lastSeq() != 1 {
			t.Fatalf("balance %d (want %d), seq %d (want 1)", got, want, e.lastSeq())
		}
	})
	t.Run("always", func(t *testing.T) {
		e, _ := lostReplyEnv(t, 1<<20, context.DeadlineExceeded)
		_, secret := e.key(1_000_000, apikey.Key{})
		resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hello", nil), nil)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get(gateway.HeaderReceiptID) == "" {
			t.Fatalf("status %d, receipt id %q: %s", resp.StatusCode, resp.Header.Get(gateway.HeaderReceiptID), body)
		}
		if code := decodeError(t, body).Error.Code; code == nil || *code != "charge_unconfirmed" {
			t.Fatalf("code %v, want charge_unconfirmed: %s", code, body)
		}
	})
	t.Run("stream", func(t *testing.T) {
		e, _ := lostReplyEnv(t, 1<<20, context.DeadlineExceeded)
		_, secret := e.key(1_000_000, apikey.Key{})
		resp, body := e.do("POST", "/v1/chat/completions", secret, chatBody("demo", "hello", map[string]any{"stream": true}), nil)
		if resp.Header.Get(gateway.HeaderReceiptID) == "" {
			t.Fatal("stream without Imogate-Receipt-Id")
		}
		if !strings.Contains(string(body), "charge_unconfirmed") || strings.Contains(string(body), "not charged") {
			t.Fatalf("stream's last events do not say the charge is unconfirmed:\n%s", body)
		}
	})
}
