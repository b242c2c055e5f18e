//go:build unix

package main

import (
	"syscall"
	"time"
)

// selfCPU is this process's user plus system CPU time in seconds, or -1
// when the OS will not say.
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)).Seconds()
}
