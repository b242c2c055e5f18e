package batcher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Chain is what the batcher needs from a node. *ethclient.Client and
// simulated.Client implement it.
//
// Errors are taken as transient (retried with backoff) except where noted:
// TransactionReceipt and TransactionByHash return ethereum.NotFound for a
// transaction the node does not know, and SendTransaction may return an
// "already known" error for a transaction it already holds, which the
// batcher treats as success.
type Chain interface {
	ChainID(ctx context.Context) (*big.Int, error)
	BlockNumber(ctx context.Context) (uint64, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	CallContract(ctx context.Context, call ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
	EstimateGas(ctx context.Context, call ethereum.CallMsg) (uint64, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	TransactionByHash(ctx context.Context, txHash common.Hash) (tx *types.Transaction, isPending bool, err error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// Errors of the batcher.
var (
	// ErrWrongChain: the node serves another chain than configured.
	ErrWrongChain = errors.New("wrong chain")
	// ErrGap: a receipt that must be in the log is missing. The batcher
	// never skips a seq: it stops and reports.
	ErrGap = errors.New("receipt missing from the log")
	// ErrChainMismatch: the chain's state for (operator, token) contradicts
	// the batch records (another operator key, another contract, or a reorg
	// deeper than the confirmations).
	ErrChainMismatch = errors.New("chain state does not match the batch records")
	// ErrRootMismatch: a batch on-chain has another root than the one built
	// from the log.
	ErrRootMismatch = errors.New("on-chain batch root does not match the receipt log")
	// ErrInsufficientFunds: the settler cannot pay a batch's value plus gas.
	ErrInsufficientFunds = errors.New("settler balance too low")
	// ErrReverted: a settle transaction was mined but reverted.
	ErrReverted = errors.New("settle transaction reverted")
	// ErrMissingSignature: a receipt to archive has no stored signature.
	ErrMissingSignature = errors.New("receipt has no stored signature")
)

// fees returns the tip and fee cap for a new transaction: the node's
// suggested tip and twice the base fee plus the tip, within the caps.
func (b *Batcher) fees(ctx context.Context) (tip, feeCap, baseFee *big.Int, err error) {
	tip, err = b.chain.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("suggest tip: %w", err)
	}
	head, err := b.chain.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read head: %w", err)
	}
	if head.BaseFee == nil {
		return nil, nil, nil, errors.New("chain has no base fee (pre-London): EIP-1559 transactions unsupported")
	}
	baseFee = head.BaseFee
	tip = b.capTip(tip)
	feeCap = new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
	feeCap = b.capFee(feeCap)
	if tip.Cmp(feeCap) > 0 {
		tip = new(big.Int).Set(feeCap)
	}
	return tip, feeCap, baseFee, nil
}

func (b *Batcher) capTip(v *big.Int) *big.Int {
	if b.cfg.MaxTipCap != nil && v.Cmp(b.cfg.MaxTipCap) > 0 {
		return new(big.Int).Set(b.cfg.MaxTipCap)
	}
	return v
}

func (b *Batcher) capFee(v *big.Int) *big.Int {
	if b.cfg.MaxFeeCap != nil && v.Cmp(b.cfg.MaxFeeCap) > 0 {
		return new(big.Int).Set(b.cfg.MaxFeeCap)
	}
	return v
}

// broadcast sends a signed transaction; a node that already has it is fine.
func (b *Batcher) broadcast(ctx context.Context, tx *types.Transaction) error {
	err := b.chain.SendTransaction(ctx, tx)
	if err == nil || isAlreadyKnown(err) {
		return nil
	}
	return fmt.Errorf("broadcast %s: %w", tx.Hash(), err)
}

func isAlreadyKnown(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "already known") || strings.Contains(s, "known transaction")
}

// bump returns v raised by 12.5%, rounded up: the minimum a replacement
// transaction offers (nodes require 10%).
func bump(v *big.Int) *big.Int {
	out := new(big.Int).Mul(v, big.NewInt(1125))
	out.Add(out, big.NewInt(999))
	return out.Quo(out, big.NewInt(1000))
}
