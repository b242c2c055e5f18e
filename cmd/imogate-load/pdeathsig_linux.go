package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the gateway child get SIGKILL if imogate-load dies
// without stopping it (a crash, a kill), so no gateway is left behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
