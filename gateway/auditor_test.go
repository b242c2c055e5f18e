package gateway_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/gateway"
	"github.com/imogate/imogate/inference/demo"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/ledger"
	"github.com/imogate/imogate/settlement/merkle"
)

// audFixture is a real gateway on the test Redis with two models ("demo"
// and "other"), a directory archive, an app key with credit, and batch
// records written through the redisstore batch API under a lease.
type audFixture struct {
	*env
	other     gateway.Model
	dir       *archive.Dir
	operator  common.Address
	appID     string
	appSecret string
}

func audNewFixture(t *testing.T, public bool) *audFixture {
	t.Helper()
	return audNewFixtureWith(t, public, func(s archive.Store) archive.Store { return s })
}

// audGetOnly hides the directory behind the bare archive.Store interface,
// as an object-store archive would be.
type audGetOnly struct{ archive.Store }

// audNewFixtureWith is audNewFixture with the gateway's archive wrapped.
func audNewFixtureWith(t *testing.T, public bool, wrap func(archive.Store) archive.Store) *audFixture {
	t.Helper()
	dir, err := archive.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &audFixture{dir: dir, operator: randomAddress(t)}
	f.env = newEnv(t, func(c *gateway.Config) {
		o := c.Models[0]
		o.Name, o.Token, o.Backend = "other", randomAddress(t), demo.New(demo.Config{})
		c.Models = append(c.Models, o)
		f.other = o
		c.Archive = wrap(dir)
		c.PublicAudit = public
		c.Operator = f.operator
	})
	f.appID, f.appSecret = f.key(1_000_000_000, apikey.Key{Name: "app", Models: []string{"demo"}})
	return f
}

// audRole creates a key of the role for models and returns its secret.
func (f *audFixture) audRole(role string, models ...string) string {
	f.t.Helper()
	_, secret := f.key(0, apikey.Key{Name: role, Role: role, Models: models})
	return secret
}

// audCalls makes n paid calls with secret and returns their receipts.
func (f *audFixture) audCalls(secret string, n int) []metering.SignedReceipt {
	f.t.Helper()
	var out []metering.SignedReceipt
	for range n {
		resp, body := f.do(http.MethodPost, "/v1/chat/completions", secret, chatBody("demo", "hello auditors", nil), nil)
		if resp.StatusCode != http.StatusOK {
			f.t.Fatalf("paid call: %d %s", resp.StatusCode, body)
		}
		out = append(out, f.receiptOf(resp))
	}
	return out
}

// audFence takes (or renews) the test's batcher lease on the demo model.
func (f *audFixture) audFence() int64 {
	f.t.Helper()
	fence, err := f.store.AcquireLease(f.t.Context(), f.model.Token, "gateway-test", time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	return fence
}

// audSave writes batch id over receipts rs (consecutive seqs) in state st.
func (f *audFixture) audSave(id uint64, rs []metering.SignedReceipt, st settlement.BatchState) settlement.Batch {
	f.t.Helper()
	lrs := make([]metering.LoggedReceipt, len(rs))
	for i := range rs {
		lrs[i] = metering.LoggedReceipt{Receipt: rs[i].Receipt}
	}
	tree, fee, err := ledger.TreeOf(lrs)
	if err != nil {
		f.t.Fatal(err)
	}
	b := settlement.Batch{
		Token: f.model.Token, ID: id, FirstSeq: rs[0].Seq, LastSeq: rs[len(rs)-1].Seq, Fee: fee, Root: tree.Root(),
		State: st, SealedAt: time.Now(),
	}
	if st == settlement.StateSettled {
		b.TxHashes = []common.Hash{common.HexToHash("0xabc1")}
		b.TxHash, b.BlockNumber, b.BlockHash, b.SettledAt = common.HexToHash("0xabc1"), 42, common.HexToHash("0xb10c"), time.Now()
	}
	if err := f.store.SaveBatch(f.t.Context(), f.audFence(), b); err != nil {
		f.t.Fatal(err)
	}
	return b
}

// audArchive writes a settled batch's files and marks it archived.
func (f *audFixture) audArchive(b settlement.Batch, rs []metering.SignedReceipt) settlement.Batch {
	f.t.Helper()
	plain := make([]metering.Receipt, len(rs))
	for i := range rs {
		plain[i] = rs[i].Receipt
	}
	tree, err := merkle.FromReceipts(plain)
	if err != nil {
		f.t.Fatal(err)
	}
	dump, err := tree.Dump()
	if err != nil {
		f.t.Fatal(err)
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	err = archive.Write(f.t.Context(), f.dir, archive.Batch{
		Token: b.Token, ID: b.ID, Tree: dump, Receipts: rs,
		Settlement: archive.Settlement{
			ChainID: "1337", Operator: f.operator, Token: b.Token, BatchID: u(b.ID), FirstSeq: u(b.FirstSeq),
			LastSeq: u(b.LastSeq), Count: u(b.Count()), Root: b.Root, Value: b.Fee.String(), Signer: f.signer.Address(),
			TxHash: b.TxHash, BlockNumber: u(b.BlockNumber),
		},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	b.Archived = true
	if err := f.store.SaveBatch(f.t.Context(), f.audFence(), b); err != nil {
		f.t.Fatal(err)
	}
	return b
}

// audTrim deletes the batch's receipts from the live log, as the batcher
// does after archiving.
func (f *audFixture) audTrim(b settlement.Batch) settlement.Batch {
	f.t.Helper()
	if _, err := f.store.TrimReceipts(f.t.Context(), f.model.Token, f.audFence(), b.FirstSeq, b.LastSeq); err != nil {
		f.t.Fatal(err)
	}
	b.Trimmed = true
	if err := f.store.SaveBatch(f.t.Context(), f.audFence(), b); err != nil {
		f.t.Fatal(err)
	}
	return b
}

// audGet sends a GET and decodes a JSON answer of the wanted status.
func (f *audFixture) audGet(path, secret string, want int, out any) []byte {
	f.t.Helper()
	resp, body := f.do(http.MethodGet, path, secret, nil, nil)
	if resp.StatusCode != want {
		f.t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, body, want)
	}
	if want >= 400 {
		decodeError(f.t, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			f.t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return body
}

// audNDJSON parses and verifies an NDJSON receipt stream.
func audNDJSON(t *testing.T, body []byte) []metering.SignedReceipt {
	t.Helper()
	var out []metering.SignedReceipt
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		var r metering.SignedReceipt
		if err := r.UnmarshalJSON(sc.Bytes()); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		if err := r.Verify(); err != nil {
			t.Fatalf("receipt %d does not verify: %v", r.Seq, err)
		}
		out = append(out, r)
	}
	return out
}

type audBatch struct {
	ID          string  `json:"id"`
	Status      string  `json:"status"`
	Root        string  `json:"root"`
	FirstSeq    string  `json:"first_seq"`
	LastSeq     string  `json:"last_seq"`
	Count       string  `json:"count"`
	FeeWei      string  `json:"fee_wei"`
	TxHash      *string `json:"tx_hash"`
	BlockNumber *string `json:"block_number"`
	Archived    bool    `json:"archived"`
}

type audBatchPage struct {
	Data       []audBatch `json:"data"`
	HasMore    bool       `json:"has_more"`
	NextCursor *string    `json:"next_cursor"`
}

type audProof struct {
	BatchID      string   `json:"batch_id"`
	Status       string   `json:"status"`
	Root         string   `json:"root"`
	Leaf         string   `json:"leaf"`
	Proof        []string `json:"proof"`
	SettlementTx *string  `json:"settlement_tx"`
}

func (p audProof) verifies(t *testing.T, r metering.Receipt) bool {
	t.Helper()
	proof := make([]common.Hash, len(p.Proof))
	for i, h := range p.Proof {
		proof[i] = common.HexToHash(h)
	}
	return p.Leaf == r.Leaf().Hex() && merkle.Verify(common.HexToHash(p.Root), r.Leaf(), proof)
}

// TestAuditAPI walks an auditor through a settled, archived and trimmed
// batch and a sealed batch still in Redis, and a receipt not yet batched.
func TestAuditAPI(t *testing.T) {
	f := audNewFixture(t, false)
	aud := f.audRole(apikey.RoleAuditor, "*")
	rs := f.audCalls(f.appSecret, 6)

	b0 := f.audSave(0, rs[0:3], settlement.StateSettled)
	b0 = f.audArchive(b0, rs[0:3])
	b1 := f.audSave(1, rs[3:5], settlement.StateSealed)

	// A proof from the archived tree, asked while the receipt is still in the log.
	var pr audProof
	f.audGet("/v1/receipts/"+rs[1].ID.Hex()+"/proof", f.appSecret, http.StatusOK, &pr)
	if pr.BatchID != "0" || pr.Root != b0.Root.Hex() || pr.SettlementTx == nil || *pr.SettlementTx != b0.TxHash.Hex() || !pr.verifies(t, rs[1].Receipt) {
		t.Fatalf("proof of seq 2: %+v", pr)
	}
	b0 = f.audTrim(b0)

	t.Run("models", func(t *testing.T) {
		body := f.audGet("/v1/audit/models", aud, http.StatusOK, nil)
		var raw struct {
			Data []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(body, &raw); err != nil || len(raw.Data) != 2 {
			t.Fatalf("models: %s", body)
		}
		m := raw.Data[0]
		if m["id"] != "demo" || m["token"] != f.model.Token.Hex() || m["operator"] != f.operator.Hex() ||
			m["receipt_signer"] != f.signer.Address().Hex() || m["settlement_contract"] != f.signer.Domain().VerifyingContract.Hex() {
			t.Fatalf("model entry: %v", m)
		}
		if raw.Data[1]["id"] != "other" {
			t.Fatalf("second model: %v", raw.Data[1])
		}
	})

	t.Run("batches paginate by id", func(t *testing.T) {
		var p1, p2 audBatchPage
		f.audGet("/v1/audit/models/demo/batches?limit=1", aud, http.StatusOK, &p1)
		if len(p1.Data) != 1 || p1.Data[0].ID != "0" || !p1.HasMore || p1.NextCursor == nil {
			t.Fatalf("page 1: %+v", p1)
		}
		f.audGet("/v1/audit/models/demo/batches?limit=1&cursor="+*p1.NextCursor, aud, http.StatusOK, &p2)
		if len(p2.Data) != 1 || p2.Data[0].ID != "1" || p2.HasMore || p2.NextCursor != nil {
			t.Fatalf("page 2: %+v", p2)
		}
		var other audBatchPage
		f.audGet("/v1/audit/models/other/batches", aud, http.StatusOK, &other)
		if len(other.Data) != 0 || other.HasMore {
			t.Fatalf("other model's batches: %+v", other)
		}
	})

	t.Run("batch records", func(t *testing.T) {
		var g0, g1 audBatch
		f.audGet("/v1/audit/models/demo/batches/0", aud, http.StatusOK, &g0)
		if g0.Status != "settled" || g0.Root != b0.Root.Hex() || g0.FirstSeq != "1" || g0.LastSeq != "3" || g0.Count != "3" ||
			g0.FeeWei != b0.Fee.String() || g0.TxHash == nil || *g0.BlockNumber != "42" || !g0.Archived {
			t.Fatalf("batch 0: %+v", g0)
		}
		f.audGet("/v1/audit/models/demo/batches/1", aud, http.StatusOK, &g1)
		if g1.Status != "sealed" || g1.TxHash != nil || g1.BlockNumber != nil || g1.FirstSeq != "4" || g1.LastSeq != "5" {
			t.Fatalf("batch 1: %+v", g1)
		}
		f.audGet("/v1/audit/models/demo/batches/7", aud, http.StatusNotFound, nil)
		f.audGet("/v1/audit/models/other/batches/0", aud, http.StatusNotFound, nil)
	})

	t.Run("trees", func(t *testing.T) {
		for _, b := range []settlement.Batch{b0, b1} { // archived; live
			body := f.audGet("/v1/audit/models/demo/batches/"+strconv.FormatUint(b.ID, 10)+"/tree", aud, http.StatusOK, nil)
			tree, err := merkle.LoadReceiptTree(body)
			if err != nil || tree.Root() != b.Root || uint64(tree.Len()) != b.Count() {
				t.Fatalf("tree of batch %d: %v", b.ID, err)
			}
		}
	})

	t.Run("receipts", func(t *testing.T) {
		for _, c := range []struct {
			b    settlement.Batch
			want []metering.SignedReceipt
		}{{b0, rs[0:3]}, {b1, rs[3:5]}} {
			resp, body := f.do(http.MethodGet, "/v1/audit/models/demo/batches/"+strconv.FormatUint(c.b.ID, 10)+"/receipts", aud, nil, nil)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
				t.Fatalf("receipts of batch %d: %d %s", c.b.ID, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			got := audNDJSON(t, body)
			if len(got) != len(c.want) {
				t.Fatalf("batch %d: %d receipts, want %d", c.b.ID, len(got), len(c.want))
			}
			for i := range got {
				if got[i].ID != c.want[i].ID || got[i].Seq != c.want[i].Seq {
					t.Fatalf("batch %d line %d: seq %d, want %d", c.b.ID, i, got[i].Seq, c.want[i].Seq)
				}
			}
		}
	})

	t.Run("proofs", func(t *testing.T) {
		owner := f.audRole(apikey.RoleOwner, "demo")
		for _, who := range []string{f.appSecret, owner, aud} {
			var p audProof
			f.audGet("/v1/receipts/"+rs[4].ID.Hex()+"/proof", who, http.StatusOK, &p)
			if p.BatchID != "1" || p.Status != "sealed" || p.SettlementTx != nil || !p.verifies(t, rs[4].Receipt) {
				t.Fatalf("proof of seq 5: %+v", p)
			}
		}
		// Not batched yet: a clear conflict, not a 404.
		body := f.audGet("/v1/receipts/"+rs[5].ID.Hex()+"/proof", f.appSecret, http.StatusConflict, nil)
		if e := decodeError(t, body); e.Error.Code == nil || *e.Error.Code != "receipt_not_batched" {
			t.Fatalf("unbatched: %s", body)
		}
		// Someone else's receipt, and another model's owner: invisible.
		_, stranger := f.key(0, apikey.Key{Name: "stranger", Models: []string{"demo"}})
		f.audGet("/v1/receipts/"+rs[4].ID.Hex()+"/proof", stranger, http.StatusNotFound, nil)
		f.audGet("/v1/receipts/"+rs[4].ID.Hex()+"/proof", f.audRole(apikey.RoleOwner, "other"), http.StatusNotFound, nil)
	})
}

// TestAuditReceiptsStreamInChunks streams a live batch larger than one
// Redis read, so the chunk boundaries are crossed.
func TestAuditReceiptsStreamInChunks(t *testing.T) {
	f := audNewFixture(t, false)
	aud := f.audRole(apikey.RoleAuditor, "*")
	const n = 1203
	rs := f.audCalls(f.appSecret, n)
	f.audSave(0, rs, settlement.StateSealed)
	resp, body := f.do(http.MethodGet, "/v1/audit/models/demo/batches/0/receipts", aud, nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	got := audNDJSON(t, body)
	if len(got) != n {
		t.Fatalf("%d receipts streamed, want %d", len(got), n)
	}
	for i := range got {
		if got[i].Seq != uint64(i+1) || got[i].ID != rs[i].ID {
			t.Fatalf("line %d holds seq %d", i+1, got[i].Seq)
		}
	}
}

// TestAuditAccess checks who may read the audit API and that it is
// read-only.
func TestAuditAccess(t *testing.T) {
	f := audNewFixture(t, false)
	aud := f.audRole(apikey.RoleAuditor, "*")
	owner := f.audRole(apikey.RoleOwner, "demo")
	rs := f.audCalls(f.appSecret, 1)
	f.audSave(0, rs, settlement.StateSealed)
	paths := []string{
		"/v1/audit/models", "/v1/audit/models/demo/batches", "/v1/audit/models/demo/batches/0",
		"/v1/audit/models/demo/batches/0/tree", "/v1/audit/models/demo/batches/0/receipts",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			f.audGet(p, aud, http.StatusOK, nil)
			f.audGet(p, adminToken, http.StatusOK, nil)
			f.audGet(p, f.appSecret, http.StatusForbidden, nil)
			f.audGet(p, owner, http.StatusForbidden, nil)
			f.audGet(p, "", http.StatusUnauthorized, nil)
			f.audGet(p, "imk_not-a-key", http.StatusUnauthorized, nil)
			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
				resp, body := f.do(m, p, aud, []byte(`{}`), nil)
				if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusForbidden {
					t.Fatalf("%s %s by an auditor: %d %s", m, p, resp.StatusCode, body)
				}
				decodeError(t, body)
			}
		})
	}
	// An auditor cannot use the owner or admin APIs either.
	f.audGet("/v1/owner/models/demo/revenue", aud, http.StatusForbidden, nil)
	resp, body := f.do(http.MethodPost, "/admin/keys", aud, []byte(`{"name":"x","models":["*"]}`), nil)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("auditor creating a key: %d %s", resp.StatusCode, body)
	}
}

// TestPublicAudit opens the audit API to unauthenticated readers; sent
// credentials must still be valid, and nothing else opens up.
func TestPublicAudit(t *testing.T) {
	f := audNewFixture(t, true)
	f.audGet("/v1/audit/models", "", http.StatusOK, nil)
	f.audGet("/v1/audit/models/demo/batches", "", http.StatusOK, nil)
	f.audGet("/v1/audit/models/demo/batches", f.appSecret, http.StatusOK, nil)
	f.audGet("/v1/audit/models", "imk_bogus", http.StatusUnauthorized, nil)
	f.audGet("/v1/owner/models/demo/revenue", "", http.StatusUnauthorized, nil)
	f.audGet("/v1/models", "", http.StatusUnauthorized, nil)
	resp, body := f.do(http.MethodPost, "/v1/audit/models", "", nil, nil)
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Fatalf("anonymous POST: %d %s", resp.StatusCode, body)
	}
}

// TestAuditBadInput: every malformed parameter is a 400 naming it.
func TestAuditBadInput(t *testing.T) {
	f := audNewFixture(t, false)
	aud := f.audRole(apikey.RoleAuditor, "*")
	for _, c := range []struct{ path, param string }{
		{"/v1/audit/models/demo/batches?limit=0", "limit"},
		{"/v1/audit/models/demo/batches?limit=501", "limit"},
		{"/v1/audit/models/demo/batches?limit=ten", "limit"},
		{"/v1/audit/models/demo/batches?cursor=not-a-cursor", "cursor"},
		{"/v1/audit/models/demo/batches?cursor=MTIz", "cursor"},
		{"/v1/audit/models/demo/batches/abc", "id"},
		{"/v1/audit/models/demo/batches/-1", "id"},
		{"/v1/audit/models/demo/batches/1.5/tree", "id"},
		{"/v1/audit/models/demo/batches/99999999999999999999999/receipts", "id"},
		{"/v1/receipts/0x1234/proof", "id"},
		{"/v1/receipts/nothex/proof", "id"},
	} {
		t.Run(c.path, func(t *testing.T) {
			body := f.audGet(c.path, aud, http.StatusBadRequest, nil)
			e := decodeError(t, body)
			if e.Error.Param == nil || *e.Error.Param != c.param || e.Error.Type != "invalid_request_error" {
				t.Fatalf("error body %s, want param %q", body, c.param)
			}
		})
	}
	f.audGet("/v1/audit/models/nope/batches", aud, http.StatusNotFound, nil)
	f.audGet("/v1/audit/models/nope/batches/0", aud, http.StatusNotFound, nil)
}

// TestAuditArchiveWithoutFiles serves a trimmed batch from an archive that
// only offers whole objects (no local file to stream).
func TestAuditArchiveWithoutFiles(t *testing.T) {
	f := audNewFixtureWith(t, false, func(s archive.Store) archive.Store { return audGetOnly{s} })
	aud := f.audRole(apikey.RoleAuditor, "*")
	rs := f.audCalls(f.appSecret, 3)
	b := f.audTrim(f.audArchive(f.audSave(0, rs, settlement.StateSettled), rs))
	tree, err := merkle.LoadReceiptTree(f.audGet("/v1/audit/models/demo/batches/0/tree", aud, http.StatusOK, nil))
	if err != nil || tree.Root() != b.Root {
		t.Fatalf("archived tree: %v", err)
	}
	if got := audNDJSON(t, f.audGet("/v1/audit/models/demo/batches/0/receipts", aud, http.StatusOK, nil)); len(got) != 3 || got[2].ID != rs[2].ID {
		t.Fatalf("archived receipts: %d", len(got))
	}
	// A trimmed batch the archive does not hold is a clear 404.
	rs2 := f.audCalls(f.appSecret, 2)
	f.audTrim(f.audSave(1, rs2, settlement.StateSettled))
	for _, p := range []string{"tree", "receipts"} {
		body := f.audGet("/v1/audit/models/demo/batches/1/"+p, aud, http.StatusNotFound, nil)
		if e := decodeError(t, body); e.Error.Code == nil || *e.Error.Code != "batch_data_unavailable" {
			t.Fatalf("%s of an unarchived trimmed batch: %s", p, body)
		}
	}
}
