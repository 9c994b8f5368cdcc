package facts

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
		return rubyFloat(x)
	case []any, map[string]any:
		var b strings.Builder
		inspect(&b, Normalize(x))
		return b.String()
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

// rubyFloat formats f as Ruby's Float#to_s: fixed notation with at least
// one decimal when the decimal exponent is in [-4, 14], scientific with a
// two-digit exponent otherwise.
func rubyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // e.g. -1.2345e+06
	mant, exp, _ := strings.Cut(e, "e")
	n, _ := strconv.Atoi(exp)
	if n >= -4 && n < 15 {
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
	if n < 0 {
		sign, n = "-", -n
	}
	ds := strconv.Itoa(n)
	if len(ds) < 2 {
		ds = "0" + ds
	}
	return mant + "e" + sign + ds
}

// inspect writes Ruby's inspect form of a normalized value.
func inspect(b *strings.Builder, v any) {
	switch x := v.(type) {
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			inspect(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			inspectString(b, k)
			b.WriteString("=>")
			inspect(b, x[k])
		}
		b.WriteByte('}')
	case string:
		inspectString(b, x)
	default:
		inspectString(b, String(x))
	}
}

// inspectString writes Ruby's String#inspect of s.
func inspectString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\x`)
			b.WriteString(strings.ToUpper(strconv.FormatUint(uint64(s[i]), 16)))
			i++
			continue
		}
		next := ""
		if i+size < len(s) {
			next = s[i+size : i+size+1]
		}
		writeInspectRune(b, r, next)
		i += size
	}
	b.WriteByte('"')
}

func writeInspectRune(b *strings.Builder, r rune, next string) {
	switch r {
	case '"':
		b.WriteString(`\"`)
	case '\\':
		b.WriteString(`\\`)
	case '\n':
		b.WriteString(`\n`)
	case '\t':
		b.WriteString(`\t`)
	case '\r':
		b.WriteString(`\r`)
	case '\f':
		b.WriteString(`\f`)
	case '\v':
		b.WriteString(`\v`)
	case '\b':
		b.WriteString(`\b`)
	case '\a':
		b.WriteString(`\a`)
	case 0x1b:
		b.WriteString(`\e`)
	case '#':
		if next == "{" || next == "$" || next == "@" {
			b.WriteByte('\\')
		}
		b.WriteByte('#')
	default:
		switch {
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r > 0xffff:
			b.WriteString(`\u{` + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + `}`)
		default:
			h := strings.ToUpper(strconv.FormatInt(int64(r), 16))
			b.WriteString(`\u` + strings.Repeat("0", 4-len(h)) + h)
		}
	}
}
