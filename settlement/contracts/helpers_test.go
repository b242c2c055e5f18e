package contracts_test

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/ethereum/go-ethereum"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/testbindings"
)

// Contract ABI wrappers (stateless, safe to share).
var (
	settlementABI = bindings.NewUsageSettlement()
	tokenABI      = bindings.NewRevenueShareToken()
	minimalABI    = testbindings.NewMinimalERC7641()
	reentrantABI  = testbindings.NewReentrantToken()
)

// Deterministic actors: gas figures depend on address bytes, so they must not
// change between runs.
var (
	deployerKey = chaintest.Key("deployer")
	operatorKey = chaintest.Key("operator")
	otherKey    = chaintest.Key("other-operator")
	signerKey   = chaintest.Key("receipt-signer")
	holderAKey  = chaintest.Key("holder-a")
	holderBKey  = chaintest.Key("holder-b")
	holderCKey  = chaintest.Key("holder-c")
	payerKey    = chaintest.Key("revenue-payer")
)

// env is a simulated chain with a deployed UsageSettlement.
type env struct {
	t          *testing.T
	b          *simulated.Backend
	settlement *bind.BoundContract
}

func newEnv(t *testing.T) *env {
	t.Helper()
	b := chaintest.NewBackend(t, chaintest.Fund(deployerKey, operatorKey, otherKey, signerKey, holderAKey, holderBKey, holderCKey, payerKey))
	e := &env{t: t, b: b}
	addr, _ := e.deploy(deployerKey, bindings.UsageSettlementMetaData.Bin, nil)
	e.settlement = settlementABI.Instance(b.Client(), addr)
	return e
}

// deploy deploys bytecode (hex) with constructor input and returns the
// address and the deployment receipt.
func (e *env) deploy(key *ecdsa.PrivateKey, binHex string, input []byte) (common.Address, *types.Receipt) {
	e.t.Helper()
	addr, tx, err := bind.DeployContract(chaintest.Transactor(e.t, key), common.FromHex(binHex), e.b.Client(), input)
	if err != nil {
		e.t.Fatalf("deploy: %v", err)
	}
	return addr, chaintest.Mine(e.t, e.b, tx)
}

// tokenParams are RevenueShareToken constructor arguments.
type tokenParams struct {
	supply   *big.Int
	holder   common.Address
	owner    common.Address
	percent  int64
	interval time.Duration
}

func (e *env) deployToken(p tokenParams) *bind.BoundContract {
	e.t.Helper()
	input := tokenABI.PackConstructor("Model Token", "MDL", p.supply, p.holder, p.owner, big.NewInt(p.percent), big.NewInt(int64(p.interval/time.Second)))
	addr, _ := e.deploy(deployerKey, bindings.RevenueShareTokenMetaData.Bin, input)
	return tokenABI.Instance(e.b.Client(), addr)
}

// send sends a transaction calling c with data and value, mines it and
// requires success.
func (e *env) send(key *ecdsa.PrivateKey, c *bind.BoundContract, data []byte, value *big.Int) *types.Receipt {
	e.t.Helper()
	opts := chaintest.Transactor(e.t, key)
	opts.Value = value
	// Estimated as wallets do, with a margin: the node estimates in the
	// latest block's context, where a token transfer may update a balance
	// checkpoint of that block, and the transaction runs in the next block,
	// where it adds one (about 20k gas more per balance written).
	to := c.Address()
	gas, err := e.b.Client().EstimateGas(e.t.Context(), ethereum.CallMsg{From: addr(key), To: &to, Data: data, Value: value})
	if err != nil {
		e.t.Fatalf("estimate: %v (revert %s)", err, revertName(err))
	}
	opts.GasLimit = 2*gas + 30_000
	tx, err := bind.Transact(c, opts, data)
	if err != nil {
		e.t.Fatalf("transact: %v (revert %s)", err, revertName(err))
	}
	return chaintest.Mine(e.t, e.b, tx)
}

// sendFixedGas sends a transaction with a fixed gas limit (no estimation, so
// it is mined even if it reverts) and returns its receipt.
func (e *env) sendFixedGas(key *ecdsa.PrivateKey, c *bind.BoundContract, data []byte, value *big.Int) *types.Receipt {
	e.t.Helper()
	opts := chaintest.Transactor(e.t, key)
	opts.Value = value
	opts.GasLimit = 1_000_000
	tx, err := bind.Transact(c, opts, data)
	if err != nil {
		e.t.Fatalf("transact: %v", err)
	}
	return chaintest.MineAny(e.t, e.b, tx)
}

// pay sends plain ETH (empty calldata) to c.
func (e *env) pay(key *ecdsa.PrivateKey, c *bind.BoundContract, value *big.Int) *types.Receipt {
	e.t.Helper()
	opts := chaintest.Transactor(e.t, key)
	opts.Value = value
	tx, err := c.Transfer(opts)
	if err != nil {
		e.t.Fatalf("pay: %v", err)
	}
	return chaintest.Mine(e.t, e.b, tx)
}

// expectRevert requires that calling c with data from key reverts with the
// custom error whose selector is errID.
func (e *env) expectRevert(key *ecdsa.PrivateKey, c *bind.BoundContract, data []byte, value *big.Int, errID common.Hash) {
	e.t.Helper()
	opts := chaintest.Transactor(e.t, key)
	opts.Value = value
	tx, err := bind.Transact(c, opts, data)
	if err == nil {
		e.b.Commit()
		e.t.Fatalf("transaction %s succeeded, want revert %x", tx.Hash(), errID[:4])
	}
	got := revertData(err)
	if len(got) < 4 || !bytes.Equal(got[:4], errID[:4]) {
		e.t.Fatalf("revert = %v (data %x), want selector %x", err, got, errID[:4])
	}
}

// revertData extracts the revert data from an RPC error.
func revertData(err error) []byte {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return nil
	}
	b, _ := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	return b
}

// revertName names a revert for failure messages.
func revertName(err error) string {
	data := revertData(err)
	for _, unpack := range []func([]byte) (any, error){settlementABI.UnpackError, tokenABI.UnpackError} {
		if v, uerr := unpack(data); uerr == nil {
			return fmt.Sprintf("%T%+v", v, v)
		}
	}
	return "0x" + hex.EncodeToString(data)
}

// call performs a read-only call at the latest block.
func call[T any](t *testing.T, c *bind.BoundContract, data []byte, unpack func([]byte) (T, error)) T {
	t.Helper()
	v, err := bind.Call(c, &bind.CallOpts{Context: t.Context()}, data, unpack)
	if err != nil {
		t.Fatalf("call: %v (revert %s)", err, revertName(err))
	}
	return v
}

func balanceAt(t *testing.T, b *simulated.Backend, addr common.Address) *big.Int {
	t.Helper()
	v, err := b.Client().BalanceAt(t.Context(), addr, nil)
	if err != nil {
		t.Fatalf("balance: %v", err)
	}
	return v
}

func addr(k *ecdsa.PrivateKey) common.Address { return chaintest.Address(k) }

func wantBig(t *testing.T, what string, got, want *big.Int) {
	t.Helper()
	if got.Cmp(want) != 0 {
		t.Fatalf("%s = %s, want %s", what, got, want)
	}
}

// --- receipts and Merkle trees --------------------------------------------

// makeReceipts returns n deterministic receipts for model with seq
// firstSeq..firstSeq+n-1.
func makeReceipts(model common.Address, firstSeq uint64, n int) []metering.Receipt {
	rs := make([]metering.Receipt, n)
	for i := range rs {
		rs[i] = receiptAt(model, firstSeq+uint64(i))
	}
	return rs
}

// receiptAt returns the deterministic receipt of model with sequence seq.
func receiptAt(model common.Address, seq uint64) metering.Receipt {
	var s [8]byte
	for j := range 8 {
		s[j] = byte(seq >> (8 * j))
	}
	return metering.Receipt{
		ID:               crypto.Keccak256Hash([]byte("id"), s[:]),
		Model:            model,
		Payer:            crypto.Keccak256Hash([]byte("payer"), []byte{byte(seq % 5)}),
		Seq:              seq,
		Timestamp:        1_760_000_000_000 + seq,
		PromptTokens:     uint32(100 + seq%1000),
		CompletionTokens: uint32(200 + seq%777),
		Fee:              new(big.Int).SetUint64(1_000_000_000_000 + seq),
		RequestHash:      crypto.Keccak256Hash([]byte("request"), s[:]),
		ResponseHash:     crypto.Keccak256Hash([]byte("response"), s[:]),
	}
}

func sumFees(rs []metering.Receipt) *big.Int {
	sum := new(big.Int)
	for i := range rs {
		sum.Add(sum, rs[i].Fee)
	}
	return sum
}

// toBinding converts a metering receipt to the binding's struct.
func toBinding(r *metering.Receipt) bindings.UsageSettlementReceipt {
	return bindings.UsageSettlementReceipt{
		Id:               r.ID,
		Model:            r.Model,
		Payer:            r.Payer,
		Seq:              r.Seq,
		Timestamp:        r.Timestamp,
		PromptTokens:     r.PromptTokens,
		CompletionTokens: r.CompletionTokens,
		Fee:              new(big.Int).Set(r.Fee),
		RequestHash:      r.RequestHash,
		ResponseHash:     r.ResponseHash,
	}
}

// merkleTree is a test-only OpenZeppelin StandardMerkleTree over leaf hashes:
// leaves sorted ascending, laid out in reverse at the end of a complete
// binary tree array, parents hashed as keccak256 of the sorted pair.
type merkleTree struct {
	nodes []common.Hash
	n     int // number of leaves
}

func newMerkleTree(leaves []common.Hash) *merkleTree {
	sorted := slices.Clone(leaves)
	slices.SortFunc(sorted, func(a, b common.Hash) int { return bytes.Compare(a[:], b[:]) })
	n := len(sorted)
	m := &merkleTree{nodes: make([]common.Hash, 2*n-1), n: n}
	for i, l := range sorted {
		m.nodes[len(m.nodes)-1-i] = l
	}
	buf := make([]byte, 64)
	for i := len(m.nodes) - 1 - n; i >= 0; i-- {
		a, b := m.nodes[2*i+1], m.nodes[2*i+2]
		if bytes.Compare(a[:], b[:]) > 0 {
			a, b = b, a
		}
		copy(buf, a[:])
		copy(buf[32:], b[:])
		m.nodes[i] = crypto.Keccak256Hash(buf)
	}
	return m
}

func (m *merkleTree) root() common.Hash { return m.nodes[0] }

func (m *merkleTree) proof(leaf common.Hash) [][32]byte {
	i := m.position(leaf)
	var p [][32]byte
	for i > 0 {
		sib := i - 1
		if i%2 == 1 {
			sib = i + 1
		}
		p = append(p, m.nodes[sib])
		i = (i - 1) / 2
	}
	return p
}

// position returns the tree index of leaf (leaves occupy the last n
// positions, in descending order of hash).
func (m *merkleTree) position(leaf common.Hash) int {
	first := len(m.nodes) - m.n
	// Leaves are stored in descending hash order from first onwards.
	i, found := slices.BinarySearchFunc(m.nodes[first:], leaf, func(a, b common.Hash) int { return bytes.Compare(b[:], a[:]) })
	if !found {
		panic("leaf not in tree")
	}
	return first + i
}

func leavesOf(rs []metering.Receipt) []common.Hash {
	ls := make([]common.Hash, len(rs))
	for i := range rs {
		ls[i] = rs[i].Leaf()
	}
	return ls
}
