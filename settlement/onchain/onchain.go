// Package onchain reads imogate's UsageSettlement contract for one
// operator: the next batch id and seq of a (operator, token) channel, a
// settled batch's root, range and signer, which batch holds a seq, the
// Settled events, and the contract's own receipt checks. The batcher and
// the auditor both read the chain through it, with the one copy of the
// contract's ABI (the generated bindings).
package onchain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/contracts/bindings"
)

// Caller runs read-only contract calls at the latest block (blockNumber
// nil). *ethclient.Client and simulated.Client implement it.
type Caller interface {
	CallContract(ctx context.Context, call ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
}

// ABIs of the contracts, decoded once.
var (
	SettlementABI = bindings.NewUsageSettlement()
	TokenABI      = bindings.NewRevenueShareToken()
	// SettledTopic is the topic of UsageSettlement's Settled event.
	SettledTopic = SettlementABI.GetABI().Events["Settled"].ID
	// RevenueTopic is the topic of the token's RevenueReceived event.
	RevenueTopic = TokenABI.GetABI().Events["RevenueReceived"].ID
)

// Reader reads the contract's state for one operator.
type Reader struct {
	chain      Caller
	settlement common.Address
	operator   common.Address
}

// NewReader returns a reader of the UsageSettlement at settlement for
// operator's channels.
func NewReader(chain Caller, settlement, operator common.Address) *Reader {
	return &Reader{chain: chain, settlement: settlement, operator: operator}
}

// Settlement is the contract's address.
func (r *Reader) Settlement() common.Address { return r.settlement }

// Operator is the operator whose channels are read.
func (r *Reader) Operator() common.Address { return r.operator }

// Call runs a view call of data on the contract to.
func (r *Reader) Call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	return r.chain.CallContract(ctx, ethereum.CallMsg{From: r.operator, To: &to, Data: data}, nil)
}

func (r *Reader) call(ctx context.Context, data []byte) ([]byte, error) {
	return r.Call(ctx, r.settlement, data)
}

// Channel is the contract's view of (operator, token): the id of the next
// batch it accepts and the first seq that batch must start at.
type Channel struct {
	NextBatchID uint64
	NextSeq     uint64
}

// Channel reads the (operator, token) channel.
func (r *Reader) Channel(ctx context.Context, token common.Address) (Channel, error) {
	out, err := r.call(ctx, SettlementABI.PackNextBatchId(r.operator, token))
	if err != nil {
		return Channel{}, fmt.Errorf("read next batch id: %w", err)
	}
	id, err := SettlementABI.UnpackNextBatchId(out)
	if err != nil {
		return Channel{}, fmt.Errorf("decode next batch id: %w", err)
	}
	out, err = r.call(ctx, SettlementABI.PackNextSeq(r.operator, token))
	if err != nil {
		return Channel{}, fmt.Errorf("read next seq: %w", err)
	}
	seq, err := SettlementABI.UnpackNextSeq(out)
	if err != nil {
		return Channel{}, fmt.Errorf("decode next seq: %w", err)
	}
	return Channel{NextBatchID: id, NextSeq: seq}, nil
}

// Signer reads the receipt signer the operator has registered (zero if
// none): the signer a batch settled now is recorded with.
func (r *Reader) Signer(ctx context.Context) (common.Address, error) {
	out, err := r.call(ctx, SettlementABI.PackSignerOf(r.operator))
	if err != nil {
		return common.Address{}, fmt.Errorf("read the registered signer: %w", err)
	}
	s, err := SettlementABI.UnpackSignerOf(out)
	if err != nil {
		return common.Address{}, fmt.Errorf("decode the registered signer: %w", err)
	}
	return s, nil
}

// Batch is a batch as the contract stores it. A zero Root means the batch
// has not settled.
type Batch = bindings.GetBatchOutput

// Batch reads getBatch(operator, token, id).
func (r *Reader) Batch(ctx context.Context, token common.Address, id uint64) (Batch, error) {
	out, err := r.call(ctx, SettlementABI.PackGetBatch(r.operator, token, id))
	if err != nil {
		return Batch{}, fmt.Errorf("read batch %d: %w", id, err)
	}
	v, err := SettlementABI.UnpackGetBatch(out)
	if err != nil {
		return Batch{}, fmt.Errorf("decode batch %d: %w", id, err)
	}
	return v, nil
}

// BatchOfSeq finds the settled batch whose range holds seq; ok is false if
// seq has not settled.
func (r *Reader) BatchOfSeq(ctx context.Context, token common.Address, seq uint64) (id uint64, b Batch, ok bool, err error) {
	ch, err := r.Channel(ctx, token)
	if err != nil {
		return 0, b, false, err
	}
	if seq == 0 || seq >= ch.NextSeq || ch.NextBatchID == 0 {
		return 0, b, false, nil
	}
	id, ok, err = settlement.SearchBatches(ctx, ch.NextBatchID, seq, func(ctx context.Context, id uint64) (uint64, uint64, error) {
		var err error
		b, err = r.Batch(ctx, token, id)
		return b.FirstSeq, b.LastSeq, err
	})
	if err != nil || !ok {
		return 0, Batch{}, false, err
	}
	return id, b, true, nil // b is the last batch read: the one found
}

// VerifyReceipt asks the contract whether receipt, with proof, is in batch
// id of (operator, token).
func (r *Reader) VerifyReceipt(ctx context.Context, token common.Address, id uint64, rc *metering.Receipt, proof []common.Hash) (bool, error) {
	out, err := r.call(ctx, SettlementABI.PackVerifyReceipt(r.operator, token, id, ToBinding(rc), hashes(proof)))
	if err != nil {
		return false, fmt.Errorf("call verifyReceipt: %w", err)
	}
	ok, err := SettlementABI.UnpackVerifyReceipt(out)
	if err != nil {
		return false, fmt.Errorf("decode verifyReceipt: %w", err)
	}
	return ok, nil
}

// VerifyReceiptSignature asks the contract whether sig is batch id's
// signer's signature of receipt.
func (r *Reader) VerifyReceiptSignature(ctx context.Context, token common.Address, id uint64, rc *metering.Receipt, sig []byte) (bool, error) {
	out, err := r.call(ctx, SettlementABI.PackVerifyReceiptSignature(r.operator, token, id, ToBinding(rc), sig))
	if err != nil {
		return false, fmt.Errorf("call verifyReceiptSignature: %w", err)
	}
	ok, err := SettlementABI.UnpackVerifyReceiptSignature(out)
	if err != nil {
		return false, fmt.Errorf("decode verifyReceiptSignature: %w", err)
	}
	return ok, nil
}

// SettledQuery is the log filter of the Settled events for token, of
// operator (nil: every operator), of batch id (nil: every batch).
func SettledQuery(contract common.Address, operator *common.Address, token common.Address, id *uint64) ethereum.FilterQuery {
	topics := [][]common.Hash{{SettledTopic}, nil, {common.BytesToHash(token[:])}}
	if operator != nil {
		topics[1] = []common.Hash{common.BytesToHash(operator[:])}
	}
	if id != nil {
		topics = append(topics, []common.Hash{common.BigToHash(new(big.Int).SetUint64(*id))})
	}
	return ethereum.FilterQuery{Addresses: []common.Address{contract}, Topics: topics}
}

// LogFilterer reads logs. *ethclient.Client and simulated.Client implement it.
type LogFilterer interface {
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// SettledEvent finds the Settled event of batch id of (operator, token) in
// blocks from fromBlock; ethereum.NotFound if there is none.
func (r *Reader) SettledEvent(ctx context.Context, logs LogFilterer, token common.Address, id, fromBlock uint64) (*bindings.UsageSettlementSettled, error) {
	q := SettledQuery(r.settlement, &r.operator, token, &id)
	q.FromBlock = new(big.Int).SetUint64(fromBlock)
	ls, err := logs.FilterLogs(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("find Settled event of batch %d: %w", id, err)
	}
	for i := len(ls) - 1; i >= 0; i-- {
		if ls[i].Removed {
			continue
		}
		ev, err := SettlementABI.UnpackSettledEvent(&ls[i])
		if err != nil {
			return nil, fmt.Errorf("decode Settled event: %w", err)
		}
		return ev, nil
	}
	return nil, fmt.Errorf("find Settled event of batch %d: %w", id, ethereum.NotFound)
}

// RevertReason names a UsageSettlement revert carried by err (an RPC error
// with revert data), or "".
func RevertReason(err error) string {
	data := revertData(err)
	if len(data) < 4 {
		return ""
	}
	v, uerr := SettlementABI.UnpackError(data)
	if uerr != nil {
		return hexutil.Encode(data)
	}
	return strings.TrimPrefix(fmt.Sprintf("%T%+v", v, v), "*bindings.UsageSettlement")
}

// revertData is the revert data an RPC error carries, or nil.
func revertData(err error) []byte {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return nil
	}
	data, derr := hexutil.Decode(s)
	if derr != nil {
		return nil
	}
	return data
}

// ToBinding is a receipt as the bindings pass it to the contract.
func ToBinding(r *metering.Receipt) bindings.UsageSettlementReceipt {
	return bindings.UsageSettlementReceipt{
		Id: r.ID, Model: r.Model, Payer: r.Payer, Seq: r.Seq, Timestamp: r.Timestamp,
		PromptTokens: r.PromptTokens, CompletionTokens: r.CompletionTokens, Fee: r.Fee,
		RequestHash: r.RequestHash, ResponseHash: r.ResponseHash,
	}
}

func hashes(p []common.Hash) [][32]byte {
	out := make([][32]byte, len(p))
	for i := range p {
		out[i] = p[i]
	}
	return out
}

// Undeliverable is a token that cannot take its revenue: the payment
// UsageSettlement.settle makes (a plain call with value and empty calldata
// from the settlement contract) reverts. Cause says why, in words.
type Undeliverable struct {
	Token common.Address
	Cause string
}

func (e *Undeliverable) Error() string {
	return fmt.Sprintf("the token %s cannot receive its revenue: %s", e.Token, e.Cause)
}

// rawRPC is a chain client that exposes its JSON-RPC client (ethclient's
// and the simulated backend's do), for a call with a state override.
type rawRPC interface {
	Client() *rpc.Client
}

// CheckDelivery simulates the payment settle makes into token — a plain
// call from the settlement contract with 1 wei and empty calldata — and
// returns an *Undeliverable saying why it would revert, nil if it succeeds,
// or another error if the node could not be asked. Where the client exposes
// JSON-RPC, the call gives the settlement contract a balance by a state
// override (eth_call's third parameter); otherwise it sends no value (a
// receive() that reverts or is missing fails either way).
func (r *Reader) CheckDelivery(ctx context.Context, token common.Address) error {
	if coder, ok := r.chain.(interface {
		CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
	}); ok {
		code, err := coder.CodeAt(ctx, token, nil)
		if err != nil {
			return fmt.Errorf("read the token's code: %w", err)
		}
		if len(code) == 0 {
			return &Undeliverable{Token: token, Cause: "the address holds no contract (revenue sent there would reach no holders); check the model's token address"}
		}
	}
	var err error
	if rc, ok := r.chain.(rawRPC); ok && rc.Client() != nil {
		call := map[string]any{"from": r.settlement, "to": token, "value": "0x1", "data": "0x"}
		override := map[common.Address]map[string]string{r.settlement: {"balance": "0xde0b6b3a7640000"}}
		var out hexutil.Bytes
		err = rc.Client().CallContext(ctx, &out, "eth_call", call, "latest", override)
	} else {
		_, err = r.chain.CallContract(ctx, ethereum.CallMsg{From: r.settlement, To: &token}, nil)
	}
	if err == nil {
		return nil
	}
	var de rpc.DataError
	if !errors.As(err, &de) && !strings.Contains(err.Error(), "revert") {
		return fmt.Errorf("simulate the payment into the token: %w", err)
	}
	cause := "the token has no receive() or payable fallback function, or it reverts without a reason: every settlement paying it would revert"
	if reason, rerr := abi.UnpackRevert(revertData(err)); rerr == nil && reason != "" {
		cause = fmt.Sprintf("its receive() reverts with %q: every settlement paying it would revert", reason)
	}
	return &Undeliverable{Token: token, Cause: cause}
}
