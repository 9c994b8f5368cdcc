package pluginhost

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/marionette-mco/marionette/core/agent"
)

// BenchmarkCall times one call through the plugin host to an agent that
// does nothing: the cost of the hop itself.
func BenchmarkCall(b *testing.B) {
	b.Setenv(hostModeEnv, "serve")
	p := New(Options{Path: os.Args[0], Host: fakeHost{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer p.Close()
	a := p.Agent(Spec{Name: "noop"})
	req := &agent.Request{Agent: "noop", Action: "run", Data: map[string]any{"fact": "role"}}
	if rep := a.Handle(context.Background(), req); rep.StatusCode != agent.OK {
		b.Fatal(rep.StatusMsg)
	}
	b.ReportAllocs()
	for b.Loop() {
		a.Handle(context.Background(), req)
	}
}
