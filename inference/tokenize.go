package inference

import "unicode"

// CountTokens is imogate's simple tokenizer: every run of letters or digits
// is one token and every other non-space character is one token. The demo
// model reports usage with it, and the gateway uses it to estimate usage when
// an upstream reports none (for example after a client disconnects
// mid-stream). It never counts more tokens than the text has bytes.
func CountTokens(s string) int {
	n := 0
	inWord := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n++
				inWord = true
			}
		case unicode.IsSpace(r):
			inWord = false
		default:
			n++
			inWord = false
		}
	}
	return n
}
