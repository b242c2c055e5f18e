package metering

import (
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// referenceJSON is the receipt JSON as encoding/json writes receiptJSON:
// the encoding AppendJSON must reproduce byte for byte.
func referenceJSON(t *testing.T, s SignedReceipt) []byte {
	t.Helper()
	b, err := json.Marshal(receiptJSON{
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
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAppendJSONMatchesEncodingJSON compares the hand-written encoder with
// encoding/json over random receipts, extreme integers and domain strings
// that need escaping.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(b []byte) {
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
	}
	names := []string{"imogate", "", `a"b\c`, "<html>&", "tab\there", "é世界", "bad\xffutf8", "\u2028"}
	for i := range 2000 {
		var s SignedReceipt
		fill(s.ID[:])
		fill(s.Model[:])
		fill(s.Payer[:])
		fill(s.RequestHash[:])
		fill(s.ResponseHash[:])
		fill(s.Signer[:])
		fill(s.Domain.VerifyingContract[:])
		s.Seq, s.Timestamp = rng.Uint64(), rng.Uint64()
		s.PromptTokens, s.CompletionTokens = rng.Uint32(), rng.Uint32()
		fee := make([]byte, rng.IntN(33))
		fill(fee)
		s.Fee = new(big.Int).SetBytes(fee)
		s.Signature = make([]byte, []int{65, 0, 3}[i%3])
		fill(s.Signature)
		s.Domain.Name, s.Domain.Version = names[i%len(names)], names[(i/len(names))%len(names)]
		s.Domain.ChainID = new(big.Int).SetUint64(rng.Uint64() >> (i % 64))
		if i == 0 {
			s.Seq, s.Timestamp, s.PromptTokens, s.CompletionTokens, s.Fee = 0, 0, 0, 0, new(big.Int)
			s.Model, s.Signer = common.Address{}, common.Address{}
		}
		got, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceJSON(t, s); string(got) != string(want) {
			t.Fatalf("receipt %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func BenchmarkReceiptJSON(b *testing.B) {
	s := SignedReceipt{Receipt: Receipt{Fee: big.NewInt(123456789)}, Signature: make([]byte, 65), Domain: NewDomain(big.NewInt(1337), common.Address{1})}
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.HeaderValue(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		t := &testing.T{}
		for b.Loop() {
			referenceJSON(t, s)
		}
	})
}
