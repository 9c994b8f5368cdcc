// Package scaffold writes a new agent's skeleton, as `mco plugin generate
// agent NAME` asks: a DDL in MCollective's Ruby DSL, an implementation (a
// Lua script, or a Go plugin built on sdk), a README and a test that
// passes as generated.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

//go:embed templates
var templates embed.FS

// Lang is an agent implementation language.
type Lang string

// Supported languages.
const (
	Lua Lang = "lua"
	Go  Lang = "go"
)

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Options says what to generate.
type Options struct {
	Name        string
	Lang        Lang
	Author      string
	Description string
}

// files lists, per language, the template and the file it becomes.
var files = map[Lang][][2]string{
	Lua: {{"agent.ddl", "NAME.ddl"}, {"lua.lua", "NAME.lua"}, {"lua_test.go", "NAME_test.go"}, {"README.md", "README.md"}},
	Go:  {{"agent.ddl", "NAME.ddl"}, {"go_main.go", "main.go"}, {"go_agent.go", "NAME.go"}, {"go_test.go", "NAME_test.go"}, {"README.md", "README.md"}},
}

// Generate writes the agent's files into dir/NAME and returns their
// paths. It refuses to overwrite an existing directory.
func Generate(dir string, o Options) ([]string, error) {
	if !namePattern.MatchString(o.Name) {
		return nil, fmt.Errorf("agent name %q: use lower-case letters, digits and _ (starting with a letter)", o.Name)
	}
	list, ok := files[o.Lang]
	if !ok {
		return nil, fmt.Errorf("language %q: want lua or go", o.Lang)
	}
	if o.Author == "" {
		o.Author = "unknown"
	}
	if o.Description == "" {
		o.Description = "The " + o.Name + " agent"
	}
	target := filepath.Join(dir, o.Name)
	if _, err := os.Stat(target); err == nil {
		return nil, fmt.Errorf("%s already exists", target)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(target, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", target, err)
	}
	var written []string
	for _, f := range list {
		path := filepath.Join(target, strings.ReplaceAll(f[1], "NAME", o.Name))
		if err := render(f[0], path, o); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

func render(name, path string, o Options) error {
	t, err := template.ParseFS(templates, "templates/"+name+".tmpl")
	if err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, o); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
