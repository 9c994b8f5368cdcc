package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/daemon"
	"github.com/marionette-mco/marionette/core/libdir"
)

// Agent sets for --agents.
const (
	agentsLibdir  = "libdir"
	agentsBuiltin = "builtin"
)

// loadAgents fills reg with the agents every virtual node serves. With
// agentsLibdir, those mcollectived loads: libdir from the base config,
// then the shipped libdir beside the executable, each agent opened as
// core/daemon opens it (daemon.LoadAgents), but once for the whole fleet and with the fleet's
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
	dirs := libdir.Search(cfg.LibDir, os.Getenv)
	daemon.LoadAgents(dirs, h, reg, cfg.PluginIdleStop, log)
	if !reg.Has("discovery") {
		log.Info("no discovery agent in libdir; serving the built-in one", "libdir", dirs)
		return reg.Register("discovery", agent.Discovery{})
	}
	return nil
}
