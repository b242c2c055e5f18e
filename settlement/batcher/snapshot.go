package batcher

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/imogate/imogate/settlement/onchain"
)

// snapshotState is the snapshot keeper's memory for one token. It is not
// persisted: after a restart the keeper simply asks the token again, and a
// snapshot() that is not due reverts in gas estimation and is not sent.
type snapshotState struct {
	unsupported bool
	// tx is the latest signed snapshot transaction while one is pending;
	// hashes are all its versions (a fee bump replaces it at its nonce).
	tx     *types.Transaction
	hashes []common.Hash
	sentAt time.Time
}

// keepSnapshots calls the token's snapshot() once nextSnapshotTime() has
// passed, one transaction at a time. A snapshot transaction shares the
// operator's nonces with its settlements, so one left stuck would hold up
// every settlement behind it: after StuckAfter it is replaced at its nonce
// with fees raised, like a settle transaction.
func (m *model) keepSnapshots(ctx context.Context) error {
	s := &m.snapshot
	if s.unsupported {
		return nil
	}
	if s.tx != nil {
		waiting, err := m.pendingSnapshot(ctx)
		if err != nil || waiting {
			return err
		}
	}
	out, err := m.b.reader.Call(ctx, m.token, onchain.TokenABI.PackNextSnapshotTime())
	if err == nil && len(out) == 0 || err != nil && strings.Contains(err.Error(), "execution reverted") {
		m.log.Info("token has no nextSnapshotTime(); snapshot keeper off for it", "err", err)
		s.unsupported = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("read nextSnapshotTime: %w", err)
	}
	next, err := onchain.TokenABI.UnpackNextSnapshotTime(out)
	if err != nil {
		m.log.Info("token's nextSnapshotTime() is not a uint256; snapshot keeper off for it", "err", err)
		s.unsupported = true
		return nil
	}
	head, err := m.b.chain.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	if next.IsUint64() && head.Time < next.Uint64() || !next.IsUint64() {
		return nil
	}
	data := onchain.TokenABI.PackSnapshot()
	to := m.token
	m.b.txMu.Lock()
	defer m.b.txMu.Unlock()
	est, err := m.b.chain.EstimateGas(ctx, ethereum.CallMsg{From: m.b.operator, To: &to, Data: data})
	if err != nil {
		// Someone else may have taken it, or the next block is not late enough.
		m.log.Debug("snapshot not possible now", "err", err)
		return nil
	}
	tip, feeCap, _, err := m.b.fees(ctx)
	if err != nil {
		return err
	}
	nonce, err := m.b.chain.PendingNonceAt(ctx, m.b.operator)
	if err != nil {
		return fmt.Errorf("read nonce: %w", err)
	}
	gas := min(est*uint64(100+m.b.cfg.GasMarginPercent)/100, m.b.cfg.GasLimitCap)
	tx, err := types.SignNewTx(m.b.cfg.Key, m.b.signer, &types.DynamicFeeTx{
		ChainID: m.b.cfg.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas, To: &to, Data: data,
	})
	if err != nil {
		return fmt.Errorf("sign snapshot transaction: %w", err)
	}
	s.tx, s.hashes, s.sentAt = tx, []common.Hash{tx.Hash()}, m.now()
	if err := m.b.broadcast(ctx, tx); err != nil {
		return err
	}
	m.log.Info("sent snapshot transaction", "tx", tx.Hash(), "nonce", nonce, "next_snapshot_time", next)
	return nil
}

// pendingSnapshot follows the pending snapshot transaction: it reports
// whether the keeper must keep waiting for it, and replaces it with higher
// fees once it has been stuck for StuckAfter.
func (m *model) pendingSnapshot(ctx context.Context) (bool, error) {
	s := &m.snapshot
	for _, h := range s.hashes {
		r, err := m.b.chain.TransactionReceipt(ctx, h)
		if errors.Is(err, ethereum.NotFound) {
			continue
		}
		if err != nil {
			return true, fmt.Errorf("read snapshot receipt: %w", err)
		}
		m.log.Info("snapshot transaction mined", "tx", h, "block", r.BlockNumber, "success", r.Status == types.ReceiptStatusSuccessful)
		s.tx, s.hashes = nil, nil
		return false, nil
	}
	used, err := m.b.chain.NonceAt(ctx, m.b.operator, nil)
	if err != nil {
		return true, fmt.Errorf("read nonce: %w", err)
	}
	if used > s.tx.Nonce() {
		// Its nonce went to another transaction: none of these can be mined.
		m.log.Warn("snapshot transaction's nonce was used by another transaction; dropping it", "tx", s.tx.Hash(), "nonce", s.tx.Nonce())
		s.tx, s.hashes = nil, nil
		return false, nil
	}
	waited := m.now().Sub(s.sentAt)
	if waited < m.b.cfg.StuckAfter {
		return true, nil
	}
	m.b.txMu.Lock()
	defer m.b.txMu.Unlock()
	tip, feeCap, baseFee, ok, err := m.b.bumpedFees(ctx, s.tx)
	if err != nil {
		return true, err
	}
	if !ok {
		m.stall(StallFeeCap, fmt.Sprintf("the snapshot transaction %s of token %s has waited %s unmined at a fee cap of %s wei (base fee %s), holding up the settlements behind its nonce, and the configured caps leave no room for a replacement: raise settlement.max_fee_cap_wei / max_tip_cap_wei",
			s.tx.Hash().Hex(), m.token.Hex(), waited.Round(time.Second), weiString(s.tx.GasFeeCap()), weiString(baseFee)))
		return true, nil
	}
	old := s.tx
	tx, err := types.SignNewTx(m.b.cfg.Key, m.b.signer, &types.DynamicFeeTx{
		ChainID: m.b.cfg.ChainID, Nonce: old.Nonce(), GasTipCap: tip, GasFeeCap: feeCap, Gas: old.Gas(), To: old.To(), Data: old.Data(),
	})
	if err != nil {
		return true, fmt.Errorf("sign replacement snapshot transaction: %w", err)
	}
	s.tx, s.hashes, s.sentAt = tx, append(s.hashes, tx.Hash()), m.now()
	m.unstall(StallFeeCap)
	m.log.Warn("snapshot transaction stuck; replaced it with higher fees", "old_tx", old.Hash(), "tx", tx.Hash(), "nonce", tx.Nonce(),
		"waited", waited, "tip_wei", weiString(tip), "fee_cap_wei", weiString(feeCap))
	return true, m.b.broadcast(ctx, tx)
}
