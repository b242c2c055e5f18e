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

// UsageSettlementReceipt is an auto generated low-level Go binding around an user-defined struct.
type UsageSettlementReceipt struct {
	Id               [32]byte
	Model            common.Address
	Payer            [32]byte
	Seq              uint64
	Timestamp        uint64
	PromptTokens     uint32
	CompletionTokens uint32
	Fee              *big.Int
	RequestHash      [32]byte
	ResponseHash     [32]byte
}

// UsageSettlementMetaData contains all meta data concerning the UsageSettlement contract.
var UsageSettlementMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"firstSeq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"lastSeq\",\"type\":\"uint64\"}],\"name\":\"EmptyRange\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"FailedCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"NoOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"}],\"name\":\"NoSigner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"NotAContract\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotTokenOwner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expected\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"got\",\"type\":\"uint64\"}],\"name\":\"WrongBatchId\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expected\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"got\",\"type\":\"uint64\"}],\"name\":\"WrongFirstSeq\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroSigner\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"endorsed\",\"type\":\"bool\"}],\"name\":\"OperatorEndorsed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"batchId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"firstSeq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"lastSeq\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"receiptCount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"Settled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousSigner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"SignerSet\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"DOMAIN_SEPARATOR\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"RECEIPT_TYPE\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"RECEIPT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"batchId\",\"type\":\"uint64\"}],\"name\":\"getBatch\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"firstSeq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"lastSeq\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"}],\"name\":\"isEndorsed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"nextBatchId\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"nextSeq\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"model\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"payer\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"promptTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"completionTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint256\",\"name\":\"fee\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"requestHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"responseHash\",\"type\":\"bytes32\"}],\"internalType\":\"structUsageSettlement.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"}],\"name\":\"receiptDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"model\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"payer\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"promptTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"completionTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint256\",\"name\":\"fee\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"requestHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"responseHash\",\"type\":\"bytes32\"}],\"internalType\":\"structUsageSettlement.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"}],\"name\":\"receiptLeaf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"endorsed\",\"type\":\"bool\"}],\"name\":\"setEndorsement\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"}],\"name\":\"setSigner\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"batchId\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"firstSeq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"lastSeq\",\"type\":\"uint64\"}],\"name\":\"settle\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"}],\"name\":\"signerOf\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"batchId\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"model\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"payer\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"promptTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"completionTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint256\",\"name\":\"fee\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"requestHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"responseHash\",\"type\":\"bytes32\"}],\"internalType\":\"structUsageSettlement.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes32[]\",\"name\":\"proof\",\"type\":\"bytes32[]\"}],\"name\":\"verifyReceipt\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"batchId\",\"type\":\"uint64\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"model\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"payer\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"seq\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"promptTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint32\",\"name\":\"completionTokens\",\"type\":\"uint32\"},{\"internalType\":\"uint256\",\"name\":\"fee\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"requestHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"responseHash\",\"type\":\"bytes32\"}],\"internalType\":\"structUsageSettlement.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"verifyReceiptSignature\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "UsageSettlement",
	Bin: "0x610160604052348015610010575f5ffd5b5060405180604001604052806007815260200166696d6f6761746560c81b815250604051806040016040528060018152602001603160f81b81525061005a8261010160201b60201c565b6101205261006781610101565b61014052815160208084019190912060e052815190820120610100524660a0526100f360e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c0526101a2565b5f5f829050601f81511115610134578260405163305a27a960e01b815260040161012b9190610147565b60405180910390fd5b805161013f8261017c565b179392505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b8051602080830151919081101561019c575f198160200360031b1b821691505b50919050565b60805160a05160c05160e05161010051610120516101405161190a6101f35f395f610f9601525f610f6b01525f610e3201525f610e0a01525f610d6501525f610d8f01525f610db9015261190a5ff3fe6080604052600436106100ef575f3560e01c80636c19e78311610087578063ab55f75411610057578063ab55f75414610333578063d4d1737f14610352578063d625189314610371578063f75165db14610384575f5ffd5b80636c19e7831461027f57806384b0196e146102a057806395850f59146102c757806396258896146102db575f5ffd5b80634ef68fd2116100c25780634ef68fd21461018d5780635187b399146101c45780635449edf0146101e35780635b5175d514610230575f5ffd5b80631a3ec5f1146100f357806327df4fc21461011d5780632a62ea8c1461014c5780633644e5151461016b575b5f5ffd5b3480156100fe575f5ffd5b506101076103a3565b60405161011491906112ee565b60405180910390f35b348015610128575f5ffd5b5061013c610137366004611348565b6103bf565b6040519015158152602001610114565b348015610157575f5ffd5b5061013c6101663660046113fb565b610491565b348015610176575f5ffd5b5061017f6105a4565b604051908152602001610114565b348015610198575f5ffd5b506101ac6101a7366004611496565b6105b2565b6040516001600160401b039091168152602001610114565b3480156101cf575f5ffd5b5061013c6101de366004611496565b6105fd565b3480156101ee575f5ffd5b506101ac6101fd366004611496565b6001600160a01b039182165f9081526003602090815260408083209390941682529190915220546001600160401b031690565b34801561023b575f5ffd5b5061026761024a3660046114c7565b6001600160a01b039081165f908152600260205260409020541690565b6040516001600160a01b039091168152602001610114565b34801561028a575f5ffd5b5061029e6102993660046114c7565b61066a565b005b3480156102ab575f5ffd5b506102b46106ee565b60405161011497969594939291906114e0565b3480156102d2575f5ffd5b5061017f610730565b3480156102e6575f5ffd5b506102fa6102f5366004611576565b610753565b60405161011494939291909384526001600160401b039283166020850152911660408301526001600160a01b0316606082015260800190565b34801561033e575f5ffd5b5061017f61034d3660046115b6565b61084e565b34801561035d575f5ffd5b5061029e61036c3660046115d1565b61089d565b61029e61037f366004611619565b61099e565b34801561038f575f5ffd5b5061017f61039e3660046115b6565b610caf565b6040518060e0016040528060ac815260200161182960ac913981565b5f6001600160a01b0386166103da60408601602087016114c7565b6001600160a01b0316146103ef57505f610487565b5f5f5f6103fd8a8a8a610753565b509194509250905082158061043257506001600160401b0382166104276080890160608a01611673565b6001600160401b0316105b8061045d57506001600160401b0381166104526080890160608a01611673565b6001600160401b0316115b1561046d575f9350505050610487565b61048186868561047c8b610caf565b610cfb565b93505050505b9695505050505050565b5f6001600160a01b0386166104ac60408601602087016114c7565b6001600160a01b0316146104c157505f610487565b5f5f5f6104cf8a8a8a610753565b91955093509150506001600160a01b038116158061050d57506001600160401b0383166105026080890160608a01611673565b6001600160401b0316105b8061053857506001600160401b03821661052d6080890160608a01611673565b6001600160401b0316115b15610548575f9350505050610487565b5f5f61055d6105568a61084e565b8989610d12565b5090925090505f8160038111156105765761057661168c565b1480156105945750826001600160a01b0316826001600160a01b0316145b9c9b505050505050505050505050565b5f6105ad610d59565b905090565b6001600160a01b038281165f9081526003602090815260408083209385168352929052908120546105f490600160401b90046001600160401b031660016116b4565b90505b92915050565b6001600160a01b038083165f908152600460209081526040808320858516845290915281205490911680610634575f9150506105f7565b5f5f61063f86610e82565b915091508180156104875750826001600160a01b0316816001600160a01b0316149695505050505050565b6001600160a01b0381166106915760405163e5c48ac560e01b815260040160405180910390fd5b335f8181526002602052604080822080546001600160a01b038681166001600160a01b0319831681179093559251921693909284927f01e7d9da6e5a480e65545d59959ae63a2ae2251f641f46f4039f73ad9e1bb7009190a45050565b5f6060805f5f5f60606106ff610f64565b610707610f8f565b604080515f80825260208201909252600f60f81b9b939a50919850469750309650945092509050565b6040518060e0016040528060ac815260200161182960ac91398051906020012081565b6001600160a01b038084165f90815260036020908152604080832093861683529290529081208054829182918291906001600160401b03908116908716106107a757505f9350839250829150819050610845565b6001600160401b0386165f8181526001830160205260409020901561081657816001015f6001896107d891906116d3565b6001600160401b031681526020019081526020015f2060010160149054906101000a90046001600160401b0316600161081191906116b4565b610819565b60015b815460019092015491965094506001600160401b03600160a01b82041693506001600160a01b03169150505b93509350935093565b5f6105f76040518060e0016040528060ac815260200161182960ac91398051602091820120604051610882928691016117b0565b60405160208183030381529060405280519060200120610fba565b5f5f6108a885610e82565b91509150816108da576040516330dcdecd60e01b81526001600160a01b03861660048201526024015b60405180910390fd5b336001600160a01b0382161461091457604051630e9ea65f60e21b81526001600160a01b03861660048201523360248201526044016108d1565b8261091f575f610921565b805b6001600160a01b038681165f8181526004602090815260408083208a86168085529083529281902080546001600160a01b03191696861696909617909555935187151581529285169390927f957b5caee296109e2663a37346872014ec7ae8841db1b0bc251f689788cf12df910160405180910390a45050505050565b6109a6610fe6565b335f908152600260205260409020546001600160a01b0316806109de57604051638b4e9f3f60e01b81523360048201526024016108d1565b836109fc5760405163b263ae7360e01b815260040160405180910390fd5b826001600160401b0316826001600160401b03161015610a42576040516324bbe5a360e21b81526001600160401b038085166004830152831660248201526044016108d1565b856001600160a01b03163b5f03610a77576040516322a2d07b60e21b81526001600160a01b03871660048201526024016108d1565b335f9081526003602090815260408083206001600160a01b038a168452909152902080546001600160401b03878116911614610adc57805460405163d728ca2960e01b81526001600160401b03918216600482015290871660248201526044016108d1565b8054610af990600160401b90046001600160401b031660016116b4565b6001600160401b0316846001600160401b031614610b5b578054610b2e90600160401b90046001600160401b031660016116b4565b604051639794ed3f60e01b81526001600160401b03918216600482015290851660248201526044016108d1565b610b668660016116b4565b81546001600160401b03858116600160401b81026fffffffffffffffffffffffffffffffff1990931693821693909317919091178355604080516060810182528881526001600160a01b0380871660208084019182528385019687528c86165f8181526001808b0190935295909520935184559051920180549551909416600160a01b026001600160e01b03199095169181169190911793909317909155908816337fe7ffe1fb3f33babc36277b87ba9881662cf6fe8259e4aab68b0d0d6e3ab82e8f888888610c3682826116d3565b610c4a906001600160401b031660016117c5565b604080519485526001600160401b039384166020860152919092169083015260608201523460808201526001600160a01b03871660a082015260c00160405180910390a43415610c9e57610c9e873461101d565b5050610ca8611094565b5050505050565b5f81604051602001610cc191906117d8565b60408051601f1981840301815282825280516020918201209083015201604051602081830303815290604052805190602001209050919050565b5f82610d088686856110be565b1495945050505050565b5f80806041849003610d46578435602086013560408701355f1a610d3889828585611101565b955095509550505050610d50565b505f915060029050825b93509350939050565b5f306001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016148015610db157507f000000000000000000000000000000000000000000000000000000000000000046145b15610ddb57507f000000000000000000000000000000000000000000000000000000000000000090565b6105ad604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60408051600481526024810182526020810180516001600160e01b0316638da5cb5b60e01b17905290515f918291829182916001600160a01b03871691610ec8916117e7565b5f60405180830381855afa9150503d805f8114610f00576040519150601f19603f3d011682016040523d82523d5f602084013e610f05565b606091505b5091509150811580610f18575060208151105b15610f2957505f9485945092505050565b5f81806020019051810190610f3e91906117fd565b905060a081901c15610f5757505f958695509350505050565b6001969095509350505050565b60606105ad7f00000000000000000000000000000000000000000000000000000000000000006111c9565b60606105ad7f00000000000000000000000000000000000000000000000000000000000000006111c9565b5f6105f7610fc6610d59565b8360405161190160f01b8152600281019290925260228201526042902090565b610fee611206565b61101b60017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005b90611246565b565b804710156110475760405163cf47918160e01b8152476004820152602481018290526044016108d1565b611060828260405180602001604052805f81525061124d565b15611069575050565b3d1561107b57611077611262565b5050565b60405163d6bda27560e01b815260040160405180910390fd5b61101b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00611015565b5f81815b848110156110f6576110ec828787848181106110e0576110e0611814565b9050602002013561126d565b91506001016110c2565b5090505b9392505050565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084111561113a57505f915060039050826111bf565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa15801561118b573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b0381166111b657505f9250600191508290506111bf565b92505f91508190505b9450945094915050565b60605f6111d583611299565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c1561101b57604051633ee5aeb560e01b815260040160405180910390fd5b80825d5050565b5f5f5f83516020850186885af1949350505050565b6040513d5f823e3d81fd5b5f818310611287575f8281526020849052604090206105f4565b5f8381526020839052604090206105f4565b5f60ff8216601f8111156105f757604051632cd44ac360e21b815260040160405180910390fd5b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f6105f460208301846112c0565b80356001600160a01b0381168114611316575f5ffd5b919050565b80356001600160401b0381168114611316575f5ffd5b5f6101408284031215611342575f5ffd5b50919050565b5f5f5f5f5f5f6101c0878903121561135e575f5ffd5b61136787611300565b955061137560208801611300565b94506113836040880161131b565b93506113928860608901611331565b92506101a08701356001600160401b038111156113ad575f5ffd5b8701601f810189136113bd575f5ffd5b80356001600160401b038111156113d2575f5ffd5b8960208260051b84010111156113e6575f5ffd5b60208201935080925050509295509295509295565b5f5f5f5f5f5f6101c08789031215611411575f5ffd5b61141a87611300565b955061142860208801611300565b94506114366040880161131b565b93506114458860608901611331565b92506101a08701356001600160401b03811115611460575f5ffd5b8701601f81018913611470575f5ffd5b80356001600160401b03811115611485575f5ffd5b8960208284010111156113e6575f5ffd5b5f5f604083850312156114a7575f5ffd5b6114b083611300565b91506114be60208401611300565b90509250929050565b5f602082840312156114d7575f5ffd5b6105f482611300565b60ff60f81b8816815260e060208201525f6114fe60e08301896112c0565b828103604084015261151081896112c0565b606084018890526001600160a01b038716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b81811015611565578351835260209384019390920191600101611547565b50909b9a5050505050505050505050565b5f5f5f60608486031215611588575f5ffd5b61159184611300565b925061159f60208501611300565b91506115ad6040850161131b565b90509250925092565b5f61014082840312156115c7575f5ffd5b6105f48383611331565b5f5f5f606084860312156115e3575f5ffd5b6115ec84611300565b92506115fa60208501611300565b91506040840135801515811461160e575f5ffd5b809150509250925092565b5f5f5f5f5f60a0868803121561162d575f5ffd5b61163686611300565b94506116446020870161131b565b9350604086013592506116596060870161131b565b91506116676080870161131b565b90509295509295909350565b5f60208284031215611683575f5ffd5b6105f48261131b565b634e487b7160e01b5f52602160045260245ffd5b634e487b7160e01b5f52601160045260245ffd5b6001600160401b0381811683821601908111156105f7576105f76116a0565b6001600160401b0382811682821603908111156105f7576105f76116a0565b803563ffffffff81168114611316575f5ffd5b8035825261171560208201611300565b6001600160a01b03166020830152604081810135908301526117396060820161131b565b6001600160401b031660608301526117536080820161131b565b6001600160401b0316608083015261176d60a082016116f2565b63ffffffff1660a083015261178460c082016116f2565b63ffffffff1660c083015260e08181013590830152610100808201359083015261012090810135910152565b82815261016081016110fa6020830184611705565b808201808211156105f7576105f76116a0565b61014081016105f78284611705565b5f82518060208501845e5f920191825250919050565b5f6020828403121561180d575f5ffd5b5051919050565b634e487b7160e01b5f52603260045260245ffdfe5265636569707428627974657333322069642c61646472657373206d6f64656c2c627974657333322070617965722c75696e743634207365712c75696e7436342074696d657374616d702c75696e7433322070726f6d7074546f6b656e732c75696e74333220636f6d706c6574696f6e546f6b656e732c75696e74323536206665652c627974657333322072657175657374486173682c6279746573333220726573706f6e73654861736829a2646970667358221220eebaa178ab842e27af4e3f6aa94f164e13af6a4ea42585148076c6151c7a59fb64736f6c63430008250033",
}

// UsageSettlement is an auto generated Go binding around an Ethereum contract.
type UsageSettlement struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *UsageSettlement) GetABI() abi.ABI {
	return c.abi
}

// NewUsageSettlement creates a new instance of UsageSettlement.
func NewUsageSettlement() *UsageSettlement {
	parsed, err := UsageSettlementMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &UsageSettlement{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *UsageSettlement) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackDOMAINSEPARATOR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3644e515.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (usageSettlement *UsageSettlement) PackDOMAINSEPARATOR() []byte {
	enc, err := usageSettlement.abi.Pack("DOMAIN_SEPARATOR")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDOMAINSEPARATOR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3644e515.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (usageSettlement *UsageSettlement) TryPackDOMAINSEPARATOR() ([]byte, error) {
	return usageSettlement.abi.Pack("DOMAIN_SEPARATOR")
}

// UnpackDOMAINSEPARATOR is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3644e515.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (usageSettlement *UsageSettlement) UnpackDOMAINSEPARATOR(data []byte) ([32]byte, error) {
	out, err := usageSettlement.abi.Unpack("DOMAIN_SEPARATOR", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackRECEIPTTYPE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1a3ec5f1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function RECEIPT_TYPE() view returns(string)
func (usageSettlement *UsageSettlement) PackRECEIPTTYPE() []byte {
	enc, err := usageSettlement.abi.Pack("RECEIPT_TYPE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRECEIPTTYPE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1a3ec5f1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function RECEIPT_TYPE() view returns(string)
func (usageSettlement *UsageSettlement) TryPackRECEIPTTYPE() ([]byte, error) {
	return usageSettlement.abi.Pack("RECEIPT_TYPE")
}

// UnpackRECEIPTTYPE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1a3ec5f1.
//
// Solidity: function RECEIPT_TYPE() view returns(string)
func (usageSettlement *UsageSettlement) UnpackRECEIPTTYPE(data []byte) (string, error) {
	out, err := usageSettlement.abi.Unpack("RECEIPT_TYPE", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackRECEIPTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95850f59.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (usageSettlement *UsageSettlement) PackRECEIPTTYPEHASH() []byte {
	enc, err := usageSettlement.abi.Pack("RECEIPT_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRECEIPTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95850f59.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (usageSettlement *UsageSettlement) TryPackRECEIPTTYPEHASH() ([]byte, error) {
	return usageSettlement.abi.Pack("RECEIPT_TYPEHASH")
}

// UnpackRECEIPTTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95850f59.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (usageSettlement *UsageSettlement) UnpackRECEIPTTYPEHASH(data []byte) ([32]byte, error) {
	out, err := usageSettlement.abi.Unpack("RECEIPT_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (usageSettlement *UsageSettlement) PackEip712Domain() []byte {
	enc, err := usageSettlement.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (usageSettlement *UsageSettlement) TryPackEip712Domain() ([]byte, error) {
	return usageSettlement.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (usageSettlement *UsageSettlement) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := usageSettlement.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackGetBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x96258896.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getBatch(address operator, address token, uint64 batchId) view returns(bytes32 root, uint64 firstSeq, uint64 lastSeq, address signer)
func (usageSettlement *UsageSettlement) PackGetBatch(operator common.Address, token common.Address, batchId uint64) []byte {
	enc, err := usageSettlement.abi.Pack("getBatch", operator, token, batchId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x96258896.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getBatch(address operator, address token, uint64 batchId) view returns(bytes32 root, uint64 firstSeq, uint64 lastSeq, address signer)
func (usageSettlement *UsageSettlement) TryPackGetBatch(operator common.Address, token common.Address, batchId uint64) ([]byte, error) {
	return usageSettlement.abi.Pack("getBatch", operator, token, batchId)
}

// GetBatchOutput serves as a container for the return parameters of contract
// method GetBatch.
type GetBatchOutput struct {
	Root     [32]byte
	FirstSeq uint64
	LastSeq  uint64
	Signer   common.Address
}

// UnpackGetBatch is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x96258896.
//
// Solidity: function getBatch(address operator, address token, uint64 batchId) view returns(bytes32 root, uint64 firstSeq, uint64 lastSeq, address signer)
func (usageSettlement *UsageSettlement) UnpackGetBatch(data []byte) (GetBatchOutput, error) {
	out, err := usageSettlement.abi.Unpack("getBatch", data)
	outstruct := new(GetBatchOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Root = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.FirstSeq = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	outstruct.LastSeq = *abi.ConvertType(out[2], new(uint64)).(*uint64)
	outstruct.Signer = *abi.ConvertType(out[3], new(common.Address)).(*common.Address)
	return *outstruct, nil
}

// PackIsEndorsed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5187b399.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isEndorsed(address token, address operator) view returns(bool)
func (usageSettlement *UsageSettlement) PackIsEndorsed(token common.Address, operator common.Address) []byte {
	enc, err := usageSettlement.abi.Pack("isEndorsed", token, operator)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsEndorsed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5187b399.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isEndorsed(address token, address operator) view returns(bool)
func (usageSettlement *UsageSettlement) TryPackIsEndorsed(token common.Address, operator common.Address) ([]byte, error) {
	return usageSettlement.abi.Pack("isEndorsed", token, operator)
}

// UnpackIsEndorsed is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5187b399.
//
// Solidity: function isEndorsed(address token, address operator) view returns(bool)
func (usageSettlement *UsageSettlement) UnpackIsEndorsed(data []byte) (bool, error) {
	out, err := usageSettlement.abi.Unpack("isEndorsed", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackNextBatchId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5449edf0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nextBatchId(address operator, address token) view returns(uint64)
func (usageSettlement *UsageSettlement) PackNextBatchId(operator common.Address, token common.Address) []byte {
	enc, err := usageSettlement.abi.Pack("nextBatchId", operator, token)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNextBatchId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5449edf0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nextBatchId(address operator, address token) view returns(uint64)
func (usageSettlement *UsageSettlement) TryPackNextBatchId(operator common.Address, token common.Address) ([]byte, error) {
	return usageSettlement.abi.Pack("nextBatchId", operator, token)
}

// UnpackNextBatchId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5449edf0.
//
// Solidity: function nextBatchId(address operator, address token) view returns(uint64)
func (usageSettlement *UsageSettlement) UnpackNextBatchId(data []byte) (uint64, error) {
	out, err := usageSettlement.abi.Unpack("nextBatchId", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackNextSeq is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ef68fd2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nextSeq(address operator, address token) view returns(uint64)
func (usageSettlement *UsageSettlement) PackNextSeq(operator common.Address, token common.Address) []byte {
	enc, err := usageSettlement.abi.Pack("nextSeq", operator, token)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNextSeq is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ef68fd2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nextSeq(address operator, address token) view returns(uint64)
func (usageSettlement *UsageSettlement) TryPackNextSeq(operator common.Address, token common.Address) ([]byte, error) {
	return usageSettlement.abi.Pack("nextSeq", operator, token)
}

// UnpackNextSeq is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4ef68fd2.
//
// Solidity: function nextSeq(address operator, address token) view returns(uint64)
func (usageSettlement *UsageSettlement) UnpackNextSeq(data []byte) (uint64, error) {
	out, err := usageSettlement.abi.Unpack("nextSeq", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackReceiptDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab55f754.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function receiptDigest((bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt) view returns(bytes32)
func (usageSettlement *UsageSettlement) PackReceiptDigest(receipt UsageSettlementReceipt) []byte {
	enc, err := usageSettlement.abi.Pack("receiptDigest", receipt)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReceiptDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab55f754.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function receiptDigest((bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt) view returns(bytes32)
func (usageSettlement *UsageSettlement) TryPackReceiptDigest(receipt UsageSettlementReceipt) ([]byte, error) {
	return usageSettlement.abi.Pack("receiptDigest", receipt)
}

// UnpackReceiptDigest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xab55f754.
//
// Solidity: function receiptDigest((bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt) view returns(bytes32)
func (usageSettlement *UsageSettlement) UnpackReceiptDigest(data []byte) ([32]byte, error) {
	out, err := usageSettlement.abi.Unpack("receiptDigest", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackReceiptLeaf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf75165db.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function receiptLeaf((bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt) pure returns(bytes32)
func (usageSettlement *UsageSettlement) PackReceiptLeaf(receipt UsageSettlementReceipt) []byte {
	enc, err := usageSettlement.abi.Pack("receiptLeaf", receipt)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReceiptLeaf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf75165db.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function receiptLeaf((bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt) pure returns(bytes32)
func (usageSettlement *UsageSettlement) TryPackReceiptLeaf(receipt UsageSettlementReceipt) ([]byte, error) {
	return usageSettlement.abi.Pack("receiptLeaf", receipt)
}

// UnpackReceiptLeaf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf75165db.
//
// Solidity: function receiptLeaf((bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt) pure returns(bytes32)
func (usageSettlement *UsageSettlement) UnpackReceiptLeaf(data []byte) ([32]byte, error) {
	out, err := usageSettlement.abi.Unpack("receiptLeaf", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackSetEndorsement is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd4d1737f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setEndorsement(address token, address operator, bool endorsed) returns()
func (usageSettlement *UsageSettlement) PackSetEndorsement(token common.Address, operator common.Address, endorsed bool) []byte {
	enc, err := usageSettlement.abi.Pack("setEndorsement", token, operator, endorsed)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetEndorsement is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd4d1737f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setEndorsement(address token, address operator, bool endorsed) returns()
func (usageSettlement *UsageSettlement) TryPackSetEndorsement(token common.Address, operator common.Address, endorsed bool) ([]byte, error) {
	return usageSettlement.abi.Pack("setEndorsement", token, operator, endorsed)
}

// PackSetSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6c19e783.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setSigner(address signer) returns()
func (usageSettlement *UsageSettlement) PackSetSigner(signer common.Address) []byte {
	enc, err := usageSettlement.abi.Pack("setSigner", signer)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6c19e783.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setSigner(address signer) returns()
func (usageSettlement *UsageSettlement) TryPackSetSigner(signer common.Address) ([]byte, error) {
	return usageSettlement.abi.Pack("setSigner", signer)
}

// PackSettle is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd6251893.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function settle(address token, uint64 batchId, bytes32 root, uint64 firstSeq, uint64 lastSeq) payable returns()
func (usageSettlement *UsageSettlement) PackSettle(token common.Address, batchId uint64, root [32]byte, firstSeq uint64, lastSeq uint64) []byte {
	enc, err := usageSettlement.abi.Pack("settle", token, batchId, root, firstSeq, lastSeq)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSettle is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd6251893.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function settle(address token, uint64 batchId, bytes32 root, uint64 firstSeq, uint64 lastSeq) payable returns()
func (usageSettlement *UsageSettlement) TryPackSettle(token common.Address, batchId uint64, root [32]byte, firstSeq uint64, lastSeq uint64) ([]byte, error) {
	return usageSettlement.abi.Pack("settle", token, batchId, root, firstSeq, lastSeq)
}

// PackSignerOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b5175d5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function signerOf(address operator) view returns(address)
func (usageSettlement *UsageSettlement) PackSignerOf(operator common.Address) []byte {
	enc, err := usageSettlement.abi.Pack("signerOf", operator)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSignerOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5b5175d5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function signerOf(address operator) view returns(address)
func (usageSettlement *UsageSettlement) TryPackSignerOf(operator common.Address) ([]byte, error) {
	return usageSettlement.abi.Pack("signerOf", operator)
}

// UnpackSignerOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5b5175d5.
//
// Solidity: function signerOf(address operator) view returns(address)
func (usageSettlement *UsageSettlement) UnpackSignerOf(data []byte) (common.Address, error) {
	out, err := usageSettlement.abi.Unpack("signerOf", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackVerifyReceipt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27df4fc2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function verifyReceipt(address operator, address token, uint64 batchId, (bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt, bytes32[] proof) view returns(bool)
func (usageSettlement *UsageSettlement) PackVerifyReceipt(operator common.Address, token common.Address, batchId uint64, receipt UsageSettlementReceipt, proof [][32]byte) []byte {
	enc, err := usageSettlement.abi.Pack("verifyReceipt", operator, token, batchId, receipt, proof)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVerifyReceipt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27df4fc2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function verifyReceipt(address operator, address token, uint64 batchId, (bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt, bytes32[] proof) view returns(bool)
func (usageSettlement *UsageSettlement) TryPackVerifyReceipt(operator common.Address, token common.Address, batchId uint64, receipt UsageSettlementReceipt, proof [][32]byte) ([]byte, error) {
	return usageSettlement.abi.Pack("verifyReceipt", operator, token, batchId, receipt, proof)
}

// UnpackVerifyReceipt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x27df4fc2.
//
// Solidity: function verifyReceipt(address operator, address token, uint64 batchId, (bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt, bytes32[] proof) view returns(bool)
func (usageSettlement *UsageSettlement) UnpackVerifyReceipt(data []byte) (bool, error) {
	out, err := usageSettlement.abi.Unpack("verifyReceipt", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackVerifyReceiptSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2a62ea8c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function verifyReceiptSignature(address operator, address token, uint64 batchId, (bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt, bytes signature) view returns(bool)
func (usageSettlement *UsageSettlement) PackVerifyReceiptSignature(operator common.Address, token common.Address, batchId uint64, receipt UsageSettlementReceipt, signature []byte) []byte {
	enc, err := usageSettlement.abi.Pack("verifyReceiptSignature", operator, token, batchId, receipt, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVerifyReceiptSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2a62ea8c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function verifyReceiptSignature(address operator, address token, uint64 batchId, (bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt, bytes signature) view returns(bool)
func (usageSettlement *UsageSettlement) TryPackVerifyReceiptSignature(operator common.Address, token common.Address, batchId uint64, receipt UsageSettlementReceipt, signature []byte) ([]byte, error) {
	return usageSettlement.abi.Pack("verifyReceiptSignature", operator, token, batchId, receipt, signature)
}

// UnpackVerifyReceiptSignature is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2a62ea8c.
//
// Solidity: function verifyReceiptSignature(address operator, address token, uint64 batchId, (bytes32,address,bytes32,uint64,uint64,uint32,uint32,uint256,bytes32,bytes32) receipt, bytes signature) view returns(bool)
func (usageSettlement *UsageSettlement) UnpackVerifyReceiptSignature(data []byte) (bool, error) {
	out, err := usageSettlement.abi.Unpack("verifyReceiptSignature", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// UsageSettlementEIP712DomainChanged represents a EIP712DomainChanged event raised by the UsageSettlement contract.
type UsageSettlementEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const UsageSettlementEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (UsageSettlementEIP712DomainChanged) ContractEventName() string {
	return UsageSettlementEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (usageSettlement *UsageSettlement) UnpackEIP712DomainChangedEvent(log *types.Log) (*UsageSettlementEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != usageSettlement.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(UsageSettlementEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := usageSettlement.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range usageSettlement.abi.Events[event].Inputs {
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

// UsageSettlementOperatorEndorsed represents a OperatorEndorsed event raised by the UsageSettlement contract.
type UsageSettlementOperatorEndorsed struct {
	Token    common.Address
	Operator common.Address
	Owner    common.Address
	Endorsed bool
	Raw      *types.Log // Blockchain specific contextual infos
}

const UsageSettlementOperatorEndorsedEventName = "OperatorEndorsed"

// ContractEventName returns the user-defined event name.
func (UsageSettlementOperatorEndorsed) ContractEventName() string {
	return UsageSettlementOperatorEndorsedEventName
}

// UnpackOperatorEndorsedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OperatorEndorsed(address indexed token, address indexed operator, address indexed owner, bool endorsed)
func (usageSettlement *UsageSettlement) UnpackOperatorEndorsedEvent(log *types.Log) (*UsageSettlementOperatorEndorsed, error) {
	event := "OperatorEndorsed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != usageSettlement.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(UsageSettlementOperatorEndorsed)
	if len(log.Data) > 0 {
		if err := usageSettlement.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range usageSettlement.abi.Events[event].Inputs {
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

// UsageSettlementSettled represents a Settled event raised by the UsageSettlement contract.
type UsageSettlementSettled struct {
	Operator     common.Address
	Token        common.Address
	BatchId      *big.Int
	Root         [32]byte
	FirstSeq     uint64
	LastSeq      uint64
	ReceiptCount *big.Int
	Value        *big.Int
	Signer       common.Address
	Raw          *types.Log // Blockchain specific contextual infos
}

const UsageSettlementSettledEventName = "Settled"

// ContractEventName returns the user-defined event name.
func (UsageSettlementSettled) ContractEventName() string {
	return UsageSettlementSettledEventName
}

// UnpackSettledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Settled(address indexed operator, address indexed token, uint256 indexed batchId, bytes32 root, uint64 firstSeq, uint64 lastSeq, uint256 receiptCount, uint256 value, address signer)
func (usageSettlement *UsageSettlement) UnpackSettledEvent(log *types.Log) (*UsageSettlementSettled, error) {
	event := "Settled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != usageSettlement.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(UsageSettlementSettled)
	if len(log.Data) > 0 {
		if err := usageSettlement.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range usageSettlement.abi.Events[event].Inputs {
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

// UsageSettlementSignerSet represents a SignerSet event raised by the UsageSettlement contract.
type UsageSettlementSignerSet struct {
	Operator       common.Address
	PreviousSigner common.Address
	Signer         common.Address
	Raw            *types.Log // Blockchain specific contextual infos
}

const UsageSettlementSignerSetEventName = "SignerSet"

// ContractEventName returns the user-defined event name.
func (UsageSettlementSignerSet) ContractEventName() string {
	return UsageSettlementSignerSetEventName
}

// UnpackSignerSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SignerSet(address indexed operator, address indexed previousSigner, address indexed signer)
func (usageSettlement *UsageSettlement) UnpackSignerSetEvent(log *types.Log) (*UsageSettlementSignerSet, error) {
	event := "SignerSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != usageSettlement.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(UsageSettlementSignerSet)
	if len(log.Data) > 0 {
		if err := usageSettlement.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range usageSettlement.abi.Events[event].Inputs {
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
func (usageSettlement *UsageSettlement) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["EmptyRange"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackEmptyRangeError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["FailedCall"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackFailedCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["InsufficientBalance"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackInsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["NoOwner"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackNoOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["NoSigner"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackNoSignerError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["NotAContract"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackNotAContractError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["NotTokenOwner"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackNotTokenOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackStringTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["WrongBatchId"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackWrongBatchIdError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["WrongFirstSeq"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackWrongFirstSeqError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["ZeroRoot"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackZeroRootError(raw[4:])
	}
	if bytes.Equal(raw[:4], usageSettlement.abi.Errors["ZeroSigner"].ID.Bytes()[:4]) {
		return usageSettlement.UnpackZeroSignerError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// UsageSettlementEmptyRange represents a EmptyRange error raised by the UsageSettlement contract.
type UsageSettlementEmptyRange struct {
	FirstSeq uint64
	LastSeq  uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error EmptyRange(uint64 firstSeq, uint64 lastSeq)
func UsageSettlementEmptyRangeErrorID() common.Hash {
	return common.HexToHash("0x92ef968c0bfcef8f4b7cd75ce478a079d15f45d4a337121804a8ddd7565b4d7e")
}

// UnpackEmptyRangeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error EmptyRange(uint64 firstSeq, uint64 lastSeq)
func (usageSettlement *UsageSettlement) UnpackEmptyRangeError(raw []byte) (*UsageSettlementEmptyRange, error) {
	out := new(UsageSettlementEmptyRange)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "EmptyRange", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementFailedCall represents a FailedCall error raised by the UsageSettlement contract.
type UsageSettlementFailedCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error FailedCall()
func UsageSettlementFailedCallErrorID() common.Hash {
	return common.HexToHash("0xd6bda27508c0fb6d8a39b4b122878dab26f731a7d4e4abe711dd3731899052a4")
}

// UnpackFailedCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error FailedCall()
func (usageSettlement *UsageSettlement) UnpackFailedCallError(raw []byte) (*UsageSettlementFailedCall, error) {
	out := new(UsageSettlementFailedCall)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "FailedCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementInsufficientBalance represents a InsufficientBalance error raised by the UsageSettlement contract.
type UsageSettlementInsufficientBalance struct {
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientBalance(uint256 balance, uint256 needed)
func UsageSettlementInsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xcf4791818fba6e019216eb4864093b4947f674afada5d305e57d598b641dad1d")
}

// UnpackInsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientBalance(uint256 balance, uint256 needed)
func (usageSettlement *UsageSettlement) UnpackInsufficientBalanceError(raw []byte) (*UsageSettlementInsufficientBalance, error) {
	out := new(UsageSettlementInsufficientBalance)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementInvalidShortString represents a InvalidShortString error raised by the UsageSettlement contract.
type UsageSettlementInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func UsageSettlementInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (usageSettlement *UsageSettlement) UnpackInvalidShortStringError(raw []byte) (*UsageSettlementInvalidShortString, error) {
	out := new(UsageSettlementInvalidShortString)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementNoOwner represents a NoOwner error raised by the UsageSettlement contract.
type UsageSettlementNoOwner struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoOwner(address token)
func UsageSettlementNoOwnerErrorID() common.Hash {
	return common.HexToHash("0x30dcdecd83ef17c0593d6983c6be97d5b55b312818ab604cc7df660d8bc0cd81")
}

// UnpackNoOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoOwner(address token)
func (usageSettlement *UsageSettlement) UnpackNoOwnerError(raw []byte) (*UsageSettlementNoOwner, error) {
	out := new(UsageSettlementNoOwner)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "NoOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementNoSigner represents a NoSigner error raised by the UsageSettlement contract.
type UsageSettlementNoSigner struct {
	Operator common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoSigner(address operator)
func UsageSettlementNoSignerErrorID() common.Hash {
	return common.HexToHash("0x8b4e9f3ff829594e8a04d6c3b9ae29dc66b80ef31377975d3ec4a50f6c062b2a")
}

// UnpackNoSignerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoSigner(address operator)
func (usageSettlement *UsageSettlement) UnpackNoSignerError(raw []byte) (*UsageSettlementNoSigner, error) {
	out := new(UsageSettlementNoSigner)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "NoSigner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementNotAContract represents a NotAContract error raised by the UsageSettlement contract.
type UsageSettlementNotAContract struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotAContract(address token)
func UsageSettlementNotAContractErrorID() common.Hash {
	return common.HexToHash("0x8a8b41ec6b8382733436ac0321a506b0d1e41dc29c8650d1fd1ff17e726ab809")
}

// UnpackNotAContractError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotAContract(address token)
func (usageSettlement *UsageSettlement) UnpackNotAContractError(raw []byte) (*UsageSettlementNotAContract, error) {
	out := new(UsageSettlementNotAContract)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "NotAContract", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementNotTokenOwner represents a NotTokenOwner error raised by the UsageSettlement contract.
type UsageSettlementNotTokenOwner struct {
	Token  common.Address
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotTokenOwner(address token, address caller)
func UsageSettlementNotTokenOwnerErrorID() common.Hash {
	return common.HexToHash("0x3a7a997c1c5dbe7ece7a156ada936dad11e1d7e32c6055c9b55374bd954002be")
}

// UnpackNotTokenOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotTokenOwner(address token, address caller)
func (usageSettlement *UsageSettlement) UnpackNotTokenOwnerError(raw []byte) (*UsageSettlementNotTokenOwner, error) {
	out := new(UsageSettlementNotTokenOwner)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "NotTokenOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the UsageSettlement contract.
type UsageSettlementReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func UsageSettlementReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (usageSettlement *UsageSettlement) UnpackReentrancyGuardReentrantCallError(raw []byte) (*UsageSettlementReentrancyGuardReentrantCall, error) {
	out := new(UsageSettlementReentrancyGuardReentrantCall)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementStringTooLong represents a StringTooLong error raised by the UsageSettlement contract.
type UsageSettlementStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func UsageSettlementStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (usageSettlement *UsageSettlement) UnpackStringTooLongError(raw []byte) (*UsageSettlementStringTooLong, error) {
	out := new(UsageSettlementStringTooLong)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementWrongBatchId represents a WrongBatchId error raised by the UsageSettlement contract.
type UsageSettlementWrongBatchId struct {
	Expected uint64
	Got      uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongBatchId(uint64 expected, uint64 got)
func UsageSettlementWrongBatchIdErrorID() common.Hash {
	return common.HexToHash("0xd728ca29ac2fbaeece3edfbef29342956029c637e17a756df50fbb20b0dac8db")
}

// UnpackWrongBatchIdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongBatchId(uint64 expected, uint64 got)
func (usageSettlement *UsageSettlement) UnpackWrongBatchIdError(raw []byte) (*UsageSettlementWrongBatchId, error) {
	out := new(UsageSettlementWrongBatchId)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "WrongBatchId", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementWrongFirstSeq represents a WrongFirstSeq error raised by the UsageSettlement contract.
type UsageSettlementWrongFirstSeq struct {
	Expected uint64
	Got      uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongFirstSeq(uint64 expected, uint64 got)
func UsageSettlementWrongFirstSeqErrorID() common.Hash {
	return common.HexToHash("0x9794ed3fd5c49a1c3d836ecbc490f0ba7d8fb26462d5e92792eeec883f8bc8b9")
}

// UnpackWrongFirstSeqError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongFirstSeq(uint64 expected, uint64 got)
func (usageSettlement *UsageSettlement) UnpackWrongFirstSeqError(raw []byte) (*UsageSettlementWrongFirstSeq, error) {
	out := new(UsageSettlementWrongFirstSeq)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "WrongFirstSeq", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementZeroRoot represents a ZeroRoot error raised by the UsageSettlement contract.
type UsageSettlementZeroRoot struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroRoot()
func UsageSettlementZeroRootErrorID() common.Hash {
	return common.HexToHash("0xb263ae738e814ca9af6ee56bb85daa47624e790421913c947dcba2aac07cfdbd")
}

// UnpackZeroRootError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroRoot()
func (usageSettlement *UsageSettlement) UnpackZeroRootError(raw []byte) (*UsageSettlementZeroRoot, error) {
	out := new(UsageSettlementZeroRoot)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "ZeroRoot", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// UsageSettlementZeroSigner represents a ZeroSigner error raised by the UsageSettlement contract.
type UsageSettlementZeroSigner struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroSigner()
func UsageSettlementZeroSignerErrorID() common.Hash {
	return common.HexToHash("0xe5c48ac578e050f5a863729c359600666b17bce09ec64f88719c5ce6fc799f6a")
}

// UnpackZeroSignerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroSigner()
func (usageSettlement *UsageSettlement) UnpackZeroSignerError(raw []byte) (*UsageSettlementZeroSigner, error) {
	out := new(UsageSettlementZeroSigner)
	if err := usageSettlement.abi.UnpackIntoInterface(out, "ZeroSigner", raw); err != nil {
		return nil, err
	}
	return out, nil
}
