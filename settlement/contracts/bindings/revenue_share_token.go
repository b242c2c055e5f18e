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

// RevenueShareTokenMetaData contains all meta data concerning the RevenueShareToken contract.
var RevenueShareTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"string\",\"name\":\"name_\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"symbol_\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"supply\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"holder\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"initialOwner\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"percentClaimable_\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"snapshotInterval_\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"CheckpointUnorderedInsertion\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"ERC7641AlreadyClaimed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ERC7641InvalidInterval\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"percentClaimable\",\"type\":\"uint256\"}],\"name\":\"ERC7641InvalidPercent\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"ERC7641InvalidSnapshot\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"ERC7641NothingToClaim\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"notBefore\",\"type\":\"uint256\"}],\"name\":\"ERC7641SnapshotTooSoon\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ERC7641ZeroAmount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"FailedCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"OwnableInvalidOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"OwnableUnauthorizedAccount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"bits\",\"type\":\"uint8\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"SafeCastOverflowedUintDowncast\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Claim\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousOwner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"burned\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Redeem\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"RevenueReceived\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"newRevenue\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"claimable\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"toBurnPool\",\"type\":\"uint256\"}],\"name\":\"Snapshot\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"balanceOfAt\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"burn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"burnPool\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"claim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256[]\",\"name\":\"snapshotIds\",\"type\":\"uint256[]\"}],\"name\":\"claimBatch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"claimPool\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"claimableAtSnapshot\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"claimableRevenue\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentSnapshotId\",\"outputs\":[{\"internalType\":\"uint48\",\"name\":\"\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"hasClaimed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastSnapshotTime\",\"outputs\":[{\"internalType\":\"uint48\",\"name\":\"\",\"type\":\"uint48\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"nextSnapshotTime\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pendingRevenue\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"percentClaimable\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"redeemableOnBurn\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"renounceOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"snapshot\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"snapshotBlock\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"snapshotInterval\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"snapshotId\",\"type\":\"uint256\"}],\"name\":\"totalSupplyAt\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"transferOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "RevenueShareToken",
	Bin: "0x60c060405234801561000f575f5ffd5b5060405161257138038061257183398101604081905261002e91610672565b8282828989600361003f83826107a2565b50600461004c82826107a2565b50505060648211156100795760405163946e349d60e01b8152600481018390526024015b60405180910390fd5b805f0361009957604051633af4fc6560e21b815260040160405180910390fd5b608082905260a08190526100ac42610115565b6005805465ffffffffffff191665ffffffffffff9290921691909117905550506001600160a01b0381166100f557604051631e4fbdf760e01b81525f6004820152602401610070565b6100fe8161014b565b50610109848661019c565b505050505050506108a0565b5f65ffffffffffff821115610147576040516306dfcc6560e41b81526030600482015260248101839052604401610070565b5090565b600e80546001600160a01b038381166001600160a01b0319831681179093556040519116919082907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0905f90a35050565b6001600160a01b0382166101c55760405163ec442f0560e01b81525f6004820152602401610070565b6101d05f83836101d4565b5050565b6101df8383836102de565b5f6101e943610115565b90506001600160a01b038416158061020857506001600160a01b038316155b1561022e5761022b8161022261021d60025490565b610404565b600d9190610437565b50505b6001600160a01b03841615610283576102808161026261021d876001600160a01b03165f9081526020819052604090205490565b6001600160a01b0387165f908152600c602052604090209190610437565b50505b6001600160a01b038316156102d8576102d5816102b761021d866001600160a01b03165f9081526020819052604090205490565b6001600160a01b0386165f908152600c602052604090209190610437565b50505b50505050565b6001600160a01b038316610308578060025f8282546102fd9190610874565b909155506103789050565b6001600160a01b0383165f908152602081905260409020548181101561035a5760405163391434e360e21b81526001600160a01b03851660048201526024810182905260448101839052606401610070565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b038216610394576002805482900390556103b2565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef836040516103f791815260200190565b60405180910390a3505050565b5f6001600160d01b03821115610147576040516306dfcc6560e41b815260d0600482015260248101839052604401610070565b5f80610444858585610451565b915091505b935093915050565b82545f908190801561055d575f61047a8761046d60018561088d565b5f91825260209091200190565b805490915065ffffffffffff80821691660100000000000090046001600160d01b03169088168211156104c057604051632520601d60e01b815260040160405180910390fd5b8765ffffffffffff168265ffffffffffff16036104fc57825465ffffffffffff1666010000000000006001600160d01b0389160217835561054f565b6040805180820190915265ffffffffffff808a1682526001600160d01b03808a1660208085019182528d54600181018f555f8f815291909120945191519092166601000000000000029216919091179101555b945085935061044992505050565b50506040805180820190915265ffffffffffff80851682526001600160d01b0380851660208085019182528854600181018a555f8a8152918220955192519093166601000000000000029190931617920191909155905081610449565b634e487b7160e01b5f52604160045260245ffd5b5f82601f8301126105dd575f5ffd5b81516001600160401b038111156105f6576105f66105ba565b604051601f8201601f19908116603f011681016001600160401b0381118282101715610624576106246105ba565b60405281815283820160200185101561063b575f5ffd5b8160208501602083015e5f918101602001919091529392505050565b80516001600160a01b038116811461066d575f5ffd5b919050565b5f5f5f5f5f5f5f60e0888a031215610688575f5ffd5b87516001600160401b0381111561069d575f5ffd5b6106a98a828b016105ce565b60208a015190985090506001600160401b038111156106c6575f5ffd5b6106d28a828b016105ce565b60408a015190975095506106ea905060608901610657565b93506106f860808901610657565b60a089015160c090990151979a96995094979396949593949392505050565b600181811c9082168061072b57607f821691505b60208210810361074957634e487b7160e01b5f52602260045260245ffd5b50919050565b601f82111561079d578282111561079d57805f5260205f20601f840160051c602085101561077a57505f5b90810190601f840160051c035f5b818110156102d5575f83820155600101610788565b505050565b81516001600160401b038111156107bb576107bb6105ba565b6107cf816107c98454610717565b8461074f565b6020601f821160018114610801575f83156107ea5750848201515b5f19600385901b1c1916600184901b178455610859565b5f84815260208120601f198516915b828110156108305787850151825560209485019460019092019101610810565b508482101561084d57868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b634e487b7160e01b5f52601160045260245ffd5b8082018082111561088757610887610860565b92915050565b8181038181111561088757610887610860565b60805160a051611c9b6108d65f395f818161024e0152610c6001525f818161036901528181610b380152610e5f0152611c9b5ff3fe6080604052600436106101d3575f3560e01c8063715018a6116100fd578063a9059cbb11610092578063dd62ed3e11610062578063dd62ed3e146105b7578063ea60f2d7146105fb578063f2fde38b14610626578063f9a758e514610645575f5ffd5b8063a9059cbb14610523578063b293109614610542578063b6bfd24b14610585578063be74baf214610599575f5ffd5b80639711715a116100cd5780639711715a146104c8578063981b24d0146104dc578063a54b2a73146104fb578063a89cdad91461050f575f5ffd5b8063715018a61461043d5780638da5cb5b1461045157806395d89b4114610478578063970875ce1461048c575f5ffd5b80632be2bb111161017357806342966c681161014357806342966c68146103ac5780634ee2cd7e146103cb57806362abebce146103ea57806370a0823114610409575f5ffd5b80632be2bb111461031e578063313ce5671461033d57806332e2c0c214610358578063379607f51461038b575f5ffd5b806314c304fe116101ae57806314c304fe146102ad57806318160ddd146102cc57806323b872dd146102e057806324888f98146102ff575f5ffd5b806306fdde031461021357806307d0413c1461023d578063095ea7b31461027e575f5ffd5b3661020f5760405134815233907f10221063d064b7f08df50a7b688426682343e6067582ebc0802467b91b9ac7419060200160405180910390a2005b5f5ffd5b34801561021e575f5ffd5b50610227610659565b60405161023491906119f1565b60405180910390f35b348015610248575f5ffd5b506102707f000000000000000000000000000000000000000000000000000000000000000081565b604051908152602001610234565b348015610289575f5ffd5b5061029d610298366004611a41565b6106e9565b6040519015158152602001610234565b3480156102b8575f5ffd5b506102706102c7366004611a69565b610702565b3480156102d7575f5ffd5b50600254610270565b3480156102eb575f5ffd5b5061029d6102fa366004611a80565b61071a565b34801561030a575f5ffd5b50610270610319366004611a69565b61073f565b348015610329575f5ffd5b50610270610338366004611a41565b61076b565b348015610348575f5ffd5b5060405160128152602001610234565b348015610363575f5ffd5b506102707f000000000000000000000000000000000000000000000000000000000000000081565b348015610396575f5ffd5b506103aa6103a5366004611a69565b6107fe565b005b3480156103b7575f5ffd5b506103aa6103c6366004611a69565b61083b565b3480156103d6575f5ffd5b506102706103e5366004611a41565b610925565b3480156103f5575f5ffd5b506103aa610404366004611aba565b61095f565b348015610414575f5ffd5b50610270610423366004611b2b565b6001600160a01b03165f9081526020819052604090205490565b348015610448575f5ffd5b506103aa6109d2565b34801561045c575f5ffd5b50600e546040516001600160a01b039091168152602001610234565b348015610483575f5ffd5b506102276109e5565b348015610497575f5ffd5b506005546104b190600160301b900465ffffffffffff1681565b60405165ffffffffffff9091168152602001610234565b3480156104d3575f5ffd5b506102706109f4565b3480156104e7575f5ffd5b506102706104f6366004611a69565b610c31565b348015610506575f5ffd5b50600754610270565b34801561051a575f5ffd5b50610270610c55565b34801561052e575f5ffd5b5061029d61053d366004611a41565b610c92565b34801561054d575f5ffd5b5061029d61055c366004611a41565b5f908152600b602090815260408083206001600160a01b03949094168352929052205460ff1690565b348015610590575f5ffd5b50600654610270565b3480156105a4575f5ffd5b506005546104b19065ffffffffffff1681565b3480156105c2575f5ffd5b506102706105d1366004611b44565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205490565b348015610606575f5ffd5b50610270610615366004611a69565b5f9081526009602052604090205490565b348015610631575f5ffd5b506103aa610640366004611b2b565b610c9f565b348015610650575f5ffd5b50610270610cd9565b60606003805461066890611b75565b80601f016020809104026020016040519081016040528092919081815260200182805461069490611b75565b80156106df5780601f106106b6576101008083540402835291602001916106df565b820191905f5260205f20905b8154815290600101906020018083116106c257829003601f168201915b5050505050905090565b5f336106f6818585610cf5565b60019150505b92915050565b5f61070c82610d07565b65ffffffffffff1692915050565b5f33610727858285610d60565b610732858585610ddc565b60019150505b9392505050565b5f5f5f6107548461074f60025490565b610e39565b90925090506107638183611bc1565b949350505050565b5f8115806107895750600554600160301b900465ffffffffffff1682115b806107b557505f828152600b602090815260408083206001600160a01b038716845290915290205460ff165b156107c157505f6106fc565b5f6107cb83610c31565b9050805f036107dd575f9150506106fc565b6107636107ea8585610925565b5f8581526009602052604090205483610ecd565b610806610f7d565b5f6108113383610fae565b905061081d3382611109565b506108386109e35f5f516020611c465f395f51905f52610fa8565b50565b610843610f7d565b805f036108635760405163271cd5cd60e01b815260040160405180910390fd5b5f5f6108728361074f60025490565b91509150610880338461117c565b8160075f8282546108919190611bd4565b925050819055508060085f8282546108a99190611bc1565b909155505f90506108ba8284611bc1565b604080518681526020810183905291925033917fe5b754fb1abb7f01b499791d0b820ae3b6af3424ac1c59768edb53f4ec31a929910160405180910390a28015610908576109083382611109565b5050506108386109e35f5f516020611c465f395f51905f52610fa8565b5f61094f61093283610d07565b6001600160a01b0385165f908152600c60205260409020906111b0565b6001600160d01b03169392505050565b610967610f7d565b5f805b828110156109a8576109943385858481811061098857610988611be7565b90506020020135610fae565b61099e9083611bc1565b915060010161096a565b506109b33382611109565b506109ce6109e35f5f516020611c465f395f51905f52610fa8565b5050565b6109da611260565b6109e35f61128d565b565b60606004805461066890611b75565b5f6109fd610f7d565b5f610a06610c55565b905080421015610a3157604051630608c43b60e21b8152600481018290526024015b60405180910390fd5b600554610a4e90600160301b900465ffffffffffff166001611bc1565b9150610a59826112de565b600560066101000a81548165ffffffffffff021916908365ffffffffffff160217905550610a86426112de565b6005805465ffffffffffff191665ffffffffffff92909216919091179055610ab7610ab2600143611bd4565b6112de565b5f838152600a60205260409020805465ffffffffffff191665ffffffffffff92909216919091179055610aee610ab2600143611bd4565b5f838152600a60205260408120805465ffffffffffff191665ffffffffffff9390931692909217909155610b20611314565b90505f610b2c60025490565b15610b6c576064610b5d7f000000000000000000000000000000000000000000000000000000000000000084611bfb565b610b679190611c26565b610b6e565b5f5b90505f610b7b8284611bd4565b5f868152600960205260408120849055600680549293508492909190610ba2908490611bc1565b9091555050600854610bb49082611bd4565b60075f828254610bc49190611bc1565b90915550505f600855604080518481526020810184905290810182905285907f2b7e220b2babc392b7f28bbfb51e48a8ae7ab8d75e59253607e2483dd411edb79060600160405180910390a250505050610c2e6109e35f5f516020611c465f395f51905f52610fa8565b90565b5f610c46610c3e83610d07565b600d906111b0565b6001600160d01b031692915050565b6005545f90610c8d907f00000000000000000000000000000000000000000000000000000000000000009065ffffffffffff16611bc1565b905090565b5f336106f6818585610ddc565b610ca7611260565b6001600160a01b038116610cd057604051631e4fbdf760e01b81525f6004820152602401610a28565b6108388161128d565b5f60075460065447610ceb9190611bd4565b610c8d9190611bd4565b610d028383836001611333565b505050565b5f811580610d255750600554600160301b900465ffffffffffff1682115b15610d465760405163d1d787c360e01b815260048101839052602401610a28565b505f908152600a602052604090205465ffffffffffff1690565b6001600160a01b038381165f908152600160209081526040808320938616835292905220545f19811015610dd65781811015610dc857604051637dc7a0d960e11b81526001600160a01b03841660048201526024810182905260448101839052606401610a28565b610dd684848484035f611333565b50505050565b6001600160a01b038316610e0557604051634b637e8f60e11b81525f6004820152602401610a28565b6001600160a01b038216610e2e5760405163ec442f0560e01b81525f6004820152602401610a28565b610d02838383611405565b5f5f825f03610e4c57505f905080610ec6565b5f610e55611314565b90505f6064610e847f000000000000000000000000000000000000000000000000000000000000000084611bfb565b610e8e9190611c26565b610e989083611bd4565b9050610ea78660075487610ecd565b9350610ec18660085483610ebb9190611bd4565b87610ecd565b925050505b9250929050565b5f5f5f610eda868661150e565b91509150815f03610efe57838181610ef457610ef4611c12565b0492505050610738565b818411610f1557610f15600385150260111861152a565b5f848688095f868103871696879004966002600389028118808a02820302808a02820302808a02820302808a02820302808a02820302808a02909103029181900381900460010185841190960395909502919093039390930492909217029150509392505050565b610f945f516020611c465f395f51905f525c61153b565b6109e360015f516020611c465f395f51905f525b90611559565b5f811580610fcc5750600554600160301b900465ffffffffffff1682115b15610fed5760405163d1d787c360e01b815260048101839052602401610a28565b5f828152600b602090815260408083206001600160a01b038716845290915290205460ff16156110425760405163792bbd8360e11b81526001600160a01b038416600482015260248101839052604401610a28565b61104c838361076b565b9050805f03611080576040516313f391b360e21b81526001600160a01b038416600482015260248101839052604401610a28565b5f828152600b602090815260408083206001600160a01b03871684529091528120805460ff19166001179055600680548392906110be908490611bd4565b909155505060405181815282906001600160a01b038516907f34fcbac0073d7c3d388e51312faf357774904998eeb8fca628b9e6f65ee1cbf79060200160405180910390a392915050565b804710156111335760405163cf47918160e01b815247600482015260248101829052604401610a28565b61114c828260405180602001604052805f815250611560565b15611155575050565b3d15611163576109ce611575565b60405163d6bda27560e01b815260040160405180910390fd5b6001600160a01b0382166111a557604051634b637e8f60e11b81525f6004820152602401610a28565b6109ce825f83611405565b81545f908181600581111561120c575f6111c984611580565b6111d39085611bd4565b5f8881526020902090915081015465ffffffffffff90811690871610156111fc5780915061120a565b611207816001611bc1565b92505b505b5f611219878785856116d8565b905080156112535761123d87611230600184611bd4565b5f91825260209091200190565b54600160301b90046001600160d01b0316611255565b5f5b979650505050505050565b600e546001600160a01b031633146109e35760405163118cdaa760e01b8152336004820152602401610a28565b600e80546001600160a01b038381166001600160a01b0319831681179093556040519116919082907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0905f90a35050565b5f65ffffffffffff821115611310576040516306dfcc6560e41b81526030600482015260248101839052604401610a28565b5090565b5f600754600654600854476113299190611bc1565b610ceb9190611bd4565b6001600160a01b03841661135c5760405163e602df0560e01b81525f6004820152602401610a28565b6001600160a01b03831661138557604051634a1406b160e11b81525f6004820152602401610a28565b6001600160a01b038085165f9081526001602090815260408083209387168352929052208290558015610dd657826001600160a01b0316846001600160a01b03167f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925846040516113f791815260200190565b60405180910390a350505050565b61141083838361172e565b5f61141a436112de565b90506001600160a01b038416158061143957506001600160a01b038316155b1561145f5761145c8161145361144e60025490565b611854565b600d9190611887565b50505b6001600160a01b038416156114b4576114b18161149361144e876001600160a01b03165f9081526020819052604090205490565b6001600160a01b0387165f908152600c602052604090209190611887565b50505b6001600160a01b03831615610dd657611506816114e861144e866001600160a01b03165f9081526020819052604090205490565b6001600160a01b0386165f908152600c602052604090209190611887565b505050505050565b5f805f1983850993909202808410938190039390930393915050565b634e487b715f52806020526024601cfd5b156109e357604051633ee5aeb560e01b815260040160405180910390fd5b80825d5050565b5f5f5f83516020850186885af1949350505050565b6040513d5f823e3d81fd5b5f6001821161158d575090565b816001600160801b82106115a65760809190911c9060401b5b6801000000000000000082106115c15760409190911c9060201b5b64010000000082106115d85760209190911c9060101b5b6201000082106115ed5760109190911c9060081b5b61010082106116015760089190911c9060041b5b601082106116145760049190911c9060021b5b600482106116205760011b5b600302600190811c9081858161163857611638611c12565b048201901c9050600181858161165057611650611c12565b048201901c9050600181858161166857611668611c12565b048201901c9050600181858161168057611680611c12565b048201901c9050600181858161169857611698611c12565b048201901c905060018185816116b0576116b0611c12565b048201901c90506116cf8185816116c9576116c9611c12565b04821190565b90039392505050565b5f5b81831015611726575f85815260209020838316600285851804019081015465ffffffffffff8681169116111561171257809250611720565b61171d816001611bc1565b93505b506116da565b509392505050565b6001600160a01b038316611758578060025f82825461174d9190611bc1565b909155506117c89050565b6001600160a01b0383165f90815260208190526040902054818110156117aa5760405163391434e360e21b81526001600160a01b03851660048201526024810182905260448101839052606401610a28565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b0382166117e457600280548290039055611802565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8360405161184791815260200190565b60405180910390a3505050565b5f6001600160d01b03821115611310576040516306dfcc6560e41b815260d0600482015260248101839052604401610a28565b5f806118948585856118a1565b915091505b935093915050565b82545f9081908015611997575f6118bd87611230600185611bd4565b805490915065ffffffffffff80821691600160301b90046001600160d01b031690881682111561190057604051632520601d60e01b815260040160405180910390fd5b8765ffffffffffff168265ffffffffffff160361193957825465ffffffffffff16600160301b6001600160d01b03891602178355611989565b6040805180820190915265ffffffffffff808a1682526001600160d01b03808a1660208085019182528d54600181018f555f8f81529190912094519151909216600160301b029216919091179101555b945085935061189992505050565b50506040805180820190915265ffffffffffff80851682526001600160d01b0380851660208085019182528854600181018a555f8a815291822095519251909316600160301b029190931617920191909155905081611899565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b80356001600160a01b0381168114611a3c575f5ffd5b919050565b5f5f60408385031215611a52575f5ffd5b611a5b83611a26565b946020939093013593505050565b5f60208284031215611a79575f5ffd5b5035919050565b5f5f5f60608486031215611a92575f5ffd5b611a9b84611a26565b9250611aa960208501611a26565b929592945050506040919091013590565b5f5f60208385031215611acb575f5ffd5b823567ffffffffffffffff811115611ae1575f5ffd5b8301601f81018513611af1575f5ffd5b803567ffffffffffffffff811115611b07575f5ffd5b8560208260051b8401011115611b1b575f5ffd5b6020919091019590945092505050565b5f60208284031215611b3b575f5ffd5b61073882611a26565b5f5f60408385031215611b55575f5ffd5b611b5e83611a26565b9150611b6c60208401611a26565b90509250929050565b600181811c90821680611b8957607f821691505b602082108103611ba757634e487b7160e01b5f52602260045260245ffd5b50919050565b634e487b7160e01b5f52601160045260245ffd5b808201808211156106fc576106fc611bad565b818103818111156106fc576106fc611bad565b634e487b7160e01b5f52603260045260245ffd5b80820281158282048414176106fc576106fc611bad565b634e487b7160e01b5f52601260045260245ffd5b5f82611c4057634e487b7160e01b5f52601260045260245ffd5b50049056fe9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00a264697066735822122032e1f338a46eea8966201c4705d205839e047c1dba76ca6f03a11d973163af6a64736f6c63430008250033",
}

// RevenueShareToken is an auto generated Go binding around an Ethereum contract.
type RevenueShareToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *RevenueShareToken) GetABI() abi.ABI {
	return c.abi
}

// NewRevenueShareToken creates a new instance of RevenueShareToken.
func NewRevenueShareToken() *RevenueShareToken {
	parsed, err := RevenueShareTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &RevenueShareToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *RevenueShareToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(string name_, string symbol_, uint256 supply, address holder, address initialOwner, uint256 percentClaimable_, uint256 snapshotInterval_) returns()
func (revenueShareToken *RevenueShareToken) PackConstructor(name_ string, symbol_ string, supply *big.Int, holder common.Address, initialOwner common.Address, percentClaimable_ *big.Int, snapshotInterval_ *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("", name_, symbol_, supply, holder, initialOwner, percentClaimable_, snapshotInterval_)
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
func (revenueShareToken *RevenueShareToken) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := revenueShareToken.abi.Pack("allowance", owner, spender)
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
func (revenueShareToken *RevenueShareToken) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return revenueShareToken.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("allowance", data)
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
func (revenueShareToken *RevenueShareToken) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("approve", spender, value)
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
func (revenueShareToken *RevenueShareToken) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (revenueShareToken *RevenueShareToken) UnpackApprove(data []byte) (bool, error) {
	out, err := revenueShareToken.abi.Unpack("approve", data)
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
func (revenueShareToken *RevenueShareToken) PackBalanceOf(account common.Address) []byte {
	enc, err := revenueShareToken.abi.Pack("balanceOf", account)
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
func (revenueShareToken *RevenueShareToken) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return revenueShareToken.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackBalanceOfAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ee2cd7e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOfAt(address account, uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackBalanceOfAt(account common.Address, snapshotId *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("balanceOfAt", account, snapshotId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOfAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ee2cd7e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOfAt(address account, uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackBalanceOfAt(account common.Address, snapshotId *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("balanceOfAt", account, snapshotId)
}

// UnpackBalanceOfAt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4ee2cd7e.
//
// Solidity: function balanceOfAt(address account, uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackBalanceOfAt(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("balanceOfAt", data)
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
func (revenueShareToken *RevenueShareToken) PackBurn(amount *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("burn", amount)
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
func (revenueShareToken *RevenueShareToken) TryPackBurn(amount *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("burn", amount)
}

// PackBurnPool is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa54b2a73.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function burnPool() view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackBurnPool() []byte {
	enc, err := revenueShareToken.abi.Pack("burnPool")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBurnPool is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa54b2a73.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function burnPool() view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackBurnPool() ([]byte, error) {
	return revenueShareToken.abi.Pack("burnPool")
}

// UnpackBurnPool is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa54b2a73.
//
// Solidity: function burnPool() view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackBurnPool(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("burnPool", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x379607f5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(uint256 snapshotId) returns()
func (revenueShareToken *RevenueShareToken) PackClaim(snapshotId *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("claim", snapshotId)
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
func (revenueShareToken *RevenueShareToken) TryPackClaim(snapshotId *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("claim", snapshotId)
}

// PackClaimBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x62abebce.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimBatch(uint256[] snapshotIds) returns()
func (revenueShareToken *RevenueShareToken) PackClaimBatch(snapshotIds []*big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("claimBatch", snapshotIds)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x62abebce.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimBatch(uint256[] snapshotIds) returns()
func (revenueShareToken *RevenueShareToken) TryPackClaimBatch(snapshotIds []*big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("claimBatch", snapshotIds)
}

// PackClaimPool is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6bfd24b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimPool() view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackClaimPool() []byte {
	enc, err := revenueShareToken.abi.Pack("claimPool")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimPool is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6bfd24b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimPool() view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackClaimPool() ([]byte, error) {
	return revenueShareToken.abi.Pack("claimPool")
}

// UnpackClaimPool is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb6bfd24b.
//
// Solidity: function claimPool() view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackClaimPool(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("claimPool", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaimableAtSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xea60f2d7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimableAtSnapshot(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackClaimableAtSnapshot(snapshotId *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("claimableAtSnapshot", snapshotId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaimableAtSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xea60f2d7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claimableAtSnapshot(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackClaimableAtSnapshot(snapshotId *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("claimableAtSnapshot", snapshotId)
}

// UnpackClaimableAtSnapshot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xea60f2d7.
//
// Solidity: function claimableAtSnapshot(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackClaimableAtSnapshot(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("claimableAtSnapshot", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClaimableRevenue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2be2bb11.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claimableRevenue(address account, uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackClaimableRevenue(account common.Address, snapshotId *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("claimableRevenue", account, snapshotId)
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
func (revenueShareToken *RevenueShareToken) TryPackClaimableRevenue(account common.Address, snapshotId *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("claimableRevenue", account, snapshotId)
}

// UnpackClaimableRevenue is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2be2bb11.
//
// Solidity: function claimableRevenue(address account, uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackClaimableRevenue(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("claimableRevenue", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCurrentSnapshotId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x970875ce.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function currentSnapshotId() view returns(uint48)
func (revenueShareToken *RevenueShareToken) PackCurrentSnapshotId() []byte {
	enc, err := revenueShareToken.abi.Pack("currentSnapshotId")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCurrentSnapshotId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x970875ce.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function currentSnapshotId() view returns(uint48)
func (revenueShareToken *RevenueShareToken) TryPackCurrentSnapshotId() ([]byte, error) {
	return revenueShareToken.abi.Pack("currentSnapshotId")
}

// UnpackCurrentSnapshotId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x970875ce.
//
// Solidity: function currentSnapshotId() view returns(uint48)
func (revenueShareToken *RevenueShareToken) UnpackCurrentSnapshotId(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("currentSnapshotId", data)
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
func (revenueShareToken *RevenueShareToken) PackDecimals() []byte {
	enc, err := revenueShareToken.abi.Pack("decimals")
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
func (revenueShareToken *RevenueShareToken) TryPackDecimals() ([]byte, error) {
	return revenueShareToken.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (revenueShareToken *RevenueShareToken) UnpackDecimals(data []byte) (uint8, error) {
	out, err := revenueShareToken.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackHasClaimed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb2931096.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hasClaimed(address account, uint256 snapshotId) view returns(bool)
func (revenueShareToken *RevenueShareToken) PackHasClaimed(account common.Address, snapshotId *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("hasClaimed", account, snapshotId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHasClaimed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb2931096.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hasClaimed(address account, uint256 snapshotId) view returns(bool)
func (revenueShareToken *RevenueShareToken) TryPackHasClaimed(account common.Address, snapshotId *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("hasClaimed", account, snapshotId)
}

// UnpackHasClaimed is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb2931096.
//
// Solidity: function hasClaimed(address account, uint256 snapshotId) view returns(bool)
func (revenueShareToken *RevenueShareToken) UnpackHasClaimed(data []byte) (bool, error) {
	out, err := revenueShareToken.abi.Unpack("hasClaimed", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackLastSnapshotTime is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbe74baf2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function lastSnapshotTime() view returns(uint48)
func (revenueShareToken *RevenueShareToken) PackLastSnapshotTime() []byte {
	enc, err := revenueShareToken.abi.Pack("lastSnapshotTime")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLastSnapshotTime is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbe74baf2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function lastSnapshotTime() view returns(uint48)
func (revenueShareToken *RevenueShareToken) TryPackLastSnapshotTime() ([]byte, error) {
	return revenueShareToken.abi.Pack("lastSnapshotTime")
}

// UnpackLastSnapshotTime is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbe74baf2.
//
// Solidity: function lastSnapshotTime() view returns(uint48)
func (revenueShareToken *RevenueShareToken) UnpackLastSnapshotTime(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("lastSnapshotTime", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (revenueShareToken *RevenueShareToken) PackName() []byte {
	enc, err := revenueShareToken.abi.Pack("name")
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
func (revenueShareToken *RevenueShareToken) TryPackName() ([]byte, error) {
	return revenueShareToken.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (revenueShareToken *RevenueShareToken) UnpackName(data []byte) (string, error) {
	out, err := revenueShareToken.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackNextSnapshotTime is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa89cdad9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nextSnapshotTime() view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackNextSnapshotTime() []byte {
	enc, err := revenueShareToken.abi.Pack("nextSnapshotTime")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNextSnapshotTime is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa89cdad9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nextSnapshotTime() view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackNextSnapshotTime() ([]byte, error) {
	return revenueShareToken.abi.Pack("nextSnapshotTime")
}

// UnpackNextSnapshotTime is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa89cdad9.
//
// Solidity: function nextSnapshotTime() view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackNextSnapshotTime(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("nextSnapshotTime", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (revenueShareToken *RevenueShareToken) PackOwner() []byte {
	enc, err := revenueShareToken.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (revenueShareToken *RevenueShareToken) TryPackOwner() ([]byte, error) {
	return revenueShareToken.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (revenueShareToken *RevenueShareToken) UnpackOwner(data []byte) (common.Address, error) {
	out, err := revenueShareToken.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPendingRevenue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf9a758e5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pendingRevenue() view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackPendingRevenue() []byte {
	enc, err := revenueShareToken.abi.Pack("pendingRevenue")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPendingRevenue is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf9a758e5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pendingRevenue() view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackPendingRevenue() ([]byte, error) {
	return revenueShareToken.abi.Pack("pendingRevenue")
}

// UnpackPendingRevenue is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf9a758e5.
//
// Solidity: function pendingRevenue() view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackPendingRevenue(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("pendingRevenue", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPercentClaimable is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x32e2c0c2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function percentClaimable() view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackPercentClaimable() []byte {
	enc, err := revenueShareToken.abi.Pack("percentClaimable")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPercentClaimable is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x32e2c0c2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function percentClaimable() view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackPercentClaimable() ([]byte, error) {
	return revenueShareToken.abi.Pack("percentClaimable")
}

// UnpackPercentClaimable is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x32e2c0c2.
//
// Solidity: function percentClaimable() view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackPercentClaimable(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("percentClaimable", data)
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
func (revenueShareToken *RevenueShareToken) PackRedeemableOnBurn(amount *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("redeemableOnBurn", amount)
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
func (revenueShareToken *RevenueShareToken) TryPackRedeemableOnBurn(amount *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("redeemableOnBurn", amount)
}

// UnpackRedeemableOnBurn is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x24888f98.
//
// Solidity: function redeemableOnBurn(uint256 amount) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackRedeemableOnBurn(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("redeemableOnBurn", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRenounceOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x715018a6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function renounceOwnership() returns()
func (revenueShareToken *RevenueShareToken) PackRenounceOwnership() []byte {
	enc, err := revenueShareToken.abi.Pack("renounceOwnership")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRenounceOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x715018a6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function renounceOwnership() returns()
func (revenueShareToken *RevenueShareToken) TryPackRenounceOwnership() ([]byte, error) {
	return revenueShareToken.abi.Pack("renounceOwnership")
}

// PackSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9711715a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function snapshot() returns(uint256 snapshotId)
func (revenueShareToken *RevenueShareToken) PackSnapshot() []byte {
	enc, err := revenueShareToken.abi.Pack("snapshot")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSnapshot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9711715a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function snapshot() returns(uint256 snapshotId)
func (revenueShareToken *RevenueShareToken) TryPackSnapshot() ([]byte, error) {
	return revenueShareToken.abi.Pack("snapshot")
}

// UnpackSnapshot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9711715a.
//
// Solidity: function snapshot() returns(uint256 snapshotId)
func (revenueShareToken *RevenueShareToken) UnpackSnapshot(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("snapshot", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSnapshotBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x14c304fe.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function snapshotBlock(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackSnapshotBlock(snapshotId *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("snapshotBlock", snapshotId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSnapshotBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x14c304fe.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function snapshotBlock(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackSnapshotBlock(snapshotId *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("snapshotBlock", snapshotId)
}

// UnpackSnapshotBlock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x14c304fe.
//
// Solidity: function snapshotBlock(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackSnapshotBlock(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("snapshotBlock", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSnapshotInterval is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x07d0413c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function snapshotInterval() view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackSnapshotInterval() []byte {
	enc, err := revenueShareToken.abi.Pack("snapshotInterval")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSnapshotInterval is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x07d0413c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function snapshotInterval() view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackSnapshotInterval() ([]byte, error) {
	return revenueShareToken.abi.Pack("snapshotInterval")
}

// UnpackSnapshotInterval is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x07d0413c.
//
// Solidity: function snapshotInterval() view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackSnapshotInterval(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("snapshotInterval", data)
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
func (revenueShareToken *RevenueShareToken) PackSymbol() []byte {
	enc, err := revenueShareToken.abi.Pack("symbol")
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
func (revenueShareToken *RevenueShareToken) TryPackSymbol() ([]byte, error) {
	return revenueShareToken.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (revenueShareToken *RevenueShareToken) UnpackSymbol(data []byte) (string, error) {
	out, err := revenueShareToken.abi.Unpack("symbol", data)
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
func (revenueShareToken *RevenueShareToken) PackTotalSupply() []byte {
	enc, err := revenueShareToken.abi.Pack("totalSupply")
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
func (revenueShareToken *RevenueShareToken) TryPackTotalSupply() ([]byte, error) {
	return revenueShareToken.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTotalSupplyAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x981b24d0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupplyAt(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) PackTotalSupplyAt(snapshotId *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("totalSupplyAt", snapshotId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupplyAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x981b24d0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupplyAt(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) TryPackTotalSupplyAt(snapshotId *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("totalSupplyAt", snapshotId)
}

// UnpackTotalSupplyAt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x981b24d0.
//
// Solidity: function totalSupplyAt(uint256 snapshotId) view returns(uint256)
func (revenueShareToken *RevenueShareToken) UnpackTotalSupplyAt(data []byte) (*big.Int, error) {
	out, err := revenueShareToken.abi.Unpack("totalSupplyAt", data)
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
func (revenueShareToken *RevenueShareToken) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("transfer", to, value)
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
func (revenueShareToken *RevenueShareToken) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (revenueShareToken *RevenueShareToken) UnpackTransfer(data []byte) (bool, error) {
	out, err := revenueShareToken.abi.Unpack("transfer", data)
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
func (revenueShareToken *RevenueShareToken) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := revenueShareToken.abi.Pack("transferFrom", from, to, value)
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
func (revenueShareToken *RevenueShareToken) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return revenueShareToken.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (revenueShareToken *RevenueShareToken) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := revenueShareToken.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (revenueShareToken *RevenueShareToken) PackTransferOwnership(newOwner common.Address) []byte {
	enc, err := revenueShareToken.abi.Pack("transferOwnership", newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (revenueShareToken *RevenueShareToken) TryPackTransferOwnership(newOwner common.Address) ([]byte, error) {
	return revenueShareToken.abi.Pack("transferOwnership", newOwner)
}

// RevenueShareTokenApproval represents a Approval event raised by the RevenueShareToken contract.
type RevenueShareTokenApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const RevenueShareTokenApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (RevenueShareTokenApproval) ContractEventName() string {
	return RevenueShareTokenApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (revenueShareToken *RevenueShareToken) UnpackApprovalEvent(log *types.Log) (*RevenueShareTokenApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != revenueShareToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RevenueShareTokenApproval)
	if len(log.Data) > 0 {
		if err := revenueShareToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range revenueShareToken.abi.Events[event].Inputs {
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

// RevenueShareTokenClaim represents a Claim event raised by the RevenueShareToken contract.
type RevenueShareTokenClaim struct {
	Account    common.Address
	SnapshotId *big.Int
	Amount     *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const RevenueShareTokenClaimEventName = "Claim"

// ContractEventName returns the user-defined event name.
func (RevenueShareTokenClaim) ContractEventName() string {
	return RevenueShareTokenClaimEventName
}

// UnpackClaimEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Claim(address indexed account, uint256 indexed snapshotId, uint256 amount)
func (revenueShareToken *RevenueShareToken) UnpackClaimEvent(log *types.Log) (*RevenueShareTokenClaim, error) {
	event := "Claim"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != revenueShareToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RevenueShareTokenClaim)
	if len(log.Data) > 0 {
		if err := revenueShareToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range revenueShareToken.abi.Events[event].Inputs {
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

// RevenueShareTokenOwnershipTransferred represents a OwnershipTransferred event raised by the RevenueShareToken contract.
type RevenueShareTokenOwnershipTransferred struct {
	PreviousOwner common.Address
	NewOwner      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const RevenueShareTokenOwnershipTransferredEventName = "OwnershipTransferred"

// ContractEventName returns the user-defined event name.
func (RevenueShareTokenOwnershipTransferred) ContractEventName() string {
	return RevenueShareTokenOwnershipTransferredEventName
}

// UnpackOwnershipTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)
func (revenueShareToken *RevenueShareToken) UnpackOwnershipTransferredEvent(log *types.Log) (*RevenueShareTokenOwnershipTransferred, error) {
	event := "OwnershipTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != revenueShareToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RevenueShareTokenOwnershipTransferred)
	if len(log.Data) > 0 {
		if err := revenueShareToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range revenueShareToken.abi.Events[event].Inputs {
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

// RevenueShareTokenRedeem represents a Redeem event raised by the RevenueShareToken contract.
type RevenueShareTokenRedeem struct {
	Account common.Address
	Burned  *big.Int
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const RevenueShareTokenRedeemEventName = "Redeem"

// ContractEventName returns the user-defined event name.
func (RevenueShareTokenRedeem) ContractEventName() string {
	return RevenueShareTokenRedeemEventName
}

// UnpackRedeemEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Redeem(address indexed account, uint256 burned, uint256 amount)
func (revenueShareToken *RevenueShareToken) UnpackRedeemEvent(log *types.Log) (*RevenueShareTokenRedeem, error) {
	event := "Redeem"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != revenueShareToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RevenueShareTokenRedeem)
	if len(log.Data) > 0 {
		if err := revenueShareToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range revenueShareToken.abi.Events[event].Inputs {
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

// RevenueShareTokenRevenueReceived represents a RevenueReceived event raised by the RevenueShareToken contract.
type RevenueShareTokenRevenueReceived struct {
	From   common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const RevenueShareTokenRevenueReceivedEventName = "RevenueReceived"

// ContractEventName returns the user-defined event name.
func (RevenueShareTokenRevenueReceived) ContractEventName() string {
	return RevenueShareTokenRevenueReceivedEventName
}

// UnpackRevenueReceivedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RevenueReceived(address indexed from, uint256 amount)
func (revenueShareToken *RevenueShareToken) UnpackRevenueReceivedEvent(log *types.Log) (*RevenueShareTokenRevenueReceived, error) {
	event := "RevenueReceived"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != revenueShareToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RevenueShareTokenRevenueReceived)
	if len(log.Data) > 0 {
		if err := revenueShareToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range revenueShareToken.abi.Events[event].Inputs {
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

// RevenueShareTokenSnapshot represents a Snapshot event raised by the RevenueShareToken contract.
type RevenueShareTokenSnapshot struct {
	SnapshotId *big.Int
	NewRevenue *big.Int
	Claimable  *big.Int
	ToBurnPool *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const RevenueShareTokenSnapshotEventName = "Snapshot"

// ContractEventName returns the user-defined event name.
func (RevenueShareTokenSnapshot) ContractEventName() string {
	return RevenueShareTokenSnapshotEventName
}

// UnpackSnapshotEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Snapshot(uint256 indexed snapshotId, uint256 newRevenue, uint256 claimable, uint256 toBurnPool)
func (revenueShareToken *RevenueShareToken) UnpackSnapshotEvent(log *types.Log) (*RevenueShareTokenSnapshot, error) {
	event := "Snapshot"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != revenueShareToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RevenueShareTokenSnapshot)
	if len(log.Data) > 0 {
		if err := revenueShareToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range revenueShareToken.abi.Events[event].Inputs {
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

// RevenueShareTokenTransfer represents a Transfer event raised by the RevenueShareToken contract.
type RevenueShareTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const RevenueShareTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (RevenueShareTokenTransfer) ContractEventName() string {
	return RevenueShareTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (revenueShareToken *RevenueShareToken) UnpackTransferEvent(log *types.Log) (*RevenueShareTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != revenueShareToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(RevenueShareTokenTransfer)
	if len(log.Data) > 0 {
		if err := revenueShareToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range revenueShareToken.abi.Events[event].Inputs {
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
func (revenueShareToken *RevenueShareToken) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["CheckpointUnorderedInsertion"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackCheckpointUnorderedInsertionError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC20InsufficientAllowance"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC20InsufficientAllowanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC20InsufficientBalance"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC20InsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC20InvalidApprover"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC20InvalidApproverError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC20InvalidReceiver"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC20InvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC20InvalidSender"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC20InvalidSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC20InvalidSpender"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC20InvalidSpenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC7641AlreadyClaimed"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC7641AlreadyClaimedError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC7641InvalidInterval"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC7641InvalidIntervalError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC7641InvalidPercent"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC7641InvalidPercentError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC7641InvalidSnapshot"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC7641InvalidSnapshotError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC7641NothingToClaim"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC7641NothingToClaimError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC7641SnapshotTooSoon"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC7641SnapshotTooSoonError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ERC7641ZeroAmount"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackERC7641ZeroAmountError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["FailedCall"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackFailedCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["InsufficientBalance"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackInsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["OwnableInvalidOwner"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackOwnableInvalidOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["OwnableUnauthorizedAccount"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackOwnableUnauthorizedAccountError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], revenueShareToken.abi.Errors["SafeCastOverflowedUintDowncast"].ID.Bytes()[:4]) {
		return revenueShareToken.UnpackSafeCastOverflowedUintDowncastError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// RevenueShareTokenCheckpointUnorderedInsertion represents a CheckpointUnorderedInsertion error raised by the RevenueShareToken contract.
type RevenueShareTokenCheckpointUnorderedInsertion struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CheckpointUnorderedInsertion()
func RevenueShareTokenCheckpointUnorderedInsertionErrorID() common.Hash {
	return common.HexToHash("0x2520601d9d60b717c34a36ad270857824c5a1ebbfd08ff39aba6930089495cfa")
}

// UnpackCheckpointUnorderedInsertionError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CheckpointUnorderedInsertion()
func (revenueShareToken *RevenueShareToken) UnpackCheckpointUnorderedInsertionError(raw []byte) (*RevenueShareTokenCheckpointUnorderedInsertion, error) {
	out := new(RevenueShareTokenCheckpointUnorderedInsertion)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "CheckpointUnorderedInsertion", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC20InsufficientAllowance represents a ERC20InsufficientAllowance error raised by the RevenueShareToken contract.
type RevenueShareTokenERC20InsufficientAllowance struct {
	Spender   common.Address
	Allowance *big.Int
	Needed    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func RevenueShareTokenERC20InsufficientAllowanceErrorID() common.Hash {
	return common.HexToHash("0xfb8f41b23e99d2101d86da76cdfa87dd51c82ed07d3cb62cbc473e469dbc75c3")
}

// UnpackERC20InsufficientAllowanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func (revenueShareToken *RevenueShareToken) UnpackERC20InsufficientAllowanceError(raw []byte) (*RevenueShareTokenERC20InsufficientAllowance, error) {
	out := new(RevenueShareTokenERC20InsufficientAllowance)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC20InsufficientAllowance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC20InsufficientBalance represents a ERC20InsufficientBalance error raised by the RevenueShareToken contract.
type RevenueShareTokenERC20InsufficientBalance struct {
	Sender  common.Address
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func RevenueShareTokenERC20InsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xe450d38cd8d9f7d95077d567d60ed49c7254716e6ad08fc9872816c97e0ffec6")
}

// UnpackERC20InsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func (revenueShareToken *RevenueShareToken) UnpackERC20InsufficientBalanceError(raw []byte) (*RevenueShareTokenERC20InsufficientBalance, error) {
	out := new(RevenueShareTokenERC20InsufficientBalance)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC20InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC20InvalidApprover represents a ERC20InvalidApprover error raised by the RevenueShareToken contract.
type RevenueShareTokenERC20InvalidApprover struct {
	Approver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidApprover(address approver)
func RevenueShareTokenERC20InvalidApproverErrorID() common.Hash {
	return common.HexToHash("0xe602df05cc75712490294c6c104ab7c17f4030363910a7a2626411c6d3118847")
}

// UnpackERC20InvalidApproverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidApprover(address approver)
func (revenueShareToken *RevenueShareToken) UnpackERC20InvalidApproverError(raw []byte) (*RevenueShareTokenERC20InvalidApprover, error) {
	out := new(RevenueShareTokenERC20InvalidApprover)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC20InvalidApprover", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC20InvalidReceiver represents a ERC20InvalidReceiver error raised by the RevenueShareToken contract.
type RevenueShareTokenERC20InvalidReceiver struct {
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func RevenueShareTokenERC20InvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0xec442f055133b72f3b2f9f0bb351c406b178527de2040a7d1feb4e058771f613")
}

// UnpackERC20InvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func (revenueShareToken *RevenueShareToken) UnpackERC20InvalidReceiverError(raw []byte) (*RevenueShareTokenERC20InvalidReceiver, error) {
	out := new(RevenueShareTokenERC20InvalidReceiver)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC20InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC20InvalidSender represents a ERC20InvalidSender error raised by the RevenueShareToken contract.
type RevenueShareTokenERC20InvalidSender struct {
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSender(address sender)
func RevenueShareTokenERC20InvalidSenderErrorID() common.Hash {
	return common.HexToHash("0x96c6fd1edd0cd6ef7ff0ecc0facdf53148dc0048b57fe58af65755250a7a96bd")
}

// UnpackERC20InvalidSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSender(address sender)
func (revenueShareToken *RevenueShareToken) UnpackERC20InvalidSenderError(raw []byte) (*RevenueShareTokenERC20InvalidSender, error) {
	out := new(RevenueShareTokenERC20InvalidSender)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC20InvalidSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC20InvalidSpender represents a ERC20InvalidSpender error raised by the RevenueShareToken contract.
type RevenueShareTokenERC20InvalidSpender struct {
	Spender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSpender(address spender)
func RevenueShareTokenERC20InvalidSpenderErrorID() common.Hash {
	return common.HexToHash("0x94280d62c347d8d9f4d59a76ea321452406db88df38e0c9da304f58b57b373a2")
}

// UnpackERC20InvalidSpenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSpender(address spender)
func (revenueShareToken *RevenueShareToken) UnpackERC20InvalidSpenderError(raw []byte) (*RevenueShareTokenERC20InvalidSpender, error) {
	out := new(RevenueShareTokenERC20InvalidSpender)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC20InvalidSpender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC7641AlreadyClaimed represents a ERC7641AlreadyClaimed error raised by the RevenueShareToken contract.
type RevenueShareTokenERC7641AlreadyClaimed struct {
	Account    common.Address
	SnapshotId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC7641AlreadyClaimed(address account, uint256 snapshotId)
func RevenueShareTokenERC7641AlreadyClaimedErrorID() common.Hash {
	return common.HexToHash("0xf2577b062173ff05c8dacd2341cabecc5f7ebaa00a839d936585545e150dab43")
}

// UnpackERC7641AlreadyClaimedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC7641AlreadyClaimed(address account, uint256 snapshotId)
func (revenueShareToken *RevenueShareToken) UnpackERC7641AlreadyClaimedError(raw []byte) (*RevenueShareTokenERC7641AlreadyClaimed, error) {
	out := new(RevenueShareTokenERC7641AlreadyClaimed)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC7641AlreadyClaimed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC7641InvalidInterval represents a ERC7641InvalidInterval error raised by the RevenueShareToken contract.
type RevenueShareTokenERC7641InvalidInterval struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC7641InvalidInterval()
func RevenueShareTokenERC7641InvalidIntervalErrorID() common.Hash {
	return common.HexToHash("0xebd3f194d0ecc00a3d2644a2bafbc1ac7c6c7c5bb343340d7d216081ec1d7cfe")
}

// UnpackERC7641InvalidIntervalError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC7641InvalidInterval()
func (revenueShareToken *RevenueShareToken) UnpackERC7641InvalidIntervalError(raw []byte) (*RevenueShareTokenERC7641InvalidInterval, error) {
	out := new(RevenueShareTokenERC7641InvalidInterval)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC7641InvalidInterval", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC7641InvalidPercent represents a ERC7641InvalidPercent error raised by the RevenueShareToken contract.
type RevenueShareTokenERC7641InvalidPercent struct {
	PercentClaimable *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC7641InvalidPercent(uint256 percentClaimable)
func RevenueShareTokenERC7641InvalidPercentErrorID() common.Hash {
	return common.HexToHash("0x946e349d89eb36d0ab28756b6c78af9eb7dfc64387a9c50b0cf68dcaacdce5e8")
}

// UnpackERC7641InvalidPercentError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC7641InvalidPercent(uint256 percentClaimable)
func (revenueShareToken *RevenueShareToken) UnpackERC7641InvalidPercentError(raw []byte) (*RevenueShareTokenERC7641InvalidPercent, error) {
	out := new(RevenueShareTokenERC7641InvalidPercent)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC7641InvalidPercent", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC7641InvalidSnapshot represents a ERC7641InvalidSnapshot error raised by the RevenueShareToken contract.
type RevenueShareTokenERC7641InvalidSnapshot struct {
	SnapshotId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC7641InvalidSnapshot(uint256 snapshotId)
func RevenueShareTokenERC7641InvalidSnapshotErrorID() common.Hash {
	return common.HexToHash("0xd1d787c3ff72d1790b49806078e478fd2bbee0e047bb6377eda1ce2eda576cd9")
}

// UnpackERC7641InvalidSnapshotError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC7641InvalidSnapshot(uint256 snapshotId)
func (revenueShareToken *RevenueShareToken) UnpackERC7641InvalidSnapshotError(raw []byte) (*RevenueShareTokenERC7641InvalidSnapshot, error) {
	out := new(RevenueShareTokenERC7641InvalidSnapshot)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC7641InvalidSnapshot", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC7641NothingToClaim represents a ERC7641NothingToClaim error raised by the RevenueShareToken contract.
type RevenueShareTokenERC7641NothingToClaim struct {
	Account    common.Address
	SnapshotId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC7641NothingToClaim(address account, uint256 snapshotId)
func RevenueShareTokenERC7641NothingToClaimErrorID() common.Hash {
	return common.HexToHash("0x4fce46cc52242594af3ef34fd4c942d1747861bf6018fa163e9bc10397d574f3")
}

// UnpackERC7641NothingToClaimError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC7641NothingToClaim(address account, uint256 snapshotId)
func (revenueShareToken *RevenueShareToken) UnpackERC7641NothingToClaimError(raw []byte) (*RevenueShareTokenERC7641NothingToClaim, error) {
	out := new(RevenueShareTokenERC7641NothingToClaim)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC7641NothingToClaim", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC7641SnapshotTooSoon represents a ERC7641SnapshotTooSoon error raised by the RevenueShareToken contract.
type RevenueShareTokenERC7641SnapshotTooSoon struct {
	NotBefore *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC7641SnapshotTooSoon(uint256 notBefore)
func RevenueShareTokenERC7641SnapshotTooSoonErrorID() common.Hash {
	return common.HexToHash("0x182310ecf227a9abe12bda3cbc191dff5704456fe6645094d5047512515cf360")
}

// UnpackERC7641SnapshotTooSoonError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC7641SnapshotTooSoon(uint256 notBefore)
func (revenueShareToken *RevenueShareToken) UnpackERC7641SnapshotTooSoonError(raw []byte) (*RevenueShareTokenERC7641SnapshotTooSoon, error) {
	out := new(RevenueShareTokenERC7641SnapshotTooSoon)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC7641SnapshotTooSoon", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenERC7641ZeroAmount represents a ERC7641ZeroAmount error raised by the RevenueShareToken contract.
type RevenueShareTokenERC7641ZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC7641ZeroAmount()
func RevenueShareTokenERC7641ZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x271cd5cd80265056eeb0652e115308bd964fe7984f63e0f37d7d1a05ec2ec753")
}

// UnpackERC7641ZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC7641ZeroAmount()
func (revenueShareToken *RevenueShareToken) UnpackERC7641ZeroAmountError(raw []byte) (*RevenueShareTokenERC7641ZeroAmount, error) {
	out := new(RevenueShareTokenERC7641ZeroAmount)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ERC7641ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenFailedCall represents a FailedCall error raised by the RevenueShareToken contract.
type RevenueShareTokenFailedCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error FailedCall()
func RevenueShareTokenFailedCallErrorID() common.Hash {
	return common.HexToHash("0xd6bda27508c0fb6d8a39b4b122878dab26f731a7d4e4abe711dd3731899052a4")
}

// UnpackFailedCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error FailedCall()
func (revenueShareToken *RevenueShareToken) UnpackFailedCallError(raw []byte) (*RevenueShareTokenFailedCall, error) {
	out := new(RevenueShareTokenFailedCall)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "FailedCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenInsufficientBalance represents a InsufficientBalance error raised by the RevenueShareToken contract.
type RevenueShareTokenInsufficientBalance struct {
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientBalance(uint256 balance, uint256 needed)
func RevenueShareTokenInsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xcf4791818fba6e019216eb4864093b4947f674afada5d305e57d598b641dad1d")
}

// UnpackInsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientBalance(uint256 balance, uint256 needed)
func (revenueShareToken *RevenueShareToken) UnpackInsufficientBalanceError(raw []byte) (*RevenueShareTokenInsufficientBalance, error) {
	out := new(RevenueShareTokenInsufficientBalance)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenOwnableInvalidOwner represents a OwnableInvalidOwner error raised by the RevenueShareToken contract.
type RevenueShareTokenOwnableInvalidOwner struct {
	Owner common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OwnableInvalidOwner(address owner)
func RevenueShareTokenOwnableInvalidOwnerErrorID() common.Hash {
	return common.HexToHash("0x1e4fbdf7f3ef8bcaa855599e3abf48b232380f183f08f6f813d9ffa5bd585188")
}

// UnpackOwnableInvalidOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OwnableInvalidOwner(address owner)
func (revenueShareToken *RevenueShareToken) UnpackOwnableInvalidOwnerError(raw []byte) (*RevenueShareTokenOwnableInvalidOwner, error) {
	out := new(RevenueShareTokenOwnableInvalidOwner)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "OwnableInvalidOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenOwnableUnauthorizedAccount represents a OwnableUnauthorizedAccount error raised by the RevenueShareToken contract.
type RevenueShareTokenOwnableUnauthorizedAccount struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OwnableUnauthorizedAccount(address account)
func RevenueShareTokenOwnableUnauthorizedAccountErrorID() common.Hash {
	return common.HexToHash("0x118cdaa7a341953d1887a2245fd6665d741c67c8c50581daa59e1d03373fa188")
}

// UnpackOwnableUnauthorizedAccountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OwnableUnauthorizedAccount(address account)
func (revenueShareToken *RevenueShareToken) UnpackOwnableUnauthorizedAccountError(raw []byte) (*RevenueShareTokenOwnableUnauthorizedAccount, error) {
	out := new(RevenueShareTokenOwnableUnauthorizedAccount)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "OwnableUnauthorizedAccount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the RevenueShareToken contract.
type RevenueShareTokenReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func RevenueShareTokenReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (revenueShareToken *RevenueShareToken) UnpackReentrancyGuardReentrantCallError(raw []byte) (*RevenueShareTokenReentrancyGuardReentrantCall, error) {
	out := new(RevenueShareTokenReentrancyGuardReentrantCall)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// RevenueShareTokenSafeCastOverflowedUintDowncast represents a SafeCastOverflowedUintDowncast error raised by the RevenueShareToken contract.
type RevenueShareTokenSafeCastOverflowedUintDowncast struct {
	Bits  uint8
	Value *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func RevenueShareTokenSafeCastOverflowedUintDowncastErrorID() common.Hash {
	return common.HexToHash("0x6dfcc6503a32754ce7a89698e18201fc5294fd4aad43edefee786f88423b1a12")
}

// UnpackSafeCastOverflowedUintDowncastError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func (revenueShareToken *RevenueShareToken) UnpackSafeCastOverflowedUintDowncastError(raw []byte) (*RevenueShareTokenSafeCastOverflowedUintDowncast, error) {
	out := new(RevenueShareTokenSafeCastOverflowedUintDowncast)
	if err := revenueShareToken.abi.UnpackIntoInterface(out, "SafeCastOverflowedUintDowncast", raw); err != nil {
		return nil, err
	}
	return out, nil
}
