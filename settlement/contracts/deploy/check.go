package deploy

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/imogate/imogate/settlement/onchain"
)

// Errors of CheckToken and DeploymentBlock.
var (
	// ErrNotERC7641 is a contract that does not answer ERC-7641's views.
	ErrNotERC7641 = errors.New("not an ERC-7641 token")
	// ErrUndeliverable is a token the settlement's payment into reverts; the
	// error wraps the *onchain.Undeliverable saying why.
	ErrUndeliverable = errors.New("cannot take its revenue")
	// ErrNoHistory is a node that cannot answer for old blocks (not an
	// archive node), so a contract's deployment block cannot be found.
	ErrNoHistory = errors.New("the node has no state for old blocks")
)

// CodeReader reads an account's code at a block (nil: the latest).
// *ethclient.Client and simulated.Client implement it.
type CodeReader interface {
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
}

// TokenChecker is what CheckToken needs from a chain: code and calls.
type TokenChecker interface {
	CodeReader
	onchain.Caller
}

// CheckToken checks that token can be a model's token for the
// UsageSettlement at settlement: it holds code (else ErrNoCode); it answers
// the views an ERC-7641 token has, ERC-20's totalSupply() and ERC-7641's
// claimableRevenue(address,uint256), with a uint256 (else ErrNotERC7641);
// and the payment settle makes into it, a plain call with value from the
// settlement contract, does not revert (else ErrUndeliverable, wrapping the
// *onchain.Undeliverable from onchain.Reader.CheckDelivery). The
// settlement contract need not exist yet: the payment is simulated from its
// address. Any other error means the node could not be asked.
func CheckToken(ctx context.Context, chain TokenChecker, settlement, token common.Address) error {
	code, err := chain.CodeAt(ctx, token, nil)
	if err != nil {
		return fmt.Errorf("read code at %s: %w", token, err)
	}
	if len(code) == 0 {
		return fmt.Errorf("%w %s: an account's address, not a token's, or a token on another chain", ErrNoCode, token)
	}
	tk := onchain.TokenABI
	for _, v := range []struct {
		name string
		data []byte
	}{
		{"totalSupply()", tk.PackTotalSupply()},
		{"claimableRevenue(address,uint256)", tk.PackClaimableRevenue(common.Address{}, new(big.Int))},
	} {
		out, err := chain.CallContract(ctx, ethereum.CallMsg{To: &token, Data: v.data}, nil)
		switch {
		case err != nil && isRevert(err):
			return fmt.Errorf("%w: %s reverts (%v)", ErrNotERC7641, v.name, err)
		case err != nil:
			return fmt.Errorf("call %s on %s: %w", v.name, token, err)
		case len(out) != 32:
			return fmt.Errorf("%w: %s answers %d bytes, not a uint256", ErrNotERC7641, v.name, len(out))
		}
	}
	err = onchain.NewReader(chain, settlement, common.Address{}).CheckDelivery(ctx, token)
	if u := (*onchain.Undeliverable)(nil); errors.As(err, &u) {
		return undeliverable{u}
	}
	return err
}

// undeliverable is ErrUndeliverable with its cause in words.
type undeliverable struct{ u *onchain.Undeliverable }

func (e undeliverable) Error() string { return ErrUndeliverable.Error() + ": " + e.u.Cause }

func (e undeliverable) Unwrap() []error { return []error{ErrUndeliverable, e.u} }

// isRevert tells a call that reverted (an RPC error with revert data, or
// one saying so) from a node that could not be asked, as
// onchain.Reader.CheckDelivery does.
func isRevert(err error) bool {
	var de rpc.DataError
	return errors.As(err, &de) || strings.Contains(err.Error(), "revert")
}

// HeadReader reads block headers (nil: the latest).
type HeadReader interface {
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
}

// DeploymentBlock finds the block addr's contract was deployed in: the
// first block after which addr holds code, by bisection over eth_getCode
// at old blocks (about log2(head) calls). It needs a node that keeps old
// state (an archive node, or a young chain); a node that does not answers
// with an error, returned wrapped in ErrNoHistory.
func DeploymentBlock(ctx context.Context, chain interface {
	CodeReader
	HeadReader
}, addr common.Address) (uint64, error) {
	head, err := chain.HeaderByNumber(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("read the head block: %w", err)
	}
	hasCode := func(n uint64) (bool, error) {
		code, err := chain.CodeAt(ctx, addr, new(big.Int).SetUint64(n))
		if err != nil {
			return false, fmt.Errorf("%w: read code at %s in block %d: %w", ErrNoHistory, addr, n, err)
		}
		return len(code) > 0, nil
	}
	hi := head.Number.Uint64()
	if ok, err := hasCode(hi); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("%w %s", ErrNoCode, addr)
		}
		return 0, err
	}
	if ok, err := hasCode(0); err != nil || ok {
		return 0, err
	}
	// No code at lo, code at hi.
	for lo := uint64(0); hi-lo > 1; {
		mid := lo + (hi-lo)/2
		ok, err := hasCode(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}
