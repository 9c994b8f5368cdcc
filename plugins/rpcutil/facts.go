package main

import (
	"math"
	"strconv"
	"strings"
)

// normalizeFacts returns facts as Ruby's fact plugins hand them to
// rpcutil (Facts::Base#normalize_facts): lists and maps keep their shape,
// map keys and every other value become strings as Ruby's to_s writes
// them.
func normalizeFacts(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeFacts(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeFacts(e)
		}
		return out
	}
	return rubyString(v)
}

// rubyString is Ruby's to_s of a scalar: nil is "", numbers are decimal,
// floats as Float#to_s writes them.
func rubyString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return rubyFloat(x)
	}
	return "" // values from the daemon are only the types above
}

// rubyFloat writes f as Ruby's Float#to_s: fixed notation with at least one
// decimal for exponents -4 to 14 (0.0001, 100000000000000.0), otherwise
// scientific with at least two exponent digits (1.0e+15, 1.5e-05).
// core/rubytext.Float is the same function; a plugin imports sdk alone.
func rubyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sci := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(sci, "e")
	exp, _ := strconv.Atoi(expStr)
	if exp >= -4 && exp < 15 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	e := strconv.Itoa(exp)
	if len(e) < 2 {
		e = "0" + e
	}
	return mant + "e" + sign + e
}
