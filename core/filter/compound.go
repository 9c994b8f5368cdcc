package filter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/marionette-mco/marionette/core/protocol"
)

// errSyntax reports a compound token list Ruby's eval would reject.
var errSyntax = errors.New("malformed compound filter")

// truth is one element of the boolean string Ruby builds and evals.
type truth int8

const (
	tFalse truth = iota
	tTrue
	tAnd
	tOr
	tNot
	tOpen
	tClose
)

// evalCompound is Ruby's compound branch of validate_filter?: every
// statement is evaluated first, left to right (an error in any of them
// fails the whole filter, even one a short circuit would skip), then the
// resulting "true && ! false || ..." is evaluated with Ruby's precedence:
// ! over && over ||. An empty list is false, as Ruby's eval("") is nil.
func evalCompound(ctx context.Context, stack []protocol.Token, n Node) (bool, error) {
	ts := make([]truth, 0, len(stack))
	for i, t := range stack {
		switch t.Kind {
		case protocol.TokenStatement:
			ok, err := evalStatement(t.Value, n.Facts)
			if err != nil {
				return false, fmt.Errorf("statement %q: %w", t.Value, err)
			}
			ts = append(ts, truthOf(ok))
		case protocol.TokenFStatement:
			ok, err := evalFStatement(ctx, t.Func, n.Data)
			if err != nil {
				return false, fmt.Errorf("token %d: %w", i+1, err)
			}
			ts = append(ts, truthOf(ok))
		case protocol.TokenAnd:
			ts = append(ts, tAnd)
		case protocol.TokenOr:
			ts = append(ts, tOr)
		case protocol.TokenNot:
			ts = append(ts, tNot)
		case protocol.TokenOpen:
			ts = append(ts, tOpen)
		case protocol.TokenClose:
			ts = append(ts, tClose)
		}
		// Ruby ignores tokens of any other kind.
	}
	if len(ts) == 0 {
		return false, nil
	}
	p := &truthParser{ts: ts}
	v, err := p.or()
	if err == nil && p.pos != len(ts) {
		err = fmt.Errorf("%w: unexpected token at %d", errSyntax, p.pos+1)
	}
	if err != nil {
		return false, err
	}
	return v, nil
}

func truthOf(b bool) truth {
	if b {
		return tTrue
	}
	return tFalse
}

// truthParser evaluates a truth list by recursive descent.
type truthParser struct {
	ts  []truth
	pos int
}

func (p *truthParser) peek() (truth, bool) {
	if p.pos >= len(p.ts) {
		return 0, false
	}
	return p.ts[p.pos], true
}

func (p *truthParser) or() (bool, error) {
	v, err := p.and()
	for err == nil {
		if t, ok := p.peek(); !ok || t != tOr {
			break
		}
		p.pos++
		var r bool
		r, err = p.and()
		v = v || r
	}
	return v, err
}

func (p *truthParser) and() (bool, error) {
	v, err := p.unary()
	for err == nil {
		if t, ok := p.peek(); !ok || t != tAnd {
			break
		}
		p.pos++
		var r bool
		r, err = p.unary()
		v = v && r
	}
	return v, err
}

func (p *truthParser) unary() (bool, error) {
	if t, ok := p.peek(); ok && t == tNot {
		p.pos++
		v, err := p.unary()
		return !v, err
	}
	return p.primary()
}

func (p *truthParser) primary() (bool, error) {
	t, ok := p.peek()
	if !ok {
		return false, fmt.Errorf("%w: unexpected end", errSyntax)
	}
	p.pos++
	switch t {
	case tTrue, tFalse:
		return t == tTrue, nil
	case tOpen:
		// Ruby's "( )" is nil, which is false.
		if c, ok := p.peek(); ok && c == tClose {
			p.pos++
			return false, nil
		}
		v, err := p.or()
		if err != nil {
			return false, err
		}
		if c, ok := p.peek(); !ok || c != tClose {
			return false, fmt.Errorf("%w: missing )", errSyntax)
		}
		p.pos++
		return v, nil
	}
	return false, fmt.Errorf("%w: unexpected token at %d", errSyntax, p.pos)
}

// statementOp finds a statement's operator as Ruby does: the leftmost of
// >=, <=, =, < and >; "!=" is therefore "!" in the name and "=".
var statementOp = lazyRegexp(`>=|<=|=|<|>`)

// evalStatement is Ruby's Matcher.eval_compound_statement: a statement
// starting with / is a class regex; one holding an operator is a fact
// comparison (= becomes ==, a value starting with / makes it =~); anything
// else is a class name.
func evalStatement(s string, fs Facts) (bool, error) {
	if isRegexSpec(s) {
		return hasClass(fs, s)
	}
	loc := statementOp().FindStringIndex(s)
	if loc == nil {
		return hasClass(fs, s)
	}
	op := s[loc[0]:loc[1]]
	parts := rubySplit(s, op)
	if len(parts) < 2 {
		return false, fmt.Errorf("no value after %q", op)
	}
	name, value := parts[0], parts[1]
	switch {
	case strings.HasPrefix(value, "/"):
		op = "=~"
	case op == "=":
		op = "=="
	}
	return hasFact(fs, name, value, op)
}

// rubySplit is Ruby's String#split with a string separator: trailing empty
// fields are dropped.
func rubySplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}
