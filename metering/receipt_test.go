package metering_test

import (
	"encoding/json"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/imogate/imogate/metering"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenKey is a fixed, public test key: never use it for anything real.
func goldenKey(t testing.TB) *metering.Signer {
	t.Helper()
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("imogate golden receipt signer")))
	if err != nil {
		t.Fatal(err)
	}
	return metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")))
}

func goldenReceipt() metering.Receipt {
	fee, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	return metering.Receipt{
		ID:               crypto.Keccak256Hash([]byte("receipt 1")),
		Model:            common.HexToAddress("0x2222222222222222222222222222222222222222"),
		Payer:            metering.PayerOf("key_0123456789abcdef"),
		Seq:              42,
		Timestamp:        1795613469290,
		PromptTokens:     4,
		CompletionTokens: 4294967295,
		Fee:              fee,
		RequestHash:      crypto.Keccak256Hash([]byte(`{"model":"m"}`)),
		ResponseHash:     crypto.Keccak256Hash([]byte(`{"id":"x"}`)),
	}
}

type vector struct {
	TypeHash        string          `json:"typeHash"`
	DomainSeparator string          `json:"domainSeparator"`
	StructHash      string          `json:"structHash"`
	Digest          string          `json:"digest"`
	Leaf            string          `json:"leaf"`
	Signature       string          `json:"signature"`
	Signer          string          `json:"signer"`
	Receipt         json.RawMessage `json:"receipt"`
}

// TestGoldenVector freezes the receipt encoding: type string and field
// order, domain, digest, Merkle leaf and signature bytes. A change here breaks
// every receipt ever issued; regenerate only with intent (-update).
func TestGoldenVector(t *testing.T) {
	s := goldenKey(t)
	r := goldenReceipt()
	sig, err := s.Sign(&r)
	if err != nil {
		t.Fatal(err)
	}
	sr := metering.SignedReceipt{Receipt: r, Signature: sig, Signer: s.Address(), Domain: s.Domain()}
	js, err := json.Marshal(sr)
	if err != nil {
		t.Fatal(err)
	}
	got := vector{
		TypeHash:        metering.ReceiptTypeHash().Hex(),
		DomainSeparator: s.Domain().Separator().Hex(),
		StructHash:      r.StructHash().Hex(),
		Digest:          r.Digest(s.Domain()).Hex(),
		Leaf:            r.Leaf().Hex(),
		Signature:       hexutil.Encode(sig),
		Signer:          s.Address().Hex(),
		Receipt:         js,
	}
	path := filepath.Join("testdata", "receipt_vector.json")
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden vector (run with -update once): %v", err)
	}
	var want vector
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if want.TypeHash != crypto.Keccak256Hash([]byte(metering.ReceiptType)).Hex() {
		t.Errorf("golden type hash does not match the type string")
	}
	for _, c := range []struct{ name, got, want string }{
		{"typeHash", got.TypeHash, want.TypeHash},
		{"domainSeparator", got.DomainSeparator, want.DomainSeparator},
		{"structHash", got.StructHash, want.StructHash},
		{"digest", got.Digest, want.Digest},
		{"leaf", got.Leaf, want.Leaf},
		{"signature", got.Signature, want.Signature},
		{"signer", got.Signer, want.Signer},
		{"receipt", string(got.Receipt), string(compact(t, want.Receipt))},
	} {
		if c.got != c.want {
			t.Errorf("%s changed:\n got %s\nwant %s", c.name, c.got, c.want)
		}
	}
}

func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var sr metering.SignedReceipt
	if err := json.Unmarshal(b, &sr); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(sr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDigestMatchesGoEthereumAPITypes checks the hand-written EIP-712
// encoder against go-ethereum's general implementation.
func TestDigestMatchesGoEthereumAPITypes(t *testing.T) {
	s := goldenKey(t)
	for i, r := range []metering.Receipt{goldenReceipt(), {Fee: big.NewInt(0)}, func() metering.Receipt {
		r := goldenReceipt()
		r.Seq = ^uint64(0)
		r.Timestamp = ^uint64(0)
		r.Fee = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
		return r
	}()} {
		d := s.Domain()
		td := apitypes.TypedData{
			Types: apitypes.Types{
				"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}},
				"Receipt": {
					{Name: "id", Type: "bytes32"}, {Name: "model", Type: "address"}, {Name: "payer", Type: "bytes32"},
					{Name: "seq", Type: "uint64"}, {Name: "timestamp", Type: "uint64"}, {Name: "promptTokens", Type: "uint32"},
					{Name: "completionTokens", Type: "uint32"}, {Name: "fee", Type: "uint256"}, {Name: "requestHash", Type: "bytes32"},
					{Name: "responseHash", Type: "bytes32"},
				},
			},
			PrimaryType: "Receipt",
			Domain:      apitypes.TypedDataDomain{Name: d.Name, Version: d.Version, ChainId: (*math.HexOrDecimal256)(d.ChainID), VerifyingContract: d.VerifyingContract.Hex()},
			Message: apitypes.TypedDataMessage{
				"id": r.ID.Hex(), "model": r.Model.Hex(), "payer": r.Payer.Hex(),
				"seq": new(big.Int).SetUint64(r.Seq).String(), "timestamp": new(big.Int).SetUint64(r.Timestamp).String(),
				"promptTokens": big.NewInt(int64(r.PromptTokens)).String(), "completionTokens": big.NewInt(int64(r.CompletionTokens)).String(),
				"fee": r.Fee.String(), "requestHash": r.RequestHash.Hex(), "responseHash": r.ResponseHash.Hex(),
			},
		}
		want, _, err := apitypes.TypedDataAndHash(td)
		if err != nil {
			t.Fatalf("case %d: apitypes: %v", i, err)
		}
		if got := r.Digest(d); got != common.BytesToHash(want) {
			t.Errorf("case %d: digest %s, apitypes %x", i, got.Hex(), want)
		}
	}
}

func TestSignRecoverLowS(t *testing.T) {
	s := goldenKey(t)
	for i := 0; i < 200; i++ {
		r := goldenReceipt()
		r.Seq = uint64(i)
		sig, err := s.Sign(&r)
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
			t.Fatalf("signature %x: want 65 bytes with v in {27,28}", sig)
		}
		if new(big.Int).SetBytes(sig[32:64]).Cmp(new(big.Int).Rsh(crypto.S256().Params().N, 1)) > 0 {
			t.Fatalf("high-s signature produced: %x", sig)
		}
		got, err := metering.RecoverSigner(&r, s.Domain(), sig)
		if err != nil || got != s.Address() {
			t.Fatalf("recover = %s, %v; want %s", got.Hex(), err, s.Address().Hex())
		}
	}
}

func TestRecoverRejects(t *testing.T) {
	s := goldenKey(t)
	r := goldenReceipt()
	sig, err := s.Sign(&r)
	if err != nil {
		t.Fatal(err)
	}
	highS := func() []byte {
		out := append([]byte(nil), sig...)
		sv := new(big.Int).SetBytes(out[32:64])
		sv.Sub(crypto.S256().Params().N, sv)
		copy(out[32:64], common.LeftPadBytes(sv.Bytes(), 32))
		out[64] ^= 1 // 27 <-> 28: the same signature in its malleable form
		return out
	}()
	raw01 := append([]byte(nil), sig...)
	raw01[64] -= 27
	tests := []struct {
		name string
		sig  []byte
	}{
		{"short", sig[:64]},
		{"long", append(append([]byte(nil), sig...), 0)},
		{"v as 0/1", raw01},
		{"high s", highS},
		{"zero s", append(append(append([]byte(nil), sig[:32]...), make([]byte, 32)...), sig[64])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := metering.RecoverSigner(&r, s.Domain(), tc.sig); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	// Every field is covered by the signature.
	fields := map[string]func(*metering.Receipt){
		"id":               func(r *metering.Receipt) { r.ID[0] ^= 1 },
		"model":            func(r *metering.Receipt) { r.Model[0] ^= 1 },
		"payer":            func(r *metering.Receipt) { r.Payer[0] ^= 1 },
		"seq":              func(r *metering.Receipt) { r.Seq++ },
		"timestamp":        func(r *metering.Receipt) { r.Timestamp++ },
		"promptTokens":     func(r *metering.Receipt) { r.PromptTokens++ },
		"completionTokens": func(r *metering.Receipt) { r.CompletionTokens-- },
		"fee":              func(r *metering.Receipt) { r.Fee = new(big.Int).Add(r.Fee, big.NewInt(1)) },
		"requestHash":      func(r *metering.Receipt) { r.RequestHash[31] ^= 1 },
		"responseHash":     func(r *metering.Receipt) { r.ResponseHash[31] ^= 1 },
	}
	for name, mutate := range fields {
		t.Run("tampered "+name, func(t *testing.T) {
			tr := goldenReceipt()
			mutate(&tr)
			sr := metering.SignedReceipt{Receipt: tr, Signature: sig, Signer: s.Address(), Domain: s.Domain()}
			if err := sr.Verify(); err == nil {
				t.Fatal("tampered receipt verified")
			}
		})
	}
	// And the domain.
	sr := metering.SignedReceipt{Receipt: r, Signature: sig, Signer: s.Address(), Domain: metering.NewDomain(big.NewInt(1), s.Domain().VerifyingContract)}
	if err := sr.Verify(); err == nil {
		t.Fatal("receipt verified under another chain id")
	}
}

func TestReceiptJSONRoundTrip(t *testing.T) {
	s := goldenKey(t)
	r := goldenReceipt()
	sig, _ := s.Sign(&r)
	sr := metering.SignedReceipt{Receipt: r, Signature: sig, Signer: s.Address(), Domain: s.Domain()}
	hv, err := sr.HeaderValue()
	if err != nil {
		t.Fatal(err)
	}
	back, err := metering.ParseHeader(hv)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(); err != nil {
		t.Fatalf("round-tripped receipt does not verify: %v", err)
	}
	if back.Fee.Cmp(r.Fee) != 0 || back.Seq != r.Seq || back.ID != r.ID || back.CompletionTokens != r.CompletionTokens {
		t.Fatalf("round trip changed fields: %+v", back.Receipt)
	}
	js, _ := json.Marshal(sr)
	for _, want := range []string{`"seq":"42"`, `"fee":"123456789012345678901234567890"`, `"chainId":"1337"`, `"name":"imogate"`, `"version":"1"`, `"completionTokens":"4294967295"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("receipt JSON lacks %s: %s", want, js)
		}
	}
}

func TestReceiptJSONRejects(t *testing.T) {
	s := goldenKey(t)
	r := goldenReceipt()
	sig, _ := s.Sign(&r)
	good, _ := json.Marshal(metering.SignedReceipt{Receipt: r, Signature: sig, Signer: s.Address(), Domain: s.Domain()})
	edit := func(from, to string) string { return strings.Replace(string(good), from, to, 1) }
	tests := []struct{ name, in string }{
		{"not json", "{"},
		{"array", "[]"},
		{"unknown field", strings.Replace(string(good), `{"id"`, `{"extra":1,"id"`, 1)},
		{"seq as number", edit(`"seq":"42"`, `"seq":42`)},
		{"seq leading zero", edit(`"seq":"42"`, `"seq":"042"`)},
		{"seq negative", edit(`"seq":"42"`, `"seq":"-42"`)},
		{"seq overflow", edit(`"seq":"42"`, `"seq":"18446744073709551616"`)},
		{"tokens overflow", edit(`"completionTokens":"4294967295"`, `"completionTokens":"4294967296"`)},
		{"fee float", edit(`"fee":"123456789012345678901234567890"`, `"fee":"1.5"`)},
		{"fee over uint256", edit(`"fee":"123456789012345678901234567890"`, `"fee":"115792089237316195423570985008687907853269984665640564039457584007913129639936"`)},
		{"short id", edit(r.ID.Hex(), "0x1234")},
		{"id no 0x", edit(r.ID.Hex(), r.ID.Hex()[2:])},
		{"short signature", edit(hexutil.Encode(sig), hexutil.Encode(sig[:64]))},
		{"trailing data", string(good) + "{}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sr metering.SignedReceipt
			if err := json.Unmarshal([]byte(tc.in), &sr); err == nil {
				t.Fatalf("accepted %s", tc.in)
			}
		})
	}
	if _, err := metering.ParseHeader("%%%"); err == nil {
		t.Fatal("accepted a non-base64 header")
	}
}

func TestPriceFee(t *testing.T) {
	p := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000}
	tests := []struct {
		prompt, completion uint64
		want               int64
	}{
		{0, 0, 1000},
		{1, 0, 1002}, // 2000*1/1000 = 2
		{1, 1, 1006}, // + 4
		{4, 17, 1000 + 8 + 68},
		{1000, 1000, 7000},
		{3, 0, 1006},
	}
	for _, tc := range tests {
		got, ok := p.Fee(tc.prompt, tc.completion)
		if !ok || got != tc.want {
			t.Errorf("Fee(%d,%d) = %d,%v; want %d", tc.prompt, tc.completion, got, ok, tc.want)
		}
	}
	// Rounding is up, per class: 1 wei per 1k tokens charges 1 wei for 1 token.
	if got, _ := (metering.Price{Per1KPrompt: 1}).Fee(1, 0); got != 1 {
		t.Errorf("rounding: got %d, want 1", got)
	}
	if _, ok := (metering.Price{PerRequest: 1 << 62, Per1KPrompt: 1 << 62}).Fee(1<<20, 0); ok {
		t.Error("overflow not reported")
	}
}

func FuzzParseReceiptJSON(f *testing.F) {
	s := goldenKey(f)
	r := goldenReceipt()
	sig, _ := s.Sign(&r)
	good, _ := json.Marshal(metering.SignedReceipt{Receipt: r, Signature: sig, Signer: s.Address(), Domain: s.Domain()})
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"0x","seq":"1"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var sr metering.SignedReceipt
		if err := json.Unmarshal(b, &sr); err != nil {
			return
		}
		// Anything accepted re-encodes to JSON that decodes to the same receipt.
		out, err := json.Marshal(sr)
		if err != nil {
			t.Fatalf("accepted receipt does not re-encode: %v", err)
		}
		var back metering.SignedReceipt
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-encoded receipt does not decode: %v\n%s", err, out)
		}
		if back.Leaf() != sr.Leaf() || back.Digest(back.Domain) != sr.Digest(sr.Domain) {
			t.Fatal("round trip changed the receipt")
		}
		_ = sr.Verify()
	})
}
