package filter

import (
	"fmt"
	"slices"

	"github.com/marionette-mco/marionette/core/facts"
)

var (
	// slashed strips /.../ from a =~ value, as Ruby's test_fact_value does.
	slashed = lazyRegexp(`(?m)^/(.+)/$`)
	// intLike and floatLike are Ruby's tests for a numeric comparison; the
	// dot in floatLike is unescaped in Ruby too, so "1e5" and "1_5" qualify.
	intLike   = lazyRegexp(`(?m)^[0-9]+$`)
	floatLike = lazyRegexp(`(?m)^[0-9]+.[0-9]+$`)
)

// hasFact is Ruby's Util.has_fact?: a missing fact never matches; a list
// matches when any element does and a map when any key does; everything
// is compared in its string form (Ruby normalizes facts to strings).
func hasFact(fs Facts, name, value, op string) (bool, error) {
	if fs == nil {
		return false, nil
	}
	v, ok := fs.Lookup(name)
	if !ok {
		return false, nil
	}
	switch x := facts.Normalize(v).(type) {
	case []any:
		for _, e := range x {
			if ok, err := testFactValue(e, value, op); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if ok, err := testFactValue(k, value, op); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	default:
		return testFactValue(x, value, op)
	}
}

// testFactValue is Ruby's test_fact_value. fact is a string, or a nested
// list or map met inside a list fact: == is then false, != true, and any
// other operator an error, as in Ruby. An unknown operator never matches.
func testFactValue(fact any, value, op string) (bool, error) {
	s, isString := fact.(string)
	switch op {
	case "=~":
		if m := slashed().FindStringSubmatch(value); m != nil {
			value = m[1]
		}
		re, err := compileRuby(value)
		if err != nil {
			return false, err
		}
		if !isString {
			return false, fmt.Errorf("cannot match /%s/ against a %T", value, fact)
		}
		return re.MatchString(s), nil
	case "==":
		return isString && s == value, nil
	case "<=", ">=", "<", ">", "!=":
		if !isString {
			if op == "!=" {
				return true, nil
			}
			return false, fmt.Errorf("cannot compare a %T with %s", fact, op)
		}
		return compareFact(s, value, op)
	}
	return false, nil
}

// compareFact compares as Integers when both sides are all digits, as
// Floats when both look like digits-any character-digits, else as strings
// (byte order). Ruby's Integer() reads a leading 0 as octal, so "010" is 8
// and "08" an error; Float() rejects "1a5", which is an error too.
func compareFact(fact, value, op string) (bool, error) {
	var parse func(string) (number, error)
	switch {
	case intLike().MatchString(value) && intLike().MatchString(fact):
		parse = parseInteger
	case floatLike().MatchString(value) && floatLike().MatchString(fact):
		parse = parseFloat
	default:
		c := 0
		switch {
		case fact < value:
			c = -1
		case fact > value:
			c = 1
		}
		return applyCmp(c, op), nil
	}
	a, err := parse(fact)
	if err != nil {
		return false, fmt.Errorf("fact value: %w", err)
	}
	b, err := parse(value)
	if err != nil {
		return false, fmt.Errorf("filter value: %w", err)
	}
	return compareNumbers(a, b, op), nil
}
