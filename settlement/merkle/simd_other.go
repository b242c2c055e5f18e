//go:build !amd64 || purego

package merkle

// simdAllowed is false: circl's 4-way permutation has no assembly here.
const simdAllowed = false
