//go:build !linux

package childproc

import (
	"os/exec"
	"syscall"
)

// DieWithParent does nothing where the operating system has no parent-death
// signal: the parent must stop cmd itself.
func DieWithParent(cmd *exec.Cmd, sig syscall.Signal) {}
