package childproc

import (
	"os/exec"
	"syscall"
)

// DieWithParent makes cmd's process receive sig when the thread that
// started it exits, which for a Go program means when the program dies.
// Call it before cmd.Start.
func DieWithParent(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = sig
}
