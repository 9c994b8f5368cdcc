package config

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// keyDelimiter keeps viper from nesting dotted keys: "plugin.psk" and
// "plugin.psk.callertype" must both be plain values.
const keyDelimiter = "\x00"

// store layers the values of one Load in viper (defaults, then the files,
// then environment overrides) and remembers where each came from so that
// a bad value can be reported at its file and line.
type store struct {
	v *viper.Viper
	// pos is where each key was last set in a file.
	pos map[string]Position
	// envs names the environment variable that overrode a key.
	envs map[string]string
	// env looks environment variables up.
	env func(string) string
	// main is the main file, for errors about defaults.
	main string
	// err is the first bad value met; see fail.
	err error
}

// newStore returns a store with the top-level and plugin defaults set.
func newStore(main string, env func(string) string) *store {
	s := &store{
		v:    viper.NewWithOptions(viper.KeyDelimiter(keyDelimiter)),
		pos:  map[string]Position{},
		envs: map[string]string{},
		env:  env,
		main: main,
	}
	for key, spec := range mainKeys() {
		if spec.def != "" {
			s.v.SetDefault(key, spec.def)
		}
	}
	for key, def := range pluginDefaults() {
		s.v.SetDefault(key, def)
	}
	return s
}

// load feeds the file entries in. Only lower-case keys go to viper (which
// folds case), so that "Identity" stays an unknown key as in Ruby instead
// of setting identity.
func (s *store) load(entries []entry) error {
	values := map[string]any{}
	for _, e := range entries {
		s.pos[e.key] = e.pos
		if e.key == strings.ToLower(e.key) {
			values[e.key] = e.value
		}
	}
	if err := s.v.MergeConfigMap(values); err != nil {
		return fmt.Errorf("merge config: %w", err)
	}
	return nil
}

// override sets key from the environment variable name when it is set to a
// non-empty value.
func (s *store) override(key, name string) {
	if val := s.env(name); val != "" {
		s.v.Set(key, val)
		s.envs[key] = name
	}
}

// setDefault sets key's default.
func (s *store) setDefault(key, value string) {
	s.v.SetDefault(key, value)
}

// str returns key's value, trimmed.
func (s *store) str(key string) string {
	return strings.TrimSpace(s.v.GetString(key))
}

// inFile reports whether a file set key.
func (s *store) inFile(key string) bool {
	_, ok := s.pos[key]
	return ok
}

// isSet reports whether a file or the environment set key.
func (s *store) isSet(key string) bool {
	_, env := s.envs[key]
	return env || s.inFile(key)
}

// errorf reports a bad value for key at the place the value came from.
func (s *store) errorf(key, format string, args ...any) *ParseError {
	reason := fmt.Sprintf(format, args...)
	if name, ok := s.envs[key]; ok {
		return &ParseError{File: "environment variable " + name, Reason: reason}
	}
	if p, ok := s.pos[key]; ok {
		return &ParseError{File: p.File, Line: p.Line, Reason: reason}
	}
	return &ParseError{File: s.main, Reason: reason}
}

// fail records err unless an earlier error is already recorded; Load
// reports the first.
func (s *store) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// boolean parses key with Ruby's Util.str_to_bool rules: 1, y, yes, t and
// true are true; 0, n, no, f and false are false, in any case.
func (s *store) boolean(key string) bool {
	val := s.str(key)
	switch strings.ToLower(val) {
	case "1", "y", "yes", "t", "true":
		return true
	case "0", "n", "no", "f", "false", "":
		return false
	}
	s.fail(s.errorf(key, "%s: cannot read %q as a boolean (use true or false)", key, val))
	return false
}

// integer parses key as a decimal integer in [lowest, highest]. An unset
// key without default gives 0.
func (s *store) integer(key string, lowest, highest int64) int64 {
	val := s.str(key)
	if val == "" {
		return 0
	}
	n, err := strconv.ParseInt(val, 10, 64)
	switch {
	case err != nil:
		s.fail(s.errorf(key, "%s: %q is not an integer", key, val))
		return 0
	case n < lowest:
		s.fail(s.errorf(key, "%s: %d is below the minimum %d", key, n, lowest))
		return 0
	case n > highest:
		s.fail(s.errorf(key, "%s: %d is above the maximum %d", key, n, highest))
		return 0
	}
	return n
}

// number parses key as a float no smaller than lowest.
func (s *store) number(key string, lowest float64) float64 {
	val := s.str(key)
	if val == "" {
		return 0
	}
	f, err := strconv.ParseFloat(val, 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		s.fail(s.errorf(key, "%s: %q is not a number", key, val))
		return 0
	case f < lowest:
		s.fail(s.errorf(key, "%s: %v is below the minimum %v", key, f, lowest))
		return 0
	}
	return f
}

// maxSeconds keeps second counts inside time.Duration.
const maxSeconds = math.MaxInt64 / int64(time.Second)

// seconds parses key as a whole number of seconds (Ruby's Integer()), no
// smaller than lowest.
func (s *store) seconds(key string, lowest int64) time.Duration {
	return time.Duration(s.integer(key, lowest, maxSeconds)) * time.Second
}

// fracSeconds parses key as seconds, fractions allowed (Ruby's Float()),
// not negative.
func (s *store) fracSeconds(key string) time.Duration {
	f := s.number(key, 0)
	if f > float64(maxSeconds) {
		s.fail(s.errorf(key, "%s: %v seconds is too long", key, f))
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// oneOf returns key's value lower-cased, recording an error naming the
// allowed values when it is none of them.
func (s *store) oneOf(key string, allowed ...string) string {
	val := strings.ToLower(s.str(key))
	for _, a := range allowed {
		if val == a {
			return val
		}
	}
	s.fail(s.errorf(key, "%s: %q is not one of %s", key, s.str(key), strings.Join(allowed, ", ")))
	return val
}

// checkKnown parses every file-set top-level key of a checked kind, so that
// a malformed value Ruby would reject is reported even when Marionette does
// not use it.
func (s *store) checkKnown(specs map[string]keySpec) {
	keys := make([]string, 0, len(specs))
	for key := range specs {
		if s.inFile(key) {
			keys = append(keys, key)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return s.pos[keys[i]].Line < s.pos[keys[j]].Line })
	for _, key := range keys {
		switch specs[key].kind {
		case kindBool:
			s.boolean(key)
		case kindInt:
			s.integer(key, math.MinInt64, math.MaxInt64)
		case kindFloat:
			s.number(key, -math.MaxFloat64)
		}
	}
}
