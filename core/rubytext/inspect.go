// Package rubytext writes values the way Ruby shows them, so that mco
// prints replies as Ruby MCollective's client does: Object#inspect,
// Kernel#pretty_inspect (Ruby 3.1's pp), to_s, Float#to_s and
// Kernel#format.
//
// Values are those core/marshal decodes (Symbols, ASCII and binary
// strings, *marshal.Hash in insertion order) and the plain Go values that
// protocol.Plain makes of them (string, int64, float64, bool, nil, []any,
// map[string]any with its keys sorted).
package rubytext

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/marionette-mco/marionette/core/marshal"
)

// Inspect returns Ruby's inspect of v, on one line.
func Inspect(v any) string {
	var b strings.Builder
	inspect(&b, v)
	return b.String()
}

func inspect(b *strings.Builder, v any) {
	switch x := v.(type) {
	case *marshal.Hash:
		b.WriteByte('{')
		for i := range x.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			inspect(b, x.Keys[i])
			b.WriteString("=>")
			inspect(b, x.Values[i])
		}
		b.WriteByte('}')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(String(k))
			b.WriteString("=>")
			inspect(b, x[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			inspect(b, e)
		}
		b.WriteByte(']')
	case []string:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(String(e))
		}
		b.WriteByte(']')
	default:
		b.WriteString(scalar(v))
	}
}

// scalar inspects a value that is not a collection.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case bool:
		return strconv.FormatBool(x)
	case string:
		return String(x)
	case marshal.ASCII:
		return String(string(x))
	case []byte:
		return binaryString(x)
	case marshal.EncodedString:
		return binaryString(x.Value)
	case marshal.Symbol:
		return symbol(string(x))
	case float64:
		return Float(x)
	case float32:
		return Float(float64(x))
	case *big.Int:
		return x.String()
	case marshal.Regexp:
		return "/" + x.Source + "/" + regexpFlags(x.Options)
	}
	if n, ok := marshal.Int(v); ok {
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprint(v)
}

// ToS returns Ruby's to_s of v: a string's text, "" for nil, inspect for
// collections.
func ToS(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case marshal.Regexp:
		on, off := "", ""
		for _, f := range []struct {
			bit  byte
			name string
		}{{4, "m"}, {1, "i"}, {2, "x"}} {
			if x.Options&f.bit != 0 {
				on += f.name
			} else {
				off += f.name
			}
		}
		if off != "" {
			off = "-" + off
		}
		return "(?" + on + off + ":" + x.Source + ")"
	}
	if s, ok := marshal.Text(v); ok {
		return s
	}
	return Inspect(v)
}

// String returns Ruby's String#inspect of a UTF-8 string.
func String(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, "\\x%02X", s[i])
			i++
			continue
		}
		next := byte(0)
		if i+size < len(s) {
			next = s[i+size]
		}
		writeEscaped(&b, r, next)
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// binaryString inspects an ASCII-8BIT string: bytes above 0x7F as \xNN.
func binaryString(p []byte) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, c := range p {
		next := byte(0)
		if i+1 < len(p) {
			next = p[i+1]
		}
		if c >= 0x80 {
			fmt.Fprintf(&b, "\\x%02X", c)
			continue
		}
		writeEscaped(&b, rune(c), next)
	}
	b.WriteByte('"')
	return b.String()
}

var escapes = map[rune]string{'"': `\"`, '\\': `\\`, '\n': `\n`, '\t': `\t`, '\r': `\r`,
	'\f': `\f`, '\v': `\v`, '\b': `\b`, '\a': `\a`, 0x1b: `\e`}

func writeEscaped(b *strings.Builder, r rune, next byte) {
	if e, ok := escapes[r]; ok {
		b.WriteString(e)
		return
	}
	switch {
	case r == '#' && (next == '{' || next == '$' || next == '@'):
		b.WriteString(`\#`)
	case unprintable(r):
		if r > 0xffff {
			fmt.Fprintf(b, "\\u{%X}", r)
		} else {
			fmt.Fprintf(b, "\\u%04X", r)
		}
	default:
		b.WriteRune(r)
	}
}

// unprintable reports whether String#inspect escapes r: the C0 and C1
// controls (but NEL, U+0085), DEL, and code points Unicode has not
// assigned. Go's tables are Unicode 15.0 (Ruby 3.2's); Ruby 3.1, on
// Unicode 13.0, also escapes the characters added since.
func unprintable(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 && r != 0x85 || unicode.Is(unicode.Cn, r)
}

var plainSymbol = lazyRegexp(`^(?:[\p{L}_][\p{L}\p{N}_]*[?!=]?|\[\]=?|[+\-*/%<>~!^&|]|\*\*|<=>|==|===|=~|!=|!~|<<|>>|<=|>=|\+@|-@)$`)

// symbol inspects a Symbol: :name, or :"text" when name is not a plain
// symbol literal.
func symbol(name string) string {
	if plainSymbol().MatchString(name) {
		return ":" + name
	}
	return ":" + String(name)
}

func regexpFlags(opts byte) string {
	f := ""
	if opts&4 != 0 {
		f += "m"
	}
	if opts&1 != 0 {
		f += "i"
	}
	if opts&2 != 0 {
		f += "x"
	}
	return f
}

// Float returns Ruby's Float#to_s: the shortest representation, fixed
// notation with at least one decimal when the decimal exponent is between
// -4 and 16, else d.ddde+XX.
func Float(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	decpt := exp + 1
	if decpt > -4 && decpt < 16 {
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
	return fmt.Sprintf("%se%s%02d", mant, sign, exp)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lazyRegexp compiles expr on first use, so that a process that never
// needs it neither spends the time nor keeps the memory.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
