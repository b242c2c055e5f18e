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

// RefusingTokenMetaData contains all meta data concerning the RefusingToken contract.
var RefusingTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"name\":\"open\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"opened\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "RefusingToken",
	Bin: "0x6080604052348015600e575f5ffd5b5060f28061001b5f395ff3fe6080604052600436106028575f3560e01c80635f88eade146077578063fcfff16f1460a1575f5ffd5b366073575f5460ff1660715760405162461bcd60e51b815260206004820152600e60248201526d1c995d995b9d594818db1bdcd95960921b604482015260640160405180910390fd5b005b5f5ffd5b3480156081575f5ffd5b505f54608d9060ff1681565b604051901515815260200160405180910390f35b34801560ab575f5ffd5b5060715f805460ff1916600117905556fea2646970667358221220016b05bab937d59c27029d585479268f941871de29eaa10f44f85bab7864afa264736f6c63430008250033",
}

// RefusingToken is an auto generated Go binding around an Ethereum contract.
type RefusingToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *RefusingToken) GetABI() abi.ABI {
	return c.abi
}

// NewRefusingToken creates a new instance of RefusingToken.
func NewRefusingToken() *RefusingToken {
	parsed, err := RefusingTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &RefusingToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *RefusingToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackOpen is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfcfff16f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function open() returns()
func (refusingToken *RefusingToken) PackOpen() []byte {
	enc, err := refusingToken.abi.Pack("open")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpen is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfcfff16f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function open() returns()
func (refusingToken *RefusingToken) TryPackOpen() ([]byte, error) {
	return refusingToken.abi.Pack("open")
}

// PackOpened is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5f88eade.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function opened() view returns(bool)
func (refusingToken *RefusingToken) PackOpened() []byte {
	enc, err := refusingToken.abi.Pack("opened")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpened is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5f88eade.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function opened() view returns(bool)
func (refusingToken *RefusingToken) TryPackOpened() ([]byte, error) {
	return refusingToken.abi.Pack("opened")
}

// UnpackOpened is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5f88eade.
//
// Solidity: function opened() view returns(bool)
func (refusingToken *RefusingToken) UnpackOpened(data []byte) (bool, error) {
	out, err := refusingToken.abi.Unpack("opened", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}
