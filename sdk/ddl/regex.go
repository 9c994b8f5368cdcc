package ddl

import (
	"fmt"
	"regexp"
	"strings"
)

// rubyRegexp is a Ruby regexp literal: its source and options, compiled for
// Go.
type rubyRegexp struct {
	source string
	flags  string
	re     *regexp.Regexp
}

// String renders the regexp as Ruby's Regexp#to_s does.
func (r *rubyRegexp) String() string {
	return Validation{Kind: RegexpValidation, Value: r.source, Flags: r.flags}.String()
}

func newRubyRegexp(source, flags string) (*rubyRegexp, error) {
	re, err := compileRuby(source, flags)
	if err != nil {
		return nil, err
	}
	return &rubyRegexp{source: source, flags: flags, re: re}, nil
}

// compileRuby compiles a Ruby pattern with Go's regexp package. Options i
// and m become (?i) and (?s) (Ruby's m makes . match newlines); x is
// refused. \h, \H and \Z are translated; other Ruby-only syntax fails to
// compile and is reported.
func compileRuby(source, flags string) (*regexp.Regexp, error) {
	if strings.Contains(flags, "x") {
		return nil, fmt.Errorf("regexp /%s/%s: the x (extended) option is not supported", source, flags)
	}
	prefix := ""
	if strings.Contains(flags, "i") {
		prefix += "i"
	}
	if strings.Contains(flags, "m") {
		prefix += "s"
	}
	pattern := translateRuby(source)
	if prefix != "" {
		pattern = "(?" + prefix + ")" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("regexp %q cannot be used with Go's RE2 engine: %w", source, err)
	}
	return re, nil
}

// translateRuby rewrites the Ruby-only escapes \h, \H (hex digits) and \Z
// (end, before a final newline) into RE2 syntax.
func translateRuby(src string) string {
	if !strings.Contains(src, `\h`) && !strings.Contains(src, `\H`) && !strings.Contains(src, `\Z`) {
		return src
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			next := src[i+1]
			i++
			switch {
			case next == 'h' && inClass:
				b.WriteString("0-9a-fA-F")
			case next == 'h':
				b.WriteString("[0-9a-fA-F]")
			case next == 'H' && !inClass:
				b.WriteString("[^0-9a-fA-F]")
			case next == 'Z' && !inClass:
				b.WriteString(`(?:\n?\z)`)
			default:
				b.WriteByte(c)
				b.WriteByte(next)
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			if i+1 < len(src) && src[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(src) && src[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
