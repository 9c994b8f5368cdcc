package facts

import (
	"fmt"
	"math"
	"strconv"

	"github.com/marionette-mco/marionette/core/rubytext"
)

// String renders a fact value as Ruby MCollective does with to_s: strings as
// they are, nil as "", integers in decimal, floats in Ruby's Float#to_s form
// ("1.0", "1.0e+16", "1.0e-05"), booleans as true and false. Lists and maps
// render as Ruby's inspect of their normalized form (`["a", "b"]`,
// `{"k"=>"v"}`); map keys are sorted, where Ruby keeps the file's order.
func String(v any) string {
	switch x := canonical(v).(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return rubytext.Float(x)
	case []any, map[string]any:
		return rubytext.Inspect(Normalize(x))
	default:
		return fmt.Sprint(x)
	}
}

// Normalize returns v as Ruby's fact plugins hand it on (normalize_facts):
// lists and maps keep their shape and every leaf becomes its String form.
// This is what rpcutil's inventory and get_fact put on the wire.
func Normalize(v any) any {
	switch x := canonical(v).(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Normalize(e)
		}
		return out
	default:
		return String(x)
	}
}

// canonical maps Go's many numeric and container types onto the few a
// Snapshot holds: string, bool, int64, uint64 (above MaxInt64 only),
// float64, nil, []any and map[string]any. Unknown types become their
// fmt-free string form through String's default branch.
func canonical(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, float64, []any, map[string]any:
		return x
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return canonicalUint(uint64(x))
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return canonicalUint(x)
	case float32:
		return float64(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[String(k)] = e
		}
		return out
	default:
		return x
	}
}

func canonicalUint(u uint64) any {
	if u <= math.MaxInt64 {
		return int64(u)
	}
	return u
}
