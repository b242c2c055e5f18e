package batcher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/onchain"
)

// send signs the settle transaction of a sealed batch, records it and then
// broadcasts it.
func (m *model) send(ctx context.Context, b *settlement.Batch) (bool, error) {
	ch, err := m.b.reader.Channel(ctx, m.token)
	if err != nil {
		return false, err
	}
	switch {
	case ch.NextBatchID > b.ID:
		m.log.Warn("sealed batch is already on-chain; recording its transaction", "batch", b.ID)
		return true, m.adopt(ctx, b.ID, b)
	case ch.NextBatchID < b.ID || ch.NextSeq != b.FirstSeq:
		return false, fmt.Errorf("%w: batch %d starts at seq %d, the chain expects batch %d at seq %d",
			ErrChainMismatch, b.ID, b.FirstSeq, ch.NextBatchID, ch.NextSeq)
	}

	// The signer registered now is the one the batch is recorded with: it
	// must be its receipts' (sealing checked; a rotation since would
	// record the wrong one).
	head, err := m.receipts(ctx, b.FirstSeq, b.FirstSeq)
	if err != nil {
		return false, err
	}
	if kept, err := m.registeredSigner(ctx, head); err != nil || len(kept) == 0 {
		return false, err
	}

	m.b.txMu.Lock()
	defer m.b.txMu.Unlock()
	data := onchain.SettlementABI.PackSettle(m.token, b.ID, b.Root, b.FirstSeq, b.LastSeq)
	tip, feeCap, _, err := m.b.fees(ctx)
	if err != nil {
		return false, err
	}
	balance, err := m.b.chain.BalanceAt(ctx, m.b.operator, nil)
	if err != nil {
		return false, fmt.Errorf("read settler balance: %w", err)
	}
	if balance.Cmp(b.Fee) < 0 {
		return false, m.lowBalance(b, balance, b.Fee)
	}
	to := m.b.cfg.Settlement
	est, err := m.b.chain.EstimateGas(ctx, ethereum.CallMsg{From: m.b.operator, To: &to, Value: b.Fee, Data: data})
	if err != nil {
		if r := onchain.RevertReason(err); r != "" {
			return false, fmt.Errorf("estimate gas of settle batch %d: reverts with %s: %w", b.ID, r, err)
		}
		return false, fmt.Errorf("estimate gas of settle batch %d: %w", b.ID, err)
	}
	if est > m.b.cfg.GasLimitCap {
		m.stall(StallGasCap, fmt.Sprintf("settling batch %d needs %d gas, above settlement.gas_limit_cap (%d): raise it", b.ID, est, m.b.cfg.GasLimitCap))
		return false, fmt.Errorf("settle batch %d needs %d gas, above the cap of %d", b.ID, est, m.b.cfg.GasLimitCap)
	}
	gas := min(est*uint64(100+m.b.cfg.GasMarginPercent)/100, m.b.cfg.GasLimitCap)
	if need := maxCost(b.Fee, gas, feeCap); balance.Cmp(need) < 0 {
		return false, m.lowBalance(b, balance, need)
	}
	nonce, err := m.b.chain.PendingNonceAt(ctx, m.b.operator)
	if err != nil {
		return false, fmt.Errorf("read nonce: %w", err)
	}
	tx, err := types.SignNewTx(m.b.cfg.Key, m.b.signer, &types.DynamicFeeTx{
		ChainID: m.b.cfg.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas,
		To: &to, Value: b.Fee, Data: data,
	})
	if err != nil {
		return false, fmt.Errorf("sign settle transaction: %w", err)
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return false, fmt.Errorf("encode settle transaction: %w", err)
	}
	b.State = settlement.StateSent
	b.Nonce = nonce
	b.TxHashes = []common.Hash{tx.Hash()}
	b.RawTx = raw
	b.SentAt = m.now()
	// Recorded before the broadcast: after a crash the next step finds the
	// transaction by hash and nonce instead of signing a second one.
	if err := m.save(ctx, b); err != nil {
		return false, err
	}
	m.log.Info("signed settle transaction", "batch", b.ID, "tx", tx.Hash(), "nonce", nonce, "value_wei", weiString(b.Fee),
		"gas", gas, "tip_wei", weiString(tip), "fee_cap_wei", weiString(feeCap))
	m.stage(StageSigned, b)
	m.unstall(StallBalance, StallGasCap)
	if err := m.b.broadcast(ctx, tx); err != nil {
		return true, err
	}
	m.log.Info("broadcast settle transaction", "batch", b.ID, "tx", tx.Hash())
	m.stage(StageBroadcast, b)
	return true, nil
}

func maxCost(value *big.Int, gas uint64, feeCap *big.Int) *big.Int {
	c := new(big.Int).Mul(new(big.Int).SetUint64(gas), feeCap)
	return c.Add(c, value)
}

func (m *model) lowBalance(b *settlement.Batch, have, need *big.Int) error {
	m.log.Error("settler balance too low to settle batch; fund the settler account, the batch is kept and retried",
		"batch", b.ID, "settler", m.b.operator, "balance_wei", weiString(have), "needed_wei", weiString(need))
	m.b.metrics.onLowBalance(m.token)
	m.stall(StallBalance, fmt.Sprintf("the settler %s holds %s wei and needs %s to settle batch %d (its fees plus the most gas it may pay): send ETH to the settler",
		m.b.operator.Hex(), weiString(have), weiString(need), b.ID))
	if h := m.b.cfg.Hooks.LowBalance; h != nil {
		h(m.token, new(big.Int).Set(have), new(big.Int).Set(need))
	}
	return fmt.Errorf("%w: batch %d needs %s wei, settler %s has %s", ErrInsufficientFunds, b.ID, need, m.b.operator.Hex(), have)
}

// confirm follows a sent batch's transactions: marks the batch settled once
// one is mined at depth, and otherwise handles reverts, reused nonces,
// dropped and stuck transactions.
func (m *model) confirm(ctx context.Context, b *settlement.Batch) (bool, error) {
	head, err := m.b.chain.BlockNumber(ctx)
	if err != nil {
		return false, fmt.Errorf("read block number: %w", err)
	}
	var rc *types.Receipt
	for i := len(b.TxHashes) - 1; i >= 0 && rc == nil; i-- {
		r, err := m.b.chain.TransactionReceipt(ctx, b.TxHashes[i])
		switch {
		case errors.Is(err, ethereum.NotFound):
		case err != nil:
			return false, fmt.Errorf("read receipt of %s: %w", b.TxHashes[i], err)
		default:
			rc = r
		}
	}
	if rc != nil {
		return m.mined(ctx, b, rc, head)
	}

	nonce, err := m.b.chain.NonceAt(ctx, m.b.operator, nil)
	if err != nil {
		return false, fmt.Errorf("read nonce: %w", err)
	}
	if nonce > b.Nonce {
		// The nonce is used, but by none of this batch's transactions (or
		// the node has not indexed the receipt yet): ask the contract.
		ch, err := m.b.reader.Channel(ctx, m.token)
		if err != nil {
			return false, err
		}
		if ch.NextBatchID > b.ID {
			return true, m.adopt(ctx, b.ID, b)
		}
		m.log.Warn("the settle transaction's nonce was used by another transaction; signing a new one",
			"batch", b.ID, "nonce", b.Nonce, "txs", b.TxHashes)
		m.reseal(b)
		return true, m.save(ctx, b)
	}
	if len(b.RawTx) == 0 {
		// Adopted from an event whose transaction vanished in a reorg.
		m.log.Warn("the batch's transaction is no longer known; signing a new one", "batch", b.ID)
		m.reseal(b)
		return true, m.save(ctx, b)
	}
	latest := b.TxHashes[len(b.TxHashes)-1]
	_, _, err = m.b.chain.TransactionByHash(ctx, latest)
	switch {
	case errors.Is(err, ethereum.NotFound):
		tx := new(types.Transaction)
		if err := tx.UnmarshalBinary(b.RawTx); err != nil {
			return false, fmt.Errorf("decode stored transaction of batch %d: %w", b.ID, err)
		}
		m.log.Warn("settle transaction unknown to the node (dropped, reorged out, or never broadcast); broadcasting it again",
			"batch", b.ID, "tx", tx.Hash(), "nonce", tx.Nonce())
		if err := m.b.broadcast(ctx, tx); err != nil {
			return false, err
		}
		return false, nil
	case err != nil:
		return false, fmt.Errorf("look up transaction %s: %w", latest, err)
	}
	if waited := m.now().Sub(b.SentAt); waited >= m.b.cfg.StuckAfter {
		return m.bump(ctx, b, waited)
	}
	return false, nil
}

// mined handles a mined settle transaction.
func (m *model) mined(ctx context.Context, b *settlement.Batch, rc *types.Receipt, head uint64) (bool, error) {
	if rc.Status != types.ReceiptStatusSuccessful {
		ch, err := m.b.reader.Channel(ctx, m.token)
		if err != nil {
			return false, err
		}
		if ch.NextBatchID > b.ID {
			return true, m.adopt(ctx, b.ID, b)
		}
		m.log.Error("settle transaction reverted; signing a new one", "batch", b.ID, "tx", rc.TxHash,
			"block", rc.BlockNumber, "gas_used", rc.GasUsed)
		m.reseal(b)
		if err := m.save(ctx, b); err != nil {
			return false, err
		}
		return false, fmt.Errorf("%w: batch %d, transaction %s", ErrReverted, b.ID, rc.TxHash)
	}
	block := rc.BlockNumber.Uint64()
	depth := uint64(0)
	if head >= block {
		depth = head - block + 1
	}
	if depth < uint64(m.b.cfg.Confirmations) {
		m.log.Debug("settle transaction mined; waiting for confirmations", "batch", b.ID, "tx", rc.TxHash,
			"block", block, "confirmations", depth, "want", m.b.cfg.Confirmations)
		return false, nil
	}
	ob, err := m.b.reader.Batch(ctx, m.token, b.ID)
	if err != nil {
		return false, err
	}
	if ob.Root == ([32]byte{}) {
		return false, nil // the head moved under us (reorg); look again next step
	}
	if ob.Root != b.Root || ob.FirstSeq != b.FirstSeq || ob.LastSeq != b.LastSeq {
		return false, fmt.Errorf("%w: batch %d is %d..%d root %s on-chain, %d..%d root %s in the store",
			ErrRootMismatch, b.ID, ob.FirstSeq, ob.LastSeq, common.Hash(ob.Root), b.FirstSeq, b.LastSeq, b.Root)
	}
	b.State = settlement.StateSettled
	b.TxHash, b.BlockNumber, b.BlockHash, b.GasUsed = rc.TxHash, block, rc.BlockHash, rc.GasUsed
	b.SettledAt = m.now()
	if err := m.save(ctx, b); err != nil {
		return false, err
	}
	m.log.Info("settled batch", "batch", b.ID, "first_seq", b.FirstSeq, "last_seq", b.LastSeq, "count", b.Count(),
		"value_wei", weiString(b.Fee), "tx", rc.TxHash, "block", block, "gas_used", rc.GasUsed, "confirmations", depth)
	m.b.metrics.onSettled(b)
	m.unstall(StallBalance, StallFeeCap, StallGasCap)
	if h := m.b.cfg.Hooks.Settled; h != nil {
		h(*b)
	}
	m.stage(StageSettled, b)
	return true, nil
}

// reseal returns a batch to sealed, dropping its dead transactions, so the
// next step signs a new one with a fresh nonce.
func (m *model) reseal(b *settlement.Batch) {
	b.State = settlement.StateSealed
	b.Nonce, b.TxHashes, b.RawTx, b.SentAt = 0, nil, nil, time.Time{}
}

// bump replaces a stuck transaction with one at the same nonce whose tip
// and fee cap are each at least 12.5% higher (and at least the current
// suggestion), within the configured caps.
func (m *model) bump(ctx context.Context, b *settlement.Batch, waited time.Duration) (bool, error) {
	old := new(types.Transaction)
	if err := old.UnmarshalBinary(b.RawTx); err != nil {
		return false, fmt.Errorf("decode stored transaction of batch %d: %w", b.ID, err)
	}
	newTip, newCap, baseFee, ok, err := m.b.bumpedFees(ctx, old)
	if err != nil {
		return false, err
	}
	if !ok {
		m.log.Warn("settle transaction is stuck but the fee caps leave no room for a replacement; waiting",
			"batch", b.ID, "tx", old.Hash(), "waited", waited, "tip_wei", weiString(old.GasTipCap()),
			"fee_cap_wei", weiString(old.GasFeeCap()), "base_fee_wei", weiString(baseFee))
		m.stall(StallFeeCap, fmt.Sprintf("the settle transaction %s of batch %d has waited %s unmined at a fee cap of %s wei (base fee %s) and the configured caps leave no room for a replacement: raise settlement.max_fee_cap_wei / max_tip_cap_wei",
			old.Hash().Hex(), b.ID, waited.Round(time.Second), weiString(old.GasFeeCap()), weiString(baseFee)))
		return false, nil
	}
	balance, err := m.b.chain.BalanceAt(ctx, m.b.operator, nil)
	if err != nil {
		return false, fmt.Errorf("read settler balance: %w", err)
	}
	if need := maxCost(old.Value(), old.Gas(), newCap); balance.Cmp(need) < 0 {
		return false, m.lowBalance(b, balance, need)
	}
	tx, err := types.SignNewTx(m.b.cfg.Key, m.b.signer, &types.DynamicFeeTx{
		ChainID: m.b.cfg.ChainID, Nonce: old.Nonce(), GasTipCap: newTip, GasFeeCap: newCap, Gas: old.Gas(),
		To: old.To(), Value: old.Value(), Data: old.Data(),
	})
	if err != nil {
		return false, fmt.Errorf("sign replacement transaction: %w", err)
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return false, fmt.Errorf("encode replacement transaction: %w", err)
	}
	b.TxHashes = append(b.TxHashes, tx.Hash())
	b.RawTx = raw
	b.SentAt = m.now()
	if err := m.save(ctx, b); err != nil {
		return false, err
	}
	m.unstall(StallFeeCap)
	m.log.Warn("settle transaction stuck; replaced it with higher fees", "batch", b.ID, "old_tx", old.Hash(), "tx", tx.Hash(),
		"nonce", tx.Nonce(), "waited", waited, "tip_wei", weiString(newTip), "fee_cap_wei", weiString(newCap))
	if err := m.b.broadcast(ctx, tx); err != nil {
		return true, err
	}
	return true, nil
}

func bigMax(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return new(big.Int).Set(a)
	}
	return new(big.Int).Set(b)
}

// bumpedFees are the fees of a replacement for old at the same nonce: tip
// and fee cap each at least 12.5% higher (what nodes require to replace a
// pending transaction) and at least the current suggestion, within the
// configured caps. ok is false when the caps leave no room for them.
func (b *Batcher) bumpedFees(ctx context.Context, old *types.Transaction) (tip, feeCap, baseFee *big.Int, ok bool, err error) {
	suggested, _, baseFee, err := b.fees(ctx)
	if err != nil {
		return nil, nil, nil, false, err
	}
	minTip, minCap := bump(old.GasTipCap()), bump(old.GasFeeCap())
	tip = b.capTip(bigMax(minTip, suggested))
	feeCap = new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
	feeCap = b.capFee(bigMax(minCap, feeCap))
	if tip.Cmp(feeCap) > 0 {
		tip = new(big.Int).Set(feeCap)
	}
	return tip, feeCap, baseFee, tip.Cmp(minTip) >= 0 && feeCap.Cmp(minCap) >= 0, nil
}
