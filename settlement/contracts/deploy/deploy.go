// Package deploy deploys imogate's contracts: the UsageSettlement contract
// and, optionally, a RevenueShareToken (ERC-7641) for a model, or checks an
// existing ERC-7641 token for one (CheckToken); it registers the operator's
// receipt signer and returns the addresses, the settlement contract's
// deployment block and the configuration lines to paste (ConfigYAML). It
// also loads the deploying key from an encrypted go-ethereum keystore file
// or an environment variable. The `imogate contracts deploy` command is a
// thin wrapper around Deploy.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/settlement/contracts/bindings"
)

// Backend is what Deploy needs from a chain: contract calls and
// transactions (bind.ContractBackend includes headers and nonces), receipts
// and code, and the chain id. *ethclient.Client and simulated.Client
// implement it.
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
	// SettlementBlock, with Settlement, is the block Settlement was deployed
	// in, as the operator knows it (a block explorer shows it). Nil: Deploy
	// finds it (DeploymentBlock), which needs a node that keeps old state.
	SettlementBlock *big.Int
	// Token, if set, deploys a new RevenueShareToken for a model.
	Token *TokenOptions
	// UseToken, if set, is an existing ERC-7641 token for a model, used
	// instead of deploying one. CheckToken must pass for it before any
	// transaction is sent.
	UseToken common.Address
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
	// SettlementBlock is the block Settlement was deployed in (given, for a
	// reused contract, by Options.SettlementBlock), where searches for its
	// events start (settlement.from_block).
	SettlementBlock uint64
	// Token is the model's token: the new RevenueShareToken or the checked
	// Options.UseToken; zero if neither.
	Token common.Address
	// TokenDeployed says whether Deploy deployed Token.
	TokenDeployed bool
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
	if o.SettlementBlock != nil && (o.Settlement == (common.Address{}) || o.SettlementBlock.Sign() < 0) {
		errs = append(errs, errors.New("a settlement deployment block is given only with an existing settlement contract, and is not negative"))
	}
	if o.Token != nil && o.UseToken != (common.Address{}) {
		errs = append(errs, errors.New("deploy a new token or use an existing one, not both"))
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

// Deploy checks that backend serves opts.ChainID, that an existing
// settlement contract has code (and finds its deployment block unless
// given) and that an existing token passes CheckToken, all before sending
// any transaction; then it deploys the settlement contract unless reused,
// optionally deploys a token, and registers opts.Signer as auth.From's
// receipt signer unless it already is. auth must sign for opts.ChainID. On
// error, Result holds what was done so far.
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
	if res.Settlement != (common.Address{}) {
		if err := hasCode(ctx, backend, res.Settlement, nil); err != nil {
			return res, fmt.Errorf("settlement contract: %w on chain %s", err, got)
		}
		block, err := settlementBlock(ctx, backend, res.Settlement, opts.SettlementBlock)
		if err != nil {
			return res, err
		}
		res.SettlementBlock = block
	}
	if opts.UseToken != (common.Address{}) {
		// The payment is simulated from the settlement contract's address,
		// the one a new contract will get if it is not deployed yet.
		from := res.Settlement
		if from == (common.Address{}) {
			n := auth.Nonce
			if n == nil {
				pending, err := backend.PendingNonceAt(ctx, auth.From)
				if err != nil {
					return res, fmt.Errorf("read the deployer's nonce: %w", err)
				}
				n = new(big.Int).SetUint64(pending)
			}
			from = crypto.CreateAddress(auth.From, n.Uint64())
		}
		if err := CheckToken(ctx, backend, from, opts.UseToken); err != nil {
			return res, fmt.Errorf("token %s on chain %s: %w", opts.UseToken, got, err)
		}
		res.Token = opts.UseToken
	}

	var at *big.Int // the block to read a new contract's code at (nil: latest)
	if res.Settlement == (common.Address{}) {
		addr, t, err := bind.DeployContract(txOpts(), common.FromHex(bindings.UsageSettlementMetaData.Bin), backend, nil)
		r, err := tx("deploy UsageSettlement", t, err)
		if err != nil {
			return res, err
		}
		res.Settlement, res.SettlementDeployed, at = addr, true, r.BlockNumber
		res.SettlementBlock = r.BlockNumber.Uint64()
		if err := hasCode(ctx, backend, res.Settlement, at); err != nil {
			return res, fmt.Errorf("settlement contract: %w", err)
		}
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
		res.Token, res.TokenDeployed = addr, true
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

// settlementBlock is the deployment block of the existing settlement
// contract at addr: given, it is checked where the node can tell (the
// contract must not have had code before it, or its earlier events would
// be missed); else it is found by DeploymentBlock.
func settlementBlock(ctx context.Context, backend Backend, addr common.Address, given *big.Int) (uint64, error) {
	if given == nil {
		n, err := DeploymentBlock(ctx, backend, addr)
		if err != nil {
			return 0, fmt.Errorf("find the block settlement contract %s was deployed in (give it instead; a block explorer shows it): %w", addr, err)
		}
		return n, nil
	}
	if !given.IsUint64() {
		return 0, fmt.Errorf("%w: settlement deployment block %s", ErrInvalidOptions, given)
	}
	head, err := backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("read the head block: %w", err)
	}
	if given.Cmp(head.Number) > 0 {
		return 0, fmt.Errorf("%w: settlement deployment block %s is after the chain's head %s", ErrInvalidOptions, given, head.Number)
	}
	if given.Sign() > 0 {
		// A node without old state cannot answer: the block is taken as given.
		before := new(big.Int).Sub(given, big.NewInt(1))
		if code, err := backend.CodeAt(ctx, addr, before); err == nil && len(code) > 0 {
			return 0, fmt.Errorf("%w: settlement contract %s already had code in block %s, so it was deployed before block %s (events it emitted earlier would be missed)",
				ErrInvalidOptions, addr, before, given)
		}
	}
	return given.Uint64(), nil
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
