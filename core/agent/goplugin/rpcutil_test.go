package goplugin

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

// TestRPCUtilPlugin builds the shipped rpcutil plugin and runs it through
// the host as the daemon would, reporting the idle plugin's resident
// memory.
func TestRPCUtilPlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the plugin")
	}
	bin := filepath.Join(t.TempDir(), "rpcutil")
	build := exec.Command(goTool, "build", "-o", bin, "github.com/marionette-mco/marionette/plugins/rpcutil")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	a, _ := newAgent(t, Options{Name: "rpcutil", Path: bin})
	for _, tc := range []struct {
		action string
		data   map[string]any
		key    string
		want   any
	}{
		{"get_fact", map[string]any{"fact": "os.family"}, "value", "Debian"},
		{"get_config_item", map[string]any{"item": "loglevel"}, "value", "info"},
		{"collective_info", nil, "main_collective", "mcollective"},
		{"inventory", nil, "version", "2.12.5"},
		{"get_data", map[string]any{"source": "echo", "query": "abc"}, "length", int64(3)},
	} {
		rep := call(t, a, tc.action, tc.data)
		if rep.StatusCode != agent.OK || rep.Data[tc.key] != tc.want {
			t.Errorf("%s: %d %q %s=%#v, want %#v", tc.action, rep.StatusCode, rep.StatusMsg, tc.key, rep.Data[tc.key], tc.want)
		}
	}
	rep := call(t, a, "ping", nil)
	if pong, ok := rep.Data["pong"].(int64); !ok || time.Since(time.Unix(pong, 0)) > time.Minute {
		t.Errorf("ping: %#v", rep.Data)
	}

	a.mu.Lock()
	pid := a.proc.pid
	a.mu.Unlock()
	time.Sleep(200 * time.Millisecond)
	if rss := vmRSS(t, pid); rss != "" {
		t.Logf("idle rpcutil plugin (pid %d): VmRSS %s", pid, rss)
	}
}

func vmRSS(t *testing.T, pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Logf("read status: %v", err)
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
