// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package testbindings

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

// NoReceiveTokenMetaData contains all meta data concerning the NoReceiveToken contract.
var NoReceiveTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"name\":\"touch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"x\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "NoReceiveToken",
	Bin: "0x6080604052348015600e575f5ffd5b5060c180601a5f395ff3fe6080604052348015600e575f5ffd5b50600436106030575f3560e01c80630c55699c146034578063a55526db14604d575b5f5ffd5b603b5f5481565b60405190815260200160405180910390f35b60536055565b005b5f805490806061836068565b9190505550565b5f60018201608457634e487b7160e01b5f52601160045260245ffd5b506001019056fea26469706673582212208d24db8568f2e952577f52c143f5ad119491d9c7bb541a29f7cdf9de1ce9a1b364736f6c63430008250033",
}

// NoReceiveToken is an auto generated Go binding around an Ethereum contract.
type NoReceiveToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *NoReceiveToken) GetABI() abi.ABI {
	return c.abi
}

// NewNoReceiveToken creates a new instance of NoReceiveToken.
func NewNoReceiveToken() *NoReceiveToken {
	parsed, err := NoReceiveTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &NoReceiveToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *NoReceiveToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackTouch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa55526db.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function touch() returns()
func (noReceiveToken *NoReceiveToken) PackTouch() []byte {
	enc, err := noReceiveToken.abi.Pack("touch")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTouch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa55526db.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function touch() returns()
func (noReceiveToken *NoReceiveToken) TryPackTouch() ([]byte, error) {
	return noReceiveToken.abi.Pack("touch")
}

// PackX is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0c55699c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function x() view returns(uint256)
func (noReceiveToken *NoReceiveToken) PackX() []byte {
	enc, err := noReceiveToken.abi.Pack("x")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackX is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0c55699c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function x() view returns(uint256)
func (noReceiveToken *NoReceiveToken) TryPackX() ([]byte, error) {
	return noReceiveToken.abi.Pack("x")
}

// UnpackX is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0c55699c.
//
// Solidity: function x() view returns(uint256)
func (noReceiveToken *NoReceiveToken) UnpackX(data []byte) (*big.Int, error) {
	out, err := noReceiveToken.abi.Unpack("x", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}
