package facts

import (
	"slices"
	"strings"
)

// Snapshot is one immutable view of a node's facts and classes. Values keep
// their YAML types: string, bool, int64 (uint64 above MaxInt64), float64,
// nil, []any and map[string]any. A nil *Snapshot holds no facts and no
// classes.
type Snapshot struct {
	facts   map[string]any
	classes []string
}

// NewSnapshot builds a snapshot from facts and classes, copying both; Go
// numeric types are widened to int64 or float64 and map[any]any keys are
// rendered with String.
func NewSnapshot(facts map[string]any, classes []string) *Snapshot {
	m, _ := deepCopy(canonical(facts)).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return &Snapshot{facts: m, classes: slices.Clone(classes)}
}

// Lookup returns the value of a fact. A top-level key is tried first, so a
// key that itself contains dots wins; otherwise a dotted name walks nested
// maps ("os.release.major"). Lists and maps are returned as copies.
func (s *Snapshot) Lookup(name string) (any, bool) {
	if s == nil {
		return nil, false
	}
	v, ok := lookup(s.facts, name)
	if !ok {
		return nil, false
	}
	return deepCopy(v), true
}

// lookup finds path in m: the whole path as a key first, then each split at
// a dot, left to right, into a nested map.
func lookup(m map[string]any, path string) (any, bool) {
	if v, ok := m[path]; ok {
		return v, true
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		sub, ok := m[path[:i]].(map[string]any)
		if !ok {
			continue
		}
		if v, ok := lookup(sub, path[i+1:]); ok {
			return v, true
		}
	}
	return nil, false
}

// Classes returns a copy of the node's classes in file order.
func (s *Snapshot) Classes() []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s.classes)
}

// Normalized returns every fact in Ruby's normalized form (see Normalize):
// the shape Ruby's rpcutil inventory sends.
func (s *Snapshot) Normalized() map[string]any {
	out := map[string]any{}
	if s == nil {
		return out
	}
	for k, v := range s.facts {
		out[k] = Normalize(v)
	}
	return out
}

// Flat returns every fact as a string, nested maps spread over dotted keys
// ("os.family", "os.release.major") and everything else, lists included,
// rendered with String. An empty map is kept as its own key, "{}".
func (s *Snapshot) Flat() map[string]string {
	out := map[string]string{}
	if s == nil {
		return out
	}
	for k, v := range s.facts {
		flatten(out, k, v)
	}
	return out
}

func flatten(out map[string]string, prefix string, v any) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		out[prefix] = String(v)
		return
	}
	for k, e := range m {
		flatten(out, strings.Join([]string{prefix, k}, "."), e)
	}
}

// deepCopy copies lists and maps, canonicalising every value on the way.
func deepCopy(v any) any {
	switch x := canonical(v).(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	default:
		return x
	}
}
