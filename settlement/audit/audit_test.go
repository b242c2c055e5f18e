package audit_test

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/audit"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/testbindings"
)

// fixture is the honest setup every test audits: token A with batches of 3,
// 4 and 2 receipts settled in full; token B with one batch of 3 whose
// deposit is 1 wei short while its archive claims the full fee sum.
type fixture struct {
	*env
	a, short common.Address
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return fixtureOn(t, newEnv(t))
}

// fixtureOn settles the fixture's batches in e.
func fixtureOn(t *testing.T, e *env) *fixture {
	t.Helper()
	f := &fixture{env: e, a: e.newToken("AAA"), short: e.newToken("BBB")}
	for _, n := range []int{3, 4, 2} {
		e.settle(f.a, n, nil)
	}
	rs := make([]metering.SignedReceipt, 3)
	for i := range rs {
		seq := uint64(i + 1)
		rs[i] = sign(t, e.signer, f.short, seq, int64(1_000_000_007*seq))
	}
	e.settle(f.short, 3, new(big.Int).Sub(feeSum(rs), big.NewInt(1)))
	return f
}

func TestBatch(t *testing.T) {
	f := newFixture(t)
	// Batch 1 of token A holds seqs 4..7.
	tamperLine := func(edit func(r *metering.SignedReceipt)) func(dir string) {
		return func(dir string) {
			editReceipts(t, dir, f.a, 1, func(rs []metering.SignedReceipt) []metering.SignedReceipt {
				edit(&rs[1])
				return rs
			})
		}
	}
	tests := []struct {
		name   string
		token  common.Address
		id     uint64
		tamper func(dir string)
		want   []string
	}{
		{name: "honest batch 0", token: f.a, id: 0},
		{name: "honest batch 1", token: f.a, id: 1},
		{name: "honest batch 2", token: f.a, id: 2},
		{
			name: "changed fee in receipts.ndjson", token: f.a, id: 1,
			tamper: tamperLine(func(r *metering.SignedReceipt) { r.Fee = new(big.Int).Add(r.Fee, big.NewInt(1)) }),
			want:   []string{audit.CheckFeesMatchPrices, audit.CheckSignatures, audit.CheckReceiptsMatchTree, audit.CheckFeesEqualDeposit},
		},
		{
			name: "changed fee in both files", token: f.a, id: 1,
			tamper: func(dir string) {
				var changed []metering.SignedReceipt
				editReceipts(t, dir, f.a, 1, func(rs []metering.SignedReceipt) []metering.SignedReceipt {
					rs[1].Fee = new(big.Int).Add(rs[1].Fee, big.NewInt(1))
					changed = rs
					return rs
				})
				writeTree(t, dir, f.a, 1, changed)
			},
			want: []string{audit.CheckFeesMatchPrices, audit.CheckSignatures, audit.CheckTreeRoot, audit.CheckFeesEqualDeposit},
		},
		{
			name: "dropped receipt", token: f.a, id: 1,
			tamper: func(dir string) {
				editReceipts(t, dir, f.a, 1, func(rs []metering.SignedReceipt) []metering.SignedReceipt {
					return append(rs[:1:1], rs[2:]...)
				})
			},
			want: []string{audit.CheckReceiptsMatchTree, audit.CheckSeqRange, audit.CheckFeesEqualDeposit},
		},
		{
			name: "duplicated receipt", token: f.a, id: 1,
			tamper: func(dir string) {
				editReceipts(t, dir, f.a, 1, func(rs []metering.SignedReceipt) []metering.SignedReceipt {
					rs[2] = copyReceipt(rs[1])
					return rs
				})
			},
			want: []string{audit.CheckReceiptsMatchTree, audit.CheckSeqRange, audit.CheckFeesEqualDeposit},
		},
		{
			name: "forged signature", token: f.a, id: 1,
			tamper: tamperLine(func(r *metering.SignedReceipt) {
				forged := sign(t, f.forger, f.a, r.Seq, r.Fee.Int64())
				r.Signature = forged.Signature // still names the real signer
			}),
			want: []string{audit.CheckSignatures},
		},
		{
			name: "receipt by another signer", token: f.a, id: 1,
			tamper: tamperLine(func(r *metering.SignedReceipt) {
				forged := sign(t, f.forger, f.a, r.Seq, r.Fee.Int64())
				r.Signature, r.Signer = forged.Signature, forged.Signer
			}),
			want: []string{audit.CheckSigners},
		},
		{
			name: "wrong root: tree.json value altered", token: f.a, id: 1,
			tamper: func(dir string) {
				rs := make([]metering.SignedReceipt, 4)
				for i := range rs {
					rs[i] = copyReceipt(f.receipts[f.a][3+i])
				}
				rs[2].ResponseHash = common.Hash{0xee}
				writeTree(t, dir, f.a, 1, rs)
			},
			want: []string{audit.CheckTreeRoot, audit.CheckReceiptsMatchTree},
		},
		{
			name: "tree.json corrupted", token: f.a, id: 1,
			tamper: func(dir string) {
				p := batchFile(dir, f.a, 1, archive.TreeFile)
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				var dump map[string]any
				if err := json.Unmarshal(data, &dump); err != nil {
					t.Fatal(err)
				}
				dump["tree"].([]any)[0] = "0x" + strings.Repeat("ab", 32)
				data, _ = json.Marshal(dump)
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{audit.CheckTree},
		},
		{
			name: "settlement.json names another block", token: f.a, id: 1,
			tamper: editSettlement(t, batchFile("", f.a, 1, archive.SettlementFile), func(st *archive.Settlement) { st.BlockNumber = "2" }),
			want:   []string{audit.CheckSettlementTx},
		},
		{
			name: "settlement.json names another tx", token: f.a, id: 1,
			tamper: editSettlement(t, batchFile("", f.a, 1, archive.SettlementFile), func(st *archive.Settlement) { st.TxHash = common.Hash{1} }),
			want:   []string{audit.CheckSettlementTx},
		},
		{
			name: "batch missing from archive", token: f.a, id: 2,
			tamper: func(dir string) {
				if err := os.RemoveAll(filepath.Dir(batchFile(dir, f.a, 2, archive.TreeFile))); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{audit.CheckArchiveFiles},
		},
		{name: "deposit short by 1 wei", token: f.short, id: 0, want: []string{audit.CheckFeesEqualDeposit, audit.CheckSettlementJSON}},
		{name: "batch not settled", token: f.a, id: 3, want: []string{audit.CheckOnChainBatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := f.auditor(tt.tamper).Batch(t.Context(), tt.token, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			wantFailed(t, rep, tt.want...)
		})
	}
}

func TestBatchNamesTheProblem(t *testing.T) {
	f := newFixture(t)
	rep, err := f.auditor(nil).Batch(t.Context(), f.short, 0)
	if err != nil {
		t.Fatal(err)
	}
	sum := feeSum(f.receipts[f.short])
	short := new(big.Int).Sub(sum, big.NewInt(1))
	c := rep.Find(audit.CheckFeesEqualDeposit)
	if c == nil || !strings.Contains(c.Detail, sum.String()) || !strings.Contains(c.Detail, short.String()) {
		t.Fatalf("fees check = %+v, want both %s and %s named", c, sum, short)
	}
	rep, err = f.auditor(func(dir string) {
		editReceipts(t, dir, f.a, 1, func(rs []metering.SignedReceipt) []metering.SignedReceipt { return append(rs[:1:1], rs[2:]...) })
	}).Batch(t.Context(), f.a, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Find(audit.CheckSeqRange); c == nil || !strings.Contains(c.Detail, "seq 5 is missing") {
		t.Fatalf("seq range check = %+v, want seq 5 named missing", c)
	}
}

func TestReceipt(t *testing.T) {
	f := newFixture(t)
	honest := f.receipts[f.a][4] // seq 5, batch 1
	tests := []struct {
		name   string
		r      func() metering.SignedReceipt
		tamper func(dir string)
		want   []string
	}{
		{name: "honest", r: func() metering.SignedReceipt { return honest }},
		{name: "honest, short-deposit token", r: func() metering.SignedReceipt { return f.receipts[f.short][0] }},
		{
			name: "forged signature",
			r: func() metering.SignedReceipt {
				r := copyReceipt(honest)
				r.Signature = sign(t, f.forger, f.a, r.Seq, r.Fee.Int64()).Signature
				return r
			},
			want: []string{audit.CheckSignature, audit.CheckSignatureOnChain},
		},
		{
			name: "signed by a key that is not the batch's signer",
			r:    func() metering.SignedReceipt { return sign(t, f.forger, f.a, honest.Seq, honest.Fee.Int64()) },
			want: []string{audit.CheckSigner, audit.CheckSignatureOnChain},
		},
		{
			name: "changed fee",
			r: func() metering.SignedReceipt {
				r := copyReceipt(honest)
				r.Fee.Add(r.Fee, big.NewInt(1))
				return r
			},
			want: []string{audit.CheckSignature, audit.CheckSignatureOnChain, audit.CheckInArchive},
		},
		{
			name: "other chain's domain",
			r: func() metering.SignedReceipt {
				s := metering.NewSigner(signerKey, metering.NewDomain(big.NewInt(1), f.settlement))
				return sign(t, s, f.a, honest.Seq, honest.Fee.Int64())
			},
			want: []string{audit.CheckDomain, audit.CheckSignatureOnChain},
		},
		{
			name: "not settled",
			r:    func() metering.SignedReceipt { return sign(t, f.signer, f.a, 100, 1) },
			want: []string{audit.CheckSettled},
		},
		{
			name: "archived tree has another root",
			r:    func() metering.SignedReceipt { return honest },
			tamper: func(dir string) {
				rs := make([]metering.SignedReceipt, 4)
				for i := range rs {
					rs[i] = copyReceipt(f.receipts[f.a][3+i])
				}
				rs[3].ResponseHash = common.Hash{0xee}
				writeTree(t, dir, f.a, 1, rs)
			},
			want: []string{audit.CheckRoot, audit.CheckProof, audit.CheckProofOnChain},
		},
		{
			name:   "batch missing from archive",
			r:      func() metering.SignedReceipt { return honest },
			tamper: func(dir string) { _ = os.RemoveAll(filepath.Join(dir, archive.BatchDir(f.a, 1))) },
			want:   []string{audit.CheckInArchive},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := f.auditor(tt.tamper).Receipt(t.Context(), tt.r())
			if err != nil {
				t.Fatal(err)
			}
			wantFailed(t, rep, tt.want...)
		})
	}
	t.Run("every honest receipt", func(t *testing.T) {
		a := f.auditor(nil)
		for _, r := range f.receipts[f.a] {
			rep, err := a.Receipt(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			wantFailed(t, rep)
		}
	})
}

func TestParseReceipt(t *testing.T) {
	f := newFixture(t)
	r := f.receipts[f.a][0]
	js, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	hv, err := r.HeaderValue()
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{string(js), hv + "\n", "  " + string(js) + "\n"} {
		got, err := audit.ParseReceipt([]byte(in))
		if err != nil || got.Leaf() != r.Leaf() || got.Signer != r.Signer {
			t.Fatalf("ParseReceipt(%.20q) = %v, %v", in, got.ID, err)
		}
	}
	if _, err := audit.ParseReceipt([]byte("not a receipt")); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestHistory(t *testing.T) {
	f := newFixture(t)
	noArchive := func(c *audit.Config) { c.Archive = nil }
	tests := []struct {
		name   string
		token  common.Address
		config func(*audit.Config)
		tamper func(dir string)
		want   []string
	}{
		{name: "honest", token: f.a},
		{name: "honest, chain only", token: f.a, config: noArchive},
		{name: "honest, one block per log query", token: f.a, config: func(c *audit.Config) { c.BlockRange = 1 }},
		{name: "short deposit against the archive", token: f.short, want: []string{audit.CheckArchivedBatches}},
		{name: "short deposit, chain only", token: f.short, config: noArchive},
		{
			name: "dropped receipt in the archive", token: f.a,
			tamper: func(dir string) {
				editReceipts(t, dir, f.a, 2, func(rs []metering.SignedReceipt) []metering.SignedReceipt { return rs[:1] })
			},
			want: []string{audit.CheckArchivedBatches},
		},
		{
			name: "from-block after the first settlement", token: f.a,
			config: func(c *audit.Config) { c.FromBlock = f.blocks[f.a][1] },
			want:   []string{audit.CheckBatchIDs, audit.CheckSeqRanges, audit.CheckContractState},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.config
			if cfg == nil {
				cfg = func(*audit.Config) {}
			}
			rep, err := f.auditorWith(tt.tamper, cfg).History(t.Context(), tt.token)
			if err != nil {
				t.Fatal(err)
			}
			wantFailed(t, rep, tt.want...)
		})
	}

	t.Run("totals and progress", func(t *testing.T) {
		var phases []string
		a := f.auditorWith(nil, func(c *audit.Config) {
			c.Progress = func(phase string, done, total uint64) {
				if done > total {
					t.Errorf("progress %s: %d of %d", phase, done, total)
				}
				phases = append(phases, phase)
			}
		})
		rep, err := a.History(t.Context(), f.a)
		if err != nil {
			t.Fatal(err)
		}
		sum := feeSum(f.receipts[f.a])
		want := map[string]string{"batches": "3", "receipts": "9", "deposited": sum.String(), "depositedAllOperators": sum.String(), "revenueFromSettlement": sum.String()}
		for k, v := range want {
			if rep.Totals[k] != v {
				t.Errorf("total %s = %q, want %q", k, rep.Totals[k], v)
			}
		}
		if len(phases) == 0 {
			t.Error("no progress reported")
		}
	})
}

func TestNewValidates(t *testing.T) {
	_, err := audit.New(audit.Config{})
	if err == nil {
		t.Fatal("empty config accepted")
	}
	for _, want := range []string{"chain", "settlement", "operator"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// editSettlement returns a tamper that rewrites the settlement.json at rel
// (relative to the archive directory) through edit.
func editSettlement(t *testing.T, rel string, edit func(*archive.Settlement)) func(dir string) {
	return func(dir string) {
		p := filepath.Join(dir, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var st archive.Settlement
		if err := json.Unmarshal(data, &st); err != nil {
			t.Fatal(err)
		}
		edit(&st)
		data, _ = json.Marshal(st)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBatchFeesMatchPrices: `imogate audit batch` recomputes every fee from
// the published prices. An honestly settled batch (signatures valid, fee
// sum deposited) whose receipts are priced above the schedule fails; a batch
// across a price change passes; a batch archived without prices.json says
// the check was skipped.
func TestBatchFeesMatchPrices(t *testing.T) {
	e := newEnv(t)
	tok := e.newToken("PRC")
	// Receipt s: 10·s prompt and 5·s completion tokens at timestamp
	// 1_760_000_000_000 + s. Version 1 charges 100 wei per request; version
	// 2, from seq 3's timestamp on, 200 wei per request and 1000 wei per
	// 1k completion tokens.
	change := uint64(1_760_000_000_003)
	sched := metering.PriceSchedule{
		{EffectiveFrom: 0, Price: metering.Price{PerRequest: 100}},
		{EffectiveFrom: change, Price: metering.Price{PerRequest: 200, Per1KCompletion: 1000}},
	}
	priced := func(seq uint64, extra int64) metering.SignedReceipt {
		v, err := sched.At(1_760_000_000_000 + seq)
		if err != nil {
			t.Fatal(err)
		}
		fee, _ := v.Fee(10*seq, 5*seq)
		return sign(t, e.signer, tok, seq, fee+extra)
	}
	var honest []metering.SignedReceipt
	for seq := uint64(1); seq <= 5; seq++ {
		honest = append(honest, priced(seq, 0))
	}
	e.settleReceipts(tok, honest, nil, sched) // batch 0: across the change
	overcharged := []metering.SignedReceipt{priced(6, 0), priced(7, 1), priced(8, 0)}
	e.settleReceipts(tok, overcharged, nil, sched)                          // batch 1: seq 7 charged 1 wei more
	e.settleReceipts(tok, []metering.SignedReceipt{priced(9, 0)}, nil, nil) // batch 2: no prices.json

	a := e.auditor(nil)
	rep, err := a.Batch(t.Context(), tok, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantFailed(t, rep)
	if c := rep.Find(audit.CheckFeesMatchPrices); c == nil || c.Status != audit.Pass || !strings.Contains(c.Detail, "2 price version") {
		t.Fatalf("across a price change: %+v", c)
	}
	rep, err = a.Batch(t.Context(), tok, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantFailed(t, rep, audit.CheckFeesMatchPrices)
	if c := rep.Find(audit.CheckFeesMatchPrices); !strings.Contains(c.Detail, "seq 7") || strings.Contains(c.Detail, "seq 6") {
		t.Fatalf("the check must name seq 7 alone: %s", c.Detail)
	}
	rep, err = a.Batch(t.Context(), tok, 2)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Find(audit.CheckFeesMatchPrices); c == nil || c.Status != audit.Skip || !strings.Contains(c.Detail, archive.PricesFile) {
		t.Fatalf("without prices.json: %+v", c)
	}
}

// TestAuditResultWords: an audit passes only what it checked. A token that
// logs no revenue event (a minimal ERC-7641) has its deposits checked by its
// balance in each settlement block; where another payment in the block
// hides one, the revenue check is skipped and the result is INCOMPLETE, not
// PASS; so is a chain audit without the archive. An audit pointed at an address that does not hold
// UsageSettlement fails its first check.
func TestAuditResultWords(t *testing.T) {
	e := newEnv(t)
	tok := e.newToken("RES")
	e.settleReceipts(tok, []metering.SignedReceipt{sign(t, e.signer, tok, 1, 1000), sign(t, e.signer, tok, 2, 2000)}, nil, nil)
	rep, err := e.auditor(nil).History(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result != audit.Pass || rep.Find(audit.CheckSettlementCode).Status != audit.Pass {
		t.Fatalf("honest, with the archive: %s %+v", rep.Result, rep.Checks)
	}
	rep, err = e.auditorWith(nil, func(c *audit.Config) { c.Archive = nil }).History(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result != audit.Incomplete || !rep.OK || len(rep.Skipped()) != 1 {
		t.Fatalf("without the archive: %s, skipped %v", rep.Result, rep.Skipped())
	}

	opts := chaintest.Transactor(t, operatorKey)
	minimal, tx, err := bind.DeployContract(opts, common.FromHex(testbindings.MinimalERC7641MetaData.Bin), e.client,
		testbindings.NewMinimalERC7641().PackConstructor(big.NewInt(1000)))
	if err != nil {
		t.Fatal(err)
	}
	e.commit()
	if _, err := bind.WaitDeployed(t.Context(), e.client, tx.Hash()); err != nil {
		t.Fatal(err)
	}
	e.settleReceipts(minimal, []metering.SignedReceipt{sign(t, e.signer, minimal, 1, 5000)}, nil, nil)
	rep, err = e.auditor(nil).History(t.Context(), minimal)
	if err != nil {
		t.Fatal(err)
	}
	// Without events, the deposit is checked by the token's balance in the
	// settlement's block.
	if c := rep.Find(audit.CheckRevenue); c == nil || c.Status != audit.Pass || !strings.Contains(c.Detail, "balance grew by exactly") || rep.Result != audit.Pass {
		t.Fatalf("a token without revenue events: %s, revenue check %+v", rep.Result, c)
	}
	// Another payment to the token in the same block as a settlement: that
	// deposit cannot be told apart, so the audit is incomplete, not a pass.
	opts = chaintest.Transactor(t, operatorKey)
	opts.Value = big.NewInt(7)
	if _, err := bind.NewBoundContract(minimal, testbindings.NewMinimalERC7641().GetABI(), e.client, e.client, e.client).Transfer(opts); err != nil {
		t.Fatal(err)
	}
	e.settleReceipts(minimal, []metering.SignedReceipt{sign(t, e.signer, minimal, 2, 6000)}, nil, nil)
	rep, err = e.auditor(nil).History(t.Context(), minimal)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Find(audit.CheckRevenue); c == nil || c.Status != audit.Skip || !strings.Contains(c.Detail, "unchecked") || rep.Result != audit.Incomplete {
		t.Fatalf("a deposit mixed with another payment: %s, revenue check %+v", rep.Result, c)
	}

	rep, err = e.auditorWith(nil, func(c *audit.Config) { c.Settlement = tok }).History(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Find(audit.CheckSettlementCode); c == nil || c.Status != audit.Fail || rep.Result != audit.Fail {
		t.Fatalf("a token posing as the settlement contract: %s %+v", rep.Result, c)
	}
}
