package filter

import (
	"fmt"
	"regexp"
	"strings"
)

// isRegexSpec reports whether a class, agent or identity filter entry is a
// regular expression. Ruby tests entry.match("^/"), and its ^ matches at
// the start of any line.
func isRegexSpec(s string) bool {
	return strings.HasPrefix(s, "/") || strings.Contains(s, "\n/")
}

// specRegex compiles a /regex/ class, agent or identity entry as Ruby does:
// every slash is deleted (entry.gsub("/", "")), not just the delimiters.
func specRegex(s string) (*regexp.Regexp, error) {
	return compileRuby(strings.ReplaceAll(s, "/", ""))
}

// matchSpec matches value against an entry that is either a literal or a
// /regex/.
func matchSpec(spec, value string) (bool, error) {
	if !isRegexSpec(spec) {
		return spec == value, nil
	}
	re, err := specRegex(spec)
	if err != nil {
		return false, err
	}
	return re.MatchString(value), nil
}

// matchAnySpec reports whether any of values matches spec.
func matchAnySpec(spec string, values []string) (bool, error) {
	if !isRegexSpec(spec) {
		for _, v := range values {
			if v == spec {
				return true, nil
			}
		}
		return false, nil
	}
	re, err := specRegex(spec)
	if err != nil {
		return false, err
	}
	for _, v := range values {
		if re.MatchString(v) {
			return true, nil
		}
	}
	return false, nil
}

// compileRuby compiles a Ruby regular expression source with Go's RE2.
// Ruby's ^ and $ always match at line boundaries, hence (?m); Ruby's \h, \H
// and \Z are rewritten. Constructs RE2 lacks (look-around, back-references,
// atomic groups) fail to compile, which makes the filter not match.
func compileRuby(src string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?m)")
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		}
		if c != '\\' || i+1 >= len(src) {
			b.WriteByte(c)
			continue
		}
		i++
		switch {
		case src[i] == 'h' && inClass:
			b.WriteString(`0-9a-fA-F`)
		case src[i] == 'h':
			b.WriteString(`[0-9a-fA-F]`)
		case src[i] == 'H' && !inClass:
			b.WriteString(`[^0-9a-fA-F]`)
		case src[i] == 'Z' && !inClass:
			b.WriteString(`(?:\n?\z)`)
		default:
			b.WriteByte('\\')
			b.WriteByte(src[i])
		}
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("regex /%s/: %w", src, err)
	}
	return re, nil
}
