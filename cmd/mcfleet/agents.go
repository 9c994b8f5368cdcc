package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/agent/goplugin"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/daemon"
	"github.com/marionette-mco/marionette/core/libdir"
	"github.com/marionette-mco/marionette/lua"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// Agent sets for --agents.
const (
	agentsLibdir  = "libdir"
	agentsBuiltin = "builtin"
)

// pluginIdleStop is mcollectived's: a plugin process idle this long stops.
const pluginIdleStop = 2 * time.Minute

// loadAgents fills reg with the agents every virtual node serves. With
// agentsLibdir, those mcollectived loads: libdir from the base config,
// then the shipped libdir beside the executable, each agent opened as
// core/daemon opens it, but once for the whole fleet and with the fleet's
// host h (see fleet.Host); the built-in discovery agent stands in when
// libdir has none. With agentsBuiltin, the built-in discovery agent alone.
func loadAgents(mode string, cfg *config.Config, h agent.Host, reg *agent.Registry, log *slog.Logger) error {
	switch mode {
	case agentsBuiltin:
		return reg.Register("discovery", agent.Discovery{})
	case agentsLibdir:
	default:
		return fmt.Errorf("--agents %q: want %s or %s", mode, agentsLibdir, agentsBuiltin)
	}
	openers := map[libdir.Kind]libdir.Opener{
		libdir.Lua: func(name, path string, d *ddl.DDL) (agent.Agent, error) {
			return lua.New(lua.Options{Name: name, Path: path, DDL: d, Host: h, Log: log.With("agent", name)})
		},
		libdir.Plugin: func(name, path string, d *ddl.DDL) (agent.Agent, error) {
			return goplugin.New(goplugin.Options{Name: name, Path: path, Host: h,
				Timeout: (&agent.Described{DDL: d}).Timeout(), IdleStop: pluginIdleStop, Log: log.With("agent", name)})
		},
	}
	dirs := uniqueDirs(append(append([]string(nil), cfg.LibDir...), daemon.ShippedLibDir(os.Getenv)))
	for _, err := range libdir.Load(dirs, openers, reg, log) {
		log.Warn("agent not loaded", "err", err)
	}
	if !reg.Has("discovery") {
		log.Info("no discovery agent in libdir; serving the built-in one", "libdir", dirs)
		return reg.Register("discovery", agent.Discovery{})
	}
	return nil
}

// uniqueDirs drops empty and repeated directories, keeping the order.
func uniqueDirs(dirs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		if d == "" {
			continue
		}
		key := filepath.Clean(d)
		if abs, err := filepath.Abs(d); err == nil {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}
