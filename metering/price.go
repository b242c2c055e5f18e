package metering

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
)

// Price is a model's price in wei. Amounts fit in int64 by construction
// (config bounds the most one call can cost at 1 ether).
type Price struct {
	PerRequest      int64
	Per1KPrompt     int64
	Per1KCompletion int64
	// Per1KEmbedding prices the input tokens of an embeddings call, in
	// place of Per1KPrompt.
	Per1KEmbedding int64
}

// Fee is the integer cost of a generation call (chat, completions): the
// per-request price plus each token class charged per thousand, rounded up
// per class. It reports false if the fee would overflow int64.
func (p Price) Fee(promptTokens, completionTokens uint64) (int64, bool) {
	return p.fee(p.Per1KPrompt, promptTokens, completionTokens)
}

// EmbeddingFee is the integer cost of an embeddings call: the per-request
// price plus its input tokens at the embedding price, rounded up.
func (p Price) EmbeddingFee(inputTokens uint64) (int64, bool) {
	return p.fee(p.Per1KEmbedding, inputTokens, 0)
}

func (p Price) fee(perKPrompt int64, promptTokens, completionTokens uint64) (int64, bool) {
	v := new(big.Int).SetInt64(p.PerRequest)
	v.Add(v, Per1K(big.NewInt(perKPrompt), promptTokens))
	v.Add(v, Per1K(big.NewInt(p.Per1KCompletion), completionTokens))
	if !v.IsInt64() {
		return 0, false
	}
	return v.Int64(), true
}

// Explains reports whether fee is what this price charges for a receipt's
// token counts: the generation fee, or, for a receipt with no completion
// tokens, the embeddings fee. (The receipt does not record its route, so a
// receipt without completion tokens is accepted under either reading.)
func (p Price) Explains(fee *big.Int, promptTokens, completionTokens uint32) bool {
	if fee == nil || !fee.IsInt64() {
		return false
	}
	f := fee.Int64()
	if g, ok := p.Fee(uint64(promptTokens), uint64(completionTokens)); ok && g == f {
		return true
	}
	if completionTokens == 0 {
		if e, ok := p.EmbeddingFee(uint64(promptTokens)); ok && e == f {
			return true
		}
	}
	return false
}

// Per1K is the charge for tokens at a price per thousand tokens, rounded up:
// ceil(price × tokens / 1000). Config validation bounds prices with it too,
// so the bound and the charge follow one rule.
func Per1K(price *big.Int, tokens uint64) *big.Int {
	v := new(big.Int).Mul(price, new(big.Int).SetUint64(tokens))
	v.Add(v, big.NewInt(999))
	return v.Quo(v, big.NewInt(1000))
}

// PriceVersion is one entry of a model's published price schedule: Price
// applies to calls accepted at or after EffectiveFrom (unix milliseconds)
// until the next version's EffectiveFrom. A version never changes once
// published; a new price is a new version with a later EffectiveFrom.
type PriceVersion struct {
	EffectiveFrom uint64
	Price
}

// priceVersionJSON is DESIGN.md's price version: decimal strings.
type priceVersionJSON struct {
	EffectiveFrom      string `json:"effectiveFrom"`
	PerRequestWei      string `json:"perRequestWei"`
	Per1KPromptWei     string `json:"per1kPromptWei"`
	Per1KCompletionWei string `json:"per1kCompletionWei"`
	Per1KEmbeddingWei  string `json:"per1kEmbeddingWei"`
}

// MarshalJSON writes DESIGN.md's price version object.
func (v PriceVersion) MarshalJSON() ([]byte, error) {
	i := func(x int64) string { return strconv.FormatInt(x, 10) }
	return json.Marshal(priceVersionJSON{
		EffectiveFrom: strconv.FormatUint(v.EffectiveFrom, 10), PerRequestWei: i(v.PerRequest),
		Per1KPromptWei: i(v.Per1KPrompt), Per1KCompletionWei: i(v.Per1KCompletion), Per1KEmbeddingWei: i(v.Per1KEmbedding),
	})
}

// UnmarshalJSON reads DESIGN.md's price version object: every field a
// canonical non-negative decimal string.
func (v *PriceVersion) UnmarshalJSON(b []byte) error {
	var j priceVersionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("price version: %w", err)
	}
	var p parser
	v.EffectiveFrom = p.uint("effectiveFrom", j.EffectiveFrom, 64)
	w := func(field, s string) int64 {
		n := p.uint(field, s, 63)
		return int64(n)
	}
	v.PerRequest = w("perRequestWei", j.PerRequestWei)
	v.Per1KPrompt = w("per1kPromptWei", j.Per1KPromptWei)
	v.Per1KCompletion = w("per1kCompletionWei", j.Per1KCompletionWei)
	v.Per1KEmbedding = w("per1kEmbeddingWei", j.Per1KEmbeddingWei)
	if err := errors.Join(p.errs...); err != nil {
		return fmt.Errorf("price version: %w", err)
	}
	return nil
}

// PriceSchedule is a model's price versions in order of EffectiveFrom.
type PriceSchedule []PriceVersion

// ErrNoPrice: no price version is in force at the time asked.
var ErrNoPrice = errors.New("no price in force")

// At is the version in force at ms (unix milliseconds): the last one whose
// EffectiveFrom is not after ms.
func (s PriceSchedule) At(ms uint64) (PriceVersion, error) {
	i, _ := slices.BinarySearchFunc(s, ms, func(v PriceVersion, t uint64) int {
		switch {
		case v.EffectiveFrom <= t:
			return -1
		default:
			return 1
		}
	})
	if i == 0 {
		return PriceVersion{}, fmt.Errorf("%w at %d", ErrNoPrice, ms)
	}
	return s[i-1], nil
}

// Validate checks the schedule's order: effective times strictly increasing.
func (s PriceSchedule) Validate() error {
	for i := 1; i < len(s); i++ {
		if s[i].EffectiveFrom <= s[i-1].EffectiveFrom {
			return fmt.Errorf("price version %d takes effect at %d, not after version %d at %d", i, s[i].EffectiveFrom, i-1, s[i-1].EffectiveFrom)
		}
	}
	return nil
}

// ExplainsReceipt reports whether r's fee is the price in force at its
// timestamp applied to its token counts, and if not, why.
func (s PriceSchedule) ExplainsReceipt(r *Receipt) (bool, string) {
	v, err := s.At(r.Timestamp)
	if err != nil {
		return false, fmt.Sprintf("no price version is in force at its timestamp %d", r.Timestamp)
	}
	if v.Explains(r.Fee, r.PromptTokens, r.CompletionTokens) {
		return true, ""
	}
	want, _ := v.Fee(uint64(r.PromptTokens), uint64(r.CompletionTokens))
	return false, fmt.Sprintf("fee %s, but the price in force since %d charges %d for %d prompt and %d completion tokens",
		r.Fee, v.EffectiveFrom, want, r.PromptTokens, r.CompletionTokens)
}
