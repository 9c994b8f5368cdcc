package child

import "syscall"

// ProcAttr makes the kernel SIGKILL a child when the process that started
// it dies, even by SIGKILL. Start the child from a Spawner.
func ProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
