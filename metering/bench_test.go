package metering_test

import (
	"testing"
)

func BenchmarkDigest(b *testing.B) {
	s := goldenKey(b)
	r := goldenReceipt()
	d := s.Domain()
	for b.Loop() {
		_ = r.Digest(d)
	}
}

func BenchmarkSign(b *testing.B) {
	s := goldenKey(b)
	r := goldenReceipt()
	for b.Loop() {
		if _, err := s.Sign(&r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLeaf(b *testing.B) {
	r := goldenReceipt()
	for b.Loop() {
		_ = r.Leaf()
	}
}
