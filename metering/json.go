package metering

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
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
	return s.AppendJSON(make([]byte, 0, 900))
}

// AppendJSON appends the receipt JSON of DESIGN.md to dst. It writes, byte
// for byte, what encoding/json writes for receiptJSON (a test holds them
// equal), without reflection: it runs once per paid call.
func (s SignedReceipt) AppendJSON(dst []byte) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Domain.ChainID == nil {
		return nil, fmt.Errorf("%w: domain chain id is missing", ErrInvalidReceipt)
	}
	b := append(dst, `{"id":`...)
	b = appendHex(b, s.ID[:])
	b = append(append(b, `,"model":"`...), s.Model.Hex()...)
	b = append(b, `","payer":`...)
	b = appendHex(b, s.Payer[:])
	b = appendDecimal(append(b, `,"seq":`...), s.Seq)
	b = appendDecimal(append(b, `,"timestamp":`...), s.Timestamp)
	b = appendDecimal(append(b, `,"promptTokens":`...), uint64(s.PromptTokens))
	b = appendDecimal(append(b, `,"completionTokens":`...), uint64(s.CompletionTokens))
	b = append(s.Fee.Append(append(b, `,"fee":"`...), 10), '"')
	b = appendHex(append(b, `,"requestHash":`...), s.RequestHash[:])
	b = appendHex(append(b, `,"responseHash":`...), s.ResponseHash[:])
	b = appendHex(append(b, `,"signature":`...), s.Signature)
	b = append(append(b, `,"signer":"`...), s.Signer.Hex()...)
	b = appendString(append(b, `","domain":{"name":`...), s.Domain.Name)
	b = appendString(append(b, `,"version":`...), s.Domain.Version)
	b = append(s.Domain.ChainID.Append(append(b, `,"chainId":"`...), 10), '"')
	b = append(append(b, `,"verifyingContract":"`...), s.Domain.VerifyingContract.Hex()...)
	return append(b, `"}}`...), nil
}

// appendHex appends p as a quoted 0x-prefixed lowercase hex string, as
// hexutil.Encode spells it ("0x" for no bytes).
func appendHex(b, p []byte) []byte {
	b = append(b, `"0x`...)
	return append(hex.AppendEncode(b, p), '"')
}

// appendDecimal appends v as a quoted decimal string.
func appendDecimal(b []byte, v uint64) []byte {
	return append(strconv.AppendUint(append(b, '"'), v, 10), '"')
}

// appendString appends s as encoding/json quotes it: plain printable ASCII
// as is, anything else (escapes, HTML characters, non-ASCII, invalid UTF-8)
// through json.Marshal itself.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
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
	var buf [900]byte
	b, err := s.AppendJSON(buf[:0])
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
