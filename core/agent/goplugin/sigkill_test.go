//go:build linux

package goplugin

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPluginDiesWithTheDaemon SIGKILLs a daemon-like process that runs a
// plugin and checks the plugin does not outlive it: killed by the kernel
// (parent-death signal), or, without that, exiting by itself when its
// parent changes (sdk.Serve's watch).
func TestPluginDiesWithTheDaemon(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    []string
		within time.Duration
	}{
		{"parent-death signal", nil, 2 * time.Second},
		{"parent watch", []string{noSigEnv + "=1"}, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) { killDaemon(t, tc.env, tc.within) })
	}
}

func killDaemon(t *testing.T, env []string, within time.Duration) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	daemon := exec.Command(exe)
	daemon.Env = append(os.Environ(), helperEnv+"=daemon", targetEnv+"="+pluginScript(t))
	daemon.Env = append(daemon.Env, env...)
	out, err := daemon.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = daemon.Process.Kill(); _ = daemon.Wait() })

	line := readLine(t, bufio.NewReader(out), 20*time.Second)
	f := strings.Fields(line)
	if len(f) < 2 || f[0] != "pid" {
		t.Fatalf("daemon said %q", line)
	}
	pid, err := strconv.Atoi(f[1])
	if err != nil || procGone(pid) {
		t.Fatalf("daemon said %q: no running plugin", line)
	}
	if ppid := parentOf(t, pid); ppid != daemon.Process.Pid {
		t.Fatalf("the plugin's parent is %d, not the daemon %d", ppid, daemon.Process.Pid)
	}

	if err := daemon.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = daemon.Wait()
	waitGone(t, pid, within)
}

func parentOf(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatal(err)
	}
	return ppid
}
