package filter

import (
	"fmt"
	"regexp"
	"strings"
)

// The scanner is a line-for-line port of Ruby's Matcher::Scanner, quirks
// included, so mco -S produces the token lists Ruby's mco produces. Its
// cursor arithmetic (index, whiteSpaces, sepCounter) follows Ruby's.

// Token kinds the scanner reports besides protocol's: a space and a
// malformed token.
const (
	kindSpace = " "
	kindBad   = "bad_token"
)

// scanned is one token starting at rune offset pos; from and to delimit
// a malformed token.
type scanned struct {
	kind     string
	value    string
	pos      int
	from, to int
}

type scanner struct {
	args        []rune
	index       int
	sepCounter  int
	whiteSpaces int
}

// nilRune stands for Ruby's nil past either end of the argument array.
const nilRune = rune(-1)

// at is Ruby's @arguments[i], negative indexes counting from the end.
func (s *scanner) at(i int) rune {
	if i < 0 {
		i += len(s.args)
	}
	if i < 0 || i >= len(s.args) {
		return nilRune
	}
	return s.args[i]
}

// isCmp is Ruby's c =~ /=|<|>/.
func isCmp(r rune) bool { return r == '=' || r == '<' || r == '>' }

// isSpace is Ruby's c =~ /\s/.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r'
}

// next is Ruby's get_token; ok is false at the end of the input.
func (s *scanner) next() (scanned, bool, error) {
	pos := s.index
	t, ok, err := s.token()
	t.pos = pos
	return t, ok, err
}

func (s *scanner) token() (scanned, bool, error) {
	if s.index >= len(s.args) {
		return scanned{}, false, nil
	}
	i := s.index
	switch s.args[i] {
	case '(':
		return scanned{kind: "(", value: "("}, true, nil
	case ')':
		return scanned{kind: ")", value: ")"}, true, nil
	case '!':
		return scanned{kind: "not", value: "not"}, true, nil
	case ' ':
		return scanned{kind: kindSpace, value: " "}, true, nil
	case 'n':
		if s.at(i+1) == 'o' && s.at(i+2) == 't' && (s.at(i+3) == ' ' || s.at(i+3) == '(') {
			s.index += 2
			return scanned{kind: "not", value: "not"}, true, nil
		}
	case 'a':
		if s.at(i+1) == 'n' && s.at(i+2) == 'd' && (s.at(i+3) == ' ' || s.at(i+3) == '(') {
			s.index += 2
			return scanned{kind: "and", value: "and"}, true, nil
		}
	case 'o':
		if s.at(i+1) == 'r' && (s.at(i+2) == ' ' || s.at(i+2) == '(') {
			s.index++
			return scanned{kind: "or", value: "or"}, true, nil
		}
	}
	t, err := s.statement()
	return t, err == nil, err
}

// statement is Ruby's gen_statement.
func (s *scanner) statement() (scanned, error) {
	var cur []rune
	var err error
	j := s.index
	fn, escaped := false, false
	switch {
	case s.at(j) == '/':
		for {
			cur = append(cur, s.args[j])
			j++
			if j >= len(s.args) || isSpace(s.at(j)) {
				break
			}
		}
	case isCmp(s.at(j)):
		cur, j = s.comparison(j)
	default:
		cur, j, fn, escaped, err = s.words(j)
		if err != nil {
			return scanned{}, err
		}
		s.sepCounter = 0
	}
	s.index += len(cur) + s.whiteSpaces - 1
	s.whiteSpaces = 0
	return s.classify(string(cur), fn, escaped), nil
}

// comparison scans a statement that starts with =, < or >.
func (s *scanner) comparison(j int) ([]rune, int) {
	n := len(s.args)
	cur := []rune{s.args[j]}
	j++
	if s.at(j) != '/' {
		return cur, j
	}
	for {
		cur = append(cur, s.args[j])
		j++
		if s.at(j) == '/' {
			cur = append(cur, '/')
			break
		}
		if j >= n || s.at(j) == '/' {
			break
		}
	}
	for j < n && s.args[j] != ' ' && s.args[j] != ')' {
		cur = append(cur, s.args[j])
		j++
	}
	return cur, j
}

// words scans an ordinary statement: names, operators, /regexes/,
// (function arguments) and quoted strings, with the lookahead that lets
// "role = web" be one statement.
func (s *scanner) words(j int) (cur []rune, end int, fn, escaped bool, err error) {
	n := len(s.args)
	for {
		if s.at(j) == '/' {
			cur = append(cur, '/')
			j++
			for j < n && s.args[j] != '/' {
				if s.args[j] == '\\' {
					cur = append(cur, s.args[j])
					j++
					escaped = true
				}
				if j >= n {
					return nil, j, false, false, fmt.Errorf("unterminated escape in %q", string(cur))
				}
				cur = append(cur, s.args[j])
				j++
			}
			if j < n {
				cur = append(cur, s.args[j])
			}
			break
		}
		switch c := s.at(j); {
		case c == '(':
			fn = true
			cur = append(cur, c)
			j++
			for j < n {
				cur = append(cur, s.args[j])
				if s.args[j] == ')' {
					j++
					break
				}
				j++
			}
		case c == '"' || c == '\'':
			escaped = true
			j++
			s.whiteSpaces++
			for j < n {
				if s.args[j] == '\\' {
					j++
					s.whiteSpaces++
					if j >= n {
						break
					}
				} else if s.args[j] == c {
					j++
					s.whiteSpaces++
					break
				}
				cur = append(cur, s.args[j])
				j++
			}
		default:
			cur = append(cur, c)
			j++
		}
		if s.at(j) == ' ' && s.isKlass(j) && !isCmp(s.at(j-1)) {
			break
		}
		if s.at(j) == ' ' && s.sepCounter < 2 && !hasComparison.MatchString(string(cur)) {
			if idx, ok := s.lookahead(j); ok {
				j = idx
			}
		}
		if j >= n || isSpace(s.at(j)) || s.at(j) == ')' {
			break
		}
	}
	return cur, j, fn, escaped, nil
}

var hasComparison = regexp.MustCompile(`(?m)^.+(=|<|>).+$`)

// isKlass is Ruby's is_klass?: after the spaces at j comes no operator.
func (s *scanner) isKlass(j int) bool {
	for j < len(s.args) && s.args[j] == ' ' {
		j++
	}
	return !isCmp(s.at(j))
}

// lookahead is Ruby's lookahead: skip whitespace after index, counting it.
func (s *scanner) lookahead(index int) (int, bool) {
	index++
	for index <= len(s.args) {
		s.whiteSpaces++
		if !isSpace(s.at(index)) {
			s.sepCounter++
			return index, true
		}
		index++
	}
	return 0, false
}

var (
	openAtEnd   = regexp.MustCompile(`(?m).+?\($`)
	regexThenOp = regexp.MustCompile(`(?m)^/.+?/(<|>|=).+`)
	slashThenOp = regexp.MustCompile(`(?m)^.+?/(<|>|=).+`)
	funcSingleQ = regexp.MustCompile(`(?m)^.+?\((\s*(')[^']*(')\s*(,\s*(')[^']*('))*)?\)(\.[a-zA-Z0-9_]+)?((!=|<=|>=|=|>|<).+)?$`)
	funcDoubleQ = regexp.MustCompile(`(?m)^.+?\((\s*(")[^"]*(")\s*(,\s*(")[^"]*("))*)?\)(\.[a-zA-Z0-9_]+)?((!=|<=|>=|=|>|<).+)?$`)
)

// classify is the tail of Ruby's gen_statement: it decides between
// statement, fstatement and bad_token.
func (s *scanner) classify(v string, fn, escaped bool) scanned {
	bad := scanned{kind: kindBad, value: v, from: s.index - len([]rune(v)) + 1, to: s.index}
	switch {
	case openAtEnd.MatchString(v), regexThenOp.MatchString(v), slashThenOp.MatchString(v):
		return bad
	case fn:
		if funcSingleQ.MatchString(v) || funcDoubleQ.MatchString(v) {
			return scanned{kind: "fstatement", value: v}
		}
		return bad
	case escaped:
		return scanned{kind: "statement", value: v}
	case strings.Count(v, "/")%2 == 1:
		return bad
	}
	return scanned{kind: "statement", value: v}
}
