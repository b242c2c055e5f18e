// Package deploy deploys imogate's contracts: the UsageSettlement contract
// and, optionally, a RevenueShareToken (ERC-7641) for a model; it registers
// the operator's receipt signer and returns the addresses and the
// configuration lines to paste. It also loads the deploying key from an
// encrypted go-ethereum keystore file or an environment variable. The
// `imogate contracts deploy` command is a thin wrapper around Deploy.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/imogate/imogate/settlement/contracts/bindings"
)

// Backend is what Deploy needs from a chain: contract calls and
// transactions, receipts and code, and the chain id. *ethclient.Client and
// simulated.Client implement it.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
	ChainID(ctx context.Context) (*big.Int, error)
}

// WaitFunc waits until tx is mined and returns its receipt.
type WaitFunc func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error)

// Options says what Deploy does.
type Options struct {
	// ChainID is the chain the caller means to deploy to. Required: Deploy
	// checks it against the node before sending any transaction.
	ChainID *big.Int
	// Signer is the receipt signer address registered for the operator (the
	// deploying account). Required.
	Signer common.Address
	// Settlement, if set, is an existing UsageSettlement to use instead of
	// deploying a new one (it must have code).
	Settlement common.Address
	// Token, if set, deploys a new RevenueShareToken for a model.
	Token *TokenOptions
	// Wait waits for a transaction to be mined. Default: poll the node for the
	// receipt every PollInterval.
	Wait WaitFunc
	// PollInterval is the default Wait's polling period. Default 500ms.
	PollInterval time.Duration
}

// TokenOptions are the constructor arguments of a RevenueShareToken.
type TokenOptions struct {
	// Name and Symbol are the ERC-20 name and symbol. Required.
	Name, Symbol string
	// Supply is the whole supply in the smallest unit (18 decimals), minted
	// once to Holder. Required, positive.
	Supply *big.Int
	// Holder receives the supply. Default: the deploying account.
	Holder common.Address
	// Owner is the token owner (the model owner), who may endorse operators in
	// UsageSettlement. Default: the deploying account.
	Owner common.Address
	// PercentClaimable (0 to 100) of each snapshot's new revenue is claimable
	// by holders; the rest goes to the burn pool.
	PercentClaimable uint8
	// SnapshotInterval is the minimum time between snapshots, whole seconds,
	// at least one second.
	SnapshotInterval time.Duration
}

// Result is what Deploy did.
type Result struct {
	ChainID *big.Int
	// Operator is the deploying account, which settles batches.
	Operator common.Address
	// Settlement is the UsageSettlement address (the receipts' EIP-712
	// verifyingContract).
	Settlement common.Address
	// SettlementDeployed says whether Deploy deployed it (false when reused).
	SettlementDeployed bool
	// Token is the new RevenueShareToken, zero if none was deployed.
	Token common.Address
	// Signer is the operator's registered receipt signer.
	Signer common.Address
	// Transactions are the hashes of the transactions sent, in order.
	Transactions []common.Hash
}

// Errors returned by Deploy.
var (
	ErrInvalidOptions = errors.New("invalid deploy options")
	ErrWrongChain     = errors.New("wrong chain")
	ErrNoCode         = errors.New("no contract code at address")
	ErrReverted       = errors.New("transaction reverted")
)

// Validate reports every problem with the options at once.
func (o *Options) Validate() error {
	var errs []error
	if o.ChainID == nil || o.ChainID.Sign() <= 0 {
		errs = append(errs, errors.New("chain id is required"))
	}
	if o.Signer == (common.Address{}) {
		errs = append(errs, errors.New("receipt signer address is required"))
	}
	if t := o.Token; t != nil {
		if t.Name == "" || t.Symbol == "" {
			errs = append(errs, errors.New("token name and symbol are required"))
		}
		if t.Supply == nil || t.Supply.Sign() <= 0 {
			errs = append(errs, errors.New("token supply must be positive"))
		}
		if t.PercentClaimable > 100 {
			errs = append(errs, fmt.Errorf("token percent claimable %d is above 100", t.PercentClaimable))
		}
		if t.SnapshotInterval < time.Second || t.SnapshotInterval%time.Second != 0 {
			errs = append(errs, fmt.Errorf("token snapshot interval %s must be a positive whole number of seconds", t.SnapshotInterval))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	return nil
}

// Deploy checks that backend serves opts.ChainID, then deploys (or checks) the
// settlement contract, optionally deploys a token, and registers opts.Signer
// as auth.From's receipt signer unless it already is. auth must sign for
// opts.ChainID. On error, Result holds what was done so far.
func Deploy(ctx context.Context, backend Backend, auth *bind.TransactOpts, opts Options) (Result, error) {
	res := Result{ChainID: opts.ChainID, Operator: auth.From, Signer: opts.Signer}
	if err := opts.Validate(); err != nil {
		return res, err
	}
	got, err := backend.ChainID(ctx)
	if err != nil {
		return res, fmt.Errorf("read chain id: %w", err)
	}
	if got.Cmp(opts.ChainID) != 0 {
		return res, fmt.Errorf("%w: the node serves chain %s, expected %s", ErrWrongChain, got, opts.ChainID)
	}
	wait := opts.Wait
	if wait == nil {
		wait = pollReceipt(backend, opts.PollInterval)
	}
	tx := func(what string, t *types.Transaction, err error) (*types.Receipt, error) {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		res.Transactions = append(res.Transactions, t.Hash())
		r, err := wait(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("%s: wait for %s: %w", what, t.Hash(), err)
		}
		if r.Status != types.ReceiptStatusSuccessful {
			return nil, fmt.Errorf("%s: %w (%s)", what, ErrReverted, t.Hash())
		}
		return r, nil
	}
	txOpts := func() *bind.TransactOpts {
		o := *auth
		o.Context = ctx
		return &o
	}

	res.Settlement = opts.Settlement
	var at *big.Int // the block to read a new contract's code at (nil: latest)
	if res.Settlement == (common.Address{}) {
		addr, t, err := bind.DeployContract(txOpts(), common.FromHex(bindings.UsageSettlementMetaData.Bin), backend, nil)
		r, err := tx("deploy UsageSettlement", t, err)
		if err != nil {
			return res, err
		}
		res.Settlement, res.SettlementDeployed, at = addr, true, r.BlockNumber
	}
	if err := hasCode(ctx, backend, res.Settlement, at); err != nil {
		return res, fmt.Errorf("settlement contract: %w", err)
	}

	if t := opts.Token; t != nil {
		holder, owner := t.Holder, t.Owner
		if holder == (common.Address{}) {
			holder = auth.From
		}
		if owner == (common.Address{}) {
			owner = auth.From
		}
		input := bindings.NewRevenueShareToken().PackConstructor(t.Name, t.Symbol, t.Supply, holder, owner,
			big.NewInt(int64(t.PercentClaimable)), big.NewInt(int64(t.SnapshotInterval/time.Second)))
		addr, tr, err := bind.DeployContract(txOpts(), common.FromHex(bindings.RevenueShareTokenMetaData.Bin), backend, input)
		r, err := tx("deploy RevenueShareToken", tr, err)
		if err != nil {
			return res, err
		}
		at = r.BlockNumber
		if err := hasCode(ctx, backend, addr, at); err != nil {
			return res, fmt.Errorf("token: %w", err)
		}
		res.Token = addr
	}

	settlement := bindings.NewUsageSettlement()
	instance := settlement.Instance(backend, res.Settlement)
	// Read at the newest deployment's block, which the node has (see hasCode).
	current, err := bind.Call(instance, &bind.CallOpts{Context: ctx, BlockNumber: at}, settlement.PackSignerOf(auth.From), settlement.UnpackSignerOf)
	if err != nil {
		return res, fmt.Errorf("read registered signer: %w", err)
	}
	if current != opts.Signer {
		t, err := bind.Transact(instance, txOpts(), settlement.PackSetSigner(opts.Signer))
		if _, err := tx("register receipt signer", t, err); err != nil {
			return res, err
		}
	}
	return res, nil
}

// ConfigYAML returns the configuration lines to paste into imogate's config
// file for this deployment; model names the model served with the new token.
func (r Result) ConfigYAML(model string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "chain:\n  chain_id: %s\n  settlement_contract: %q\n", r.ChainID, r.Settlement.Hex())
	if r.Token != (common.Address{}) {
		fmt.Fprintf(&b, "models:\n  - name: %q\n    token: %q\n", model, r.Token.Hex())
	}
	return b.String()
}

// hasCode checks that addr holds code at block at (nil: the latest). A
// contract just deployed is read at its receipt's block: a node may answer
// the receipt before its "latest" state includes that block (geth --dev
// was seen to).
func hasCode(ctx context.Context, b bind.DeployBackend, addr common.Address, at *big.Int) error {
	code, err := b.CodeAt(ctx, addr, at)
	if err != nil {
		return fmt.Errorf("read code at %s: %w", addr, err)
	}
	if len(code) == 0 {
		return fmt.Errorf("%w %s", ErrNoCode, addr)
	}
	return nil
}

// pollReceipt returns a WaitFunc that polls for the receipt every interval
// until the context ends. Like bind.WaitMined it retries on every error: a
// node answers "not found" or "indexing in progress" until the receipt is
// available.
func pollReceipt(b bind.DeployBackend, interval time.Duration) WaitFunc {
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	return func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			r, err := b.TransactionReceipt(ctx, tx.Hash())
			if err == nil {
				return r, nil
			}
			select {
			case <-ctx.Done():
				if errors.Is(err, ethereum.NotFound) {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
			case <-tick.C:
			}
		}
	}
}
