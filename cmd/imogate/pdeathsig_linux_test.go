package main

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes a long-running child (geth, imogate serve, imogate
// settle) get SIGKILL if the test binary dies first, e.g. on a -timeout
// panic that skips every cleanup.
func dieWithTest(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
