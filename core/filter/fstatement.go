package filter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marionette-mco/marionette/core/protocol"
)

// ErrNoDataSource is returned for a data plugin the node does not have;
// as in Ruby, it makes the whole compound filter false.
var ErrNoDataSource = errors.New("data plugin not found")

// noField stands for a data plugin call without a .field: Ruby then
// compares the result object itself.
type noField struct{}

// fstatementOp is how Ruby picks the comparison method from the operator.
var fstatementOp = lazyRegexp(`(!=|<=|>=|<|>)|==?`)

// evalFStatement is Ruby's Matcher.eval_compound_fstatement: it queries the
// data plugin and compares the named output field with the right-hand
// side, typed by the field's value.
func evalFStatement(ctx context.Context, fc *protocol.FuncCall, data map[string]DataSource) (bool, error) {
	if fc == nil {
		return false, errors.New("fstatement without a function")
	}
	l, err := query(ctx, fc, data)
	if err != nil {
		return false, err
	}
	if l == nil {
		return false, nil
	}
	switch l.(type) {
	case string, bool:
		if strings.ContainsAny(fc.Operator, "<>") {
			return false, nil // no ordering of strings and booleans
		}
	}
	if strings.Contains(fc.Params, "`") {
		return false, nil
	}
	if fc.Operator == "=~" || fc.Operator == "!=~" {
		return regexCompare(l, fc)
	}
	return typedCompare(l, fc)
}

// query runs the data plugin and picks the field; a missing field is nil.
func query(ctx context.Context, fc *protocol.FuncCall, data map[string]DataSource) (any, error) {
	ds, ok := data[DataKey(fc.Name)]
	if !ok || ds == nil {
		return nil, fmt.Errorf("%q: %w", fc.Name, ErrNoDataSource)
	}
	timeout := DefaultDataTimeout
	if t, ok := ds.(interface{ Timeout() time.Duration }); ok && t.Timeout() > 0 {
		timeout = t.Timeout()
	}
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := ds.Query(qctx, fc.Params)
	if err != nil {
		return nil, fmt.Errorf("data plugin %s(%q): %w", fc.Name, fc.Params, err)
	}
	if fc.Field == "" {
		return noField{}, nil
	}
	return res[fc.Field], nil
}

// regexCompare handles =~ and !=~: only strings match, anything else is
// false whichever the operator.
func regexCompare(l any, fc *protocol.FuncCall) (bool, error) {
	s, ok := l.(string)
	if !ok {
		return false, nil
	}
	re, err := compileRuby(fc.Value)
	if err != nil {
		return false, err
	}
	return re.MatchString(s) == (fc.Operator == "=~"), nil
}

// typedCompare converts the right-hand side to the field's type, as Ruby
// does: a string compares with the text, a number with Integer() or
// Float() of it, a boolean with "true" or "false".
func typedCompare(l any, fc *protocol.FuncCall) (bool, error) {
	m := fstatementOp().FindStringSubmatch(strings.TrimSpace(fc.Operator))
	if m == nil {
		return false, fmt.Errorf("invalid operator %q", fc.Operator)
	}
	op := "=="
	if m[1] != "" {
		op = m[1]
	}
	switch x := l.(type) {
	case string:
		r := fc.Value
		if fc.Regex {
			r = "(?-mix:" + r + ")" // Ruby's Regexp#to_s
		}
		return applyEquality(x == r, op)
	case bool:
		if fc.Regex {
			return applyEquality(false, op)
		}
		var r bool
		switch strings.Trim(fc.Value, rubySpace) {
		case "true":
			r = true
		case "false":
		default:
			return false, fmt.Errorf("invalid boolean value: %q", fc.Value)
		}
		return applyEquality(x == r, op)
	case noField:
		return applyEquality(false, op)
	}
	ln, ok := numberOf(l)
	if !ok {
		return false, fmt.Errorf("cannot compare a %T", l)
	}
	if fc.Regex {
		return applyEquality(false, op)
	}
	rn, err := parseInteger(fc.Value)
	if err != nil {
		if rn, err = parseFloat(fc.Value); err != nil {
			return false, fmt.Errorf("invalid numeric value: %q", strings.Trim(fc.Value, rubySpace))
		}
	}
	return compareNumbers(ln, rn, op), nil
}

// applyEquality answers == and != from eq; Ruby raises for an ordering
// operator on values that have none.
func applyEquality(eq bool, op string) (bool, error) {
	switch op {
	case "==":
		return eq, nil
	case "!=":
		return !eq, nil
	}
	return false, fmt.Errorf("no %s comparison for this value", op)
}
