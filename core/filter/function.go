package filter

import (
	"errors"
	"regexp"
	"strings"

	"github.com/marionette-mco/marionette/core/protocol"
)

var (
	funcOperators = lazyRegexp(`(!=|>=|<=|<|>|=)`)
	wholeCall     = lazyRegexp(`(?m)^.+\(.*\)$`)
	slashWrapped  = lazyRegexp(`(?m)^/.*/$`)
	outerSlashes  = lazyRegexp(`(?m)^/|/$`)
)

// errNoComparison is returned for a data plugin call without a comparison,
// such as fstat("/x").size, which Ruby's mco fails on too.
var errNoComparison = errors.New("data plugin call needs a comparison, as in fstat('/etc/hosts').size>0")

// parseFunction is Ruby's Matcher.create_function_hash: it splits
// name('params').field<op>value. A /regex/ value turns = into =~ and != into
// !=~ (and the regex must compile, as Ruby's Regexp.new must); = alone
// becomes ==. The first and last quote of the parameters are removed, and
// every ")".
func parseFunction(call string) (*protocol.FuncCall, error) {
	parts := splitKeep(call, funcOperators())
	if len(parts) < 2 {
		return nil, errNoComparison
	}
	fc := &protocol.FuncCall{Value: parts[len(parts)-1], Operator: parts[len(parts)-2]}
	fn := strings.Join(parts[:len(parts)-2], "")

	f := fn
	if !wholeCall().MatchString(fn) {
		fp := rubySplit(fn, ".")
		if len(fp) > 0 {
			fc.Field = fp[len(fp)-1]
			fp = fp[:len(fp)-1]
		}
		f = strings.Join(fp, ".")
	}

	switch {
	case slashWrapped().MatchString(fc.Value):
		switch fc.Operator {
		case "=":
			fc.Operator = "=~"
		case "!=":
			fc.Operator = "!=~"
		}
		fc.Value = outerSlashes().ReplaceAllString(fc.Value, "")
		fc.Regex = true
		if _, err := compileRuby(fc.Value); err != nil {
			return nil, err
		}
	case fc.Operator == "=":
		fc.Operator = "=="
	}

	np := rubySplit(f, "(")
	if len(np) < 2 {
		return nil, errNoComparison
	}
	fc.Name = np[0]
	if np[1] != ")" {
		fc.Params = unquote(strings.ReplaceAll(np[1], ")", ""))
	}
	return fc, nil
}

// unquote deletes the first quote character and then the last one.
func unquote(p string) string {
	if i := strings.IndexAny(p, `'"`); i >= 0 {
		p = p[:i] + p[i+1:]
	}
	if i := strings.LastIndexAny(p, `'"`); i >= 0 {
		p = p[:i] + p[i+1:]
	}
	return p
}

// splitKeep is Ruby's String#split with a capturing regex: the separators
// stay in the result, and trailing empty fields are dropped.
func splitKeep(s string, re *regexp.Regexp) []string {
	var out []string
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, s[last:m[0]], s[m[2]:m[3]])
		last = m[1]
	}
	out = append(out, s[last:])
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}
