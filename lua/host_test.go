package lua

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

// fakeHost is an agent.Host with fixed answers.
type fakeHost struct {
	identity string
	facts    map[string]any
	classes  []string
	config   map[string]string
}

var _ agent.Host = (*fakeHost)(nil)

func newFakeHost() *fakeHost {
	return &fakeHost{
		identity: "node1.example.net",
		facts: map[string]any{
			"os":      map[string]any{"family": "Debian", "release": map[string]any{"major": 12, "full": "12.5"}},
			"cpus":    8,
			"virtual": "kvm",
			"tags":    []any{"web", "prod"},
		},
		classes: []string{"roles::web", "profiles::base"},
		config:  map[string]string{"main_collective": "mcollective"},
	}
}

func (h *fakeHost) Identity() string { return h.identity }

func (h *fakeHost) Fact(name string) (any, bool) {
	var v any = h.facts
	for _, part := range strings.Split(name, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

func (h *fakeHost) Facts() map[string]any { return h.facts }
func (h *fakeHost) Classes() []string     { return h.classes }

func (h *fakeHost) ConfigItem(key string) (string, bool) {
	v, ok := h.config[key]
	return v, ok
}

func (h *fakeHost) Stats() map[string]any      { return map[string]any{} }
func (h *fakeHost) Inventory() agent.Inventory { return agent.Inventory{} }

func (h *fakeHost) DataQuery(context.Context, string, string) (map[string]any, error) {
	return nil, errors.New("no data plugins")
}

// logBuffer collects log output from concurrent calls.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start loads testdata/<script> with a fake host, applying edits to the
// options, and closes the agent when the test ends.
func start(t testing.TB, script string, edits ...func(*Options)) *Agent {
	t.Helper()
	opts := Options{Path: filepath.Join("testdata", script), Host: newFakeHost()}
	for _, edit := range edits {
		edit(&opts)
	}
	a, err := New(opts)
	if err != nil {
		t.Fatalf("New(%s): %v", script, err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// withLog sends the agent's log to a buffer.
func withLog(buf *logBuffer) func(*Options) {
	return func(o *Options) {
		o.Log = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

// call runs action with data under a deadline.
func call(t testing.TB, a *Agent, action string, data map[string]any, timeout time.Duration) *agent.Reply {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	if data == nil {
		data = map[string]any{}
	}
	return a.Handle(ctx, &agent.Request{Agent: a.name, Action: action, Data: data, CallerID: "cert=alice", SenderID: "client1", RequestID: "0123abcd", Collective: "mcollective"})
}

// wantStatus fails the test unless rep has code and a message containing
// msg.
func wantStatus(t testing.TB, rep *agent.Reply, code agent.StatusCode, msg string) {
	t.Helper()
	if rep.StatusCode != code || !strings.Contains(rep.StatusMsg, msg) {
		t.Fatalf("reply = %d %q, want %d with %q (data %v)", rep.StatusCode, rep.StatusMsg, code, msg, rep.Data)
	}
}
