package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// ParseError reports a malformed line or value, naming its file and line.
// For a value that came from the environment File names the variable and
// Line is 0.
type ParseError struct {
	// File is the configuration file (or "environment variable X").
	File string
	// Line is the 1-based line number; 0 when there is no line.
	Line int
	// Reason says what is wrong.
	Reason string
}

// Error returns "file:line: reason", or "file: reason" without a line.
func (e *ParseError) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// entry is one `key = value` line of a configuration file.
type entry struct {
	key   string
	value string
	pos   Position
}

// parseLines splits the text of one configuration file into entries. Every
// key is prefixed with prefix ("" for the main file, "plugin.<name>." for a
// plugin.d file).
//
// Rules: blank lines and lines whose first non-blank character is # are
// skipped; otherwise the line must hold "=", the key is what comes before
// the first "=" and the value what comes after, both trimmed. A # preceded
// by white space starts a comment that runs to the end of the line (Ruby
// MCollective keeps such comments in the value; we strip them, so a value
// cannot contain " #"). A # not preceded by white space is part of the value.
func parseLines(file string, text string, prefix string) ([]entry, error) {
	var out []entry
	text = strings.TrimPrefix(text, "\uFEFF")
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		eq := strings.IndexByte(trimmed, '=')
		if eq < 0 {
			return nil, &ParseError{File: file, Line: n, Reason: fmt.Sprintf("expected key = value, got %q", trimmed)}
		}
		key := strings.TrimSpace(trimmed[:eq])
		value := strings.TrimSpace(stripComment(trimmed[eq+1:]))
		switch {
		case key == "":
			return nil, &ParseError{File: file, Line: n, Reason: "missing key before ="}
		case strings.IndexFunc(key, unicode.IsSpace) >= 0:
			return nil, &ParseError{File: file, Line: n, Reason: fmt.Sprintf("key %q contains white space", key)}
		case value == "":
			return nil, &ParseError{File: file, Line: n, Reason: fmt.Sprintf("missing value for %s", key)}
		}
		key = prefix + key
		out = append(out, entry{key: key, value: value, pos: Position{File: file, Line: n, Key: key}})
	}
	return out, nil
}

// stripComment cuts s at the first # that follows white space.
func stripComment(s string) string {
	for i := 1; i < len(s); i++ {
		if s[i] == '#' && unicode.IsSpace(rune(s[i-1])) {
			return s[:i]
		}
	}
	return s
}

// readFile parses one configuration file.
func readFile(path, prefix string) ([]entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return parseLines(path, string(data), prefix)
}

// pluginFileName is the file name Ruby accepts in plugin.d: word
// characters, then ".cfg".
func pluginFileName() *regexp.Regexp {
	return regexp.MustCompile(`^(\w+)\.cfg$`)
}

// pluginFiles is what readPluginDir found.
type pluginFiles struct {
	// files are the plugin.d files read, sorted by name.
	files []string
	// entries are their keys, already prefixed with plugin.<name>.
	entries []entry
	// skipped are *.cfg files whose name is not a plugin name.
	skipped []Position
}

// readPluginDir reads dir/*.cfg in sorted order. A file <name>.cfg
// contributes plugin.<name>.<key> for each of its keys. A missing directory
// is not an error. Ruby reads the files in directory order and silently
// skips names that are not word characters; we sort them and report the
// skipped ones.
func readPluginDir(dir string) (pluginFiles, error) {
	var pf pluginFiles
	list, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return pf, nil
	}
	if err != nil {
		return pf, fmt.Errorf("read plugin.d: %w", err)
	}
	names := make([]string, 0, len(list))
	for _, de := range list {
		if !de.IsDir() && strings.HasSuffix(de.Name(), ".cfg") {
			names = append(names, de.Name())
		}
	}
	sort.Strings(names)
	valid := pluginFileName()
	for _, name := range names {
		path := filepath.Join(dir, name)
		m := valid.FindStringSubmatch(name)
		if m == nil {
			pf.skipped = append(pf.skipped, Position{File: path, Key: "plugin.d/" + name})
			continue
		}
		entries, err := readFile(path, "plugin."+m[1]+".")
		if err != nil {
			return pf, err
		}
		pf.files = append(pf.files, path)
		pf.entries = append(pf.entries, entries...)
	}
	return pf, nil
}
