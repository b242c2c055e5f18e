// Package tokenizer loads the token counters the gateway uses for what an
// upstream does not report: OpenAI's tiktoken encodings (built in, through
// github.com/tiktoken-go/tokenizer, no download) and Hugging Face
// tokenizer.json files (through github.com/sugarme/tokenizer), offline.
// Which one a model uses is its config's tokenizer.kind; without one the
// gateway counts one token per byte.
package tokenizer

import (
	"errors"
	"fmt"
	"sync"

	hf "github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
	tiktoken "github.com/tiktoken-go/tokenizer"

	"github.com/imogate/imogate/inference"
)

// Kinds of tokenizer.
const (
	KindBytes       = "bytes"
	KindTiktoken    = "tiktoken"
	KindHuggingFace = "huggingface"
)

// ErrUnsupported: the tokenizer cannot be loaded or used here.
var ErrUnsupported = errors.New("tokenizer not supported")

// Load returns the counter of kind: encoding names a tiktoken encoding,
// file a Hugging Face tokenizer.json. Bytes is inference.Bytes.
func Load(kind, encoding, file string) (inference.TokenCounter, error) {
	switch kind {
	case "", KindBytes:
		return inference.Bytes{}, nil
	case KindTiktoken:
		return Tiktoken(encoding)
	case KindHuggingFace:
		return HuggingFace(file)
	}
	return nil, fmt.Errorf("%w: kind %q (bytes, tiktoken or huggingface)", ErrUnsupported, kind)
}

// tiktokenCounter counts with a tiktoken encoding. tiktoken-go's codecs are
// safe for concurrent use.
type tiktokenCounter struct{ codec tiktoken.Codec }

// Tiktoken returns a counter for an OpenAI encoding (o200k_base,
// cl100k_base, p50k_base, p50k_edit, r50k_base).
func Tiktoken(encoding string) (inference.TokenCounter, error) {
	c, err := tiktoken.Get(tiktoken.Encoding(encoding))
	if err != nil {
		return nil, fmt.Errorf("%w: tiktoken encoding %q: %v", ErrUnsupported, encoding, err)
	}
	return &tiktokenCounter{codec: c}, nil
}

// CountTokens implements inference.TokenCounter. Invalid UTF-8 is counted
// as it stands (tiktoken counts its bytes).
func (t *tiktokenCounter) CountTokens(text string) int {
	n, err := t.codec.Count(text)
	if err != nil {
		return len(text) // never below the truth: one per byte
	}
	return n
}

// hfCounter counts with a Hugging Face tokenizer.
type hfCounter struct {
	mu  sync.Mutex // the library's tokenizer is not documented as safe for concurrent use
	tok *hf.Tokenizer
}

// HuggingFace loads a tokenizer.json. Files whose pre-tokenizer needs
// regular-expression features Go's regexp lacks (look-ahead, as in Llama 3
// and Qwen 2 tokenizers) are refused with ErrUnsupported.
func HuggingFace(file string) (tc inference.TokenCounter, err error) {
	defer func() {
		// The library panics on some unsupported tokenizer.json features.
		if v := recover(); v != nil {
			tc, err = nil, fmt.Errorf("%w: %s: %v", ErrUnsupported, file, v)
		}
	}()
	tok, err := pretrained.FromFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnsupported, file, err)
	}
	c := &hfCounter{tok: tok}
	if _, err := c.count("a check that the tokenizer works: 123 !?"); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnsupported, file, err)
	}
	return c, nil
}

func (h *hfCounter) count(text string) (n int, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("tokenizer panicked: %v", v)
		}
	}()
	en, err := h.tok.EncodeSingle(text, false)
	if err != nil {
		return 0, err
	}
	return len(en.Ids), nil
}

// CountTokens implements inference.TokenCounter; a text the tokenizer
// cannot encode is counted one token per byte.
func (h *hfCounter) CountTokens(text string) int {
	n, err := h.count(text)
	if err != nil {
		return len(text)
	}
	return n
}
