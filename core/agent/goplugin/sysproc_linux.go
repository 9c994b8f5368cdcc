package goplugin

import "syscall"

// sysProcAttr makes the kernel SIGKILL a plugin when the daemon dies, even
// by SIGKILL.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
