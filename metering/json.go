package metering

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// SignedReceipt is a receipt with its signature, signer and domain: exactly
// what a client or auditor needs to verify it.
type SignedReceipt struct {
	Receipt
	Signature []byte
	Signer    common.Address
	Domain    Domain
}

// receiptJSON is the wire form of DESIGN.md: integers as decimal strings,
// bytes and addresses as 0x hex, field names as in the EIP-712 struct.
type receiptJSON struct {
	ID               string     `json:"id"`
	Model            string     `json:"model"`
	Payer            string     `json:"payer"`
	Seq              string     `json:"seq"`
	Timestamp        string     `json:"timestamp"`
	PromptTokens     string     `json:"promptTokens"`
	CompletionTokens string     `json:"completionTokens"`
	Fee              string     `json:"fee"`
	RequestHash      string     `json:"requestHash"`
	ResponseHash     string     `json:"responseHash"`
	Signature        string     `json:"signature"`
	Signer           string     `json:"signer"`
	Domain           domainJSON `json:"domain"`
}

type domainJSON struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	ChainID           string `json:"chainId"`
	VerifyingContract string `json:"verifyingContract"`
}

// MarshalJSON writes the receipt JSON of DESIGN.md.
func (s SignedReceipt) MarshalJSON() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(receiptJSON{
		ID:               s.ID.Hex(),
		Model:            s.Model.Hex(),
		Payer:            s.Payer.Hex(),
		Seq:              strconv.FormatUint(s.Seq, 10),
		Timestamp:        strconv.FormatUint(s.Timestamp, 10),
		PromptTokens:     strconv.FormatUint(uint64(s.PromptTokens), 10),
		CompletionTokens: strconv.FormatUint(uint64(s.CompletionTokens), 10),
		Fee:              s.Fee.String(),
		RequestHash:      s.RequestHash.Hex(),
		ResponseHash:     s.ResponseHash.Hex(),
		Signature:        hexutil.Encode(s.Signature),
		Signer:           s.Signer.Hex(),
		Domain: domainJSON{
			Name:              s.Domain.Name,
			Version:           s.Domain.Version,
			ChainID:           s.Domain.ChainID.String(),
			VerifyingContract: s.Domain.VerifyingContract.Hex(),
		},
	})
}

// ErrMalformedReceipt is returned when receipt JSON does not decode.
var ErrMalformedReceipt = errors.New("malformed receipt JSON")

// UnmarshalJSON parses receipt JSON strictly: every field must be present and
// well-formed, unknown fields are refused. It does not check the signature;
// call Verify for that.
func (s *SignedReceipt) UnmarshalJSON(b []byte) error {
	var j receiptJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedReceipt, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data", ErrMalformedReceipt)
	}
	var p parser
	out := SignedReceipt{
		Receipt: Receipt{
			ID:               p.hash("id", j.ID),
			Model:            p.address("model", j.Model),
			Payer:            p.hash("payer", j.Payer),
			Seq:              p.uint("seq", j.Seq, 64),
			Timestamp:        p.uint("timestamp", j.Timestamp, 64),
			PromptTokens:     uint32(p.uint("promptTokens", j.PromptTokens, 32)),
			CompletionTokens: uint32(p.uint("completionTokens", j.CompletionTokens, 32)),
			Fee:              p.uint256("fee", j.Fee),
			RequestHash:      p.hash("requestHash", j.RequestHash),
			ResponseHash:     p.hash("responseHash", j.ResponseHash),
		},
		Signature: p.bytes("signature", j.Signature, 65),
		Signer:    p.address("signer", j.Signer),
		Domain: Domain{
			Name:              j.Domain.Name,
			Version:           j.Domain.Version,
			ChainID:           p.uint256("domain.chainId", j.Domain.ChainID),
			VerifyingContract: p.address("domain.verifyingContract", j.Domain.VerifyingContract),
		},
	}
	if err := errors.Join(p.errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedReceipt, err)
	}
	*s = out
	return nil
}

// Verify checks that the signature is valid, low-s, and by Signer under
// Domain. It does not check that Signer is the operator's registered signer:
// that is a question for the chain.
func (s *SignedReceipt) Verify() error {
	got, err := RecoverSigner(&s.Receipt, s.Domain, s.Signature)
	if err != nil {
		return err
	}
	if got != s.Signer {
		return fmt.Errorf("%w: signed by %s, receipt names %s", ErrBadSignature, got.Hex(), s.Signer.Hex())
	}
	return nil
}

// HeaderValue returns the Imogate-Receipt header value: base64 (standard,
// padded) of the receipt JSON.
func (s SignedReceipt) HeaderValue() (string, error) {
	b, err := s.MarshalJSON()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// ParseHeader decodes an Imogate-Receipt header value.
func ParseHeader(v string) (SignedReceipt, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return SignedReceipt{}, fmt.Errorf("%w: header is not base64: %v", ErrMalformedReceipt, err)
	}
	var s SignedReceipt
	if err := s.UnmarshalJSON(b); err != nil {
		return SignedReceipt{}, err
	}
	return s, nil
}

type parser struct{ errs []error }

func (p *parser) fail(field, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
}

func (p *parser) bytes(field, s string, n int) []byte {
	b, err := hexutil.Decode(s)
	if err != nil || len(b) != n {
		p.fail(field, "want 0x-prefixed hex of %d bytes", n)
		return nil
	}
	return b
}

func (p *parser) hash(field, s string) common.Hash {
	return common.BytesToHash(p.bytes(field, s, 32))
}

func (p *parser) address(field, s string) common.Address {
	return common.BytesToAddress(p.bytes(field, s, 20))
}

func (p *parser) uint(field, s string, bits int) uint64 {
	if !isDecimal(s) {
		p.fail(field, "want a decimal integer string")
		return 0
	}
	v, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		p.fail(field, "out of uint%d range", bits)
	}
	return v
}

func (p *parser) uint256(field, s string) *big.Int {
	if !isDecimal(s) || len(s) > 78 {
		p.fail(field, "want a decimal integer string")
		return new(big.Int)
	}
	v, _ := new(big.Int).SetString(s, 10)
	if v.Cmp(maxUint256) > 0 {
		p.fail(field, "out of uint256 range")
	}
	return v
}

// isDecimal accepts canonical decimal integers: digits only, no sign, no
// leading zeros (so one number has one spelling).
func isDecimal(s string) bool {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
