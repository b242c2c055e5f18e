package audit

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/onchain"
)

// Names of the checks of a chain audit.
const (
	CheckBatchIDs        = "batch ids"        // Settled events carry batch ids 0..n-1, each once, in order
	CheckSeqRanges       = "seq ranges"       // their ranges are contiguous from seq 1, with matching receipt counts
	CheckContractState   = "contract state"   // nextBatchId and nextSeq agree with the events
	CheckGetBatch        = "getBatch"         // every event agrees with the contract's stored batch
	CheckRevenue         = "revenue received" // the token's RevenueReceived from the settlement contract = the Settled values
	CheckArchivedBatches = "archived batches" // (with an archive) every batch's archived fees and count match its event
)

// History audits every settlement of the operator for token from
// FromBlock: batch ids and seq ranges contiguous from 0 and 1, the
// contract's state, and the revenue the token received.
//
// The revenue check is exact: UsageSettlement sends ETH only from settle,
// each time to the settled token and for exactly the Settled event's value,
// and imogate's ERC-7641 token logs every receipt of ETH through receive()
// as RevenueReceived(from, amount). So the token's RevenueReceived events
// with from = the settlement contract must pair one-to-one, transaction by
// transaction and wei for wei, with the non-zero-value Settled events of
// every operator for the token. (The token's balance is not used: holders'
// claims and burns move it, and anyone may send it ETH.) A token that logs
// no RevenueReceived at all is reported as skipped.
func (a *Auditor) History(ctx context.Context, token common.Address) (*Report, error) {
	rep := newReport("chain", fmt.Sprintf("settlements of operator %s for %s from block %d", a.cfg.Operator, token, a.cfg.FromBlock))
	if ok, err := a.checkSettlementCode(ctx, rep); err != nil || !ok {
		return rep, err
	}
	all, err := a.settledEvents(ctx, token, true, nil, a.cfg.FromBlock, 0)
	if err != nil {
		return nil, err
	}
	var evs []settled
	for _, e := range all {
		if e.Operator == a.cfg.Operator {
			evs = append(evs, e)
		}
	}
	n := uint64(len(evs))

	var ids, ranges problems
	deposited, allDeposited := new(big.Int), new(big.Int)
	var lastSeq uint64
	for i, e := range evs {
		if !e.BatchId.IsUint64() || e.BatchId.Uint64() != uint64(i) {
			ids.add("event %d (tx %s) is batch %s, want %d", i, e.log.TxHash, e.BatchId, i)
		}
		if e.FirstSeq != lastSeq+1 {
			if lastSeq == 0 && i == 0 {
				ranges.add("batch %s starts at seq %d, want 1", e.BatchId, e.FirstSeq)
			} else {
				ranges.add("batch %s starts at seq %d, previous batch ended at %d", e.BatchId, e.FirstSeq, lastSeq)
			}
		}
		if e.LastSeq < e.FirstSeq || e.ReceiptCount.Cmp(new(big.Int).SetUint64(e.LastSeq-e.FirstSeq+1)) != 0 {
			ranges.add("batch %s: range %d..%d with receiptCount %s", e.BatchId, e.FirstSeq, e.LastSeq, e.ReceiptCount)
		}
		lastSeq = e.LastSeq
		deposited.Add(deposited, e.Value)
	}
	for _, e := range all {
		allDeposited.Add(allDeposited, e.Value)
	}
	hint := ""
	if ids.n > 0 && a.cfg.FromBlock > 0 {
		hint = fmt.Sprintf(" (is --from-block %d after the first settlement?)", a.cfg.FromBlock)
	}
	rep.check(CheckBatchIDs, ids.n == 0, fmt.Sprintf("batches 0..%d (%s)", int64(n)-1, plural(n, "batch", "batches")), ids.String()+hint)
	rep.check(CheckSeqRanges, ranges.n == 0, fmt.Sprintf("seqs 1..%d, contiguous", lastSeq), ranges.String())
	rep.total("batches", n)
	rep.total("receipts", lastSeq)
	rep.total("deposited", deposited)
	rep.total("depositedAllOperators", allDeposited)

	ch, err := a.reader.Channel(ctx, token)
	nextID, nextSeq := ch.NextBatchID, ch.NextSeq
	if err != nil {
		return nil, err
	}
	rep.check(CheckContractState, nextID == n && nextSeq == lastSeq+1,
		fmt.Sprintf("nextBatchId %d, nextSeq %d", nextID, nextSeq),
		fmt.Sprintf("contract says nextBatchId %d and nextSeq %d, the events say %d and %d", nextID, nextSeq, n, lastSeq+1))

	var gb problems
	for i, e := range evs {
		if !e.BatchId.IsUint64() {
			continue
		}
		oc, err := a.reader.Batch(ctx, token, e.BatchId.Uint64())
		if err != nil {
			return nil, err
		}
		if oc.Root != e.Root || oc.FirstSeq != e.FirstSeq || oc.LastSeq != e.LastSeq || oc.Signer != e.Signer {
			gb.add("batch %s: event (root %s, %d..%d, signer %s), getBatch (root %s, %d..%d, signer %s)",
				e.BatchId, common.Hash(e.Root), e.FirstSeq, e.LastSeq, e.Signer, common.Hash(oc.Root), oc.FirstSeq, oc.LastSeq, oc.Signer)
		}
		a.progress(chainPhase, uint64(i+1), n)
	}
	rep.check(CheckGetBatch, gb.n == 0, fmt.Sprintf("getBatch agrees for %s", plural(n, "batch", "batches")), gb.String())

	if err := a.checkRevenue(ctx, rep, token, all); err != nil {
		return nil, err
	}
	if a.cfg.Archive != nil {
		a.checkArchivedBatches(ctx, rep, token, evs)
	} else {
		rep.skip(CheckArchivedBatches, "no archive given")
	}
	return rep, nil
}

// checkRevenue pairs the token's RevenueReceived events from the settlement
// contract with the non-zero Settled events of all operators for the token.
func (a *Auditor) checkRevenue(ctx context.Context, rep *Report, token common.Address, all []settled) error {
	logs, err := a.filterLogs(ctx, revenuePhase, a.cfg.FromBlock, 0, ethereum.FilterQuery{
		Addresses: []common.Address{token},
		Topics:    [][]common.Hash{{onchain.RevenueTopic}, {common.BytesToHash(a.cfg.Settlement[:])}},
	})
	if err != nil {
		return err
	}
	received := new(big.Int)
	byTx := map[common.Hash][]*big.Int{}
	for i := range logs {
		ev, err := onchain.TokenABI.UnpackRevenueReceivedEvent(&logs[i])
		if err != nil {
			return fmt.Errorf("decode RevenueReceived in tx %s: %w", logs[i].TxHash, err)
		}
		received.Add(received, ev.Amount)
		byTx[logs[i].TxHash] = append(byTx[logs[i].TxHash], ev.Amount)
	}
	rep.total("revenueFromSettlement", received)
	var p problems
	paid := 0
	for _, e := range all {
		if e.Value.Sign() == 0 {
			continue
		}
		paid++
		got := byTx[e.log.TxHash]
		j := -1
		for k, v := range got {
			if v.Cmp(e.Value) == 0 {
				j = k
				break
			}
		}
		if j < 0 {
			p.add("batch %s of %s deposited %s wei in tx %s, the token logged %v from the settlement contract there", e.BatchId, e.Operator, e.Value, e.log.TxHash, got)
			continue
		}
		byTx[e.log.TxHash] = append(got[:j:j], got[j+1:]...)
	}
	for tx, left := range byTx {
		for _, v := range left {
			p.add("the token logged %s wei from the settlement contract in tx %s with no matching Settled event", v, tx)
		}
	}
	if len(logs) == 0 && paid > 0 {
		return a.checkRevenueByBalance(ctx, rep, token, all, paid)
	}
	rep.check(CheckRevenue, p.n == 0,
		fmt.Sprintf("token received %s wei from the settlement contract in %s, = the Settled values of all operators", received, plural(uint64(len(logs)), "transfer", "transfers")),
		p.String())
	return nil
}

// checkRevenueByBalance checks the deposits into a token that logs no
// revenue events by its balance: in each block with settlements for it, the
// token's balance must have grown by exactly the wei they deposited. A block
// where it grew by another amount (a holder claimed or burned in it, or
// someone else paid the token) cannot be told apart from a short delivery:
// its deposits stay unchecked and the audit is incomplete, never a pass.
func (a *Auditor) checkRevenueByBalance(ctx context.Context, rep *Report, token common.Address, all []settled, paid int) error {
	byBlock := map[uint64]*big.Int{}
	var blocks []uint64
	for _, e := range all {
		if e.Value.Sign() == 0 {
			continue
		}
		n := e.log.BlockNumber
		if byBlock[n] == nil {
			byBlock[n] = new(big.Int)
			blocks = append(blocks, n)
		}
		byBlock[n].Add(byBlock[n], e.Value)
	}
	var unchecked problems
	verified := 0
	for i, n := range blocks {
		a.progress(revenuePhase, uint64(i+1), uint64(len(blocks)))
		after, err := a.cfg.Chain.BalanceAt(ctx, token, new(big.Int).SetUint64(n))
		if err != nil {
			return fmt.Errorf("read the token's balance at block %d: %w", n, err)
		}
		before, err := a.cfg.Chain.BalanceAt(ctx, token, new(big.Int).SetUint64(n-1))
		if err != nil {
			return fmt.Errorf("read the token's balance at block %d: %w", n-1, err)
		}
		if grew := new(big.Int).Sub(after, before); grew.Cmp(byBlock[n]) != 0 {
			unchecked.add("block %d: deposits %s wei, the token's balance changed by %s wei", n, byBlock[n], grew)
			continue
		}
		verified++
	}
	if unchecked.n > 0 {
		rep.skip(CheckRevenue, "token %s logs no RevenueReceived, and its balance did not change by exactly the deposits in %d of %d settlement blocks (other transfers in those blocks); those deposits unchecked: %s",
			token, unchecked.n, len(blocks), unchecked.String())
		return nil
	}
	rep.pass(CheckRevenue, "token %s logs no RevenueReceived; its balance grew by exactly the deposits in each of its %d settlement blocks (%d deposits)", token, len(blocks), paid)
	return nil
}

// checkArchivedBatches compares each batch's archived receipts with its
// Settled event: count, seq range and fee sum. Batch audits check the rest.
func (a *Auditor) checkArchivedBatches(ctx context.Context, rep *Report, token common.Address, evs []settled) {
	var p problems
	for i, e := range evs {
		a.progress(archivePhase, uint64(i+1), uint64(len(evs)))
		if !e.BatchId.IsUint64() {
			continue
		}
		b, err := archive.Read(ctx, a.cfg.Archive, token, e.BatchId.Uint64())
		if err != nil {
			p.add("batch %s: %v", e.BatchId, err)
			continue
		}
		sum := new(big.Int)
		for j := range b.Receipts {
			sum.Add(sum, b.Receipts[j].Fee)
		}
		if sum.Cmp(e.Value) != 0 {
			p.add("batch %s: archived fees add up to %s wei, deposit %s wei", e.BatchId, sum, e.Value)
		}
		if q := seqProblems(b.Receipts, e.FirstSeq, e.LastSeq); q.n > 0 {
			p.add("batch %s: %s", e.BatchId, &q)
		}
	}
	rep.check(CheckArchivedBatches, p.n == 0, fmt.Sprintf("%s: fees = deposits, seqs = ranges", plural(uint64(len(evs)), "batch", "batches")), p.String())
}

// plural spells "1 batch", "2 batches".
func plural(n uint64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
