//go:build amd64 && !purego && gc

package keccakx8

import "golang.org/x/sys/cpu"

// hasAVX512 tells whether this CPU runs the AVX-512 permutation: it needs
// AVX512F, and an operating system that saves the ZMM registers, which
// x/sys/cpu checks.
var hasAVX512 = cpu.X86.HasAVX512F

// permute is implemented in keccakx8_amd64.s.
//
//go:noescape
func permute(a *[200]uint64)
