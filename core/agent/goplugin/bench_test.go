package goplugin

import (
	"context"
	"testing"

	"github.com/marionette-mco/marionette/core/agent"
)

// BenchmarkHandle times one call to a running plugin over go-plugin's
// gRPC, inputs and reply converted.
func BenchmarkHandle(b *testing.B) {
	a, _ := newAgent(b, Options{Path: pluginScript(b)})
	req := &agent.Request{Agent: "testagent", Action: "echo", Data: map[string]any{"msg": "hi"}}
	if rep := a.Handle(context.Background(), req); rep.StatusCode != agent.OK {
		b.Fatal(rep.StatusMsg)
	}
	b.ReportAllocs()
	for b.Loop() {
		a.Handle(context.Background(), req)
	}
}
