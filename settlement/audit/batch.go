package audit

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/merkle"
)

// Names of the checks of a batch audit.
const (
	CheckOnChainBatch      = "on-chain batch"      // getBatch(operator, token, id) has settled
	CheckArchiveFiles      = "archive files"       // tree.json, receipts.ndjson and settlement.json are present and decode
	CheckTree              = "tree"                // tree.json loads as a valid standard-v1 receipt tree
	CheckTreeRoot          = "tree root"           // the root recomputed from tree.json's values is the on-chain root
	CheckReceiptsMatchTree = "receipts match tree" // receipts.ndjson holds exactly the tree's values, in order
	CheckSignatures        = "signatures"          // every receipt's signature recovers its signer
	CheckSigners           = "signers"             // every receipt names the batch's on-chain signer
	CheckDomains           = "domains"             // every receipt is signed under this chain's imogate domain
	CheckModels            = "models"              // every receipt is for the audited token
	CheckFeesMatchPrices   = "fees match prices"   // every receipt's fee is the price in force at its timestamp applied to its tokens (prices.json)
	CheckSeqRange          = "seq range"           // the seqs are exactly firstSeq..lastSeq, no gap or duplicate
	CheckSettledEvent      = "Settled event"       // one Settled event for the batch, agreeing with getBatch
	CheckFeesEqualDeposit  = "fees equal deposit"  // the receipts' fees add up to the wei deposited
	CheckSettlementTx      = "settlement tx"       // settlement.json's tx is the one that emitted the event
	CheckSettlementJSON    = "settlement.json"     // settlement.json's facts agree with the chain
	CheckRevenueForwarded  = "revenue forwarded"   // the token received the deposit from the settlement contract in that tx
)

const (
	maxListed     = 5                        // problems listed per check before "and N more"
	progressEvery = 1024                     // receipts between progress reports
	batchPhase    = "verifying receipts"     // progress phase of a batch audit
	chainPhase    = "checking batches"       // progress phase of a chain audit's per-batch reads
	archivePhase  = "reading archive"        // progress phase of a chain audit's archive pass
	revenuePhase  = "RevenueReceived events" // progress phase of the revenue log walk
)

// problems collects a check's problems, listing the first maxListed.
type problems struct {
	n     int
	first []string
}

func (p *problems) add(format string, args ...any) {
	p.n++
	if len(p.first) < maxListed {
		p.first = append(p.first, fmt.Sprintf(format, args...))
	}
}

func (p *problems) String() string {
	s := strings.Join(p.first, "; ")
	if p.n > len(p.first) {
		s += fmt.Sprintf("; and %d more", p.n-len(p.first))
	}
	return s
}

// Batch audits batch id of the operator for token: the archived files
// against each other and against the chain (root, signer, seq range, fee
// sum against the deposit, the settling transaction).
func (a *Auditor) Batch(ctx context.Context, token common.Address, id uint64) (*Report, error) {
	rep := newReport("batch", fmt.Sprintf("batch %d of operator %s for %s", id, a.cfg.Operator, token))
	if a.cfg.Archive == nil {
		return nil, errors.New("batch audit needs the archive")
	}
	if ok, err := a.checkSettlementCode(ctx, rep); err != nil || !ok {
		return rep, err
	}
	chainID, err := a.cfg.Chain.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chain id: %w", err)
	}
	oc, err := a.reader.Batch(ctx, token, id)
	if err != nil {
		return nil, err
	}
	rest := []string{CheckArchiveFiles, CheckTree, CheckTreeRoot, CheckReceiptsMatchTree, CheckSignatures, CheckSigners,
		CheckDomains, CheckModels, CheckFeesMatchPrices, CheckSeqRange, CheckSettledEvent, CheckFeesEqualDeposit, CheckSettlementTx,
		CheckSettlementJSON, CheckRevenueForwarded}
	if oc.Root == (common.Hash{}) {
		rep.fail(CheckOnChainBatch, "batch %d has not settled on-chain", id)
		for _, n := range rest {
			rep.skip(n, "batch not settled")
		}
		return rep, nil
	}
	ocRoot := common.Hash(oc.Root)
	rep.pass(CheckOnChainBatch, "root %s, seqs %d..%d, signer %s", ocRoot, oc.FirstSeq, oc.LastSeq, oc.Signer)

	b, err := archive.Read(ctx, a.cfg.Archive, token, id)
	if err != nil {
		// Missing, unreadable or undecodable files all leave the batch
		// unverifiable: a failed audit, not a failed auditor.
		rep.fail(CheckArchiveFiles, "%v", err)
		for _, n := range rest[1:] {
			rep.skip(n, "archive unreadable")
		}
		return rep, nil
	}
	rep.pass(CheckArchiveFiles, "%d receipts in %s", len(b.Receipts), archive.BatchDir(token, id))
	rep.total("receipts", len(b.Receipts))

	// The tree: load, recompute the root from the values alone, compare.
	tree, err := merkle.LoadReceiptTree(b.Tree)
	if err != nil {
		rep.fail(CheckTree, "%s: %v", archive.TreeFile, err)
		rep.skip(CheckTreeRoot, "tree does not load")
		rep.skip(CheckReceiptsMatchTree, "tree does not load")
	} else {
		rep.pass(CheckTree, "%d values, root %s", tree.Len(), tree.Root())
		re, err := merkle.FromReceipts(tree.Receipts())
		if err != nil {
			return nil, fmt.Errorf("recompute root: %w", err)
		}
		rep.check(CheckTreeRoot, re.Root() == oc.Root,
			fmt.Sprintf("recomputed %s = on-chain root", re.Root()),
			fmt.Sprintf("root recomputed from %s values is %s, on-chain root is %s", archive.TreeFile, re.Root(), ocRoot))
		var p problems
		if tree.Len() != len(b.Receipts) {
			p.add("%s has %d values, %s has %d receipts", archive.TreeFile, tree.Len(), archive.ReceiptsFile, len(b.Receipts))
		}
		for i := range min(tree.Len(), len(b.Receipts)) {
			if l, _ := tree.Tree().Leaf(i); l != b.Receipts[i].Leaf() {
				p.add("line %d (seq %d) differs from tree value %d", i+1, b.Receipts[i].Seq, i)
			}
		}
		rep.check(CheckReceiptsMatchTree, p.n == 0, fmt.Sprintf("%d receipts = %d tree values", len(b.Receipts), tree.Len()), p.String())
	}

	// Every receipt: signature, signer, domain, model, fee against the
	// published prices, fee sum.
	var sigs, signers, domains, models, fees problems
	if err := b.Prices.Validate(); err != nil {
		fees.add("%s: %v", archive.PricesFile, err)
	}
	sum := new(big.Int)
	total := uint64(len(b.Receipts))
	for i := range b.Receipts {
		r := &b.Receipts[i]
		if err := r.Verify(); err != nil {
			sigs.add("seq %d: %v", r.Seq, err)
		}
		if r.Signer != oc.Signer {
			signers.add("seq %d names %s", r.Seq, r.Signer)
		}
		if d := domainProblem(r.Domain, chainID, a.cfg.Settlement); d != "" {
			domains.add("seq %d: %s", r.Seq, d)
		}
		if r.Model != token {
			models.add("seq %d is for model %s", r.Seq, r.Model)
		}
		if b.Prices != nil {
			if ok, why := b.Prices.ExplainsReceipt(&r.Receipt); !ok {
				fees.add("seq %d: %s", r.Seq, why)
			}
		}
		sum.Add(sum, r.Fee)
		if n := uint64(i + 1); n%progressEvery == 0 || n == total {
			a.progress(batchPhase, n, total)
		}
	}
	rep.check(CheckSignatures, sigs.n == 0, fmt.Sprintf("%d valid", total), fmt.Sprintf("%d bad: %s", sigs.n, &sigs))
	rep.check(CheckSigners, signers.n == 0, fmt.Sprintf("all by on-chain signer %s", oc.Signer),
		fmt.Sprintf("%d not by on-chain signer %s: %s", signers.n, oc.Signer, &signers))
	rep.check(CheckDomains, domains.n == 0, "all imogate v1 on this chain and contract", domains.String())
	rep.check(CheckModels, models.n == 0, fmt.Sprintf("all for %s", token), models.String())
	if b.Prices == nil {
		rep.skip(CheckFeesMatchPrices, "the archive has no %s (a batch archived before prices were published)", archive.PricesFile)
	} else {
		rep.check(CheckFeesMatchPrices, fees.n == 0, fmt.Sprintf("all %d fees recomputed from %d price version(s)", total, len(b.Prices)),
			fmt.Sprintf("%d receipts whose fee is not the price in force: %s", fees.n, &fees))
	}
	if p := seqProblems(b.Receipts, oc.FirstSeq, oc.LastSeq); p.n == 0 {
		rep.pass(CheckSeqRange, "%d..%d, %d receipts", oc.FirstSeq, oc.LastSeq, total)
	} else {
		rep.fail(CheckSeqRange, "on-chain range %d..%d: %s", oc.FirstSeq, oc.LastSeq, &p)
	}
	rep.total("fees", sum)

	// The Settled event and its transaction.
	// Look in the block settlement.json names first; search the whole
	// range only if the event is not there. Either way the event comes
	// from the chain.
	var evs []settled
	if blk, err := strconv.ParseUint(b.Settlement.BlockNumber, 10, 64); err == nil && blk >= a.cfg.FromBlock {
		if evs, err = a.settledEvents(ctx, token, false, &id, blk, blk); err != nil {
			return nil, err
		}
	}
	if len(evs) == 0 {
		if evs, err = a.settledEvents(ctx, token, false, &id, a.cfg.FromBlock, 0); err != nil {
			return nil, err
		}
	}
	if len(evs) != 1 {
		rep.fail(CheckSettledEvent, "%d Settled events for batch %d from block %d (want 1; is --from-block too late?)", len(evs), id, a.cfg.FromBlock)
		for _, n := range []string{CheckFeesEqualDeposit, CheckSettlementTx, CheckSettlementJSON, CheckRevenueForwarded} {
			rep.skip(n, "no Settled event")
		}
		return rep, nil
	}
	ev := evs[0]
	var evp problems
	if ev.Root != oc.Root || ev.FirstSeq != oc.FirstSeq || ev.LastSeq != oc.LastSeq || ev.Signer != oc.Signer {
		evp.add("event (root %s, %d..%d, signer %s) disagrees with getBatch", common.Hash(ev.Root), ev.FirstSeq, ev.LastSeq, ev.Signer)
	}
	if ev.ReceiptCount.Cmp(new(big.Int).SetUint64(ev.LastSeq-ev.FirstSeq+1)) != 0 {
		evp.add("receiptCount %s for range %d..%d", ev.ReceiptCount, ev.FirstSeq, ev.LastSeq)
	}
	rep.check(CheckSettledEvent, evp.n == 0, fmt.Sprintf("tx %s, block %d, value %s wei", ev.log.TxHash, ev.log.BlockNumber, ev.Value), evp.String())
	rep.total("deposit", ev.Value)
	rep.check(CheckFeesEqualDeposit, sum.Cmp(ev.Value) == 0,
		fmt.Sprintf("%s wei", sum),
		fmt.Sprintf("receipts' fees add up to %s wei, the Settled event deposited %s wei", sum, ev.Value))

	st := b.Settlement
	rcpt, err := a.cfg.Chain.TransactionReceipt(ctx, ev.log.TxHash)
	if err != nil {
		return nil, fmt.Errorf("receipt of %s: %w", ev.log.TxHash, err)
	}
	var txp problems
	if st.TxHash != ev.log.TxHash {
		txp.add("%s names tx %s, the Settled event is in tx %s", archive.SettlementFile, st.TxHash, ev.log.TxHash)
	}
	if st.BlockNumber != strconv.FormatUint(ev.log.BlockNumber, 10) || st.BlockHash != ev.log.BlockHash {
		txp.add("%s names block %s (%s), the event is in block %d (%s)", archive.SettlementFile, st.BlockNumber, st.BlockHash, ev.log.BlockNumber, ev.log.BlockHash)
	}
	if rcpt.Status != 1 {
		txp.add("tx %s reverted", ev.log.TxHash)
	}
	rep.check(CheckSettlementTx, txp.n == 0, fmt.Sprintf("%s emitted the Settled event", ev.log.TxHash), txp.String())

	var jp problems
	for _, f := range []struct{ name, got, want string }{
		{"chainId", st.ChainID, chainID.String()},
		{"contract", st.Contract.Hex(), a.cfg.Settlement.Hex()},
		{"operator", st.Operator.Hex(), a.cfg.Operator.Hex()},
		{"token", st.Token.Hex(), token.Hex()},
		{"batchId", st.BatchID, strconv.FormatUint(id, 10)},
		{"firstSeq", st.FirstSeq, strconv.FormatUint(oc.FirstSeq, 10)},
		{"lastSeq", st.LastSeq, strconv.FormatUint(oc.LastSeq, 10)},
		{"count", st.Count, ev.ReceiptCount.String()},
		{"root", st.Root.Hex(), ocRoot.Hex()},
		{"value", st.Value, ev.Value.String()},
		{"signer", st.Signer.Hex(), oc.Signer.Hex()},
	} {
		if f.got != f.want {
			jp.add("%s is %s, chain says %s", f.name, f.got, f.want)
		}
	}
	rep.check(CheckSettlementJSON, jp.n == 0, "agrees with the chain", jp.String())

	a.checkRevenueInTx(rep, rcpt, token, ev.Value)
	return rep, nil
}

// checkRevenueInTx checks that the token logged receiving value wei from
// the settlement contract in the settling transaction. A token that logs no
// RevenueReceived at all (an ERC-7641 token other than imogate's) is
// skipped: the check cannot apply, and the Settled event's value is still
// what the contract forwarded (settle reverts if the transfer fails).
func (a *Auditor) checkRevenueInTx(rep *Report, rcpt *types.Receipt, token common.Address, value *big.Int) {
	got := a.revenueInTx(rcpt, token)
	switch {
	case value.Sign() == 0 && len(got) == 0:
		rep.pass(CheckRevenueForwarded, "nothing to forward (value 0)")
	case len(got) == 0:
		rep.skip(CheckRevenueForwarded, "token %s logged no RevenueReceived from %s in tx %s", token, a.cfg.Settlement, rcpt.TxHash)
	case len(got) == 1 && got[0].Cmp(value) == 0:
		rep.pass(CheckRevenueForwarded, "token received %s wei from the settlement contract", value)
	default:
		rep.fail(CheckRevenueForwarded, "token logged RevenueReceived %v from the settlement contract in tx %s, want exactly one of %s wei", got, rcpt.TxHash, value)
	}
}

// seqProblems lists how the receipts' seqs differ from exactly
// first..last in order.
func seqProblems(rs []metering.SignedReceipt, first, last uint64) problems {
	var p problems
	seen := make(map[uint64]int, len(rs))
	for i := range rs {
		s := rs[i].Seq
		if s < first || s > last {
			p.add("seq %d (line %d) is outside the range", s, i+1)
			continue
		}
		if prev, dup := seen[s]; dup {
			p.add("seq %d appears twice (lines %d and %d)", s, prev, i+1)
			continue
		}
		seen[s] = i + 1
	}
	if missing := last - first + 1 - uint64(len(seen)); missing > 0 {
		// List the first few missing seqs without walking a huge range.
		listed := 0
		for s := first; listed < maxListed && s <= last; s++ {
			if _, ok := seen[s]; !ok {
				p.add("seq %d is missing", s)
				listed++
			}
			if s == last {
				break
			}
		}
		p.n += int(missing) - listed
	}
	if p.n == 0 {
		for i := range rs {
			if rs[i].Seq != first+uint64(i) {
				p.add("line %d holds seq %d, want %d (out of order)", i+1, rs[i].Seq, first+uint64(i))
				break
			}
		}
	}
	return p
}
