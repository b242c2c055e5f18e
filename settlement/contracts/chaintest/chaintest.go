// Package chaintest starts in-process simulated chains for tests of code that
// talks to imogate's contracts. Its backend prices gas like Ethereum mainnet:
// the go-ethereum dev chain config enables a future fork (Bogota) from
// genesis that reprices state access, so the backend copies that config and
// unsets the fork. Keys are derived from seeds, so addresses, calldata and
// therefore gas figures are reproducible.
package chaintest

import (
	"crypto/ecdsa"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/imogate/imogate/settlement/devchain"
)

// ChainID is the simulated backend's chain id (fixed by go-ethereum).
var ChainID = big.NewInt(1337)

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// ChainConfig returns a copy of go-ethereum's dev chain config with the
// Bogota fork unset, so that gas is priced as on mainnet today.
func ChainConfig() *params.ChainConfig { return devchain.MainnetGasConfig() }

// WithMainnetGas is a simulated.NewBackend option that installs ChainConfig.
func WithMainnetGas() func(*node.Config, *ethconfig.Config) {
	return func(_ *node.Config, ethConf *ethconfig.Config) {
		ethConf.Genesis.Config = ChainConfig()
	}
}

// NewBackend starts a simulated chain with mainnet-like gas and the given
// genesis allocation (plus any extra options), and closes it when the test
// ends.
func NewBackend(t testing.TB, alloc types.GenesisAlloc, options ...func(*node.Config, *ethconfig.Config)) *simulated.Backend {
	t.Helper()
	opts := append([]func(*node.Config, *ethconfig.Config){WithMainnetGas()}, options...)
	b := simulated.NewBackend(alloc, opts...)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// Key returns the secp256k1 key derived from seed (keccak256 of the seed),
// the same on every run.
func Key(seed string) *ecdsa.PrivateKey {
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("imogate/chaintest/" + seed)))
	if err != nil {
		panic(err) // a keccak output is a valid key with overwhelming probability
	}
	return key
}

// Address returns the address of key.
func Address(key *ecdsa.PrivateKey) common.Address {
	return crypto.PubkeyToAddress(key.PublicKey)
}

// Fund returns a genesis allocation giving each key 1,000 ether.
func Fund(keys ...*ecdsa.PrivateKey) types.GenesisAlloc {
	alloc := types.GenesisAlloc{}
	balance := new(big.Int).Mul(big.NewInt(1000), Ether)
	for _, k := range keys {
		alloc[Address(k)] = types.Account{Balance: balance}
	}
	return alloc
}

// Transactor returns transact options for key on the simulated chain, bound
// to the test's context.
func Transactor(t testing.TB, key *ecdsa.PrivateKey) *bind.TransactOpts {
	t.Helper()
	opts := bind.NewKeyedTransactor(key, ChainID)
	opts.Context = t.Context()
	return opts
}

// Mine commits a block and returns the receipt of tx, failing the test if
// the transaction is missing or reverted.
func Mine(t testing.TB, b *simulated.Backend, tx *types.Transaction) *types.Receipt {
	t.Helper()
	r := MineAny(t, b, tx)
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction %s reverted (gas used %d)", tx.Hash(), r.GasUsed)
	}
	return r
}

// MineAny commits a block and returns the receipt of tx, whatever its status.
func MineAny(t testing.TB, b *simulated.Backend, tx *types.Transaction) *types.Receipt {
	t.Helper()
	AwaitPooled(t, b.Client(), tx)
	b.Commit()
	r, err := b.Client().TransactionReceipt(t.Context(), tx.Hash())
	if err != nil {
		t.Fatalf("receipt of %s: %v", tx.Hash(), err)
	}
	return r
}

// Advance seals an empty block d (whole seconds) after the head, so that
// the next transaction's block is at least d+1s after it. The transaction
// pool must be empty.
//
// The transaction pool learns of a new head asynchronously, so right after a
// Commit it may still list just-mined transactions as pending, and the
// simulated beacon refuses to adjust time over a non-empty pool: Advance
// retries for up to two seconds before failing.
func Advance(t testing.TB, b *simulated.Backend, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		err := b.AdjustTime(d)
		if err == nil {
			return
		}
		if !strings.Contains(err.Error(), "non-empty block") || time.Now().After(deadline) {
			t.Fatalf("adjust time: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// HeadTime returns the timestamp of the latest block.
func HeadTime(t testing.TB, b *simulated.Backend) uint64 {
	t.Helper()
	h, err := b.Client().HeaderByNumber(t.Context(), nil)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	return h.Time
}

// AwaitPooled waits until the pool holds tx as executable, so that the next
// Commit includes it. The simulated backend adds a transaction to its pool's
// queue and promotes it on a background loop; a block sealed before that
// runs leaves the transaction out (seen with two transactions of one sender
// sent back to back). The pool's pending nonce of the sender passes tx's
// nonce once it is promoted.
func AwaitPooled(t testing.TB, c simulated.Client, tx *types.Transaction) {
	t.Helper()
	from, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
	if err != nil {
		t.Fatalf("sender of %s: %v", tx.Hash(), err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := c.PendingNonceAt(t.Context(), from)
		if err != nil {
			t.Fatalf("pending nonce of %s: %v", from, err)
		}
		if n > tx.Nonce() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("transaction %s (nonce %d) not executable in the pool after 10s; pending nonce %d", tx.Hash(), tx.Nonce(), n)
		}
		time.Sleep(time.Millisecond)
	}
}
