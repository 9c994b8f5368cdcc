package filter

import (
	"fmt"
	"strings"

	"github.com/marionette-mco/marionette/core/protocol"
)

// CompoundError reports why a -S expression was rejected. Kind is
// "malformed token", "parse error" or "missing parenthesis", as Ruby's
// three error classes; From and To are rune offsets into Input (the
// unbalanced parenthesis, or the token and its neighbour that do not fit
// together), and Text is what lies between them.
type CompoundError struct {
	Input    string
	Kind     string
	From, To int
	Text     string
}

// Error names the first offending token and its position.
func (e *CompoundError) Error() string {
	return fmt.Sprintf("filter: %s %q at position %d in -S input %q", e.Kind, e.Text, e.From, e.Input)
}

// ParseCompound turns a -S expression into the token list Ruby's mco sends
// (Matcher.create_compound_callstack): statements, fstatements (data
// plugin calls), and, or, not (also written !) and parentheses. It accepts
// and rejects what Ruby does (checked against Ruby on 80,000 generated
// inputs), with one difference: a data plugin /regex/ must compile with
// Go's RE2. Ruby checks only neighbouring tokens, so a few token lists it
// accepts, such as "a ) )", fail at the node.
func ParseCompound(expr string) ([]protocol.Token, error) {
	raw, err := parseCompound(expr)
	if err != nil {
		return nil, err
	}
	out := make([]protocol.Token, 0, len(raw))
	for _, r := range raw {
		t := protocol.Token{Kind: protocol.TokenKind(r.kind), Value: r.value}
		if r.kind == "fstatement" {
			fc, err := parseFunction(r.value)
			if err != nil {
				return nil, fmt.Errorf("filter: -S input %q: %w", expr, err)
			}
			t.Value, t.Func = "", fc
		}
		out = append(out, t)
	}
	return out, nil
}

// tokenFollows lists, per token kind, the kinds Ruby's parser accepts next.
var tokenFollows = map[string][]string{
	"and":        {"not", "fstatement", "statement", "("},
	"or":         {"not", "fstatement", "statement", "("},
	"not":        {"fstatement", "statement", "(", "not"},
	"statement":  {"and", "or", ")"},
	"fstatement": {"and", "or", ")"},
	"(":          {"fstatement", "statement", "not", "("},
}

func follows(kind string, next scanned, ok bool) bool {
	if !ok {
		return false
	}
	for _, k := range tokenFollows[kind] {
		if next.kind == k {
			return true
		}
	}
	return false
}

// parseCompound is Ruby's Matcher::Parser#parse: it walks the tokens with
// one of lookahead, checking each against its neighbours.
func parseCompound(expr string) ([]scanned, error) {
	s := &scanner{args: []rune(expr)}
	var stack []scanned
	var tokenErrs, parseErrs [][2]int
	var parenErrs []int
	size := len(s.args)

	pre := s.index
	var prev *scanned
	cur, curOK, err := s.next()
	if err != nil {
		return nil, err
	}
	for curOK {
		s.index++
		next, nextOK, err := s.next()
		if err != nil {
			return nil, err
		}
		if nextOK && next.kind == kindSpace {
			pre = s.index
			continue
		}
		atEnd := s.index == size
		switch cur.kind {
		case kindBad:
			tokenErrs = append(tokenErrs, [2]int{cur.from, cur.to})
		case "and", "or":
			if !follows(cur.kind, next, nextOK) && !(atEnd && nextOK) {
				parseErrs = append(parseErrs, [2]int{pre, s.index})
			}
			if prev == nil {
				parseErrs = append(parseErrs, [2]int{pre - len(cur.kind), s.index})
			} else if prev.kind == "and" || prev.kind == "or" {
				parseErrs = append(parseErrs, [2]int{pre - 1 - len(prev.kind), pre - 1})
			}
		case "not", "(":
			if !follows(cur.kind, next, nextOK) {
				parseErrs = append(parseErrs, [2]int{pre, s.index})
			}
			if cur.kind == "(" {
				parenErrs = append(parenErrs, cur.pos)
			}
		case "statement", "fstatement":
			if !follows(cur.kind, next, nextOK) && !atEnd {
				parseErrs = append(parseErrs, [2]int{pre, s.index})
			}
		case ")":
			// Ruby's /|and|or|not|\(/ accepts any next token.
			if !nextOK && !atEnd {
				parseErrs = append(parseErrs, [2]int{pre, s.index})
			}
			if len(parenErrs) > 0 {
				parenErrs = parenErrs[:len(parenErrs)-1]
			} else {
				parenErrs = append(parenErrs, cur.pos)
			}
		default:
			parseErrs = append(parseErrs, [2]int{pre, s.index})
		}
		if cur.kind != kindBad {
			stack = append(stack, cur)
		}
		c := cur
		prev = &c
		cur, curOK = next, nextOK
		pre = s.index
	}
	switch {
	case len(tokenErrs) > 0:
		return nil, compoundError(expr, "malformed token", tokenErrs[0][0], tokenErrs[0][1])
	case len(parseErrs) > 0:
		return nil, compoundError(expr, "parse error", parseErrs[0][0], parseErrs[0][1])
	case len(parenErrs) > 0:
		return nil, compoundError(expr, "missing parenthesis", parenErrs[0], parenErrs[0])
	}
	return stack, nil
}

func compoundError(expr, kind string, from, to int) *CompoundError {
	r := []rune(expr)
	lo, hi := max(0, min(from, len(r))), max(0, min(to+1, len(r)))
	text := ""
	if lo < hi {
		text = string(r[lo:hi])
	}
	return &CompoundError{Input: expr, Kind: kind, From: from, To: to, Text: strings.TrimSpace(text)}
}
