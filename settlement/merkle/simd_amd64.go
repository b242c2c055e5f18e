//go:build amd64 && !purego

package merkle

// simdAllowed lets the tree use circl's AVX2 4-way permutation, which is
// assembly only on amd64 and not under the purego tag (circl's own check
// looks at the CPU alone, and its portable fallback is slower than hashing
// one at a time).
const simdAllowed = true
