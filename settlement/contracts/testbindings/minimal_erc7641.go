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

// MinimalERC7641MetaData contains all meta data concerning the MinimalERC7641 contract.
var MinimalERC7641MetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"supply\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"burn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"claim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"claimableRevenue\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastPayer\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"payments\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"received\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"redeemableOnBurn\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"snapshot\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "MinimalERC7641",
	Bin: "0x608060405234801561000f575f5ffd5b50604051610ea4380380610ea483398101604081905261002e91610202565b60405180604001604052806007815260200166135a5b9a5b585b60ca1b8152506040518060400160405280600381526020016226a4a760e91b815250816003908161007991906102bc565b50600461008682826102bc565b505050610099338261009f60201b60201c565b5061039f565b6001600160a01b0382166100cd5760405163ec442f0560e01b81525f60048201526024015b60405180910390fd5b6100d85f83836100dc565b5050565b6001600160a01b038316610106578060025f8282546100fb919061037a565b909155506101769050565b6001600160a01b0383165f90815260208190526040902054818110156101585760405163391434e360e21b81526001600160a01b038516600482015260248101829052604481018390526064016100c4565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b038216610192576002805482900390556101b0565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef836040516101f591815260200190565b60405180910390a3505050565b5f60208284031215610212575f5ffd5b5051919050565b634e487b7160e01b5f52604160045260245ffd5b600181811c9082168061024157607f821691505b60208210810361025f57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f8211156102b757828211156102b757805f5260205f20601f840160051c602085101561029057505f5b90810190601f840160051c035f5b818110156102b3575f8382015560010161029e565b5050505b505050565b81516001600160401b038111156102d5576102d5610219565b6102e9816102e3845461022d565b84610265565b6020601f82116001811461031b575f83156103045750848201515b5f19600385901b1c1916600184901b178455610373565b5f84815260208120601f198516915b8281101561034a578785015182556020948501946001909201910161032a565b508482101561036757868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b8082018082111561039957634e487b7160e01b5f52601160045260245ffd5b92915050565b610af8806103ac5f395ff3fe6080604052600436106100fd575f3560e01c8063379607f51161009257806395d89b411161006257806395d89b41146102fb5780639711715a1461030f578063a6d23e1014610323578063a9059cbb14610338578063dd62ed3e14610357575f5ffd5b8063379607f51461027257806342966c681461029357806370a08231146102b257806383a6deb5146102e6575f5ffd5b806323b872dd116100cd57806323b872dd146101fa57806324888f98146102195780632be2bb1114610238578063313ce56714610257575f5ffd5b806306fdde031461014c578063095ea7b31461017657806318160ddd146101a55780631ddfd1ac146101c3575f5ffd5b36610148573460055f828254610113919061092e565b92505081905550600160065f82825461012c919061092e565b9091555050600780546001600160a01b03191633908117909155005b5f5ffd5b348015610157575f5ffd5b5061016061039b565b60405161016d9190610941565b60405180910390f35b348015610181575f5ffd5b50610195610190366004610991565b61042b565b604051901515815260200161016d565b3480156101b0575f5ffd5b506002545b60405190815260200161016d565b3480156101ce575f5ffd5b506007546101e2906001600160a01b031681565b6040516001600160a01b03909116815260200161016d565b348015610205575f5ffd5b506101956102143660046109b9565b610444565b348015610224575f5ffd5b506101b56102333660046109f3565b505f90565b348015610243575f5ffd5b506101b5610252366004610991565b610467565b348015610262575f5ffd5b506040516012815260200161016d565b34801561027d575f5ffd5b5061029161028c3660046109f3565b6104ed565b005b34801561029e575f5ffd5b506102916102ad3660046109f3565b6105a9565b3480156102bd575f5ffd5b506101b56102cc366004610a0a565b6001600160a01b03165f9081526020819052604090205490565b3480156102f1575f5ffd5b506101b560055481565b348015610306575f5ffd5b506101606105b6565b34801561031a575f5ffd5b506101b56105c5565b34801561032e575f5ffd5b506101b560065481565b348015610343575f5ffd5b50610195610352366004610991565b6105f7565b348015610362575f5ffd5b506101b5610371366004610a23565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205490565b6060600380546103aa90610a54565b80601f01602080910402602001604051908101604052809291908181526020018280546103d690610a54565b80156104215780601f106103f857610100808354040283529160200191610421565b820191905f5260205f20905b81548152906001019060200180831161040457829003601f168201915b5050505050905090565b5f33610438818585610604565b60019150505b92915050565b5f33610451858285610611565b61045c85858561068d565b506001949350505050565b5f818152600a602090815260408083206001600160a01b038616845290915281205460ff16806104975750600254155b156104a357505f61043e565b6002545f838152600960205260409020546104d2856001600160a01b03165f9081526020819052604090205490565b6104dc9190610a8c565b6104e69190610aa3565b9392505050565b5f6104f83383610467565b5f838152600a60209081526040808320338085529252808320805460ff1916600117905551929350909183908381818185875af1925050503d805f811461055a576040519150601f19603f3d011682016040523d82523d5f602084013e61055f565b606091505b50509050806105a45760405162461bcd60e51b815260206004820152600c60248201526b18db185a5b4819985a5b195960a21b60448201526064015b60405180910390fd5b505050565b6105b333826106ea565b50565b6060600480546103aa90610a54565b5f600160085f8282546105d8919061092e565b9091555050600880545f90815260096020526040902047905554919050565b5f3361043881858561068d565b6105a48383836001610722565b6001600160a01b038381165f908152600160209081526040808320938616835292905220545f19811015610687578181101561067957604051637dc7a0d960e11b81526001600160a01b0384166004820152602481018290526044810183905260640161059b565b61068784848484035f610722565b50505050565b6001600160a01b0383166106b657604051634b637e8f60e11b81525f600482015260240161059b565b6001600160a01b0382166106df5760405163ec442f0560e01b81525f600482015260240161059b565b6105a48383836107f4565b6001600160a01b03821661071357604051634b637e8f60e11b81525f600482015260240161059b565b61071e825f836107f4565b5050565b6001600160a01b03841661074b5760405163e602df0560e01b81525f600482015260240161059b565b6001600160a01b03831661077457604051634a1406b160e11b81525f600482015260240161059b565b6001600160a01b038085165f908152600160209081526040808320938716835292905220829055801561068757826001600160a01b0316846001600160a01b03167f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925846040516107e691815260200190565b60405180910390a350505050565b6001600160a01b03831661081e578060025f828254610813919061092e565b9091555061088e9050565b6001600160a01b0383165f90815260208190526040902054818110156108705760405163391434e360e21b81526001600160a01b0385166004820152602481018290526044810183905260640161059b565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b0382166108aa576002805482900390556108c8565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8360405161090d91815260200190565b60405180910390a3505050565b634e487b7160e01b5f52601160045260245ffd5b8082018082111561043e5761043e61091a565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b80356001600160a01b038116811461098c575f5ffd5b919050565b5f5f604083850312156109a2575f5ffd5b6109ab83610976565b946020939093013593505050565b5f5f5f606084860312156109cb575f5ffd5b6109d484610976565b92506109e260208501610976565b929592945050506040919091013590565b5f60208284031215610a03575f5ffd5b5035919050565b5f60208284031215610a1a575f5ffd5b6104e682610976565b5f5f60408385031215610a34575f5ffd5b610a3d83610976565b9150610a4b60208401610976565b90509250929050565b600181811c90821680610a6857607f821691505b602082108103610a8657634e487b7160e01b5f52602260045260245ffd5b50919050565b808202811582820484141761043e5761043e61091a565b5f82610abd57634e487b7160e01b5f52601260045260245ffd5b50049056fea2646970667358221220dc47aa17fc3f1a778ffa742eee44ce5dc00851b71cb3608288ee49d673d045fe64736f6c63430008250033",
}

// MinimalERC7641 is an auto generated Go binding around an Ethereum contract.
type MinimalERC7641 struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *MinimalERC7641) GetABI() abi.ABI {
	return c.abi
}

// NewMinimalERC7641 creates a new instance of MinimalERC7641.
func NewMinimalERC7641() *MinimalERC7641 {
	parsed, err := MinimalERC7641MetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &MinimalERC7641{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *MinimalERC7641) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(uint256 supply) returns()
func (minimalERC7641 *MinimalERC7641) PackConstructor(supply *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("", supply)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (minimalERC7641 *MinimalERC7641) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := minimalERC7641.abi.Pack("allowance", owner, spender)
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
func (minimalERC7641 *MinimalERC7641) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return minimalERC7641.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("allowance", data)
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
func (minimalERC7641 *MinimalERC7641) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("approve", spender, value)
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
func (minimalERC7641 *MinimalERC7641) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return minimalERC7641.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (minimalERC7641 *MinimalERC7641) UnpackApprove(data []byte) (bool, error) {
	out, err := minimalERC7641.abi.Unpack("approve", data)
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
func (minimalERC7641 *MinimalERC7641) PackBalanceOf(account common.Address) []byte {
	enc, err := minimalERC7641.abi.Pack("balanceOf", account)
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
func (minimalERC7641 *MinimalERC7641) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return minimalERC7641.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("balanceOf", data)
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
func (minimalERC7641 *MinimalERC7641) PackBurn(amount *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("burn", amount)
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
func (minimalERC7641 *MinimalERC7641) TryPackBurn(amount *big.Int) ([]byte, error) {
	return minimalERC7641.abi.Pack("burn", amount)
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x379607f5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(uint256 snapshotId) returns()
func (minimalERC7641 *MinimalERC7641) PackClaim(snapshotId *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("claim", snapshotId)
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
func (minimalERC7641 *MinimalERC7641) TryPackClaim(snapshotId *big.Int) ([]byte, error) {
	return minimalERC7641.abi.Pack("claim", snapshotId)
}

// PackClaimableRevenue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2be2bb11.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimableRevenue(address account, uint256 snapshotId) view returns(uint256)
func (minimalERC7641 *MinimalERC7641) PackClaimableRevenue(account common.Address, snapshotId *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("claimableRevenue", account, snapshotId)
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
func (minimalERC7641 *MinimalERC7641) TryPackClaimableRevenue(account common.Address, snapshotId *big.Int) ([]byte, error) {
	return minimalERC7641.abi.Pack("claimableRevenue", account, snapshotId)
}

// UnpackClaimableRevenue is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2be2bb11.
//
// Solidity: function claimableRevenue(address account, uint256 snapshotId) view returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackClaimableRevenue(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("claimableRevenue", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (minimalERC7641 *MinimalERC7641) PackDecimals() []byte {
	enc, err := minimalERC7641.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (minimalERC7641 *MinimalERC7641) TryPackDecimals() ([]byte, error) {
	return minimalERC7641.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (minimalERC7641 *MinimalERC7641) UnpackDecimals(data []byte) (uint8, error) {
	out, err := minimalERC7641.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackLastPayer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1ddfd1ac.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function lastPayer() view returns(address)
func (minimalERC7641 *MinimalERC7641) PackLastPayer() []byte {
	enc, err := minimalERC7641.abi.Pack("lastPayer")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLastPayer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1ddfd1ac.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function lastPayer() view returns(address)
func (minimalERC7641 *MinimalERC7641) TryPackLastPayer() ([]byte, error) {
	return minimalERC7641.abi.Pack("lastPayer")
}

// UnpackLastPayer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1ddfd1ac.
//
// Solidity: function lastPayer() view returns(address)
func (minimalERC7641 *MinimalERC7641) UnpackLastPayer(data []byte) (common.Address, error) {
	out, err := minimalERC7641.abi.Unpack("lastPayer", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (minimalERC7641 *MinimalERC7641) PackName() []byte {
	enc, err := minimalERC7641.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (minimalERC7641 *MinimalERC7641) TryPackName() ([]byte, error) {
	return minimalERC7641.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (minimalERC7641 *MinimalERC7641) UnpackName(data []byte) (string, error) {
	out, err := minimalERC7641.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackPayments is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa6d23e10.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function payments() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) PackPayments() []byte {
	enc, err := minimalERC7641.abi.Pack("payments")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPayments is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa6d23e10.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function payments() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) TryPackPayments() ([]byte, error) {
	return minimalERC7641.abi.Pack("payments")
}

// UnpackPayments is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa6d23e10.
//
// Solidity: function payments() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackPayments(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("payments", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackReceived is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x83a6deb5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function received() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) PackReceived() []byte {
	enc, err := minimalERC7641.abi.Pack("received")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReceived is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x83a6deb5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function received() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) TryPackReceived() ([]byte, error) {
	return minimalERC7641.abi.Pack("received")
}

// UnpackReceived is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x83a6deb5.
//
// Solidity: function received() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackReceived(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("received", data)
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
// Solidity: function redeemableOnBurn(uint256 ) pure returns(uint256)
func (minimalERC7641 *MinimalERC7641) PackRedeemableOnBurn(arg0 *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("redeemableOnBurn", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRedeemableOnBurn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x24888f98.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function redeemableOnBurn(uint256 ) pure returns(uint256)
func (minimalERC7641 *MinimalERC7641) TryPackRedeemableOnBurn(arg0 *big.Int) ([]byte, error) {
	return minimalERC7641.abi.Pack("redeemableOnBurn", arg0)
}

// UnpackRedeemableOnBurn is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x24888f98.
//
// Solidity: function redeemableOnBurn(uint256 ) pure returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackRedeemableOnBurn(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("redeemableOnBurn", data)
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
func (minimalERC7641 *MinimalERC7641) PackSnapshot() []byte {
	enc, err := minimalERC7641.abi.Pack("snapshot")
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
func (minimalERC7641 *MinimalERC7641) TryPackSnapshot() ([]byte, error) {
	return minimalERC7641.abi.Pack("snapshot")
}

// UnpackSnapshot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9711715a.
//
// Solidity: function snapshot() returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackSnapshot(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("snapshot", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (minimalERC7641 *MinimalERC7641) PackSymbol() []byte {
	enc, err := minimalERC7641.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() view returns(string)
func (minimalERC7641 *MinimalERC7641) TryPackSymbol() ([]byte, error) {
	return minimalERC7641.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (minimalERC7641 *MinimalERC7641) UnpackSymbol(data []byte) (string, error) {
	out, err := minimalERC7641.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) PackTotalSupply() []byte {
	enc, err := minimalERC7641.abi.Pack("totalSupply")
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
func (minimalERC7641 *MinimalERC7641) TryPackTotalSupply() ([]byte, error) {
	return minimalERC7641.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (minimalERC7641 *MinimalERC7641) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := minimalERC7641.abi.Unpack("totalSupply", data)
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
func (minimalERC7641 *MinimalERC7641) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("transfer", to, value)
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
func (minimalERC7641 *MinimalERC7641) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return minimalERC7641.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (minimalERC7641 *MinimalERC7641) UnpackTransfer(data []byte) (bool, error) {
	out, err := minimalERC7641.abi.Unpack("transfer", data)
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
func (minimalERC7641 *MinimalERC7641) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := minimalERC7641.abi.Pack("transferFrom", from, to, value)
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
func (minimalERC7641 *MinimalERC7641) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return minimalERC7641.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (minimalERC7641 *MinimalERC7641) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := minimalERC7641.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// MinimalERC7641Approval represents a Approval event raised by the MinimalERC7641 contract.
type MinimalERC7641Approval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const MinimalERC7641ApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (MinimalERC7641Approval) ContractEventName() string {
	return MinimalERC7641ApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (minimalERC7641 *MinimalERC7641) UnpackApprovalEvent(log *types.Log) (*MinimalERC7641Approval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != minimalERC7641.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(MinimalERC7641Approval)
	if len(log.Data) > 0 {
		if err := minimalERC7641.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range minimalERC7641.abi.Events[event].Inputs {
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

// MinimalERC7641Transfer represents a Transfer event raised by the MinimalERC7641 contract.
type MinimalERC7641Transfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const MinimalERC7641TransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (MinimalERC7641Transfer) ContractEventName() string {
	return MinimalERC7641TransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (minimalERC7641 *MinimalERC7641) UnpackTransferEvent(log *types.Log) (*MinimalERC7641Transfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != minimalERC7641.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(MinimalERC7641Transfer)
	if len(log.Data) > 0 {
		if err := minimalERC7641.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range minimalERC7641.abi.Events[event].Inputs {
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

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (minimalERC7641 *MinimalERC7641) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], minimalERC7641.abi.Errors["ERC20InsufficientAllowance"].ID.Bytes()[:4]) {
		return minimalERC7641.UnpackERC20InsufficientAllowanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], minimalERC7641.abi.Errors["ERC20InsufficientBalance"].ID.Bytes()[:4]) {
		return minimalERC7641.UnpackERC20InsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], minimalERC7641.abi.Errors["ERC20InvalidApprover"].ID.Bytes()[:4]) {
		return minimalERC7641.UnpackERC20InvalidApproverError(raw[4:])
	}
	if bytes.Equal(raw[:4], minimalERC7641.abi.Errors["ERC20InvalidReceiver"].ID.Bytes()[:4]) {
		return minimalERC7641.UnpackERC20InvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], minimalERC7641.abi.Errors["ERC20InvalidSender"].ID.Bytes()[:4]) {
		return minimalERC7641.UnpackERC20InvalidSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], minimalERC7641.abi.Errors["ERC20InvalidSpender"].ID.Bytes()[:4]) {
		return minimalERC7641.UnpackERC20InvalidSpenderError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// MinimalERC7641ERC20InsufficientAllowance represents a ERC20InsufficientAllowance error raised by the MinimalERC7641 contract.
type MinimalERC7641ERC20InsufficientAllowance struct {
	Spender   common.Address
	Allowance *big.Int
	Needed    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func MinimalERC7641ERC20InsufficientAllowanceErrorID() common.Hash {
	return common.HexToHash("0xfb8f41b23e99d2101d86da76cdfa87dd51c82ed07d3cb62cbc473e469dbc75c3")
}

// UnpackERC20InsufficientAllowanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func (minimalERC7641 *MinimalERC7641) UnpackERC20InsufficientAllowanceError(raw []byte) (*MinimalERC7641ERC20InsufficientAllowance, error) {
	out := new(MinimalERC7641ERC20InsufficientAllowance)
	if err := minimalERC7641.abi.UnpackIntoInterface(out, "ERC20InsufficientAllowance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MinimalERC7641ERC20InsufficientBalance represents a ERC20InsufficientBalance error raised by the MinimalERC7641 contract.
type MinimalERC7641ERC20InsufficientBalance struct {
	Sender  common.Address
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func MinimalERC7641ERC20InsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xe450d38cd8d9f7d95077d567d60ed49c7254716e6ad08fc9872816c97e0ffec6")
}

// UnpackERC20InsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func (minimalERC7641 *MinimalERC7641) UnpackERC20InsufficientBalanceError(raw []byte) (*MinimalERC7641ERC20InsufficientBalance, error) {
	out := new(MinimalERC7641ERC20InsufficientBalance)
	if err := minimalERC7641.abi.UnpackIntoInterface(out, "ERC20InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MinimalERC7641ERC20InvalidApprover represents a ERC20InvalidApprover error raised by the MinimalERC7641 contract.
type MinimalERC7641ERC20InvalidApprover struct {
	Approver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidApprover(address approver)
func MinimalERC7641ERC20InvalidApproverErrorID() common.Hash {
	return common.HexToHash("0xe602df05cc75712490294c6c104ab7c17f4030363910a7a2626411c6d3118847")
}

// UnpackERC20InvalidApproverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidApprover(address approver)
func (minimalERC7641 *MinimalERC7641) UnpackERC20InvalidApproverError(raw []byte) (*MinimalERC7641ERC20InvalidApprover, error) {
	out := new(MinimalERC7641ERC20InvalidApprover)
	if err := minimalERC7641.abi.UnpackIntoInterface(out, "ERC20InvalidApprover", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MinimalERC7641ERC20InvalidReceiver represents a ERC20InvalidReceiver error raised by the MinimalERC7641 contract.
type MinimalERC7641ERC20InvalidReceiver struct {
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func MinimalERC7641ERC20InvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0xec442f055133b72f3b2f9f0bb351c406b178527de2040a7d1feb4e058771f613")
}

// UnpackERC20InvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func (minimalERC7641 *MinimalERC7641) UnpackERC20InvalidReceiverError(raw []byte) (*MinimalERC7641ERC20InvalidReceiver, error) {
	out := new(MinimalERC7641ERC20InvalidReceiver)
	if err := minimalERC7641.abi.UnpackIntoInterface(out, "ERC20InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MinimalERC7641ERC20InvalidSender represents a ERC20InvalidSender error raised by the MinimalERC7641 contract.
type MinimalERC7641ERC20InvalidSender struct {
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSender(address sender)
func MinimalERC7641ERC20InvalidSenderErrorID() common.Hash {
	return common.HexToHash("0x96c6fd1edd0cd6ef7ff0ecc0facdf53148dc0048b57fe58af65755250a7a96bd")
}

// UnpackERC20InvalidSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSender(address sender)
func (minimalERC7641 *MinimalERC7641) UnpackERC20InvalidSenderError(raw []byte) (*MinimalERC7641ERC20InvalidSender, error) {
	out := new(MinimalERC7641ERC20InvalidSender)
	if err := minimalERC7641.abi.UnpackIntoInterface(out, "ERC20InvalidSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MinimalERC7641ERC20InvalidSpender represents a ERC20InvalidSpender error raised by the MinimalERC7641 contract.
type MinimalERC7641ERC20InvalidSpender struct {
	Spender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSpender(address spender)
func MinimalERC7641ERC20InvalidSpenderErrorID() common.Hash {
	return common.HexToHash("0x94280d62c347d8d9f4d59a76ea321452406db88df38e0c9da304f58b57b373a2")
}

// UnpackERC20InvalidSpenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSpender(address spender)
func (minimalERC7641 *MinimalERC7641) UnpackERC20InvalidSpenderError(raw []byte) (*MinimalERC7641ERC20InvalidSpender, error) {
	out := new(MinimalERC7641ERC20InvalidSpender)
	if err := minimalERC7641.abi.UnpackIntoInterface(out, "ERC20InvalidSpender", raw); err != nil {
		return nil, err
	}
	return out, nil
}
