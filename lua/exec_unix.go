//go:build unix

package lua

import (
	"os/exec"
	"syscall"
)

// killGroup starts the program in a process group of its own and makes
// cancellation kill the whole group, so children it forks die with it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
