package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// LoadOptions adjusts Load.
type LoadOptions struct {
	// Strict makes keys that neither Marionette nor Ruby MCollective
	// knows an error instead of entries in Config.Unknown.
	Strict bool
	// Env looks environment variables up; nil means os.Getenv. A variable
	// set to "" counts as unset (Ruby would use the empty value).
	Env func(string) string
	// FQDN gives the default identity; nil means HostFQDN.
	FQDN func() string
}

// DefaultServerPath is where mcollectived looks for its configuration:
// /etc/puppetlabs/mcollective/server.cfg when that file is readable (as
// Ruby's mcollectived does), else /etc/mcollective/server.cfg.
func DefaultServerPath() string {
	return firstReadable("/etc/mcollective/server.cfg",
		"/etc/puppetlabs/mcollective/server.cfg",
		"/etc/mcollective/server.cfg")
}

// DefaultClientPath is where mco looks for its configuration, in Ruby's
// order (Util.config_file_for_user): ~/.mcollective, then
// /etc/puppetlabs/mcollective/client.cfg, then /etc/mcollective/client.cfg,
// the first that is a readable file; /etc/mcollective/client.cfg when none
// is. Ruby has no environment variable for this (mco --config sets it).
func DefaultClientPath() string {
	var paths []string
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		paths = append(paths, filepath.Join(home, ".mcollective"))
	}
	paths = append(paths, "/etc/puppetlabs/mcollective/client.cfg", "/etc/mcollective/client.cfg")
	return firstReadable("/etc/mcollective/client.cfg", paths...)
}

// firstReadable returns the first of paths that is a regular file that can
// be opened, else fallback.
func firstReadable(fallback string, paths ...string) string {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		_ = f.Close()
		return p
	}
	return fallback
}

// Load reads the configuration file at path and then, in name order, the
// files <dir>/plugin.d/*.cfg next to it, whose keys become
// plugin.<file name>.<key>.
//
// Syntax (see parseLines): `key = value` lines, # comments, blank lines.
// Where Marionette differs from Ruby MCollective 2.12:
//   - a comment after white space at the end of a value is stripped;
//   - a line without "=" or with an empty value is an error, not skipped;
//   - relative paths in libdir, logfile, classesfile and plugin.yaml are
//     taken relative to the directory of path, not the working directory
//     (Ruby rejects relative libdirs);
//   - main_collective defaults to the first of collectives and must be one
//     of them;
//   - values Ruby reads with Integer(), Float() or str_to_bool are checked
//     even for keys Marionette does not use; plugin.psk.callertype, the
//     connector, logger_type and loglevel must be known values; ttl and
//     discovery_timeout must be positive; integers are decimal only
//     (Ruby's Integer() also takes 0x10 and 1_000);
//   - identity defaults to the host's FQDN (HostFQDN), not the bare host
//     name;
//   - the stomp connector's default port is 61613 (Ruby 1.x: 6163).
//
// As in Ruby, the default connector is activemq, plugin.d keys override the
// main file's, and repeated libdir lines add to the list.
//
// Every syntax or value error is a *ParseError naming the file and line.
// Environment overrides: MCOLLECTIVE_PSK for plugin.psk; STOMP_USER and
// STOMP_PASSWORD for every pool entry's user and password; STOMP_SERVER
// and STOMP_PORT for the stomp connector's single host.
func Load(path string, opts LoadOptions) (*Config, error) {
	if opts.Env == nil {
		opts.Env = os.Getenv
	}
	if opts.FQDN == nil {
		opts.FQDN = HostFQDN
	}
	entries, err := readFile(path, "")
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	plugins, err := readPluginDir(filepath.Join(filepath.Dir(path), "plugin.d"))
	if err != nil {
		return nil, err
	}
	all := slices.Concat(entries, plugins.entries)

	cfg := &Config{
		Plugin: map[string]string{},
		Raw:    map[string]string{},
		Files:  append([]string{path}, plugins.files...),
	}
	known := mainKeys()
	record(cfg, all, known)
	cfg.Unknown = append(cfg.Unknown, plugins.skipped...)
	if opts.Strict && len(cfg.Unknown) > 0 {
		u := cfg.Unknown[0]
		reason := fmt.Sprintf("unknown key %q", u.Key)
		if u.Line == 0 {
			reason = "not read: a plugin.d file name must be word characters and .cfg"
		}
		return nil, &ParseError{File: u.File, Line: u.Line, Reason: reason}
	}

	s := newStore(path, opts.Env)
	if err := s.load(all); err != nil {
		return nil, err
	}
	s.override("plugin.psk", "MCOLLECTIVE_PSK")
	s.checkKnown(known)
	build(cfg, s, dir, entries, opts.FQDN)
	if s.err != nil {
		return nil, s.err
	}
	return cfg, nil
}

// record fills Raw, Plugin and Unknown from the entries.
func record(cfg *Config, all []entry, known map[string]keySpec) {
	for _, e := range all {
		_, isKnown := known[e.key]
		switch {
		case isPluginKey(e.key):
			cfg.Plugin[e.key] = e.value
		case !isKnown:
			cfg.Unknown = append(cfg.Unknown, e.pos)
		}
		if prev := cfg.Raw[e.key]; e.key == "libdir" && prev != "" {
			cfg.Raw[e.key] = prev + ":" + e.value
			continue
		}
		cfg.Raw[e.key] = e.value
	}
}

// resolve makes a relative path relative to dir.
func resolve(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// pathList splits a colon-separated list of paths, dropping empty parts and
// resolving relative ones against dir.
func pathList(dir, value string) []string {
	var out []string
	for _, p := range filepath.SplitList(value) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, resolve(dir, p))
		}
	}
	return out
}
