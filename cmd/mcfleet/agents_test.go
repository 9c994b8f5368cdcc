package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/fleet"
)

func TestLoadAgents(t *testing.T) {
	// A libdir holding the shipped Lua discovery agent.
	lib := t.TempDir()
	dir := filepath.Join(lib, "mcollective", "agent")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"discovery.ddl", "discovery.lua"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "plugins", "discovery", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	cases := []struct {
		name, mode, libdir string
		builtin            bool
	}{
		{"builtin", agentsBuiltin, lib, true},
		{"libdir", agentsLibdir, lib, false},
		{"libdir without discovery", agentsLibdir, empty, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("MARIONETTE_LIBDIR", empty)
			reg := agent.NewRegistry()
			defer reg.Close()
			cfg := &config.Config{LibDir: []string{c.libdir}}
			if err := loadAgents(c.mode, cfg, &fleet.Host{Agents: reg}, reg, log); err != nil {
				t.Fatal(err)
			}
			a, ok := reg.Get("discovery")
			if !ok {
				t.Fatalf("no discovery agent; have %v", reg.Names())
			}
			if _, isBuiltin := a.(agent.Discovery); isBuiltin != c.builtin {
				t.Fatalf("discovery agent is %T", a)
			}
			rep := reg.Dispatch(context.Background(), &agent.Request{Agent: "discovery", Action: "ping", Data: map[string]any{}})
			if rep.StatusCode != agent.OK {
				t.Fatalf("discovery ping = %+v", rep)
			}
		})
	}
	if err := loadAgents("plugins", &config.Config{}, &fleet.Host{}, agent.NewRegistry(), log); err == nil {
		t.Fatal("unknown --agents accepted")
	}
}
