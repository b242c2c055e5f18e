package metering

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// ReceiptType is the EIP-712 type string of a receipt. Its field order is part
// of every signature ever issued: it is frozen, and a golden vector in
// testdata/ guards it.
const ReceiptType = "Receipt(bytes32 id,address model,bytes32 payer,uint64 seq,uint64 timestamp," +
	"uint32 promptTokens,uint32 completionTokens,uint256 fee,bytes32 requestHash,bytes32 responseHash)"

// domainType is the EIP-712 domain type used by imogate (name, version,
// chainId, verifyingContract).
const domainType = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"

// Domain names and versions pinned by DESIGN.md.
const (
	DomainName    = "imogate"
	DomainVersion = "1"
)

var (
	receiptTypeHash = crypto.Keccak256Hash([]byte(ReceiptType))
	domainTypeHash  = crypto.Keccak256Hash([]byte(domainType))
	secp256k1N      = crypto.S256().Params().N
	secp256k1HalfN  = new(big.Int).Rsh(secp256k1N, 1)
	maxUint256      = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
)

// ReceiptTypeHash returns keccak256 of ReceiptType.
func ReceiptTypeHash() common.Hash { return receiptTypeHash }

// Receipt is one paid call's usage record, exactly the EIP-712 struct of
// DESIGN.md. Fee is in wei and never nil in a valid receipt.
type Receipt struct {
	ID               common.Hash    // unique receipt id
	Model            common.Address // the model's ERC-7641 token address
	Payer            common.Hash    // pseudonymous hash of the API key id (never the key)
	Seq              uint64         // gap-free sequence per (operator, model), from 1
	Timestamp        uint64         // unix milliseconds
	PromptTokens     uint32
	CompletionTokens uint32
	Fee              *big.Int    // wei
	RequestHash      common.Hash // keccak256 of the exact request body bytes
	ResponseHash     common.Hash // keccak256 of the exact response bytes sent
}

// Domain is the EIP-712 domain a receipt is signed under.
type Domain struct {
	Name              string
	Version           string
	ChainID           *big.Int
	VerifyingContract common.Address // the UsageSettlement contract
}

// NewDomain returns imogate's domain ("imogate", "1") for a chain and
// settlement contract.
func NewDomain(chainID *big.Int, verifyingContract common.Address) Domain {
	return Domain{Name: DomainName, Version: DomainVersion, ChainID: new(big.Int).Set(chainID), VerifyingContract: verifyingContract}
}

// Separator returns the EIP-712 domain separator.
func (d Domain) Separator() common.Hash {
	buf := make([]byte, 0, 5*32)
	buf = append(buf, domainTypeHash[:]...)
	buf = append(buf, crypto.Keccak256([]byte(d.Name))...)
	buf = append(buf, crypto.Keccak256([]byte(d.Version))...)
	buf = append(buf, word(d.ChainID)...)
	buf = append(buf, common.LeftPadBytes(d.VerifyingContract[:], 32)...)
	return crypto.Keccak256Hash(buf)
}

// ErrInvalidReceipt is returned for a receipt that cannot be encoded (nil or
// out-of-range fee).
var ErrInvalidReceipt = errors.New("invalid receipt")

// Validate checks the fields that the type system does not.
func (r *Receipt) Validate() error {
	if r.Fee == nil {
		return fmt.Errorf("%w: fee is missing", ErrInvalidReceipt)
	}
	if r.Fee.Sign() < 0 || r.Fee.Cmp(maxUint256) > 0 {
		return fmt.Errorf("%w: fee out of uint256 range", ErrInvalidReceipt)
	}
	return nil
}

// EncodeFields returns abi.encode of the receipt's fields in type order
// (10 words). It is the body of both the EIP-712 struct hash (after the type
// hash) and the OpenZeppelin standard Merkle leaf.
func (r *Receipt) EncodeFields() []byte {
	buf := make([]byte, 0, 10*32)
	return r.appendFields(buf)
}

func (r *Receipt) appendFields(buf []byte) []byte {
	var w [32]byte
	buf = append(buf, r.ID[:]...)
	buf = append(buf, common.LeftPadBytes(r.Model[:], 32)...)
	buf = append(buf, r.Payer[:]...)
	buf = append(buf, uintWord(&w, r.Seq)...)
	buf = append(buf, uintWord(&w, r.Timestamp)...)
	buf = append(buf, uintWord(&w, uint64(r.PromptTokens))...)
	buf = append(buf, uintWord(&w, uint64(r.CompletionTokens))...)
	buf = append(buf, word(r.Fee)...)
	buf = append(buf, r.RequestHash[:]...)
	buf = append(buf, r.ResponseHash[:]...)
	return buf
}

// StructHash returns the EIP-712 hashStruct of the receipt.
func (r *Receipt) StructHash() common.Hash {
	buf := make([]byte, 0, 11*32)
	buf = append(buf, receiptTypeHash[:]...)
	buf = r.appendFields(buf)
	return crypto.Keccak256Hash(buf)
}

// Digest returns the EIP-712 digest keccak256("\x19\x01" ‖ separator ‖ structHash).
func (r *Receipt) Digest(d Domain) common.Hash {
	return digest(d.Separator(), r.StructHash())
}

func digest(separator, structHash common.Hash) common.Hash {
	buf := make([]byte, 0, 66)
	buf = append(buf, 0x19, 0x01)
	buf = append(buf, separator[:]...)
	buf = append(buf, structHash[:]...)
	return crypto.Keccak256Hash(buf)
}

// Leaf returns the OpenZeppelin StandardMerkleTree leaf of the receipt:
// keccak256(keccak256(abi.encode(fields))).
func (r *Receipt) Leaf() common.Hash {
	inner := crypto.Keccak256(r.EncodeFields())
	return crypto.Keccak256Hash(inner)
}

// Signer signs receipts with the gateway's secp256k1 key under one domain.
// Its String never reveals the key.
type Signer struct {
	key       *ecdsa.PrivateKey
	address   common.Address
	domain    Domain
	separator common.Hash
}

// NewSigner returns a signer for key under domain.
func NewSigner(key *ecdsa.PrivateKey, domain Domain) *Signer {
	return &Signer{key: key, address: crypto.PubkeyToAddress(key.PublicKey), domain: domain, separator: domain.Separator()}
}

// Address is the signer's Ethereum address.
func (s *Signer) Address() common.Address { return s.address }

// Domain is the EIP-712 domain the signer signs under.
func (s *Signer) Domain() Domain { return s.domain }

// String hides the key.
func (s *Signer) String() string { return "Signer(" + s.address.Hex() + ", key redacted)" }

// Sign returns the 65-byte r‖s‖v signature (v ∈ {27, 28}, low s) of the
// receipt's EIP-712 digest.
func (s *Signer) Sign(r *Receipt) ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	d := digest(s.separator, r.StructHash())
	sig, err := crypto.Sign(d[:], s.key) // go-ethereum produces canonical (low-s) signatures
	if err != nil {
		return nil, fmt.Errorf("sign receipt: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// ErrBadSignature is returned when a signature is malformed, high-s, or not
// by the expected signer.
var ErrBadSignature = errors.New("bad receipt signature")

// RecoverSigner returns the address that signed the receipt's digest under
// domain. It accepts only 65-byte, low-s signatures with v ∈ {27, 28}, the
// same rule as OpenZeppelin ECDSA.
func RecoverSigner(r *Receipt, d Domain, sig []byte) (common.Address, error) {
	if err := r.Validate(); err != nil {
		return common.Address{}, err
	}
	if len(sig) != 65 {
		return common.Address{}, fmt.Errorf("%w: length %d, want 65", ErrBadSignature, len(sig))
	}
	if sig[64] != 27 && sig[64] != 28 {
		return common.Address{}, fmt.Errorf("%w: v is %d, want 27 or 28", ErrBadSignature, sig[64])
	}
	s := new(big.Int).SetBytes(sig[32:64])
	if s.Sign() == 0 || s.Cmp(secp256k1HalfN) > 0 {
		return common.Address{}, fmt.Errorf("%w: s is not in the lower half order", ErrBadSignature)
	}
	norm := make([]byte, 65)
	copy(norm, sig)
	norm[64] -= 27
	dg := r.Digest(d)
	pub, err := crypto.SigToPub(dg[:], norm)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

func word(v *big.Int) []byte {
	if v == nil {
		return make([]byte, 32)
	}
	return common.LeftPadBytes(v.Bytes(), 32)
}

func uintWord(w *[32]byte, v uint64) []byte {
	*w = [32]byte{}
	binary.BigEndian.PutUint64(w[24:], v)
	return w[:]
}
