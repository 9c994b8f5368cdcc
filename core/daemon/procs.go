package daemon

import (
	"fmt"
	"os"
	"syscall"
)

// OneProcessor re-executes the running program (same pid, arguments and
// environment) with GOMAXPROCS=1 added to its environment, so that the Go
// runtime starts with one processor. Lowering GOMAXPROCS once running
// works too, but leaves up to half a megabyte more of the collector's
// memory behind, half the time. It returns only when the exec failed.
func OneProcessor() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find executable: %w", err)
	}
	env := append(os.Environ(), "GOMAXPROCS=1")
	if err := syscall.Exec(exe, os.Args, env); err != nil {
		return fmt.Errorf("re-execute %s with GOMAXPROCS=1: %w", exe, err)
	}
	return nil
}
