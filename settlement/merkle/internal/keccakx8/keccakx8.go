// Package keccakx8 runs eight Keccak-f[1600] permutations side by side with
// AVX-512 instructions, for hashing many short, independent messages (the
// leaves and inner nodes of a Merkle tree) several times faster than one
// permutation at a time.
//
// The eight states are interleaved: word 8*j+s of the array is lane j of
// state s, so lane j of all eight states is one 64-byte vector. Lane j is the
// j-th little-endian 64-bit word of the usual byte layout of a state, as in
// FIPS 202.
//
// The permutation is generated assembly (gen.go writes keccakx8_amd64.s).
// Enabled reports whether this CPU can run it; Permute must not be called
// where it cannot.
package keccakx8

//go:generate go run gen.go

// State is eight interleaved Keccak-f[1600] states: lane j of state s at
// index 8*j+s. The zero value is eight all-zero states.
type State [200]uint64

// Permute applies Keccak-f[1600] (24 rounds) to each of the eight states.
// It panics where Enabled reports false.
func (s *State) Permute() {
	if !hasAVX512 {
		panic("keccakx8: AVX-512 is not available on this CPU")
	}
	permute((*[200]uint64)(s))
}

// Enabled reports whether this CPU runs the permutation (amd64 with
// AVX512F).
func Enabled() bool { return hasAVX512 }
