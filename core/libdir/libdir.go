// Package libdir finds agents in MCollective's plugin directories and
// loads them: each directory of libdir may hold, under mcollective/agent/,
// an agent's DDL (<name>.ddl in MCollective's Ruby DSL, or <name>.json,
// Choria's JSON DDL) and its implementation (<name>.lua, a Lua script, or
// <name>, an executable go-plugin binary). Which host runs an
// implementation is decided here, once, at load time; the daemon then
// reaches every agent through agent.Agent alone. Search gives the
// directories to look in, for the daemon and mco alike.
package libdir

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// Kind names an implementation's host.
type Kind string

// Implementation kinds.
const (
	// Lua is a <name>.lua script run by the Lua host.
	Lua Kind = "lua"
	// Plugin is an executable <name> run by the go-plugin host.
	Plugin Kind = "plugin"
)

// Found is one agent found in a libdir.
type Found struct {
	Name string
	// DDL is the DDL file's path.
	DDL string
	// Impl is the implementation's path; empty when none was found.
	Impl string
	Kind Kind
}

// Opener starts an agent of one kind from its implementation and DDL.
type Opener func(name, path string, d *ddl.DDL) (agent.Agent, error)

// Scan lists the agents in dirs, in directory order. An agent found again
// in a later directory is reported and the first one kept.
func Scan(dirs []string) ([]Found, []error) {
	var out []Found
	var problems []error
	seen := map[string]string{}
	for _, dir := range dirs {
		agentDir := filepath.Join(dir, "mcollective", "agent")
		entries, err := os.ReadDir(agentDir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("libdir %s: %w", dir, err))
			continue
		}
		found := scanDir(agentDir, entries)
		for _, f := range found {
			if prev, dup := seen[f.Name]; dup {
				problems = append(problems, fmt.Errorf("%s: agent %s already loaded from %s; this one is ignored", f.DDL, f.Name, prev))
				continue
			}
			seen[f.Name] = f.DDL
			out = append(out, f)
		}
		problems = append(problems, orphans(agentDir, entries, found)...)
	}
	return out, problems
}

// scanDir pairs DDLs with implementations in one agent directory.
func scanDir(dir string, entries []fs.DirEntry) []Found {
	byName := map[string]fs.DirEntry{}
	for _, e := range entries {
		byName[e.Name()] = e
	}
	var out []Found
	for _, e := range entries {
		name, ext := splitExt(e.Name())
		if ext != ".ddl" && ext != ".json" || e.IsDir() {
			continue
		}
		if ext == ".json" {
			if _, hasRuby := byName[name+".ddl"]; hasRuby {
				continue // the .ddl is read; a .json twin describes the same agent
			}
		}
		f := Found{Name: name, DDL: filepath.Join(dir, e.Name())}
		if _, ok := byName[name+".lua"]; ok {
			f.Impl, f.Kind = filepath.Join(dir, name+".lua"), Lua
		} else if ex, ok := byName[name]; ok && executable(dir, ex) {
			f.Impl, f.Kind = filepath.Join(dir, name), Plugin
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// orphans reports implementations that have no DDL.
func orphans(dir string, entries []fs.DirEntry, found []Found) []error {
	have := map[string]bool{}
	for _, f := range found {
		have[f.Name] = true
	}
	var out []error
	for _, e := range entries {
		name, ext := splitExt(e.Name())
		isImpl := ext == ".lua" || ext == "" && executable(dir, e)
		if isImpl && !have[name] {
			out = append(out, fmt.Errorf("%s: agent %s has no DDL (%s.ddl or %s.json); not loaded", filepath.Join(dir, e.Name()), name, name, name))
		}
	}
	return out
}

func splitExt(file string) (string, string) {
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext), ext
}

func executable(dir string, e fs.DirEntry) bool {
	if e.IsDir() {
		return false
	}
	info, err := os.Stat(filepath.Join(dir, e.Name()))
	return err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0
}

// Load scans dirs and registers every agent it can start, each wrapped in
// its DDL (agent.Described, logging to log, which may be nil). Problems (a DDL that does not parse, a missing
// implementation, a host that cannot start it, a duplicate) are returned
// with the file they concern; the other agents are loaded regardless.
func Load(dirs []string, openers map[Kind]Opener, reg *agent.Registry, log *slog.Logger) []error {
	found, problems := Scan(dirs)
	for _, f := range found {
		if err := load(f, openers, reg, log); err != nil {
			problems = append(problems, err)
		}
	}
	return problems
}

func load(f Found, openers map[Kind]Opener, reg *agent.Registry, log *slog.Logger) error {
	d, err := ddl.ParseFile(f.DDL)
	if err != nil {
		return fmt.Errorf("agent %s: %w", f.Name, err)
	}
	if d.Kind != "" && d.Kind != ddl.KindAgent {
		return fmt.Errorf("%s: a %s DDL in the agent directory; not loaded", f.DDL, d.Kind)
	}
	if f.Impl == "" {
		return fmt.Errorf("%s: agent %s has no implementation (%s.lua or an executable %s); not loaded", f.DDL, f.Name, f.Name, f.Name)
	}
	open, ok := openers[f.Kind]
	if !ok {
		return fmt.Errorf("%s: no host for %s agents", f.Impl, f.Kind)
	}
	a, err := open(f.Name, f.Impl, d)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Impl, err)
	}
	if err := reg.Register(f.Name, &agent.Described{DDL: d, Agent: a, Log: log}); err != nil {
		return err
	}
	return nil
}
