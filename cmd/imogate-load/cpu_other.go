//go:build !unix

package main

// selfCPU reports -1 (unknown) where getrusage does not exist; the load
// report then shows "-" for the load generator's CPU.
func selfCPU() float64 { return -1 }
