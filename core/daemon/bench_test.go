package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/agent/pluginhost"
)

// stubHost is an agent.Host with fixed answers.
type stubHost struct{}

func (stubHost) Identity() string                                                  { return "bench1" }
func (stubHost) Fact(string) (any, bool)                                           { return "web", true }
func (stubHost) Facts() map[string]any                                             { return map[string]any{"role": "web"} }
func (stubHost) Classes() []string                                                 { return []string{"base"} }
func (stubHost) ConfigItem(string) (string, bool)                                  { return "", false }
func (stubHost) Stats() map[string]any                                             { return map[string]any{} }
func (stubHost) Inventory() agent.Inventory                                        { return agent.Inventory{Version: Version} }
func (stubHost) DataQuery(context.Context, string, string) (map[string]any, error) { return nil, nil }

// shippedAgents builds the rpcutil plugin and the plugin host, lays out the
// discovery Lua agent in a temporary libdir, then loads them as the daemon
// does.
func shippedAgents(b *testing.B) *agent.Registry {
	b.Helper()
	dir := b.TempDir()
	agents := filepath.Join(dir, "mcollective", "agent")
	if err := os.MkdirAll(agents, 0o755); err != nil {
		b.Fatal(err)
	}
	for out, pkg := range map[string]string{filepath.Join(agents, "rpcutil"): "../../plugins/rpcutil",
		filepath.Join(dir, "mcollectived-plugins"): "../../cmd/mcollectived-plugins"} {
		if msg, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, msg)
		}
	}
	b.Setenv(pluginhost.EnvPath, filepath.Join(dir, "mcollectived-plugins"))
	for _, f := range []string{"rpcutil/rpcutil.ddl", "discovery/discovery.ddl", "discovery/discovery.lua"} {
		data, err := os.ReadFile(filepath.Join("../../plugins", f))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(agents, filepath.Base(f)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	reg := agent.NewRegistry()
	b.Cleanup(func() { reg.Close() })
	LoadAgents([]string{dir}, stubHost{}, reg, 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if len(reg.Names()) != 2 {
		b.Fatalf("loaded %v", reg.Names())
	}
	return reg
}

// BenchmarkDispatch times one call through each host, from a decoded
// request to its reply, DDL validation included.
func BenchmarkDispatch(b *testing.B) {
	reg := shippedAgents(b)
	fact := map[string]any{"fact": "role"}
	cases := []struct {
		name, agent, action string
		data                map[string]any
	}{
		{"lua/discovery.ping", "discovery", "ping", nil},
		{"goplugin/rpcutil.ping", "rpcutil", "ping", nil},
		{"goplugin/rpcutil.get_fact", "rpcutil", "get_fact", fact},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := &agent.Request{Agent: c.agent, Action: c.action, Data: c.data}
			// The server gives every request a deadline from its TTL.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if rep := reg.Dispatch(ctx, req); rep.StatusCode != agent.OK {
				b.Fatalf("%s: %d %s", c.name, rep.StatusCode, rep.StatusMsg)
			}
			b.ReportAllocs()
			for b.Loop() {
				if rep := reg.Dispatch(ctx, req); rep.StatusCode != agent.OK {
					b.Fatal(rep.StatusMsg)
				}
			}
		})
	}
}
