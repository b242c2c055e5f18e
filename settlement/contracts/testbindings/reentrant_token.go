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

// ReentrantTokenMetaData contains all meta data concerning the ReentrantToken contract.
var ReentrantTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractUsageSettlement\",\"name\":\"settlement_\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"strict_\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"attempted\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reentered\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"settlement\",\"outputs\":[{\"internalType\":\"contractUsageSettlement\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"strict\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "ReentrantToken",
	Bin: "0x60a060405234801561000f575f5ffd5b5060405161052538038061052583398101604081905261002e916100a1565b6001600160a01b03821660808190525f805462ff000019166201000084151502179055604051636c19e78360e01b8152306004820152636c19e783906024015f604051808303815f87803b158015610084575f5ffd5b505af1158015610096573d5f5f3e3d5ffd5b5050505050506100e8565b5f5f604083850312156100b2575f5ffd5b82516001600160a01b03811681146100c8575f5ffd5b602084015190925080151581146100dd575f5ffd5b809150509250929050565b6080516104116101145f395f8181608201528181610114015281816101da015261032701526104115ff3fe608060405260043610610041575f3560e01c80633f09775e146102e45780635116063014610316578063917f51b414610361578063ec104f6b14610379575f5ffd5b366102e0575f5460ff161561005257005b5f805460ff191660011781556040516305449edf60e41b8152306004820181905260248201526001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690635449edf090604401602060405180830381865afa1580156100c7573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906100eb9190610397565b60405163277b47e960e11b8152306004820181905260248201529091505f906001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690634ef68fd290604401602060405180830381865afa158015610159573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061017d9190610397565b60405130602482015267ffffffffffffffff80851660448301527ff9ae960abeca59bcbdc01ba986e1443e95e53544912c15dc616aff3d2cffdd83606483015282166084820181905260a48201529091505f906001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000169060c40160408051601f198184030181529181526020820180516001600160e01b031663d625189360e01b1790525161023391906103c5565b5f604051808303815f865af19150503d805f811461026c576040519150601f19603f3d011682016040523d82523d5f602084013e610271565b606091505b50505f805461ff001916610100831515021790559050808061029b57505f5462010000900460ff16155b6102de5760405162461bcd60e51b815260206004820152601060248201526f1c994b595b9d1c9e481c99599d5cd95960821b604482015260640160405180910390fd5b005b5f5ffd5b3480156102ef575f5ffd5b505f5461030190610100900460ff1681565b60405190151581526020015b60405180910390f35b348015610321575f5ffd5b506103497f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b03909116815260200161030d565b34801561036c575f5ffd5b505f546103019060ff1681565b348015610384575f5ffd5b505f546103019062010000900460ff1681565b5f602082840312156103a7575f5ffd5b815167ffffffffffffffff811681146103be575f5ffd5b9392505050565b5f82518060208501845e5f92019182525091905056fea2646970667358221220921a8fe635daddc5d7ff945987fe5c989f000252da2f80bc4169630a9ddd037764736f6c63430008250033",
}

// ReentrantToken is an auto generated Go binding around an Ethereum contract.
type ReentrantToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ReentrantToken) GetABI() abi.ABI {
	return c.abi
}

// NewReentrantToken creates a new instance of ReentrantToken.
func NewReentrantToken() *ReentrantToken {
	parsed, err := ReentrantTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ReentrantToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ReentrantToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address settlement_, bool strict_) returns()
func (reentrantToken *ReentrantToken) PackConstructor(settlement_ common.Address, strict_ bool) []byte {
	enc, err := reentrantToken.abi.Pack("", settlement_, strict_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAttempted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x917f51b4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function attempted() view returns(bool)
func (reentrantToken *ReentrantToken) PackAttempted() []byte {
	enc, err := reentrantToken.abi.Pack("attempted")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAttempted is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x917f51b4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function attempted() view returns(bool)
func (reentrantToken *ReentrantToken) TryPackAttempted() ([]byte, error) {
	return reentrantToken.abi.Pack("attempted")
}

// UnpackAttempted is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x917f51b4.
//
// Solidity: function attempted() view returns(bool)
func (reentrantToken *ReentrantToken) UnpackAttempted(data []byte) (bool, error) {
	out, err := reentrantToken.abi.Unpack("attempted", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackReentered is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f09775e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function reentered() view returns(bool)
func (reentrantToken *ReentrantToken) PackReentered() []byte {
	enc, err := reentrantToken.abi.Pack("reentered")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReentered is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3f09775e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function reentered() view returns(bool)
func (reentrantToken *ReentrantToken) TryPackReentered() ([]byte, error) {
	return reentrantToken.abi.Pack("reentered")
}

// UnpackReentered is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3f09775e.
//
// Solidity: function reentered() view returns(bool)
func (reentrantToken *ReentrantToken) UnpackReentered(data []byte) (bool, error) {
	out, err := reentrantToken.abi.Unpack("reentered", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackSettlement is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51160630.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function settlement() view returns(address)
func (reentrantToken *ReentrantToken) PackSettlement() []byte {
	enc, err := reentrantToken.abi.Pack("settlement")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSettlement is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51160630.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function settlement() view returns(address)
func (reentrantToken *ReentrantToken) TryPackSettlement() ([]byte, error) {
	return reentrantToken.abi.Pack("settlement")
}

// UnpackSettlement is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x51160630.
//
// Solidity: function settlement() view returns(address)
func (reentrantToken *ReentrantToken) UnpackSettlement(data []byte) (common.Address, error) {
	out, err := reentrantToken.abi.Unpack("settlement", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackStrict is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec104f6b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function strict() view returns(bool)
func (reentrantToken *ReentrantToken) PackStrict() []byte {
	enc, err := reentrantToken.abi.Pack("strict")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStrict is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec104f6b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function strict() view returns(bool)
func (reentrantToken *ReentrantToken) TryPackStrict() ([]byte, error) {
	return reentrantToken.abi.Pack("strict")
}

// UnpackStrict is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xec104f6b.
//
// Solidity: function strict() view returns(bool)
func (reentrantToken *ReentrantToken) UnpackStrict(data []byte) (bool, error) {
	out, err := reentrantToken.abi.Unpack("strict", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}
