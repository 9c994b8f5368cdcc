package ddl

import (
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Values of the Ruby subset: string, rbSymbol, int64, float64, bool, nil,
// []any, *rbHash, *rbRegexp and, inside summarize, *aggCall.
type (
	rbSymbol string
	rbHash   struct {
		keys, vals []any
	}
	// aggCall is what summary(:x) evaluates to inside summarize.
	aggCall struct {
		name string
		args []any
	}
)

func (h *rbHash) get(key any) (any, bool) {
	for i, k := range h.keys {
		if k == key {
			return h.vals[i], true
		}
	}
	return nil, false
}

func (h *rbHash) set(key, val any) {
	for i, k := range h.keys {
		if k == key {
			h.vals[i] = val
			return
		}
	}
	h.keys = append(h.keys, key)
	h.vals = append(h.vals, val)
}

// rubyTypeName names a value's Ruby class for error messages.
func rubyTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case string:
		return "String"
	case rbSymbol:
		return "Symbol"
	case int64:
		return "Integer"
	case float64:
		return "Float"
	case bool:
		return "Boolean"
	case []any:
		return "Array"
	case *rbHash:
		return "Hash"
	case *rubyRegexp:
		return "Regexp"
	case *aggCall:
		return "aggregate function"
	}
	return "value"
}

// rubyString renders v as Ruby's to_s does; Go maps and other Go values
// from a JSON DDL render in the same style.
func rubyString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case rbSymbol:
		return string(x)
	case *rubyRegexp:
		return x.String()
	}
	return rubyInspect(v)
}

// rubyInspect renders v as Ruby 3.1's inspect does.
func rubyInspect(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(x)
	case rbSymbol:
		return ":" + string(x)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case *big.Int:
		return x.String()
	case float64:
		return rubyFloat(x)
	case *rubyRegexp:
		return "/" + x.source + "/" + x.flags
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = rubyInspect(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *rbHash:
		parts := make([]string, len(x.keys))
		for i, k := range x.keys {
			parts[i] = rubyInspect(k) + "=>" + rubyInspect(x.vals[i])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + "=>" + rubyInspect(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return strconv.Quote(rv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Float32:
		return rubyFloat(rv.Float())
	}
	return "#<" + rv.Type().String() + ">"
}

// rubyFloat formats f as Ruby's Float#to_s: the shortest representation,
// always with a fraction, in exponent form below 1e-4 and from 1e15.
func rubyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	n, _ := strconv.Atoi(exp)
	if n < -4 || n >= 15 {
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		sign := "+"
		if n < 0 {
			sign, n = "-", -n
		}
		return mant + "e" + sign + twoDigits(n)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// toGo converts a Ruby value to the plain Go value the model holds:
// symbols become strings, hashes map[string]any with keys rendered by to_s,
// regexps their to_s form.
func toGo(v any) any {
	switch x := v.(type) {
	case rbSymbol:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toGo(e)
		}
		return out
	case *rbHash:
		out := make(map[string]any, len(x.keys))
		for i, k := range x.keys {
			out[rubyString(k)] = toGo(x.vals[i])
		}
		return out
	case *rubyRegexp:
		return x.String()
	case *aggCall:
		return x.name
	}
	return v
}

// deepCopy copies the slices and maps of a model value so that a caller
// changing a reply cannot change the DDL's defaults.
func deepCopy(v any) any {
	switch x := v.(type) {
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
	}
	return v
}

// truthy is Ruby's truth: everything but nil and false.
func truthy(v any) bool {
	b, isBool := v.(bool)
	return v != nil && (!isBool || b)
}
