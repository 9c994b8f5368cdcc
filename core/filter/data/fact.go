package data

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/marionette-mco/marionette/core/facts"
)

// FactLookup gives the node's facts; *facts.Snapshot satisfies it.
type FactLookup interface {
	Lookup(name string) (any, bool)
}

// Fact is Ruby's fact data plugin: fact("os.release.major") walks the
// facts by the dotted path (a list step is an index, negative from the
// end) and answers exists (bool), value and value_encoding. A scalar value
// is its Ruby string with encoding text/plain; a list or map is JSON with
// application/json. When the path is not found all three are false.
type Fact struct {
	Facts FactLookup
}

var factQuery = query{maxLength: 256, pattern: regexp.MustCompile(`.`)}

// Query walks the facts by the dotted path in q.
func (f Fact) Query(_ context.Context, q string) (map[string]any, error) {
	if err := factQuery.validate(q); err != nil {
		return nil, err
	}
	res := map[string]any{"exists": false, "value": false, "value_encoding": false}
	// Ruby answers fact(".") with every fact; FactLookup cannot list them,
	// so that path is not found here.
	parts := rubySplit(q, ".")
	if len(parts) == 0 || f.Facts == nil {
		return res, nil
	}
	top, ok := f.Facts.Lookup(parts[0])
	if !ok {
		return res, nil
	}
	v, found, err := walk(facts.Normalize(top), parts[1:])
	if err != nil || !found {
		return res, err
	}
	res["exists"] = true
	switch v.(type) {
	case []any, map[string]any:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, fmt.Errorf("fact %q: %w", q, err)
		}
		res["value"] = strings.TrimSuffix(b.String(), "\n")
		res["value_encoding"] = "application/json"
	default:
		res["value"] = v
		res["value_encoding"] = "text/plain"
	}
	return res, nil
}

// walk follows path into a normalized fact value as Ruby's walk_path does:
// a list step must be an integer (else an error, as Ruby's Integer()),
// counted from the end when negative; a missing key or index, or a step
// into a string, is not found.
func walk(v any, path []string) (any, bool, error) {
	for _, step := range path {
		switch x := v.(type) {
		case []any:
			i, err := strconv.Atoi(strings.TrimSpace(step))
			if err != nil {
				return nil, false, fmt.Errorf("fact path step %q is not a list index: %w", step, err)
			}
			if i >= len(x) {
				return nil, false, nil
			}
			if i < 0 {
				i += len(x)
			}
			if i < 0 {
				// Ruby reads nil here and then fails to store it.
				return nil, false, fmt.Errorf("fact path index %s is out of range", step)
			}
			v = x[i]
		case map[string]any:
			e, ok := x[step]
			if !ok {
				return nil, false, nil
			}
			v = e
		default:
			return nil, false, nil
		}
	}
	return v, true, nil
}

// rubySplit is Ruby's String#split with a string separator: trailing empty
// fields are dropped.
func rubySplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}
