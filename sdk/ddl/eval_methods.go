package ddl

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// rubySpace is what Ruby's strip removes.
const rubySpace = " \t\n\v\f\r\x00"

func (ev *evaluator) stringMethod(s string, call *callNode, args []any) (any, bool) {
	if call.name == "sub" || call.name == "gsub" {
		if len(args) != 2 {
			return nil, false
		}
		return ev.substitute(s, args[0], args[1], call.name == "gsub", call.line), true
	}
	if call.name == "chomp" && len(args) == 1 {
		suffix, ok := args[0].(string)
		return strings.TrimSuffix(s, suffix), ok
	}
	if len(args) != 0 {
		return nil, false
	}
	switch call.name {
	case "to_s", "to_str", "freeze", "dup":
		return s, true
	case "inspect":
		return rubyInspect(s), true
	case "to_sym", "intern":
		return rbSymbol(s), true
	case "capitalize":
		return capitalize(s), true
	case "upcase":
		return strings.ToUpper(s), true
	case "downcase":
		return strings.ToLower(s), true
	case "swapcase":
		return swapcase(s), true
	case "strip":
		return strings.Trim(s, rubySpace), true
	case "lstrip":
		return strings.TrimLeft(s, rubySpace), true
	case "rstrip":
		return strings.TrimRight(s, rubySpace), true
	case "chomp":
		if t, ok := strings.CutSuffix(s, "\r\n"); ok {
			return t, true
		}
		return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r"), true
	case "length", "size":
		return int64(utf8.RuneCountInString(s)), true
	}
	return nil, false
}

func (ev *evaluator) symbolMethod(s rbSymbol, call *callNode, args []any) (any, bool) {
	if len(args) != 0 {
		return nil, false
	}
	switch call.name {
	case "to_s", "id2name", "name":
		return string(s), true
	case "to_sym":
		return s, true
	case "inspect":
		return rubyInspect(s), true
	case "capitalize", "upcase", "downcase", "swapcase", "length", "size":
		v, ok := ev.stringMethod(string(s), call, args)
		if str, isStr := v.(string); isStr {
			return rbSymbol(str), ok
		}
		return v, ok
	}
	return nil, false
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + strings.ToLower(s[n:])
}

func swapcase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}

// substitute is String#sub and #gsub with a string or regexp pattern and a
// replacement string that may use \0, \&, \1..\9, \k<name> and \\.
func (ev *evaluator) substitute(s string, pattern, repl any, global bool, line int) string {
	with, ok := repl.(string)
	if !ok {
		ev.fail(line, "sub and gsub need a replacement string, not %s", rubyTypeName(repl))
	}
	var re *regexp.Regexp
	switch p := pattern.(type) {
	case string:
		re = regexp.MustCompile(regexp.QuoteMeta(p))
	case *rubyRegexp:
		re = p.re
	default:
		ev.fail(line, "sub and gsub need a string or regexp pattern, not %s", rubyTypeName(pattern))
	}
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		expandRuby(&b, with, s, m, re)
		ev.checkString(b.Len(), line)
		last = m[1]
		if !global {
			break
		}
	}
	b.WriteString(s[last:])
	ev.checkString(b.Len(), line)
	return b.String()
}

// expandRuby writes a replacement with Ruby's backslash references.
func expandRuby(b *strings.Builder, repl, s string, m []int, re *regexp.Regexp) {
	group := func(i int) {
		if i < len(m)/2 && m[2*i] >= 0 {
			b.WriteString(s[m[2*i]:m[2*i+1]])
		}
	}
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		i++
		switch n := repl[i]; {
		case n >= '0' && n <= '9':
			group(int(n - '0'))
		case n == '&':
			group(0)
		case n == '\\':
			b.WriteByte('\\')
		case n == 'k' && i+1 < len(repl) && repl[i+1] == '<':
			end := strings.IndexByte(repl[i:], '>')
			if end < 0 {
				b.WriteString(`\k`)
				continue
			}
			name := repl[i+2 : i+end]
			if idx := re.SubexpIndex(name); idx >= 0 {
				group(idx)
			}
			i += end
		default:
			b.WriteByte('\\')
			b.WriteByte(n)
		}
	}
}

func (ev *evaluator) arrayMethod(arr []any, call *callNode, args []any, en *env) (any, bool) {
	switch call.name {
	case "each", "each_with_index", "map", "collect":
		if call.block == nil || len(args) != 0 {
			return nil, false
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			if call.name == "each_with_index" {
				out[i] = ev.runBlock(call.block, en, e, int64(i))
			} else {
				out[i] = ev.runBlock(call.block, en, e)
			}
		}
		if call.name == "map" || call.name == "collect" {
			return out, true
		}
		return arr, true
	case "join":
		sep := ""
		if len(args) == 1 {
			s, ok := args[0].(string)
			if !ok {
				return nil, false
			}
			sep = s
		} else if len(args) > 1 {
			return nil, false
		}
		s := join(arr, sep)
		ev.checkString(len(s), call.line)
		return s, true
	}
	if len(args) != 0 {
		return nil, false
	}
	switch call.name {
	case "first", "last":
		if len(arr) == 0 {
			return nil, true
		}
		if call.name == "first" {
			return arr[0], true
		}
		return arr[len(arr)-1], true
	case "length", "size":
		return int64(len(arr)), true
	case "to_a", "freeze", "dup":
		return arr, true
	case "flatten":
		out := flatten(arr, nil)
		ev.checkArray(len(out), call.line)
		return out, true
	case "inspect", "to_s":
		return rubyInspect(arr), true
	}
	return nil, false
}

func join(arr []any, sep string) string {
	parts := make([]string, len(arr))
	for i, e := range arr {
		if inner, ok := e.([]any); ok {
			parts[i] = join(inner, sep)
			continue
		}
		parts[i] = rubyString(e)
	}
	return strings.Join(parts, sep)
}

func flatten(arr, out []any) []any {
	for _, e := range arr {
		if inner, ok := e.([]any); ok {
			out = flatten(inner, out)
			continue
		}
		out = append(out, e)
	}
	return out
}

func (ev *evaluator) hashMethod(h *rbHash, call *callNode, args []any, en *env) (any, bool) {
	if len(args) != 0 {
		return nil, false
	}
	switch call.name {
	case "each", "each_pair":
		if call.block == nil {
			return nil, false
		}
		for i, k := range h.keys {
			ev.runBlock(call.block, en, []any{k, h.vals[i]})
		}
		return h, true
	case "keys":
		return append([]any(nil), h.keys...), true
	case "values":
		return append([]any(nil), h.vals...), true
	case "length", "size":
		return int64(len(h.keys)), true
	case "freeze", "dup", "to_h":
		return h, true
	case "inspect", "to_s":
		return rubyInspect(h), true
	}
	return nil, false
}
