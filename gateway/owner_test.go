package gateway_test

import (
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
)

type ownUsageRow struct {
	Bucket           string `json:"bucket"`
	Name             string `json:"name"`
	Calls            int64  `json:"calls"`
	PromptTokens     int64  `json:"prompt_tokens"`
	CompletionTokens int64  `json:"completion_tokens"`
	FeesWei          string `json:"fees_wei"`
}

type ownUsage struct {
	Group       string        `json:"group"`
	Data        []ownUsageRow `json:"data"`
	Total       ownUsageRow   `json:"total"`
	Limitations []string      `json:"limitations"`
}

type ownRevenue struct {
	Calls           int64  `json:"calls"`
	MeteredWei      string `json:"metered_wei"`
	SettledWei      string `json:"settled_wei"`
	PendingWei      string `json:"pending_wei"`
	InSettlementWei string `json:"in_settlement_wei"`
	SettledBatches  int64  `json:"settled_batches"`
}

type ownKeys struct {
	Data []struct {
		ID         string   `json:"id"`
		Name       string   `json:"name"`
		Models     []string `json:"models"`
		RPM        int64    `json:"rpm"`
		BalanceWei string   `json:"balance_wei"`
	} `json:"data"`
}

func ownFees(rs []metering.SignedReceipt) *big.Int {
	sum := new(big.Int)
	for i := range rs {
		sum.Add(sum, rs[i].Fee)
	}
	return sum
}

func ownTokens(rs []metering.SignedReceipt) (prompt, completion int64) {
	for i := range rs {
		prompt += int64(rs[i].PromptTokens)
		completion += int64(rs[i].CompletionTokens)
	}
	return
}

// ownUsagePath is the usage route of model over three whole hours: the one
// before now, now's and the next.
func ownUsagePath(model, group string) string {
	now := time.Now().UTC().Truncate(time.Hour)
	q := url.Values{
		"from":  {now.Add(-time.Hour).Format(time.RFC3339)},
		"to":    {now.Add(2 * time.Hour).Format(time.RFC3339)},
		"group": {group},
	}
	return "/v1/owner/models/" + model + "/usage?" + q.Encode()
}

// TestOwnerAPI checks the owner's numbers against the receipts issued.
func TestOwnerAPI(t *testing.T) {
	f := audNewFixture(t, false)
	owner := f.audRole(apikey.RoleOwner, "demo")
	app2ID, app2 := f.key(500_000_000, apikey.Key{Name: "second app", Models: []string{"*"}, RPM: 60})
	f.key(7, apikey.Key{Name: "other-only", Models: []string{"other"}})
	rs := append(f.audCalls(f.appSecret, 4), f.audCalls(app2, 2)...)
	fees := ownFees(rs)
	prompt, completion := ownTokens(rs)

	t.Run("usage by hour and day", func(t *testing.T) {
		for _, group := range []string{"hour", "day"} {
			var u ownUsage
			f.audGet(ownUsagePath("demo", group), owner, http.StatusOK, &u)
			if u.Group != group || u.Total.Calls != 6 || u.Total.FeesWei != fees.String() ||
				u.Total.PromptTokens != prompt || u.Total.CompletionTokens != completion {
				t.Fatalf("group=%s total %+v, want 6 calls, %s wei, %d+%d tokens", group, u.Total, fees, prompt, completion)
			}
			var calls int64
			sum := new(big.Int)
			for _, r := range u.Data {
				calls += r.Calls
				v, ok := new(big.Int).SetString(r.FeesWei, 10)
				if !ok {
					t.Fatalf("fees_wei %q is not a decimal string", r.FeesWei)
				}
				sum.Add(sum, v)
			}
			if calls != 6 || sum.Cmp(fees) != 0 {
				t.Fatalf("group=%s buckets add up to %d calls, %s wei", group, calls, sum)
			}
			if group == "hour" && len(u.Data) != 3 {
				t.Fatalf("3 hours asked, %d buckets: %+v", len(u.Data), u.Data)
			}
		}
		// The other model saw none of it.
		var o ownUsage
		f.audGet(ownUsagePath("other", "hour"), adminToken, http.StatusOK, &o)
		if o.Total.Calls != 0 || o.Total.FeesWei != "0" {
			t.Fatalf("other model usage: %+v", o.Total)
		}
	})

	t.Run("usage by key", func(t *testing.T) {
		var u ownUsage
		f.audGet(ownUsagePath("demo", "key"), owner, http.StatusOK, &u)
		if len(u.Data) != 2 || len(u.Limitations) == 0 {
			t.Fatalf("by key: %+v", u)
		}
		want := map[string]struct {
			calls int64
			fees  *big.Int
		}{f.appID: {4, ownFees(rs[:4])}, app2ID: {2, ownFees(rs[4:])}}
		for _, r := range u.Data {
			w, ok := want[r.Bucket]
			if !ok || r.Calls != w.calls || r.FeesWei != w.fees.String() {
				t.Fatalf("row %+v", r)
			}
		}
	})

	t.Run("revenue", func(t *testing.T) {
		var r ownRevenue
		f.audGet("/v1/owner/models/demo/revenue", owner, http.StatusOK, &r)
		if r.Calls != 6 || r.MeteredWei != fees.String() || r.SettledWei != "0" || r.PendingWei != fees.String() {
			t.Fatalf("before settlement: %+v", r)
		}
		f.audSave(0, rs[0:2], settlement.StateSettled)
		f.audSave(1, rs[2:3], settlement.StateSealed)
		settled := ownFees(rs[0:2])
		f.audGet("/v1/owner/models/demo/revenue", owner, http.StatusOK, &r)
		pending := new(big.Int).Sub(fees, settled)
		if r.MeteredWei != fees.String() || r.SettledWei != settled.String() || r.PendingWei != pending.String() ||
			r.InSettlementWei != ownFees(rs[2:3]).String() || r.SettledBatches != 1 {
			t.Fatalf("after settlement: %+v, want settled %s pending %s", r, settled, pending)
		}
	})

	t.Run("batches", func(t *testing.T) {
		var p audBatchPage
		f.audGet("/v1/owner/models/demo/batches?limit=1", owner, http.StatusOK, &p)
		if len(p.Data) != 1 || p.Data[0].ID != "0" || p.Data[0].Status != "settled" || p.Data[0].TxHash == nil || p.NextCursor == nil {
			t.Fatalf("page 1: %+v", p)
		}
		f.audGet("/v1/owner/models/demo/batches?cursor="+*p.NextCursor, owner, http.StatusOK, &p)
		if len(p.Data) != 1 || p.Data[0].ID != "1" || p.Data[0].Status != "sealed" || p.HasMore {
			t.Fatalf("page 2: %+v", p)
		}
	})

	t.Run("keys", func(t *testing.T) {
		var k ownKeys
		body := f.audGet("/v1/owner/models/demo/keys", owner, http.StatusOK, &k)
		for _, secret := range []string{f.appSecret, app2, owner} {
			if strings.Contains(string(body), secret) || strings.Contains(string(body), strings.TrimPrefix(secret, apikey.Prefix)) {
				t.Fatal("the keys listing contains an API key")
			}
		}
		bal := map[string]string{}
		for _, r := range k.Data {
			if r.Name == "other-only" {
				t.Fatalf("a key of another model is listed: %+v", r)
			}
			bal[r.ID] = r.BalanceWei
		}
		for _, id := range []string{f.appID, app2ID} {
			if want := big.NewInt(f.balance(id)).String(); bal[id] != want {
				t.Fatalf("key %s balance %q, want %s", id, bal[id], want)
			}
		}
	})
}

// TestOwnerScoping: an owner sees only its models; apps and auditors get
// 403; nobody writes through the owner API.
func TestOwnerScoping(t *testing.T) {
	f := audNewFixture(t, false)
	owner := f.audRole(apikey.RoleOwner, "demo")
	allOwner := f.audRole(apikey.RoleOwner, "*")
	aud := f.audRole(apikey.RoleAuditor, "*")
	for _, route := range []string{"usage", "revenue", "keys", "batches"} {
		t.Run(route, func(t *testing.T) {
			mine, theirs := "/v1/owner/models/demo/"+route, "/v1/owner/models/other/"+route
			f.audGet(mine, owner, http.StatusOK, nil)
			body := f.audGet(theirs, owner, http.StatusNotFound, nil)
			if e := decodeError(t, body); e.Error.Code == nil || *e.Error.Code != "model_not_found" {
				t.Fatalf("another owner's model: %s", body)
			}
			f.audGet("/v1/owner/models/nope/"+route, owner, http.StatusNotFound, nil)
			f.audGet(theirs, allOwner, http.StatusOK, nil)
			f.audGet(theirs, adminToken, http.StatusOK, nil)
			f.audGet(mine, f.appSecret, http.StatusForbidden, nil)
			f.audGet(mine, aud, http.StatusForbidden, nil)
			f.audGet(mine, "", http.StatusUnauthorized, nil)
			for _, m := range []string{http.MethodPost, http.MethodDelete} {
				resp, body := f.do(m, mine, owner, []byte(`{}`), nil)
				if resp.StatusCode != http.StatusMethodNotAllowed {
					t.Fatalf("%s %s: %d %s", m, mine, resp.StatusCode, body)
				}
				decodeError(t, body)
			}
		})
	}
}

// TestOwnerBadInput: every malformed parameter is a 400 naming it.
func TestOwnerBadInput(t *testing.T) {
	f := audNewFixture(t, false)
	owner := f.audRole(apikey.RoleOwner, "demo")
	now := time.Now().UTC()
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	ts := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	usage := "/v1/owner/models/demo/usage?"
	for _, c := range []struct{ path, param string }{
		{usage + q("from", "yesterday"), "from"},
		{usage + q("from", "2026-01-02"), "from"},
		{usage + q("to", "1700000000"), "to"},
		{usage + q("from", ts(0), "to", ts(-time.Hour)), "to"},
		{usage + q("from", ts(0), "to", ts(0)), "to"},
		{usage + q("from", ts(-32*24*time.Hour), "to", ts(0)), "to"},
		{usage + q("from", "1969-12-31T00:00:00Z", "to", "1970-01-01T05:00:00Z"), "from"},
		{usage + q("group", "week"), "group"},
		{usage + q("group", "HOUR"), "group"},
		{"/v1/owner/models/demo/batches?" + q("limit", "-3"), "limit"},
		{"/v1/owner/models/demo/batches?" + q("limit", "1000"), "limit"},
		{"/v1/owner/models/demo/batches?" + q("cursor", "%%%"), "cursor"},
	} {
		t.Run(c.path, func(t *testing.T) {
			body := f.audGet(c.path, owner, http.StatusBadRequest, nil)
			e := decodeError(t, body)
			if e.Error.Param == nil || *e.Error.Param != c.param || e.Error.Type != "invalid_request_error" {
				t.Fatalf("error body %s, want param %q", body, c.param)
			}
		})
	}
	// 31 days exactly is allowed.
	f.audGet(usage+q("from", ts(-31*24*time.Hour), "to", ts(0), "group", "day"), owner, http.StatusOK, nil)
}
