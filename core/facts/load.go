package facts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// FileError reports a facts or classes file that could not be read or
// parsed; Line is the YAML error's line, 0 when unknown.
type FileError struct {
	File string
	Line int
	Err  error
}

// Error renders file:line: message.
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Err)
}

// Unwrap returns the underlying read or YAML error.
func (e *FileError) Unwrap() error { return e.Err }

// errNotMapping is returned for a YAML file whose top level is not a map.
var errNotMapping = errors.New("top level is not a mapping")

// loadFacts reads the YAML files in order and merges their top-level keys,
// later files winning, as Ruby's Hash#merge does. A missing file is skipped
// and named in missing; an empty file adds nothing.
func loadFacts(files []string) (facts map[string]any, missing []string, err error) {
	facts = map[string]any{}
	for _, file := range files {
		m, err := loadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, file)
			continue
		}
		if err != nil {
			return nil, missing, err
		}
		for k, v := range m {
			facts[k] = v
		}
	}
	return facts, missing, nil
}

// loadFile parses one YAML facts file into canonical values.
func loadFile(file string) (map[string]any, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	doc, err := decodeYAML(data)
	if err != nil {
		fe := &FileError{File: file, Err: err}
		var ye *yamlError
		if errors.As(err, &ye) {
			fe.Line = ye.line
		}
		return nil, fe
	}
	if doc == nil {
		return map[string]any{}, nil
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, &FileError{File: file, Err: fmt.Errorf("%w (got %T)", errNotMapping, doc)}
	}
	return m, nil
}

// loadClasses reads the classes file: one class a line, trimmed, blank
// lines skipped. A missing file, or no file configured, means no classes.
func loadClasses(file string) ([]string, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	var classes []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if c := strings.TrimSpace(line); c != "" {
			classes = append(classes, c)
		}
	}
	return classes, nil
}
