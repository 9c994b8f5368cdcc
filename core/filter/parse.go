package filter

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/marionette-mco/marionette/core/protocol"
)

// factForm is one of Ruby's Util.parse_fact_string patterns.
type factForm struct {
	re *regexp.Regexp
	// op is the fixed operator, or "" to take it from the second group.
	op string
	// slashes re-wraps the value in /.../.
	slashes bool
}

// factForms are Ruby's Util.parse_fact_string patterns, tried in order,
// compiled on first use.
var factForms = sync.OnceValue(func() []factForm {
	return []factForm{
		{regexp.MustCompile(`(?m)^([^ ]+?)[ ]*=>[ ]*(.+)`), ">=", false},
		{regexp.MustCompile(`(?m)^([^ ]+?)[ ]*=<[ ]*(.+)`), "<=", false},
		{regexp.MustCompile(`(?m)^([^ ]+?)[ ]*(<=|>=|<|>|!=|==|=~)[ ]*(.+)`), "", false},
		{regexp.MustCompile(`(?m)^(.+?)[ ]*=[ ]*/(.+)/$`), "=~", true},
		{regexp.MustCompile(`(?m)^([^= ]+?)[ ]*=[ ]*(.+)`), "==", false},
	}
})

// ParseFact parses a -F fact filter exactly as Ruby's parse_fact_string:
// "role=web" is ==, "role=/web/" is =~ (the value keeps its slashes),
// "rank=>1" and "rank=<1" are >= and <=, and <=, >=, <, >, !=, ==, =~ are
// taken as written. Spaces around the operator are allowed.
func ParseFact(s string) (protocol.FactTerm, error) {
	for _, f := range factForms() {
		m := f.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		switch {
		case f.op == "":
			return protocol.FactTerm{Fact: m[1], Operator: m[2], Value: m[3]}, nil
		case f.slashes:
			return protocol.FactTerm{Fact: m[1], Operator: f.op, Value: "/" + m[2] + "/"}, nil
		default:
			return protocol.FactTerm{Fact: m[1], Operator: f.op, Value: m[2]}, nil
		}
	}
	return protocol.FactTerm{}, fmt.Errorf("filter: could not parse fact %q: it does not appear to be in a valid format", s)
}

// ParseWith splits a -W filter on whitespace as Ruby does: each word that
// ParseFact accepts is a fact term, every other word a class.
func ParseWith(s string) (facts []protocol.FactTerm, classes []string) {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(rubySpace+"\x00", r)
	})
	for _, w := range words {
		if t, err := ParseFact(w); err == nil {
			facts = append(facts, t)
		} else {
			classes = append(classes, w)
		}
	}
	return facts, classes
}

// lazyRegexp compiles expr on first use, so that a process that never
// needs it neither spends the time nor keeps the memory.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
