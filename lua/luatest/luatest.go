// Package luatest runs a Lua agent's actions in-process, the way the
// daemon does (inputs validated against the DDL, output defaults filled,
// the DDL's timeout applied), so a Lua agent is tested without a daemon or
// a broker.
package luatest

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/lua"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// Host is a fake agent.Host with settable answers.
type Host struct {
	ID      string
	FactMap map[string]any
	Config  map[string]string
	Class   []string
}

var _ agent.Host = (*Host)(nil)

// Identity implements agent.Host.
func (h *Host) Identity() string { return h.ID }

// Fact implements agent.Host.
func (h *Host) Fact(name string) (any, bool) { v, ok := h.FactMap[name]; return v, ok }

// Facts implements agent.Host.
func (h *Host) Facts() map[string]any { return maps.Clone(h.FactMap) }

// Classes implements agent.Host.
func (h *Host) Classes() []string { return h.Class }

// ConfigItem implements agent.Host.
func (h *Host) ConfigItem(key string) (string, bool) { v, ok := h.Config[key]; return v, ok }

// Stats implements agent.Host.
func (h *Host) Stats() map[string]any { return map[string]any{} }

// Inventory implements agent.Host.
func (h *Host) Inventory() agent.Inventory { return agent.Inventory{} }

// DataQuery implements agent.Host.
func (h *Host) DataQuery(context.Context, string, string) (map[string]any, error) {
	return nil, errors.New("luatest: no data plugins")
}

// Agent is a loaded Lua agent under test.
type Agent struct {
	described *agent.Described
	name      string
}

// Load parses the DDL, compiles the script on the Lua host with host (a
// default Host named "test.node" when nil) and closes it when the test
// ends.
func Load(t testing.TB, ddlPath, luaPath string, host agent.Host) *Agent {
	t.Helper()
	d, err := ddl.ParseFile(ddlPath)
	if err != nil {
		t.Fatalf("luatest: %v", err)
	}
	if host == nil {
		host = &Host{ID: "test.node"}
	}
	a, err := lua.New(lua.Options{Name: d.Plugin, Path: luaPath, DDL: d, Host: host})
	if err != nil {
		t.Fatalf("luatest: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return &Agent{described: &agent.Described{DDL: d, Agent: a}, name: d.Plugin}
}

// Run calls action with inputs as the daemon would and returns the reply,
// whatever its status.
func (a *Agent) Run(ctx context.Context, action string, inputs map[string]any) *agent.Reply {
	return a.described.Handle(ctx, &agent.Request{Agent: a.name, Action: action, Data: inputs,
		CallerID: "uid=0", SenderID: "luatest", RequestID: "00000000000000000000000000000000"})
}
