package discovery_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/lua"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

func TestPing(t *testing.T) {
	src, err := os.ReadFile("discovery.ddl")
	if err != nil {
		t.Fatal(err)
	}
	// ParseFile would take the plugin kind from the directory name,
	// discovery, and refuse an agent's action; name it as an agent DDL.
	d, err := ddl.Parse("agent/discovery.ddl", src)
	if err != nil {
		t.Fatal(err)
	}
	if d.Metadata.Name != "discovery" || d.Action("ping") == nil || len(d.Warnings) > 0 {
		t.Fatalf("DDL = %+v, warnings %q", d.Metadata, d.Warnings)
	}
	a, err := lua.New(lua.Options{Path: "discovery.lua", DDL: d})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tests := []struct {
		action string
		code   agent.StatusCode
	}{
		{"ping", agent.OK},
		{"pong", agent.UnknownAction},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		rep := a.Handle(ctx, &agent.Request{Agent: "discovery", Action: tt.action, Data: map[string]any{}})
		cancel()
		if rep.StatusCode != tt.code || (tt.code == agent.OK && len(rep.Data) != 0) {
			t.Errorf("%s: reply = %d %q %v, want %d and no data", tt.action, rep.StatusCode, rep.StatusMsg, rep.Data, tt.code)
		}
	}
}
