// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// IERC7641MetaData contains all meta data concerning the IERC7641 contract.
var IERC7641MetaData = bind.MetaData{
	ABI: "[{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"burn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"claim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"claimableRevenue\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"redeemableOnBurn\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"snapshot\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "IERC7641",
}

// IERC7641 is an auto generated Go binding around an Ethereum contract.
type IERC7641 struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *IERC7641) GetABI() abi.ABI {
	return c.abi
}

// NewIERC7641 creates a new instance of IERC7641.
func NewIERC7641() *IERC7641 {
	parsed, err := IERC7641MetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &IERC7641{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *IERC7641) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (iERC7641 *IERC7641) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := iERC7641.abi.Pack("allowance", owner, spender)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (iERC7641 *IERC7641) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return iERC7641.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (iERC7641 *IERC7641) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := iERC7641.abi.Unpack("allowance", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (iERC7641 *IERC7641) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := iERC7641.abi.Pack("approve", spender, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (iERC7641 *IERC7641) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return iERC7641.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (iERC7641 *IERC7641) UnpackApprove(data []byte) (bool, error) {
	out, err := iERC7641.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (iERC7641 *IERC7641) PackBalanceOf(account common.Address) []byte {
	enc, err := iERC7641.abi.Pack("balanceOf", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (iERC7641 *IERC7641) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return iERC7641.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (iERC7641 *IERC7641) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := iERC7641.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackBurn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42966c68.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function burn(uint256 amount) returns()
func (iERC7641 *IERC7641) PackBurn(amount *big.Int) []byte {
	enc, err := iERC7641.abi.Pack("burn", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBurn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42966c68.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function burn(uint256 amount) returns()
func (iERC7641 *IERC7641) TryPackBurn(amount *big.Int) ([]byte, error) {
	return iERC7641.abi.Pack("burn", amount)
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x379607f5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(uint256 snapshotId) returns()
func (iERC7641 *IERC7641) PackClaim(snapshotId *big.Int) []byte {
	enc, err := iERC7641.abi.Pack("claim", snapshotId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x379607f5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(uint256 snapshotId) returns()
func (iERC7641 *IERC7641) TryPackClaim(snapshotId *big.Int) ([]byte, error) {
	return iERC7641.abi.Pack("claim", snapshotId)
}

// PackClaimableRevenue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2be2bb11.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimableRevenue(address account, uint256 snapshotId) view returns(uint256)
func (iERC7641 *IERC7641) PackClaimableRevenue(account common.Address, snapshotId *big.Int) []byte {
	enc, err := iERC7641.abi.Pack("claimableRevenue", account, snapshotId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimableRevenue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2be2bb11.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimableRevenue(address account, uint256 snapshotId) view returns(uint256)
func (iERC7641 *IERC7641) TryPackClaimableRevenue(account common.Address, snapshotId *big.Int) ([]byte, error) {
	return iERC7641.abi.Pack("claimableRevenue", account, snapshotId)
}

// UnpackClaimableRevenue is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2be2bb11.
//
// Solidity: function claimableRevenue(address account, uint256 snapshotId) view returns(uint256)
func (iERC7641 *IERC7641) UnpackClaimableRevenue(data []byte) (*big.Int, error) {
	out, err := iERC7641.abi.Unpack("claimableRevenue", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRedeemableOnBurn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x24888f98.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function redeemableOnBurn(uint256 amount) view returns(uint256)
func (iERC7641 *IERC7641) PackRedeemableOnBurn(amount *big.Int) []byte {
	enc, err := iERC7641.abi.Pack("redeemableOnBurn", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRedeemableOnBurn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x24888f98.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function redeemableOnBurn(uint256 amount) view returns(uint256)
func (iERC7641 *IERC7641) TryPackRedeemableOnBurn(amount *big.Int) ([]byte, error) {
	return iERC7641.abi.Pack("redeemableOnBurn", amount)
}

// UnpackRedeemableOnBurn is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x24888f98.
//
// Solidity: function redeemableOnBurn(uint256 amount) view returns(uint256)
func (iERC7641 *IERC7641) UnpackRedeemableOnBurn(data []byte) (*big.Int, error) {
	out, err := iERC7641.abi.Unpack("redeemableOnBurn", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9711715a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function snapshot() returns(uint256)
func (iERC7641 *IERC7641) PackSnapshot() []byte {
	enc, err := iERC7641.abi.Pack("snapshot")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9711715a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function snapshot() returns(uint256)
func (iERC7641 *IERC7641) TryPackSnapshot() ([]byte, error) {
	return iERC7641.abi.Pack("snapshot")
}

// UnpackSnapshot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9711715a.
//
// Solidity: function snapshot() returns(uint256)
func (iERC7641 *IERC7641) UnpackSnapshot(data []byte) (*big.Int, error) {
	out, err := iERC7641.abi.Unpack("snapshot", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (iERC7641 *IERC7641) PackTotalSupply() []byte {
	enc, err := iERC7641.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (iERC7641 *IERC7641) TryPackTotalSupply() ([]byte, error) {
	return iERC7641.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (iERC7641 *IERC7641) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := iERC7641.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (iERC7641 *IERC7641) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := iERC7641.abi.Pack("transfer", to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (iERC7641 *IERC7641) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return iERC7641.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (iERC7641 *IERC7641) UnpackTransfer(data []byte) (bool, error) {
	out, err := iERC7641.abi.Unpack("transfer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (iERC7641 *IERC7641) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := iERC7641.abi.Pack("transferFrom", from, to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (iERC7641 *IERC7641) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return iERC7641.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (iERC7641 *IERC7641) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := iERC7641.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// IERC7641Approval represents a Approval event raised by the IERC7641 contract.
type IERC7641Approval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const IERC7641ApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (IERC7641Approval) ContractEventName() string {
	return IERC7641ApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (iERC7641 *IERC7641) UnpackApprovalEvent(log *types.Log) (*IERC7641Approval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != iERC7641.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(IERC7641Approval)
	if len(log.Data) > 0 {
		if err := iERC7641.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range iERC7641.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// IERC7641Transfer represents a Transfer event raised by the IERC7641 contract.
type IERC7641Transfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const IERC7641TransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (IERC7641Transfer) ContractEventName() string {
	return IERC7641TransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (iERC7641 *IERC7641) UnpackTransferEvent(log *types.Log) (*IERC7641Transfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != iERC7641.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(IERC7641Transfer)
	if len(log.Data) > 0 {
		if err := iERC7641.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range iERC7641.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}
