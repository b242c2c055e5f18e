package batcher

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/ledger"
)

// sealNext seals the batch after prev (nil: batch 0) if enough receipts are
// waiting or the oldest is old enough. It first reconciles with the chain:
// a batch the chain has but the store does not is re-derived from the chain.
func (m *model) sealNext(ctx context.Context, prev *settlement.Batch) (bool, error) {
	id, first := uint64(0), uint64(1)
	if prev != nil {
		id, first = prev.ID+1, prev.LastSeq+1
	}
	ch, err := m.b.reader.Channel(ctx, m.token)
	if err != nil {
		return false, err
	}
	if ch.NextSeq > 1 {
		// Gateways must never issue a seq the chain has settled: if Redis came
		// back older than the chain, this floor halts their metering.
		if _, err := m.b.store.RaiseSeqFloor(ctx, m.token, ch.NextSeq-1); err != nil {
			return false, err
		}
	}
	switch {
	case ch.NextBatchID > id:
		m.log.Warn("the chain has a batch the store has no record of; re-deriving it from the chain", "batch", id)
		return true, m.adopt(ctx, id, nil)
	case ch.NextBatchID < id:
		if prev != nil && ch.NextBatchID == prev.ID && !prev.Trimmed {
			// A reorg deeper than the confirmations removed the batch: confirm
			// it again (the same transaction is broadcast again, or a new one
			// signed if its nonce is gone).
			m.log.Error("a batch marked settled is no longer on-chain (reorg deeper than the confirmations); confirming it again",
				"batch", prev.ID, "tx", prev.TxHash)
			prev.State = settlement.StateSent
			prev.TxHash, prev.BlockNumber, prev.BlockHash, prev.GasUsed, prev.SettledAt = common.Hash{}, 0, common.Hash{}, 0, time.Time{}
			return true, m.save(ctx, prev)
		}
		return false, fmt.Errorf("%w: the chain's next batch id is %d, the store has settled up to %d", ErrChainMismatch, ch.NextBatchID, id-1)
	}
	if ch.NextSeq != first {
		return false, fmt.Errorf("%w: the chain's next seq is %d, the store's is %d", ErrChainMismatch, ch.NextSeq, first)
	}
	lastSeq, err := m.b.store.LastSeq(ctx, m.token)
	if err != nil {
		return false, fmt.Errorf("read last seq: %w", err)
	}
	if lastSeq < first {
		return false, nil
	}
	waiting := lastSeq - first + 1
	if waiting < uint64(m.b.cfg.MaxBatch) {
		oldest, err := m.receipts(ctx, first, first)
		if err != nil {
			return false, err
		}
		age := m.now().Sub(time.UnixMilli(int64(oldest[0].Timestamp)))
		if age < m.b.cfg.MaxAge {
			return false, nil
		}
	}
	last := first + min(waiting, uint64(m.b.cfg.MaxBatch)) - 1
	if ok, err := m.checkDelivery(ctx); !ok || err != nil {
		return false, err
	}
	rs, err := m.receipts(ctx, first, last)
	if err != nil {
		return false, err
	}
	if rs, err = m.registeredSigner(ctx, rs); err != nil || len(rs) == 0 {
		return false, err
	}
	last = rs[len(rs)-1].Seq
	tree, fee, err := ledger.TreeOf(rs)
	if err != nil {
		return false, err
	}
	b := settlement.Batch{
		Token: m.token, ID: id, FirstSeq: first, LastSeq: last, Fee: fee, Root: tree.Root(),
		State: settlement.StateSealed, SealedAt: m.now(),
	}
	if err := m.save(ctx, &b); err != nil {
		return false, err
	}
	m.log.Info("sealed batch", "batch", id, "first_seq", first, "last_seq", last, "count", b.Count(),
		"fee_wei", weiString(fee), "root", b.Root, "waiting_after", waiting-b.Count())
	m.stage(StageSealed, &b)
	return true, nil
}

// receipts loads first..last from the log and checks that every one is
// there, in order, for this model.
func (m *model) receipts(ctx context.Context, first, last uint64) ([]metering.LoggedReceipt, error) {
	rs, err := m.b.store.Receipts(ctx, m.token, first, last)
	if err != nil {
		return nil, err
	}
	for i, want := 0, first; want <= last; i, want = i+1, want+1 {
		if i >= len(rs) || rs[i].Seq != want {
			return nil, fmt.Errorf("%w: seq %d of %s (range %d..%d)", ErrGap, want, m.token.Hex(), first, last)
		}
		if rs[i].Model != m.token {
			return nil, fmt.Errorf("receipt %d names model %s, not %s", want, rs[i].Model.Hex(), m.token.Hex())
		}
	}
	return rs, nil
}

// adopt records batch id, which the chain holds, from the chain: its range
// and root from getBatch (checked against a tree built from the log) and the
// transaction from its Settled event. The record goes to state sent with
// that transaction, so confirm marks it settled once it is deep enough.
// existing is the store's record of the batch, if any.
func (m *model) adopt(ctx context.Context, id uint64, existing *settlement.Batch) error {
	ob, err := m.b.reader.Batch(ctx, m.token, id)
	if err != nil {
		return err
	}
	if ob.Root == ([32]byte{}) {
		return fmt.Errorf("%w: batch %d reads as unsettled", ErrChainMismatch, id)
	}
	var b settlement.Batch
	if existing != nil {
		b = *existing
		if b.Root != ob.Root || b.FirstSeq != ob.FirstSeq || b.LastSeq != ob.LastSeq {
			return fmt.Errorf("%w: batch %d is %d..%d root %s on-chain, %d..%d root %s in the store",
				ErrRootMismatch, id, ob.FirstSeq, ob.LastSeq, common.Hash(ob.Root), b.FirstSeq, b.LastSeq, b.Root)
		}
	} else {
		rs, err := m.receipts(ctx, ob.FirstSeq, ob.LastSeq)
		if err != nil {
			return fmt.Errorf("re-derive batch %d: %w", id, err)
		}
		tree, fee, err := ledger.TreeOf(rs)
		if err != nil {
			return err
		}
		if tree.Root() != ob.Root {
			return fmt.Errorf("%w: batch %d (%d..%d) has root %s on-chain, %s from the log",
				ErrRootMismatch, id, ob.FirstSeq, ob.LastSeq, common.Hash(ob.Root), tree.Root())
		}
		b = settlement.Batch{Token: m.token, ID: id, FirstSeq: ob.FirstSeq, LastSeq: ob.LastSeq, Fee: fee,
			Root: tree.Root(), SealedAt: m.now()}
	}
	ev, err := m.b.reader.SettledEvent(ctx, m.b.chain, m.token, id, m.b.cfg.LogFromBlock)
	if err != nil {
		return err
	}
	if ev.Value.Cmp(b.Fee) != 0 {
		m.log.Error("batch was settled on-chain with a value other than its fee sum", "batch", id,
			"value_wei", weiString(ev.Value), "fee_wei", weiString(b.Fee), "tx", ev.Raw.TxHash)
	}
	b.State = settlement.StateSent
	if !slices.Contains(b.TxHashes, ev.Raw.TxHash) {
		b.TxHashes = append(b.TxHashes, ev.Raw.TxHash)
	}
	if err := m.save(ctx, &b); err != nil {
		return err
	}
	m.log.Info("batch found on-chain; recorded its transaction", "batch", id, "tx", ev.Raw.TxHash, "block", ev.Raw.BlockNumber)
	return nil
}

// registeredSigner keeps the leading receipts of rs signed by the
// operator's registered signer: a batch records the signer registered when
// it settles, and receipts of another key in it would never verify
// on-chain. Receipts of another key stall sealing, loudly, until the
// operator registers that key (once every receipt of the old one is
// settled) or the gateways sign with the registered one again.
func (m *model) registeredSigner(ctx context.Context, rs []metering.LoggedReceipt) ([]metering.LoggedReceipt, error) {
	signer, err := m.b.reader.Signer(ctx)
	if err != nil {
		return nil, err
	}
	n := 0
	for n < len(rs) && rs[n].Signer == signer {
		n++
	}
	if n == 0 {
		m.stall(StallSigner, fmt.Sprintf("receipts of %s from seq %d on are signed by %s, but the operator's registered signer is %s: once every receipt before seq %d is settled, register the new key (`imogate contracts deploy --settlement %s --signer %s ...` calls setSigner), or point the gateways back at the registered key",
			m.token.Hex(), rs[0].Seq, rs[0].Signer.Hex(), signer.Hex(), rs[0].Seq, m.b.cfg.Settlement.Hex(), rs[0].Signer.Hex()))
		return nil, nil
	}
	m.unstall(StallSigner)
	if n < len(rs) {
		m.log.Info("sealing up to a change of receipt signer; the rest waits for the new signer's registration",
			"last_seq", rs[n-1].Seq, "registered_signer", signer, "next_signer", rs[n].Signer)
	}
	return rs[:n], nil
}
