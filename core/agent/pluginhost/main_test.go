package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

// hostModeEnv makes the test binary a plugin host (see TestMain): "serve"
// serves the test agents; "garbage" and "silent" misbehave.
const hostModeEnv = "PLUGINHOST_TEST_HOST"

func TestMain(m *testing.M) {
	switch os.Getenv(hostModeEnv) {
	case "":
		os.Exit(m.Run())
	case "serve":
		syscall.CloseOnExec(3)
		syscall.CloseOnExec(4)
		// Non-blocking, the pipes are served by the runtime poller instead
		// of a thread blocked in read.
		syscall.SetNonblock(3, true)
		syscall.SetNonblock(4, true)
		in, out := os.NewFile(3, "in"), os.NewFile(4, "out")
		if err := Serve(context.Background(), in, out, testOpener); err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "garbage":
		os.NewFile(4, "out").Write([]byte("\x00\x00\x00\x05junk!"))
		time.Sleep(time.Minute)
	case "silent":
		fmt.Fprintln(os.Stderr, "I say nothing")
		time.Sleep(time.Minute)
	}
	os.Exit(3)
}

// testOpener serves the agents the tests call, by name.
func testOpener(spec Spec, host agent.Host, log *slog.Logger) (agent.Agent, error) {
	switch spec.Name {
	case "echo":
		return agent.Func(func(ctx context.Context, r *agent.Request) *agent.Reply { return echo(ctx, host, r) }), nil
	case "noop":
		return agent.Func(func(context.Context, *agent.Request) *agent.Reply { return &agent.Reply{Data: map[string]any{}} }), nil
	case "sleep":
		return agent.Func(func(ctx context.Context, r *agent.Request) *agent.Reply {
			select {
			case <-ctx.Done():
				log.Info("sleep cancelled", "agent", "sleep", "request", r.RequestID)
				return agent.Fail(agent.Aborted, "cancelled")
			case <-time.After(time.Minute):
				return &agent.Reply{}
			}
		}), nil
	case "crash":
		return agent.Func(func(context.Context, *agent.Request) *agent.Reply {
			fmt.Fprintln(os.Stderr, "about to crash")
			os.Exit(7)
			return nil
		}), nil
	case "logger":
		return agent.Func(func(_ context.Context, r *agent.Request) *agent.Reply {
			log.WithGroup("g").Warn("hello from the host", "n", 3, "d", time.Second, "err", errors.New("boom"))
			return &agent.Reply{Data: map[string]any{}}
		}), nil
	}
	return nil, fmt.Errorf("no test agent %q", spec.Name)
}

// echo returns the inputs, the host's pid and what the daemon's host says.
func echo(ctx context.Context, h agent.Host, r *agent.Request) *agent.Reply {
	role, found := h.Fact("role")
	_, missing := h.Fact("nope")
	val, _ := h.ConfigItem("plugin.x")
	dq, err := h.DataQuery(ctx, "fact", "role")
	_, dqErr := h.DataQuery(ctx, "broken", "")
	out := map[string]any{
		"inputs": r.Data, "pid": int64(os.Getpid()), "identity": h.Identity(), "role": role,
		"found": found, "missing": missing, "config": val, "classes": h.Classes(),
		"facts": h.Facts(), "stats": h.Stats(), "version": h.Inventory().Version,
		"agents": len(h.Inventory().Agents), "dq": dq, "dq_err": fmt.Sprint(err, dqErr),
		"caller": r.CallerID, "request": r.RequestID, "ttl": r.TTL.String(),
	}
	return &agent.Reply{Data: out}
}

// fakeHost is the daemon's side of the host calls.
type fakeHost struct{}

func (fakeHost) Identity() string { return "node1" }
func (fakeHost) Fact(n string) (any, bool) {
	if n == "role" {
		return "web", true
	}
	return nil, false
}
func (fakeHost) Facts() map[string]any { return map[string]any{"role": "web", "cpus": int64(2)} }
func (fakeHost) Classes() []string     { return []string{"base", "web"} }
func (fakeHost) ConfigItem(k string) (string, bool) {
	return "v:" + k, k == "plugin.x"
}
func (fakeHost) Stats() map[string]any { return map[string]any{"total": int64(5)} }
func (fakeHost) Inventory() agent.Inventory {
	return agent.Inventory{Version: "2.12.5", Agents: []agent.Meta{{Agent: "echo", Timeout: 5}}}
}
func (fakeHost) DataQuery(_ context.Context, p, q string) (map[string]any, error) {
	if p == "broken" {
		return nil, errors.New("no data plugin broken")
	}
	return map[string]any{"value": p + ":" + q, "ratio": 0.5}, nil
}

// recorder is a slog.Handler that keeps records.
type recorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.recs = append(r.recs, rec.Clone())
	r.mu.Unlock()
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

// find returns the first record with message msg, as "msg k=v ...".
func (r *recorder) find(msg string) (map[string]string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.recs {
		if rec.Message == msg {
			attrs := map[string]string{"level": rec.Level.String()}
			rec.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
			return attrs, true
		}
	}
	return nil, false
}

// newTestProcess returns a Process whose host is this test binary in mode.
func newTestProcess(t *testing.T, mode string, idle time.Duration) (*Process, *recorder) {
	t.Helper()
	t.Setenv(hostModeEnv, mode)
	rec := &recorder{}
	p := New(Options{Path: os.Args[0], Host: fakeHost{}, IdleStop: idle, Log: slog.New(rec)})
	t.Cleanup(func() { p.Close() })
	return p, rec
}

// waitFor polls cond every 10 ms for up to limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("after %s: %s", limit, what)
}

// alive reports whether pid is a live process (not a zombie we reaped).
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }
