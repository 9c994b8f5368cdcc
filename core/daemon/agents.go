package daemon

import (
	"log/slog"
	"os"
	"path/filepath"
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

// ShippedLibDir returns the libdir holding the agents shipped with
// Marionette (rpcutil, discovery, ...): $MARIONETTE_LIBDIR when set, else
// "libdir" beside the running executable. Like Ruby MCollective's own
// agents, which live in its library rather than in libdir, they are
// searched after the configured libdir.
func ShippedLibDir(getenv func(string) string) string {
	if d := getenv("MARIONETTE_LIBDIR"); d != "" {
		return d
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), "libdir")
}

// libDirs is the configured libdir followed by the shipped one, each
// directory once.
func libDirs(configured []string, shipped string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range append(append([]string(nil), configured...), shipped) {
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

// loadAgents registers every agent found in dirs, logging each problem
// (with its file) and carrying on with the rest.
func loadAgents(dirs []string, h agent.Host, reg *agent.Registry, log *slog.Logger) {
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
