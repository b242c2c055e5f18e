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
	pending     common.Hash
	sentAt      time.Time
}

// keepSnapshots calls the token's snapshot() once nextSnapshotTime() has
// passed, one transaction at a time.
func (m *model) keepSnapshots(ctx context.Context) error {
	s := &m.snapshot
	if s.unsupported {
		return nil
	}
	if s.pending != (common.Hash{}) {
		r, err := m.b.chain.TransactionReceipt(ctx, s.pending)
		switch {
		case errors.Is(err, ethereum.NotFound):
			if m.now().Sub(s.sentAt) < m.b.cfg.StuckAfter {
				return nil
			}
			m.log.Warn("snapshot transaction not mined in time; will try again", "tx", s.pending)
		case err != nil:
			return fmt.Errorf("read snapshot receipt: %w", err)
		default:
			m.log.Info("snapshot transaction mined", "tx", s.pending, "block", r.BlockNumber, "success", r.Status == types.ReceiptStatusSuccessful)
		}
		s.pending = common.Hash{}
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
	if err := m.b.broadcast(ctx, tx); err != nil {
		return err
	}
	s.pending, s.sentAt = tx.Hash(), m.now()
	m.log.Info("sent snapshot transaction", "tx", tx.Hash(), "nonce", nonce, "next_snapshot_time", next)
	return nil
}
