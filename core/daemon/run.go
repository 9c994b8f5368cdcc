package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/broker"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/libdir"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/server"
	"github.com/marionette-mco/marionette/core/transport"
)

// Run assembles one mcollectived from cfg: the embedded broker when
// enabled, the facts source, the agents, the broker connection and the
// request pipeline, and runs them until ctx ends. Shutdown runs in reverse:
// the pipeline finishes its in-flight requests while the connection is
// still up, then the connection closes, then the broker.
func Run(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	log = log.With("identity", cfg.Identity)
	var bg sync.WaitGroup
	defer bg.Wait()
	brokerCtx, stopBroker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBroker()
	if cfg.Broker.Enable {
		if err := StartBroker(brokerCtx, cfg.Broker, log, &bg); err != nil {
			return err
		}
	}
	src, err := facts.New(cfg.Facts, log.With("component", "facts"))
	if err != nil {
		return err
	}
	sec, err := security.New(cfg.Security, cfg.Identity, nil)
	if err != nil {
		return err
	}
	agents := agent.NewRegistry()
	defer agents.Close()
	node := server.NewNode(cfg.Identity, src, agents, cfg.Collectives)
	h := &host{cfg: cfg, facts: src, agents: agents, data: node.DataSources()}
	dirs := libdir.Search(cfg.LibDir, os.Getenv)
	LoadAgents(dirs, h, agents, cfg.PluginIdleStop, log)
	if len(agents.Names()) == 0 {
		log.Warn("no agents loaded: this node answers nothing, not even ping", "libdir", dirs)
	}
	conn, err := transport.New(cfg.Connector, cfg.Identity, log.With("component", "transport"))
	if err != nil {
		return err
	}
	if err := conn.SubscribeNode(cfg.Collectives, agents.Names()); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	connCtx, stopConn := context.WithCancel(context.WithoutCancel(ctx))
	defer stopConn()
	bg.Go(func() {
		if err := conn.Run(connCtx); err != nil {
			log.Error("broker connection stopped", "err", err)
		}
	})
	bg.Go(func() {
		if err := src.Run(connCtx); err != nil {
			log.Error("facts reloading stopped", "err", err)
		}
	})
	srv := server.New(server.Options{Identity: cfg.Identity, Collectives: cfg.Collectives}, conn, sec, node, agents, log)
	h.stats = srv.Stats().Snapshot
	log.Info("mcollectived started", "collectives", cfg.Collectives, "agents", agents.Names(), "connector", cfg.Connector.Name)
	// Reading the configuration, the DDLs and the Lua scripts, then
	// connecting, left garbage that an idle daemon would otherwise keep
	// mapped until its heap grew enough for a collection: hand it back
	// once connected.
	bg.Go(func() {
		if conn.WaitConnected(connCtx) == nil {
			debug.FreeOSMemory()
		}
	})
	err = srv.Run(ctx)
	log.Info("mcollectived stopping")
	stopConn()
	return err
}

// StartBroker binds the embedded broker that cfg describes now, so that a
// bad or busy address fails at start, and serves it on bg until ctx ends.
func StartBroker(ctx context.Context, cfg config.Broker, log *slog.Logger, bg *sync.WaitGroup) error {
	b, err := broker.New(cfg, log)
	if err != nil {
		return err
	}
	if _, err := b.Listen(); err != nil {
		return err
	}
	bg.Go(func() {
		if err := b.Run(ctx); err != nil {
			log.Error("embedded broker stopped", "err", err)
		}
	})
	return nil
}

// RunBroker runs only the embedded broker that cfg's plugin.broker.* keys
// describe, until ctx ends: a broker for a fleet without a node in the
// same process.
func RunBroker(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	var bg sync.WaitGroup
	err := StartBroker(ctx, cfg.Broker, log, &bg)
	bg.Wait()
	return err
}
