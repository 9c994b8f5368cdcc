package ddl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ParseFile reads and parses the DDL at path: a .json file as Choria's JSON
// DDL, anything else (normally .ddl) as the Ruby DSL.
func ParseFile(path string) (*DDL, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read ddl: %w", err)
	}
	return Parse(path, src)
}

// Parse parses a DDL held in memory. name is the file it came from: its
// extension picks the reader as in ParseFile, and its directory
// (agent/x.ddl, data/x_data.ddl, ...) or name suffix (x_validator.ddl) the
// plugin kind, which otherwise follows from the content. Errors are
// *ParseError values carrying file:line.
func Parse(name string, src []byte) (*DDL, error) {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return parseJSON(name, src)
	}
	return parseRuby(name, src)
}

func parseRuby(name string, src []byte) (*DDL, error) {
	kind, plugin := kindFromName(name)
	d := &DDL{Kind: kind, Plugin: plugin, File: name}
	if err := evaluate(d, name, string(src)); err != nil {
		return nil, err
	}
	return d, nil
}

// evaluate runs the Ruby DSL in src, filling d.
func evaluate(d *DDL, name, src string) (err error) {
	defer catch(&err)
	prog := parseProgram(name, lex(name, src))
	b := &builder{failer: failer{name}, d: d}
	b.ev = &evaluator{failer: failer{name}, b: b}
	b.ev.run(prog, newEnv(nil))
	b.finish()
	return nil
}

// pluginDir reports whether dir names a plugin directory of an MCollective
// libdir that can hold DDLs, and which kind.
func pluginDir(dir string) (Kind, bool) {
	switch dir {
	case "agent", "aggregate", "audit", "connector", "data", "discovery", "facts", "registration", "security", "validator":
		return Kind(dir), true
	}
	return "", false
}

// kindFromName derives the plugin kind and name from a DDL's file name as
// MCollective lays plugins out: <libdir>/mcollective/<kind>/<name>.ddl,
// with data and validator files named <name>_data.ddl and
// <name>_validator.ddl. The kind is empty when the name does not say.
func kindFromName(name string) (Kind, string) {
	base := filepath.Base(name)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	kind, ok := pluginDir(filepath.Base(filepath.Dir(name)))
	if !ok {
		for _, k := range []Kind{KindData, KindValidator, KindDiscovery, KindAggregate, KindConnector} {
			if strings.HasSuffix(stem, "_"+string(k)) {
				kind = k
				break
			}
		}
	}
	if kind != "" && kind != KindAgent {
		stem = strings.TrimSuffix(stem, "_"+string(kind))
	}
	return kind, stem
}
