//go:build !amd64 || purego || !gc

package keccakx8

// hasAVX512 is false: the permutation exists only for amd64.
const hasAVX512 = false

func permute(*[200]uint64) { panic("keccakx8: not available") }
