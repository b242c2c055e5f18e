package metering_test

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/imogate/imogate/metering"
)

func TestPriceFees(t *testing.T) {
	p := metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000, Per1KEmbedding: 3}
	tests := []struct {
		name   string
		pt, ct uint64
		embed  bool
		want   int64
	}{
		{"nothing", 0, 0, false, 1000},
		{"one of each rounds up per class", 1, 1, false, 1000 + 2 + 4},
		{"exact thousands", 1000, 2000, false, 1000 + 2000 + 8000},
		{"embedding price on input", 1001, 0, true, 1000 + 4},
	}
	for _, tt := range tests {
		var got int64
		var ok bool
		if tt.embed {
			got, ok = p.EmbeddingFee(tt.pt)
		} else {
			got, ok = p.Fee(tt.pt, tt.ct)
		}
		if !ok || got != tt.want {
			t.Fatalf("%s: %d %v, want %d", tt.name, got, ok, tt.want)
		}
	}
	if _, ok := (metering.Price{PerRequest: 1 << 62, Per1KPrompt: 1 << 62}).Fee(10_000, 0); ok {
		t.Fatal("an overflowing fee was reported ok")
	}
}

func TestPriceExplains(t *testing.T) {
	p := metering.Price{PerRequest: 10, Per1KPrompt: 2000, Per1KCompletion: 4000, Per1KEmbedding: 500}
	gen, _ := p.Fee(100, 7)
	emb, _ := p.EmbeddingFee(100)
	for _, tt := range []struct {
		fee    int64
		pt, ct uint32
		ok     bool
	}{
		{gen, 100, 7, true},
		{gen + 1, 100, 7, false},
		{gen - 1, 100, 7, false},
		{emb, 100, 0, true},  // an embeddings call
		{emb, 100, 1, false}, // with a completion token it is generation
	} {
		if got := p.Explains(big.NewInt(tt.fee), tt.pt, tt.ct); got != tt.ok {
			t.Fatalf("Explains(%d, %d, %d) = %v, want %v", tt.fee, tt.pt, tt.ct, got, tt.ok)
		}
	}
	if p.Explains(nil, 1, 1) {
		t.Fatal("a nil fee is explained")
	}
}

func TestPriceSchedule(t *testing.T) {
	s := metering.PriceSchedule{
		{EffectiveFrom: 100, Price: metering.Price{PerRequest: 1}},
		{EffectiveFrom: 200, Price: metering.Price{PerRequest: 2}},
		{EffectiveFrom: 300, Price: metering.Price{PerRequest: 3}},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for ms, want := range map[uint64]int64{100: 1, 199: 1, 200: 2, 299: 2, 300: 3, 1 << 60: 3} {
		v, err := s.At(ms)
		if err != nil || v.PerRequest != want {
			t.Fatalf("At(%d) = %+v, %v; want price %d", ms, v, err, want)
		}
	}
	if _, err := s.At(99); err == nil {
		t.Fatal("a price before the first version")
	}
	if err := (metering.PriceSchedule{{EffectiveFrom: 5}, {EffectiveFrom: 5}}).Validate(); err == nil {
		t.Fatal("two versions at one time validated")
	}
	r := metering.Receipt{Timestamp: 250, PromptTokens: 0, CompletionTokens: 0, Fee: big.NewInt(2)}
	if ok, why := s.ExplainsReceipt(&r); !ok {
		t.Fatal(why)
	}
	r.Fee = big.NewInt(3) // the next version's price, too early
	if ok, why := s.ExplainsReceipt(&r); ok || !strings.Contains(why, "since 200") {
		t.Fatalf("a fee of the wrong version: %v %q", ok, why)
	}
}

func TestPriceVersionJSON(t *testing.T) {
	v := metering.PriceVersion{EffectiveFrom: 1764672000000, Price: metering.Price{PerRequest: 1, Per1KPrompt: 2, Per1KCompletion: 3, Per1KEmbedding: 4}}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"effectiveFrom":"1764672000000","perRequestWei":"1","per1kPromptWei":"2","per1kCompletionWei":"3","per1kEmbeddingWei":"4"}`
	if string(b) != want {
		t.Fatalf("JSON %s, want DESIGN.md's %s", b, want)
	}
	var back metering.PriceVersion
	if err := json.Unmarshal(b, &back); err != nil || back != v {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	for _, bad := range []string{
		`{"effectiveFrom":"1","perRequestWei":"-1","per1kPromptWei":"0","per1kCompletionWei":"0","per1kEmbeddingWei":"0"}`,
		`{"effectiveFrom":"01","perRequestWei":"1","per1kPromptWei":"0","per1kCompletionWei":"0","per1kEmbeddingWei":"0"}`,
		`{"effectiveFrom":1,"perRequestWei":"1","per1kPromptWei":"0","per1kCompletionWei":"0","per1kEmbeddingWei":"0"}`,
		`{"effectiveFrom":"1","perRequestWei":"9223372036854775808","per1kPromptWei":"0","per1kCompletionWei":"0","per1kEmbeddingWei":"0"}`,
		`{"effectiveFrom":"1"}`,
	} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}
