package goplugin

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk"
)

// The test binary doubles as the plugin and as a small daemon, chosen by
// helperEnv, as go-plugin's own tests do.
const (
	helperEnv = "GOPLUGIN_TEST_HELPER" // "plugin" or "daemon"
	nameEnv   = "GOPLUGIN_TEST_NAME"   // the agent name the plugin serves
	modeEnv   = "GOPLUGIN_TEST_MODE"   // "exit-at-start"
	startsEnv = "GOPLUGIN_TEST_STARTS" // a file each start appends a line to
	targetEnv = "GOPLUGIN_TEST_TARGET" // the plugin the daemon helper runs
	noSigEnv  = "GOPLUGIN_TEST_NO_PDEATHSIG"
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "plugin":
		runPlugin()
		return
	case "daemon":
		runDaemon()
		return
	}
	os.Exit(m.Run())
}

func runPlugin() {
	if f := os.Getenv(startsEnv); f != "" {
		out, err := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			fmt.Fprintln(out, os.Getpid())
			_ = out.Close()
		}
	}
	if os.Getenv(modeEnv) == "exit-at-start" {
		os.Exit(3)
	}
	name := os.Getenv(nameEnv)
	if name == "" {
		name = "testagent"
	}
	sdk.Serve(testAgent(name))
}

// runDaemon starts the plugin named by targetEnv, prints its pid and waits
// to be killed.
func runDaemon() {
	if os.Getenv(noSigEnv) != "" {
		procAttr = func() *syscall.SysProcAttr { return nil }
	}
	a, err := New(Options{Name: "testagent", Path: os.Getenv(targetEnv), Host: fakeHost{}})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	rep := a.Handle(context.Background(), &agent.Request{Agent: "testagent", Action: "whoami"})
	fmt.Println("pid", rep.Data["pid"], rep.StatusMsg)
	select {}
}

var inFlight, maxInFlight atomic.Int64

func testAgent(name string) *sdk.Agent {
	return &sdk.Agent{Name: name, Actions: map[string]sdk.Action{
		"whoami": func(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
			id, err := req.Host.Identity(ctx)
			if err != nil {
				return err
			}
			family, _, err := req.Host.Fact(ctx, "os.family")
			if err != nil {
				return err
			}
			level, _, err := req.Host.Config(ctx, "loglevel")
			if err != nil {
				return err
			}
			inv, err := req.Host.Inventory(ctx)
			if err != nil {
				return err
			}
			reply.Set("identity", id)
			reply.Set("family", family)
			reply.Set("loglevel", level)
			reply.Set("version", inv.Version)
			reply.Set("pid", os.Getpid())
			reply.Set("caller", req.CallerID)
			return nil
		},
		"echo": func(_ context.Context, req *sdk.Request, reply *sdk.Reply) error {
			types := map[string]any{}
			for k, v := range req.Data {
				reply.Set(k, v)
				types[k] = fmt.Sprintf("%T", v)
			}
			reply.Set("types", types)
			return nil
		},
		"data": func(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
			q, _ := req.String("query")
			out, err := req.Host.DataQuery(ctx, "echo", q)
			if err != nil {
				return err
			}
			reply.Data = out
			return nil
		},
		"sleep": func(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
			ms, _ := req.Int("ms")
			select {
			case <-time.After(time.Duration(ms) * time.Millisecond):
				reply.Set("slept", ms)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		"track": func(_ context.Context, req *sdk.Request, reply *sdk.Reply) error {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				m := maxInFlight.Load()
				if n <= m || maxInFlight.CompareAndSwap(m, n) {
					break
				}
			}
			ms, _ := req.Int("ms")
			time.Sleep(time.Duration(ms) * time.Millisecond)
			reply.Set("max", maxInFlight.Load())
			return nil
		},
		"crash": func(context.Context, *sdk.Request, *sdk.Reply) error {
			os.Exit(3)
			return nil
		},
		"crash_goroutine": func(context.Context, *sdk.Request, *sdk.Reply) error {
			go panic("boom in a goroutine")
			time.Sleep(10 * time.Second)
			return nil
		},
		"panic": func(context.Context, *sdk.Request, *sdk.Reply) error {
			panic("boom")
		},
		"fail": func(_ context.Context, _ *sdk.Request, reply *sdk.Reply) error {
			reply.Set("partial", true)
			reply.Fail("nope")
			return nil
		},
		"error": func(context.Context, *sdk.Request, *sdk.Reply) error {
			return errors.New("broken")
		},
		"print": func(context.Context, *sdk.Request, *sdk.Reply) error {
			fmt.Println("hello from stdout")
			slog.Warn("hello from slog", "n", 7)
			return nil
		},
	}}
}

// fakeHost is the daemon's host in these tests.
type fakeHost struct{}

func (fakeHost) Identity() string { return "node1.example.net" }
func (fakeHost) Fact(name string) (any, bool) {
	if name == "os.family" {
		return "Debian", true
	}
	return nil, false
}
func (fakeHost) Facts() map[string]any {
	return map[string]any{"os": map[string]any{"family": "Debian"}}
}
func (fakeHost) Classes() []string { return []string{"base"} }
func (fakeHost) ConfigItem(key string) (string, bool) {
	if key == "loglevel" {
		return "info", true
	}
	return "", false
}
func (fakeHost) Stats() map[string]any { return map[string]any{"total": 3} }
func (fakeHost) Inventory() agent.Inventory {
	return agent.Inventory{MainCollective: "mcollective", Collectives: []string{"mcollective"}, Version: "2.12.5"}
}
func (fakeHost) DataQuery(_ context.Context, plugin, query string) (map[string]any, error) {
	if plugin != "echo" {
		return nil, fmt.Errorf("unknown data plugin %s", plugin)
	}
	return map[string]any{"query": query, "length": len(query)}, nil
}

// pluginScript writes an executable that runs this test binary as the
// plugin with env set, keeping its pid (exec), and returns its path.
func pluginScript(t testing.TB, env ...string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"exec", "env", helperEnv + "=plugin"}
	for _, e := range append(env, exe) {
		args = append(args, "'"+strings.ReplaceAll(e, "'", `'\''`)+"'")
	}
	path := filepath.Join(t.TempDir(), "testagent")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+strings.Join(args, " ")+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// newAgent returns an Agent for a plugin script, closed when the test
// ends, and the sink its log goes to; the log is shown if the test fails.
func newAgent(t testing.TB, opts Options) (*Agent, *logSink) {
	t.Helper()
	if opts.Name == "" {
		opts.Name = "testagent"
	}
	if opts.Host == nil {
		opts.Host = fakeHost{}
	}
	sink := &logSink{}
	opts.Log = slog.New(slog.NewTextHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = a.Close()
		if t.Failed() {
			t.Logf("agent log:\n%s", sink)
		}
	})
	return a, sink
}

// logSink collects log output.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func call(t *testing.T, a *Agent, action string, data map[string]any) *agent.Reply {
	t.Helper()
	return a.Handle(context.Background(), &agent.Request{Agent: a.opts.Name, Action: action, Data: data, CallerID: "cert=tester"})
}

func pidOf(t *testing.T, rep *agent.Reply) int {
	t.Helper()
	if rep.StatusCode != agent.OK {
		t.Fatalf("whoami: %d %s", rep.StatusCode, rep.StatusMsg)
	}
	pid, ok := rep.Data["pid"].(int64)
	if !ok {
		t.Fatalf("whoami pid is %T", rep.Data["pid"])
	}
	return int(pid)
}

// procGone reports whether pid no longer runs: no /proc entry, or a
// zombie waiting for a reaper.
func procGone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] == 'Z' || s[i+2] == 'X'
}

func waitGone(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !procGone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still runs after %s", pid, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readLine reads one line from r with a deadline.
func readLine(t *testing.T, r *bufio.Reader, within time.Duration) string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		line, _ := r.ReadString('\n')
		ch <- strings.TrimSpace(line)
	}()
	select {
	case line := <-ch:
		return line
	case <-time.After(within):
		t.Fatalf("no line within %s", within)
		return ""
	}
}
