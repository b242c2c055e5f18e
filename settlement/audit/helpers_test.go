package audit_test

import (
	"bytes"
	"context"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/audit"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/deploy"
	"github.com/imogate/imogate/settlement/merkle"
)

var (
	operatorKey = chaintest.Key("audit-operator")
	signerKey   = chaintest.Key("audit-signer")
	otherKey    = chaintest.Key("audit-other")

	settlementABI = bindings.NewUsageSettlement()
)

// env is an honest setup: a settlement contract, the operator's registered
// signer, a token with settled batches, and their archive.
type env struct {
	t *testing.T
	// client sends the setup's transactions; commit seals a block.
	client simulated.Client
	commit func()
	// auditChain is what the auditor reads (client, or an RPC client of the
	// same chain).
	auditChain audit.Chain
	settlement common.Address
	operator   common.Address
	signer     *metering.Signer
	forger     *metering.Signer // another key, same domain
	archiveDir string
	store      *archive.Dir
	// receipts per token, by seq (index seq-1).
	receipts map[common.Address][]metering.SignedReceipt
	// blocks per token: the block of each settled batch.
	blocks map[common.Address][]uint64
}

func (e *env) wait(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	chaintest.AwaitPooled(e.t, e.client, tx)
	e.commit()
	return e.client.TransactionReceipt(ctx, tx.Hash())
}

// mine seals a block and requires tx to have succeeded in it.
func (e *env) mine(tx *types.Transaction) *types.Receipt {
	e.t.Helper()
	r, err := e.wait(e.t.Context(), tx)
	if err != nil {
		e.t.Fatalf("receipt of %s: %v", tx.Hash(), err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		e.t.Fatalf("transaction %s reverted", tx.Hash())
	}
	return r
}

func tokenOptions(symbol string) *deploy.TokenOptions {
	return &deploy.TokenOptions{
		Name: "Model " + symbol, Symbol: symbol, Supply: new(big.Int).Mul(big.NewInt(1000), chaintest.Ether),
		PercentClaimable: 70, SnapshotInterval: time.Hour,
	}
}

// newEnv deploys on a simulated chain.
func newEnv(t *testing.T) *env {
	t.Helper()
	b := chaintest.NewBackend(t, chaintest.Fund(operatorKey))
	return deployEnv(t, b.Client(), func() { b.Commit() }, b.Client())
}

// deployEnv deploys the settlement contract through client and registers
// the signer.
func deployEnv(t *testing.T, client simulated.Client, commit func(), auditChain audit.Chain) *env {
	t.Helper()
	e := &env{t: t, client: client, commit: commit, auditChain: auditChain}
	res, err := deploy.Deploy(t.Context(), client, chaintest.Transactor(t, operatorKey), deploy.Options{
		ChainID: chaintest.ChainID, Signer: chaintest.Address(signerKey), Wait: e.wait,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	store, err := archive.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	dom := metering.NewDomain(chaintest.ChainID, res.Settlement)
	e.settlement, e.operator = res.Settlement, res.Operator
	e.signer, e.forger = metering.NewSigner(signerKey, dom), metering.NewSigner(otherKey, dom)
	e.archiveDir, e.store = dir, store
	e.receipts, e.blocks = map[common.Address][]metering.SignedReceipt{}, map[common.Address][]uint64{}
	return e
}

// newToken deploys a fresh RevenueShareToken.
func (e *env) newToken(symbol string) common.Address {
	e.t.Helper()
	res, err := deploy.Deploy(e.t.Context(), e.client, chaintest.Transactor(e.t, operatorKey), deploy.Options{
		ChainID: chaintest.ChainID, Signer: chaintest.Address(signerKey), Settlement: e.settlement,
		Token: tokenOptions(symbol), Wait: e.wait,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.Token
}

// sign makes a receipt for token with seq and fee, signed by s.
func sign(t *testing.T, s *metering.Signer, token common.Address, seq uint64, fee int64) metering.SignedReceipt {
	t.Helper()
	r := metering.Receipt{
		ID: crypto.Keccak256Hash([]byte("receipt"), token[:], []byte(strconv.FormatUint(seq, 10))), Model: token,
		Payer: metering.PayerOf("key-" + strconv.FormatUint(seq%3, 10)), Seq: seq, Timestamp: 1_760_000_000_000 + seq,
		PromptTokens: uint32(10 * seq), CompletionTokens: uint32(5 * seq), Fee: big.NewInt(fee),
		RequestHash:  crypto.Keccak256Hash([]byte("req"), []byte(strconv.FormatUint(seq, 10))),
		ResponseHash: crypto.Keccak256Hash([]byte("resp"), []byte(strconv.FormatUint(seq, 10))),
	}
	sig, err := s.Sign(&r)
	if err != nil {
		t.Fatal(err)
	}
	return metering.SignedReceipt{Receipt: r, Signature: sig, Signer: s.Address(), Domain: s.Domain()}
}

func plain(rs []metering.SignedReceipt) []metering.Receipt {
	out := make([]metering.Receipt, len(rs))
	for i := range rs {
		out[i] = rs[i].Receipt
	}
	return out
}

func feeSum(rs []metering.SignedReceipt) *big.Int {
	s := new(big.Int)
	for i := range rs {
		s.Add(s, rs[i].Fee)
	}
	return s
}

// testPrices is the fixture's price schedule: sign's receipts of seq s
// have 10·s prompt tokens and cost 1,000,000,007·s wei under it.
var testPrices = metering.PriceSchedule{{EffectiveFrom: 0, Price: metering.Price{Per1KPrompt: 100_000_000_700}}}

// settle signs n receipts for token's next seqs, settles them on-chain as
// the next batch with value (nil: the fee sum) and archives the batch as
// the batcher does, with the fee sum as its value.
func (e *env) settle(token common.Address, n int, value *big.Int) uint64 {
	t := e.t
	t.Helper()
	first := uint64(len(e.receipts[token])) + 1
	var rs []metering.SignedReceipt
	for i := range n {
		seq := first + uint64(i)
		rs = append(rs, sign(t, e.signer, token, seq, int64(1_000_000_007*seq)))
	}
	return e.settleReceipts(token, rs, value, testPrices)
}

// settleReceipts settles rs (token's next seqs) as the next batch with
// value (nil: the fee sum) and archives it with prices (nil: no prices.json).
func (e *env) settleReceipts(token common.Address, rs []metering.SignedReceipt, value *big.Int, prices metering.PriceSchedule) uint64 {
	t := e.t
	t.Helper()
	prev := e.receipts[token]
	first := uint64(len(prev)) + 1
	n := len(rs)
	tree, err := merkle.FromReceipts(plain(rs))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := tree.Dump()
	if err != nil {
		t.Fatal(err)
	}
	id := e.nextBatchID(token)
	last := first + uint64(n) - 1
	sum := feeSum(rs)
	if value == nil {
		value = sum
	}
	opts := chaintest.Transactor(t, operatorKey)
	opts.Value = value
	tx, err := bind.Transact(settlementABI.Instance(e.client, e.settlement), opts, settlementABI.PackSettle(token, id, tree.Root(), first, last))
	if err != nil {
		t.Fatalf("settle: %v", err)
	}
	rcpt := e.mine(tx)
	now := time.Now().UTC().Format(time.RFC3339)
	err = archive.Write(t.Context(), e.store, archive.Batch{
		Token: token, ID: id, Tree: dump, Receipts: rs, Prices: prices,
		Settlement: archive.Settlement{
			ChainID: chaintest.ChainID.String(), Contract: e.settlement, Operator: e.operator, Token: token,
			BatchID: strconv.FormatUint(id, 10), FirstSeq: strconv.FormatUint(first, 10), LastSeq: strconv.FormatUint(last, 10),
			Count: strconv.Itoa(n), Root: tree.Root(), Value: sum.String(), Signer: e.signer.Address(),
			TxHash: tx.Hash(), BlockNumber: rcpt.BlockNumber.String(), BlockHash: rcpt.BlockHash,
			GasUsed: strconv.FormatUint(rcpt.GasUsed, 10), SealedAt: now, SettledAt: now,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.receipts[token] = append(prev, rs...)
	e.blocks[token] = append(e.blocks[token], rcpt.BlockNumber.Uint64())
	return id
}

func (e *env) nextBatchID(token common.Address) uint64 {
	e.t.Helper()
	id, err := bind.Call(settlementABI.Instance(e.client, e.settlement), &bind.CallOpts{Context: e.t.Context()},
		settlementABI.PackNextBatchId(e.operator, token), settlementABI.UnpackNextBatchId)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// auditor returns an Auditor over a copy of the archive, after tamper (if
// any) has changed the copy.
func (e *env) auditor(tamper func(dir string)) *audit.Auditor {
	e.t.Helper()
	return e.auditorWith(tamper, func(*audit.Config) {})
}

// auditorWith is auditor with changes to the configuration.
func (e *env) auditorWith(tamper func(dir string), config func(*audit.Config)) *audit.Auditor {
	e.t.Helper()
	dir := e.t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(e.archiveDir)); err != nil {
		e.t.Fatal(err)
	}
	if tamper != nil {
		tamper(dir)
	}
	store, err := archive.NewDir(dir)
	if err != nil {
		e.t.Fatal(err)
	}
	cfg := audit.Config{Chain: e.auditChain, Settlement: e.settlement, Operator: e.operator, Archive: store}
	config(&cfg)
	a, err := audit.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// batchFile is the path of a batch file under dir.
func batchFile(dir string, token common.Address, id uint64, name string) string {
	return filepath.Join(dir, filepath.FromSlash(archive.BatchPath(token, id, name)))
}

// editReceipts rewrites a batch's receipts.ndjson through edit.
func editReceipts(t *testing.T, dir string, token common.Address, id uint64, edit func([]metering.SignedReceipt) []metering.SignedReceipt) {
	t.Helper()
	p := batchFile(dir, token, id, archive.ReceiptsFile)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var rs []metering.SignedReceipt
	for line := range bytes.Lines(data) {
		var r metering.SignedReceipt
		if err := r.UnmarshalJSON(bytes.TrimSpace(line)); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	rs = edit(rs)
	var out bytes.Buffer
	for i := range rs {
		b, err := rs[i].MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeTree replaces a batch's tree.json with the (valid) tree of rs.
func writeTree(t *testing.T, dir string, token common.Address, id uint64, rs []metering.SignedReceipt) {
	t.Helper()
	tree, err := merkle.FromReceipts(plain(rs))
	if err != nil {
		t.Fatal(err)
	}
	dump, err := tree.Dump()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(batchFile(dir, token, id, archive.TreeFile), dump, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantFailed requires exactly the named checks to fail (none when want is
// empty), and each failure to say what is wrong.
func wantFailed(t *testing.T, rep *audit.Report, want ...string) {
	t.Helper()
	got := rep.Failed()
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("failed checks = %q, want %q", got, want)
		for _, c := range rep.Checks {
			t.Logf("  %s %s: %s", c.Status, c.Name, c.Detail)
		}
	}
	if rep.OK != (len(want) == 0) {
		t.Errorf("report OK = %v with failures %q", rep.OK, got)
	}
	for _, c := range rep.Checks {
		if c.Status == audit.Fail && c.Detail == "" {
			t.Errorf("check %q fails without saying why", c.Name)
		}
	}
}

// copyReceipt returns a deep copy (the fee is a pointer).
func copyReceipt(r metering.SignedReceipt) metering.SignedReceipt {
	r.Fee = new(big.Int).Set(r.Fee)
	r.Signature = slices.Clone(r.Signature)
	return r
}
