package daemon

import (
	"log/slog"
	"os"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/agent/pluginhost"
	"github.com/marionette-mco/marionette/core/libdir"
	"github.com/marionette-mco/marionette/lua"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// LoadAgents registers every agent found in dirs, each opened by its host,
// with h as the host services, logging each problem (with its file) and
// carrying on with the rest. Lua scripts run in this process (package lua);
// Go plugin executables are served by the plugin host process (package
// pluginhost), which starts on the first call to one of them and stops,
// with their plugin processes, once none has been called for idleStop
// (zero: never). Closing reg's agents stops the plugin host.
func LoadAgents(dirs []string, h agent.Host, reg *agent.Registry, idleStop time.Duration, log *slog.Logger) {
	var plugins *pluginhost.Process
	openers := map[libdir.Kind]libdir.Opener{
		libdir.Lua: func(name, path string, d *ddl.DDL) (agent.Agent, error) {
			return lua.New(lua.Options{Name: name, Path: path, DDL: d, Host: h, Log: log.With("agent", name)})
		},
		libdir.Plugin: func(name, path string, d *ddl.DDL) (agent.Agent, error) {
			if plugins == nil {
				exe, err := pluginhost.Find(os.Getenv)
				if err != nil {
					return nil, err
				}
				plugins = pluginhost.New(pluginhost.Options{Path: exe, Host: h, IdleStop: idleStop,
					Log: log.With("component", "plugin host")})
			}
			return plugins.Agent(pluginhost.Spec{Name: name, Path: path,
				Timeout: (&agent.Described{DDL: d}).Timeout(), IdleStop: idleStop}), nil
		},
	}
	for _, err := range libdir.Load(dirs, openers, reg, log) {
		log.Warn("agent not loaded", "err", err)
	}
}
