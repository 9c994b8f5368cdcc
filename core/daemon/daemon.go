// Package daemon holds what turns a process into a well-behaved Unix
// daemon: detaching from the terminal (daemonize = 1) and the pidfile.
package daemon

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// detachedEnv marks the re-executed child of Detach.
const detachedEnv = "MARIONETTE_DETACHED"

// Detached reports whether this process is the detached child of Detach.
func Detached(getenv func(string) string) bool { return getenv(detachedEnv) == "1" }

// Detach re-executes the running program in a new session with standard
// streams on /dev/null, waits until the child has written pidfile (or
// exited), and returns its pid. Go cannot fork, so the child is a fresh
// exec of the same binary and arguments; it recognises itself with
// Detached. The caller, the parent, then exits.
func Detach(pidfile string, wait time.Duration) (int, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("detach: find executable: %w", err)
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("detach: %w", err)
	}
	defer null.Close()
	if pidfile != "" {
		_ = os.Remove(pidfile)
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), detachedEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("detach: start child: %w", err)
	}
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(wait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			return 0, fmt.Errorf("detach: daemon exited during start-up (%v); see its log", err)
		case <-deadline:
			return pid, nil
		case <-tick.C:
			if pidfile == "" {
				return pid, nil
			}
			if got, err := ReadPID(pidfile); err == nil && got == pid {
				return pid, nil
			}
		}
	}
}

// WritePID writes this process's pid to path, refusing when another live
// process already holds it.
func WritePID(path string) error {
	if old, err := ReadPID(path); err == nil && old != os.Getpid() && alive(old) {
		return fmt.Errorf("pidfile %s: process %d is still running", path, old)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return fmt.Errorf("write pidfile: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write pidfile: %w", err)
	}
	return nil
}

// RemovePID removes path if it still holds this process's pid.
func RemovePID(path string) {
	if pid, err := ReadPID(path); err == nil && pid == os.Getpid() {
		_ = os.Remove(path)
	}
}

// ReadPID reads the pid stored in path.
func ReadPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, errors.New("pidfile holds no pid")
	}
	return pid, nil
}

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}
