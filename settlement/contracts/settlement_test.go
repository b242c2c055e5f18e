package contracts_test

import (
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/testbindings"
)

// settleEnv is an env with a RevenueShareToken and a registered operator.
type settleEnv struct {
	*env
	token *bind.BoundContract
}

func newSettleEnv(t *testing.T) *settleEnv {
	t.Helper()
	e := newEnv(t)
	token := e.deployToken(tokenParams{
		supply: big.NewInt(1_000_000), holder: addr(holderAKey), owner: addr(deployerKey),
		percent: 60, interval: time.Hour,
	})
	e.send(operatorKey, e.settlement, settlementABI.PackSetSigner(addr(signerKey)), nil)
	return &settleEnv{env: e, token: token}
}

func (e *settleEnv) nextBatch(op, token common.Address) (uint64, uint64) {
	e.t.Helper()
	id := call(e.t, e.settlement, settlementABI.PackNextBatchId(op, token), settlementABI.UnpackNextBatchId)
	seq := call(e.t, e.settlement, settlementABI.PackNextSeq(op, token), settlementABI.UnpackNextSeq)
	return id, seq
}

func (e *settleEnv) getBatch(op, token common.Address, id uint64) bindings.GetBatchOutput {
	e.t.Helper()
	return call(e.t, e.settlement, settlementABI.PackGetBatch(op, token, id), settlementABI.UnpackGetBatch)
}

func TestSettleStoresBatchAndForwardsValue(t *testing.T) {
	e := newSettleEnv(t)
	tokenAddr := e.token.Address()
	rs := makeReceipts(tokenAddr, 1, 3)
	tree := newMerkleTree(leavesOf(rs))
	value := sumFees(rs)
	before := balanceAt(t, e.b, tokenAddr)

	rcpt := e.send(operatorKey, e.settlement, settlementABI.PackSettle(tokenAddr, 0, tree.root(), 1, 3), value)

	wantBig(t, "token balance increase", new(big.Int).Sub(balanceAt(t, e.b, tokenAddr), before), value)
	wantBig(t, "settlement balance", balanceAt(t, e.b, e.settlement.Address()), new(big.Int))
	wantBig(t, "token pending revenue", call(t, e.token, tokenABI.PackPendingRevenue(), tokenABI.UnpackPendingRevenue), value)

	got := e.getBatch(addr(operatorKey), tokenAddr, 0)
	if got.Root != tree.root() || got.FirstSeq != 1 || got.LastSeq != 3 || got.Signer != addr(signerKey) {
		t.Fatalf("batch 0 = %+v, want root %s range 1..3 signer %s", got, tree.root(), addr(signerKey))
	}
	if id, seq := e.nextBatch(addr(operatorKey), tokenAddr); id != 1 || seq != 4 {
		t.Fatalf("next batch, seq = %d, %d, want 1, 4", id, seq)
	}

	var settled, received int
	for _, l := range rcpt.Logs {
		if ev, err := settlementABI.UnpackSettledEvent(l); err == nil {
			settled++
			if ev.Operator != addr(operatorKey) || ev.Token != tokenAddr || ev.BatchId.Uint64() != 0 || ev.Root != tree.root() ||
				ev.FirstSeq != 1 || ev.LastSeq != 3 || ev.ReceiptCount.Uint64() != 3 || ev.Value.Cmp(value) != 0 || ev.Signer != addr(signerKey) {
				t.Fatalf("Settled event = %+v", ev)
			}
		}
		if ev, err := tokenABI.UnpackRevenueReceivedEvent(l); err == nil {
			received++
			if ev.From != e.settlement.Address() || ev.Amount.Cmp(value) != 0 {
				t.Fatalf("RevenueReceived event = %+v", ev)
			}
		}
	}
	if settled != 1 || received != 1 {
		t.Fatalf("got %d Settled and %d RevenueReceived events, want 1 each", settled, received)
	}

	// A second batch continues the range; an unsettled batch reads as zero.
	rs2 := makeReceipts(tokenAddr, 4, 2)
	tree2 := newMerkleTree(leavesOf(rs2))
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tokenAddr, 1, tree2.root(), 4, 5), sumFees(rs2))
	if got := e.getBatch(addr(operatorKey), tokenAddr, 1); got.Root != tree2.root() || got.FirstSeq != 4 || got.LastSeq != 5 {
		t.Fatalf("batch 1 = %+v", got)
	}
	if got := e.getBatch(addr(operatorKey), tokenAddr, 2); got.Root != (common.Hash{}) || got.Signer != (common.Address{}) {
		t.Fatalf("unsettled batch 2 = %+v, want zero", got)
	}
	wantBig(t, "token balance after two batches", new(big.Int).Sub(balanceAt(t, e.b, tokenAddr), before), new(big.Int).Add(value, sumFees(rs2)))

	// Zero value settles without a call to the token.
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tokenAddr, 2, tree2.root(), 6, 6), nil)
	if id, seq := e.nextBatch(addr(operatorKey), tokenAddr); id != 3 || seq != 7 {
		t.Fatalf("after zero-value batch: next = %d, %d, want 3, 7", id, seq)
	}
}

func TestSettleRefusals(t *testing.T) {
	e := newSettleEnv(t)
	tk := e.token.Address()
	root := crypto.Keccak256Hash([]byte("root"))
	// Batch 0 covering 1..10 is settled first; every case below is checked
	// against that state.
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tk, 0, root, 1, 10), big.NewInt(1))

	tests := []struct {
		name  string
		key   *ecdsa.PrivateKey
		data  []byte
		errID common.Hash
	}{
		{"same batch twice", operatorKey, settlementABI.PackSettle(tk, 0, root, 1, 10), bindings.UsageSettlementWrongBatchIdErrorID()},
		{"batch id skipped", operatorKey, settlementABI.PackSettle(tk, 2, root, 11, 12), bindings.UsageSettlementWrongBatchIdErrorID()},
		{"seq overlap", operatorKey, settlementABI.PackSettle(tk, 1, root, 10, 12), bindings.UsageSettlementWrongFirstSeqErrorID()},
		{"seq gap", operatorKey, settlementABI.PackSettle(tk, 1, root, 12, 13), bindings.UsageSettlementWrongFirstSeqErrorID()},
		{"empty range", operatorKey, settlementABI.PackSettle(tk, 1, root, 11, 10), bindings.UsageSettlementEmptyRangeErrorID()},
		{"zero root", operatorKey, settlementABI.PackSettle(tk, 1, common.Hash{}, 11, 12), bindings.UsageSettlementZeroRootErrorID()},
		{"token without code", operatorKey, settlementABI.PackSettle(addr(holderAKey), 0, root, 1, 1), bindings.UsageSettlementNotAContractErrorID()},
		{"operator without signer", otherKey, settlementABI.PackSettle(tk, 0, root, 1, 1), bindings.UsageSettlementNoSignerErrorID()},
		{"zero signer", operatorKey, settlementABI.PackSetSigner(common.Address{}), bindings.UsageSettlementZeroSignerErrorID()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			var value *big.Int
			if tc.name != "zero signer" { // setSigner is not payable
				value = big.NewInt(5)
			}
			e.expectRevert(tc.key, e.settlement, tc.data, value, tc.errID)
		})
	}
	e.t = t
	if id, seq := e.nextBatch(addr(operatorKey), tk); id != 1 || seq != 11 {
		t.Fatalf("after refusals: next = %d, %d, want 1, 11", id, seq)
	}
}

func TestOperatorsAreIsolated(t *testing.T) {
	e := newSettleEnv(t)
	tk := e.token.Address()
	op, other := addr(operatorKey), addr(otherKey)
	rootA := crypto.Keccak256Hash([]byte("A"))
	rootB := crypto.Keccak256Hash([]byte("B"))
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tk, 0, rootA, 1, 5), big.NewInt(100))

	// The other operator has its own channel: it cannot continue the first
	// operator's sequence, and its own batch 0 starts at seq 1.
	otherSigner := chaintest.Key("other-signer")
	e.send(otherKey, e.settlement, settlementABI.PackSetSigner(addr(otherSigner)), nil)
	e.expectRevert(otherKey, e.settlement, settlementABI.PackSettle(tk, 1, rootB, 6, 6), nil, bindings.UsageSettlementWrongBatchIdErrorID())
	e.expectRevert(otherKey, e.settlement, settlementABI.PackSettle(tk, 0, rootB, 6, 6), nil, bindings.UsageSettlementWrongFirstSeqErrorID())
	e.send(otherKey, e.settlement, settlementABI.PackSettle(tk, 0, rootB, 1, 2), big.NewInt(7))

	if got := e.getBatch(op, tk, 0); got.Root != rootA || got.FirstSeq != 1 || got.LastSeq != 5 || got.Signer != addr(signerKey) {
		t.Fatalf("operator batch 0 = %+v after other operator's actions", got)
	}
	if got := e.getBatch(other, tk, 0); got.Root != rootB || got.LastSeq != 2 || got.Signer != addr(otherSigner) {
		t.Fatalf("other operator batch 0 = %+v", got)
	}
	if id, seq := e.nextBatch(op, tk); id != 1 || seq != 6 {
		t.Fatalf("operator next = %d, %d, want 1, 6", id, seq)
	}
	if id, seq := e.nextBatch(other, tk); id != 1 || seq != 3 {
		t.Fatalf("other next = %d, %d, want 1, 3", id, seq)
	}
	if s := call(t, e.settlement, settlementABI.PackSignerOf(op), settlementABI.UnpackSignerOf); s != addr(signerKey) {
		t.Fatalf("operator signer = %s, want %s", s, addr(signerKey))
	}
	// The same operator's channel for another token is separate too.
	token2 := e.deployToken(tokenParams{supply: big.NewInt(1), holder: op, owner: op, percent: 50, interval: time.Hour})
	if id, seq := e.nextBatch(op, token2.Address()); id != 0 || seq != 1 {
		t.Fatalf("operator next for a second token = %d, %d, want 0, 1", id, seq)
	}
}

func TestVerifyReceipt(t *testing.T) {
	e := newSettleEnv(t)
	tk := e.token.Address()
	op := addr(operatorKey)
	single := makeReceipts(tk, 1, 1)
	many := makeReceipts(tk, 2, 9)
	trees := []*merkleTree{newMerkleTree(leavesOf(single)), newMerkleTree(leavesOf(many))}
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tk, 0, trees[0].root(), 1, 1), sumFees(single))
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tk, 1, trees[1].root(), 2, 10), sumFees(many))

	verify := func(operator, token common.Address, batch uint64, r *metering.Receipt, proof [][32]byte) bool {
		t.Helper()
		return call(t, e.settlement, settlementABI.PackVerifyReceipt(operator, token, batch, toBinding(r), proof), settlementABI.UnpackVerifyReceipt)
	}

	for b, rs := range [][]metering.Receipt{single, many} {
		for i := range rs {
			r := &rs[i]
			leaf := call(t, e.settlement, settlementABI.PackReceiptLeaf(toBinding(r)), settlementABI.UnpackReceiptLeaf)
			if common.Hash(leaf) != r.Leaf() {
				t.Fatalf("on-chain leaf %x != Go leaf %s", leaf, r.Leaf())
			}
			proof := trees[b].proof(r.Leaf())
			if b == 0 && len(proof) != 0 {
				t.Fatalf("single-leaf proof has %d nodes", len(proof))
			}
			if !verify(op, tk, uint64(b), r, proof) {
				t.Fatalf("batch %d receipt seq %d does not verify", b, r.Seq)
			}
		}
	}

	base := many[4]
	proof := trees[1].proof(base.Leaf())
	one := common.Hash{31: 1}
	tampers := []struct {
		name   string
		mutate func(r *metering.Receipt)
	}{
		{"id", func(r *metering.Receipt) { r.ID[0] ^= 1 }},
		{"model", func(r *metering.Receipt) { r.Model[0] ^= 1 }},
		{"payer", func(r *metering.Receipt) { r.Payer = one }},
		{"seq", func(r *metering.Receipt) { r.Seq++ }},
		{"timestamp", func(r *metering.Receipt) { r.Timestamp++ }},
		{"promptTokens", func(r *metering.Receipt) { r.PromptTokens++ }},
		{"completionTokens", func(r *metering.Receipt) { r.CompletionTokens-- }},
		{"fee", func(r *metering.Receipt) { r.Fee = new(big.Int).Add(r.Fee, big.NewInt(1)) }},
		{"requestHash", func(r *metering.Receipt) { r.RequestHash[31] ^= 0x80 }},
		{"responseHash", func(r *metering.Receipt) { r.ResponseHash = common.Hash{} }},
	}
	for _, tc := range tampers {
		t.Run("tampered "+tc.name, func(t *testing.T) {
			r := base
			r.Fee = new(big.Int).Set(base.Fee)
			tc.mutate(&r)
			if verify(op, tk, 1, &r, proof) {
				t.Fatalf("receipt with tampered %s verifies", tc.name)
			}
		})
	}
	others := []struct {
		name     string
		operator common.Address
		batch    uint64
		proof    [][32]byte
	}{
		{"other operator", addr(otherKey), 1, proof},
		{"other batch", op, 0, proof},
		{"unsettled batch", op, 2, proof},
		{"proof of another leaf", op, 1, trees[1].proof(many[0].Leaf())},
		{"truncated proof", op, 1, proof[:len(proof)-1]},
	}
	for _, tc := range others {
		t.Run(tc.name, func(t *testing.T) {
			if verify(tc.operator, tk, tc.batch, &base, tc.proof) {
				t.Fatalf("receipt verifies with %s", tc.name)
			}
		})
	}
}

func TestReceiptSignatures(t *testing.T) {
	e := newSettleEnv(t)
	tk := e.token.Address()
	op := addr(operatorKey)
	domain := metering.NewDomain(chaintest.ChainID, e.settlement.Address())

	sep := call(t, e.settlement, settlementABI.PackDOMAINSEPARATOR(), settlementABI.UnpackDOMAINSEPARATOR)
	if common.Hash(sep) != domain.Separator() {
		t.Fatalf("on-chain domain separator %x != Go %s", sep, domain.Separator())
	}
	th := call(t, e.settlement, settlementABI.PackRECEIPTTYPEHASH(), settlementABI.UnpackRECEIPTTYPEHASH)
	if common.Hash(th) != metering.ReceiptTypeHash() {
		t.Fatalf("on-chain type hash %x != Go %s", th, metering.ReceiptTypeHash())
	}

	oldRs := makeReceipts(tk, 1, 4)
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tk, 0, newMerkleTree(leavesOf(oldRs)).root(), 1, 4), sumFees(oldRs))
	// Rotate the signer; batch 1 is signed with the new key.
	newSignerKey := chaintest.Key("rotated-signer")
	e.send(operatorKey, e.settlement, settlementABI.PackSetSigner(addr(newSignerKey)), nil)
	newRs := makeReceipts(tk, 5, 2)
	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tk, 1, newMerkleTree(leavesOf(newRs)).root(), 5, 6), sumFees(newRs))

	oldSigner := metering.NewSigner(signerKey, domain)
	newSigner := metering.NewSigner(newSignerKey, domain)
	sign := func(s *metering.Signer, r *metering.Receipt) []byte {
		t.Helper()
		sig, err := s.Sign(r)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	check := func(batch uint64, r *metering.Receipt, sig []byte) bool {
		t.Helper()
		return call(t, e.settlement, settlementABI.PackVerifyReceiptSignature(op, tk, batch, toBinding(r), sig), settlementABI.UnpackVerifyReceiptSignature)
	}

	for i := range oldRs {
		r := &oldRs[i]
		d := call(t, e.settlement, settlementABI.PackReceiptDigest(toBinding(r)), settlementABI.UnpackReceiptDigest)
		if common.Hash(d) != r.Digest(domain) {
			t.Fatalf("on-chain digest %x != Go digest %s", d, r.Digest(domain))
		}
	}

	oldSig := sign(oldSigner, &oldRs[1])
	newSig := sign(newSigner, &newRs[0])
	tampered := oldRs[1]
	tampered.Fee = new(big.Int).Add(tampered.Fee, big.NewInt(1))
	highS := highSVariant(oldSig)
	if addrOf, err := crypto.SigToPub(oldRs[1].Digest(domain).Bytes(), append(highS[:64:64], highS[64]-27)); err != nil || crypto.PubkeyToAddress(*addrOf) != addr(signerKey) {
		t.Fatalf("high-s variant does not recover to the signer off-chain (err %v): the test would prove nothing", err)
	}

	tests := []struct {
		name  string
		batch uint64
		r     *metering.Receipt
		sig   []byte
		want  bool
	}{
		{"old batch, old signer (after rotation)", 0, &oldRs[1], oldSig, true},
		{"new batch, new signer", 1, &newRs[0], newSig, true},
		{"new batch signed by old signer", 1, &newRs[0], sign(oldSigner, &newRs[0]), false},
		{"old batch signed by new signer", 0, &oldRs[1], sign(newSigner, &oldRs[1]), false},
		{"signed by a stranger", 0, &oldRs[1], sign(metering.NewSigner(otherKey, domain), &oldRs[1]), false},
		{"tampered fee", 0, &tampered, oldSig, false},
		{"receipt outside the batch range", 1, &oldRs[1], oldSig, false},
		{"high-s signature", 0, &oldRs[1], highS, false},
		{"short signature", 0, &oldRs[1], oldSig[:64], false},
		{"unsettled batch", 2, &oldRs[1], oldSig, false},
		{"wrong domain (other chain)", 0, &oldRs[1], sign(metering.NewSigner(signerKey, metering.NewDomain(big.NewInt(1), e.settlement.Address())), &oldRs[1]), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := check(tc.batch, tc.r, tc.sig); got != tc.want {
				t.Fatalf("verifyReceiptSignature = %v, want %v", got, tc.want)
			}
		})
	}
}

// highSVariant returns the other valid encoding (n - s, flipped v) of a
// signature, which OpenZeppelin ECDSA must refuse.
func highSVariant(sig []byte) []byte {
	n := crypto.S256().Params().N
	s := new(big.Int).SetBytes(sig[32:64])
	out := make([]byte, 65)
	copy(out, sig[:32])
	new(big.Int).Sub(n, s).FillBytes(out[32:64])
	out[64] = 27 + 28 - sig[64]
	return out
}

func TestSettleIntoMinimalToken(t *testing.T) {
	e := newSettleEnv(t)
	tkAddr, _ := e.deploy(deployerKey, testbindings.MinimalERC7641MetaData.Bin, minimalABI.PackConstructor(big.NewInt(1000)))
	tk := minimalABI.Instance(e.b.Client(), tkAddr)
	rs := makeReceipts(tkAddr, 1, 5)
	tree := newMerkleTree(leavesOf(rs))
	value := sumFees(rs)

	e.send(operatorKey, e.settlement, settlementABI.PackSettle(tkAddr, 0, tree.root(), 1, 5), value)

	wantBig(t, "token ETH balance", balanceAt(t, e.b, tkAddr), value)
	wantBig(t, "received (written by receive())", call(t, tk, minimalABI.PackReceived(), minimalABI.UnpackReceived), value)
	wantBig(t, "payments", call(t, tk, minimalABI.PackPayments(), minimalABI.UnpackPayments), big.NewInt(1))
	if p := call(t, tk, minimalABI.PackLastPayer(), minimalABI.UnpackLastPayer); p != e.settlement.Address() {
		t.Fatalf("last payer = %s, want the settlement contract", p)
	}
	if !call(t, e.settlement, settlementABI.PackVerifyReceipt(addr(operatorKey), tkAddr, 0, toBinding(&rs[2]), tree.proof(rs[2].Leaf())), settlementABI.UnpackVerifyReceipt) {
		t.Fatal("receipt of the minimal token does not verify")
	}
	// No owner(): endorsement is impossible and reads as false.
	e.expectRevert(deployerKey, e.settlement, settlementABI.PackSetEndorsement(tkAddr, addr(operatorKey), true), nil, bindings.UsageSettlementNoOwnerErrorID())
	if call(t, e.settlement, settlementABI.PackIsEndorsed(tkAddr, addr(operatorKey)), settlementABI.UnpackIsEndorsed) {
		t.Fatal("operator endorsed for a token without owner()")
	}
}

func TestSettleReentrancy(t *testing.T) {
	tests := []struct {
		name   string
		strict bool
	}{
		{"re-entry fails, outer settle succeeds", false},
		{"token reverts on failed re-entry, outer settle reverts", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newSettleEnv(t)
			tkAddr, _ := e.deploy(deployerKey, testbindings.ReentrantTokenMetaData.Bin, reentrantABI.PackConstructor(e.settlement.Address(), tc.strict))
			tk := reentrantABI.Instance(e.b.Client(), tkAddr)
			root := crypto.Keccak256Hash([]byte("outer"))

			r := e.sendFixedGas(operatorKey, e.settlement, settlementABI.PackSettle(tkAddr, 0, root, 1, 3), big.NewInt(1000))

			reentered := call(t, tk, reentrantABI.PackReentered(), reentrantABI.UnpackReentered)
			if reentered {
				t.Fatal("re-entrant settle succeeded")
			}
			if id, _ := e.nextBatch(tkAddr, tkAddr); id != 0 {
				t.Fatalf("re-entrant operator's next batch = %d, want 0", id)
			}
			id, seq := e.nextBatch(addr(operatorKey), tkAddr)
			if tc.strict {
				if r.Status != 0 {
					t.Fatal("outer settle succeeded although the token reverted")
				}
				if id != 0 || seq != 1 {
					t.Fatalf("after reverted settle: next = %d, %d, want 0, 1", id, seq)
				}
				wantBig(t, "token balance", balanceAt(t, e.b, tkAddr), new(big.Int))
				return
			}
			if r.Status != 1 {
				t.Fatal("outer settle reverted")
			}
			if !call(t, tk, reentrantABI.PackAttempted(), reentrantABI.UnpackAttempted) {
				t.Fatal("token did not attempt the re-entry: the test proves nothing")
			}
			if id != 1 || seq != 4 {
				t.Fatalf("next = %d, %d, want 1, 4", id, seq)
			}
			if got := e.getBatch(addr(operatorKey), tkAddr, 0); got.Root != root || got.LastSeq != 3 {
				t.Fatalf("batch 0 = %+v", got)
			}
			wantBig(t, "token balance", balanceAt(t, e.b, tkAddr), big.NewInt(1000))
		})
	}
}

func TestEndorsement(t *testing.T) {
	e := newSettleEnv(t)
	tk := e.token.Address()
	op := addr(operatorKey)
	endorsed := func() bool {
		t.Helper()
		return call(t, e.settlement, settlementABI.PackIsEndorsed(tk, op), settlementABI.UnpackIsEndorsed)
	}
	if endorsed() {
		t.Fatal("endorsed before any endorsement")
	}
	e.expectRevert(otherKey, e.settlement, settlementABI.PackSetEndorsement(tk, op, true), nil, bindings.UsageSettlementNotTokenOwnerErrorID())
	e.send(deployerKey, e.settlement, settlementABI.PackSetEndorsement(tk, op, true), nil)
	if !endorsed() {
		t.Fatal("not endorsed after the owner endorsed")
	}
	// A new owner does not inherit the previous owner's endorsements.
	e.send(deployerKey, e.token, tokenABI.PackTransferOwnership(addr(otherKey)), nil)
	if endorsed() {
		t.Fatal("still endorsed after an ownership transfer")
	}
	e.send(otherKey, e.settlement, settlementABI.PackSetEndorsement(tk, op, true), nil)
	if !endorsed() {
		t.Fatal("not endorsed by the new owner")
	}
	e.send(otherKey, e.settlement, settlementABI.PackSetEndorsement(tk, op, false), nil)
	if endorsed() {
		t.Fatal("still endorsed after revocation")
	}
}
