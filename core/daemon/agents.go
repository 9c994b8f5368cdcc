package daemon

import (
	"log/slog"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/agent/goplugin"
	"github.com/marionette-mco/marionette/core/libdir"
	"github.com/marionette-mco/marionette/lua"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// pluginIdleStop stops a Go plugin process that has not been called for
// this long; the next call starts it again.
const pluginIdleStop = 2 * time.Minute

// LoadAgents registers every agent found in dirs, each opened by its host
// (Lua scripts by the Lua host, executables by the go-plugin host) with h
// as the host services, logging each problem (with its file) and carrying
// on with the rest.
func LoadAgents(dirs []string, h agent.Host, reg *agent.Registry, log *slog.Logger) {
	openers := map[libdir.Kind]libdir.Opener{
		libdir.Lua: func(name, path string, d *ddl.DDL) (agent.Agent, error) {
			return lua.New(lua.Options{Name: name, Path: path, DDL: d, Host: h, Log: log.With("agent", name)})
		},
		libdir.Plugin: func(name, path string, d *ddl.DDL) (agent.Agent, error) {
			return goplugin.New(goplugin.Options{Name: name, Path: path, Host: h,
				Timeout: (&agent.Described{DDL: d}).Timeout(), IdleStop: pluginIdleStop, Log: log.With("agent", name)})
		},
	}
	for _, err := range libdir.Load(dirs, openers, reg, log) {
		log.Warn("agent not loaded", "err", err)
	}
}
