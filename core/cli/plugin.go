package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/libdir"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// pluginTypes are the plugin types `mco plugin doc` lists, with their
// headings, in Ruby's order.
var pluginTypes = []struct {
	heading string
	kind    ddl.Kind
}{
	{"Agents", ddl.KindAgent},
	{"Aggregate", ddl.KindAggregate},
	{"Connectors", ddl.KindConnector},
	{"Data Queries", ddl.KindData},
	{"Discovery Methods", ddl.KindDiscovery},
	{"Validator Plugins", ddl.KindValidator},
}

type pluginOptions struct {
	config   string
	generate generateOptions
}

func newPluginCommand(sio IO) *cobra.Command {
	o := &pluginOptions{}
	cmd := &cobra.Command{
		Use:   "plugin doc [TYPE/]NAME | plugin generate agent NAME",
		Short: "MCollective Plugin Application",
		Long: "mco plugin doc lists the plugins the client knows, by type;\n" +
			"mco plugin doc NAME or mco plugin doc TYPE/NAME (agent/rpcutil) shows one plugin's documentation.\n" +
			"mco plugin generate agent NAME [--lang lua|go] [--dir DIR] writes a new agent: DDL,\n" +
			"implementation, README and a test that passes.",
		Args: cobra.RangeArgs(1, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch args[0] {
			case "generate":
				return runPluginGenerate(sio, &o.generate, args[1:])
			case "doc":
				if len(args) > 2 {
					return usageErr(fmt.Errorf("plugin doc takes one plugin name"))
				}
			default:
				return usageErr(fmt.Errorf("unknown plugin command %q: want doc or generate", args[0]))
			}
			target := ""
			if len(args) == 2 {
				target = args[1]
			}
			return runPluginDoc(sio, o, target)
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return []cobra.Completion{"doc"}, cobra.ShellCompDirectiveNoFileComp
			}
			if len(args) > 1 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			cat := loadCatalog(sio, o.config)
			var names []cobra.Completion
			for _, p := range cat.plugins {
				names = append(names, string(p.kind)+"/"+p.name, p.name)
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().StringVarP(&o.config, "config", "c", "", "client configuration file (for its libdir)")
	o.generate.register(cmd.Flags())
	return cmd
}

func runPluginDoc(sio IO, o *pluginOptions, target string) error {
	cat := loadCatalog(sio, o.config)
	if cat.err != nil {
		return &ExitError{Code: ExitFailure, Err: cat.err}
	}
	if target == "" || target == "." {
		writePluginList(sio.Stdout, cat)
		return nil
	}
	p, err := cat.find(target)
	if err != nil {
		return &ExitError{Code: 1, Err: err}
	}
	d, err := p.load()
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	io.WriteString(sio.Stdout, d.Doc())
	return nil
}

func writePluginList(w io.Writer, cat catalog) {
	var b strings.Builder
	b.WriteString("Please specify a plugin. Available plugins are:\n\n")
	var loadErrs []string
	for _, t := range pluginTypes {
		fmt.Fprintf(&b, "%s:\n", t.heading)
		for _, p := range cat.plugins {
			if p.kind != t.kind {
				continue
			}
			d, err := p.load()
			if err != nil {
				loadErrs = append(loadErrs, fmt.Sprintf("  %-25s %v\n", string(p.kind)+"/"+p.name, err))
				continue
			}
			fmt.Fprintf(&b, "  %-25s %s\n", p.name, d.Metadata.Description)
		}
		b.WriteString("\n")
	}
	if len(loadErrs) > 0 {
		b.WriteString("Plugin Load Errors:\n")
		for _, e := range loadErrs {
			b.WriteString(e)
		}
	}
	io.WriteString(w, b.String())
}

// plugin is one documented plugin: a DDL file in a libdir, or one built
// into Marionette.
type plugin struct {
	kind ddl.Kind
	name string
	// path is the DDL file; empty for a built-in plugin.
	path string
	// source is a built-in plugin's DDL.
	source string
}

func (p plugin) load() (*ddl.DDL, error) {
	if p.path != "" {
		return ddl.ParseFile(p.path)
	}
	d, err := ddl.Parse(string(p.kind)+"/"+p.name+ddlSuffix(p.kind)+".ddl", []byte(p.source))
	if err != nil {
		return nil, fmt.Errorf("built-in %s plugin %s: %w", p.kind, p.name, err)
	}
	return d, nil
}

// ddlSuffix is the file name suffix MCollective gives a plugin type's
// DDLs (fstat_data.ddl); agents have none.
func ddlSuffix(k ddl.Kind) string {
	if k == ddl.KindAgent {
		return ""
	}
	return "_" + string(k)
}

// catalog is every plugin the client can document, sorted by type and
// name; a plugin in a libdir hides a built-in one of the same name.
type catalog struct {
	plugins []plugin
	// err is set when an explicitly given config could not be read.
	err error
}

// find looks a plugin up by "type/name" or by a name unique across types.
func (c catalog) find(target string) (plugin, error) {
	if kind, name, ok := strings.Cut(target, "/"); ok {
		for _, p := range c.plugins {
			if string(p.kind) == kind && p.name == name {
				return p, nil
			}
		}
		return plugin{}, fmt.Errorf("could not find a '%s' plugin named '%s'", kind, name)
	}
	var found []plugin
	for _, p := range c.plugins {
		if p.name == target {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return plugin{}, fmt.Errorf("could not find a plugin named '%s' in any supported plugin type", target)
	case 1:
		return found[0], nil
	}
	return plugin{}, fmt.Errorf("duplicate plugin name found, please specify a full path like %s/%s", found[0].kind, target)
}

// agents are the agent plugins' names.
func (c catalog) agents() []string {
	var out []string
	for _, p := range c.plugins {
		if p.kind == ddl.KindAgent {
			out = append(out, p.name)
		}
	}
	return out
}

// loadCatalog lists the plugins in the client's libdirs (the config's
// libdir, then the shipped one) and the built-in ones.
func loadCatalog(sio IO, configPath string) catalog {
	dirs, err := clientLibDirs(sio, configPath)
	cat := catalog{err: err}
	seen := map[string]bool{}
	add := func(p plugin) {
		key := string(p.kind) + "/" + p.name
		if !seen[key] {
			seen[key] = true
			cat.plugins = append(cat.plugins, p)
		}
	}
	found, _ := libdir.Scan(dirs)
	for _, f := range found {
		add(plugin{kind: ddl.KindAgent, name: f.Name, path: f.DDL})
	}
	for _, t := range pluginTypes[1:] {
		for _, p := range scanPluginDir(dirs, t.kind) {
			add(p)
		}
	}
	for _, p := range builtinPlugins() {
		add(p)
	}
	slices.SortStableFunc(cat.plugins, func(a, b plugin) int {
		if c := kindOrder(a.kind) - kindOrder(b.kind); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	return cat
}

// kindOrder is a plugin type's place in pluginTypes.
func kindOrder(k ddl.Kind) int {
	for i, t := range pluginTypes {
		if t.kind == k {
			return i
		}
	}
	return len(pluginTypes)
}

// scanPluginDir lists the DDLs of one non-agent plugin type in dirs
// (<dir>/mcollective/<type>/<name>_<type>.ddl).
func scanPluginDir(dirs []string, kind ddl.Kind) []plugin {
	var out []plugin
	for _, dir := range dirs {
		entries, err := os.ReadDir(filepath.Join(dir, "mcollective", string(kind)))
		if err != nil {
			continue
		}
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".ddl")
			if !ok || e.IsDir() {
				continue
			}
			name = strings.TrimSuffix(name, ddlSuffix(kind))
			out = append(out, plugin{kind: kind, name: name, path: filepath.Join(dir, "mcollective", string(kind), e.Name())})
		}
	}
	return out
}

// clientLibDirs is the client config's libdir followed by the shipped
// libdir ($MARIONETTE_LIBDIR, else "libdir" beside the mco executable,
// where `make build` puts the shipped agents), as libdir.Search orders
// them. Without -c, a missing default config only means no configured
// libdir.
func clientLibDirs(sio IO, configPath string) ([]string, error) {
	getenv := sio.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var configured []string
	var loadErr error
	path := configPath
	if path == "" {
		path = config.DefaultClientPath()
	}
	if _, err := os.Stat(path); configPath != "" || !errors.Is(err, fs.ErrNotExist) {
		cfg, err := config.Load(path, config.LoadOptions{Env: getenv})
		if err != nil {
			loadErr = err
		} else {
			configured = cfg.LibDir
		}
	}
	return libdir.Search(configured, getenv), loadErr
}
