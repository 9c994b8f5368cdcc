package ddl

import (
	"strconv"
	"strings"
)

type tokKind int

const (
	tEOF    tokKind = iota
	tNL             // newline or ;
	tIdent          // identifier or keyword
	tConst          // capitalised identifier
	tLabel          // key: in a hash or argument list; text is the key
	tSymbol         // :name; parts hold the name
	tString         // parts hold literal text and #{} code
	tInt            // ival
	tFloat          // fval
	tRegexp         // text is the source, flags the options
	tWords          // %w[] or %i[]; words, sym
	tPunct          // operators and brackets; text
)

// strPart is a piece of a string: literal text, or the tokens of a #{}.
type strPart struct {
	lit    string
	code   []token
	interp bool
	line   int
}

type token struct {
	kind  tokKind
	text  string
	parts []strPart
	ival  int64
	fval  float64
	flags string
	words []string
	sym   bool
	line  int
	space bool // whitespace or a line start comes before the token
}

// maxNesting bounds interpolation and bracket nesting.
const maxNesting = 64

type lexer struct {
	failer
	src  string
	pos  int
	line int

	prev    *token // last token produced, for regexp and minus decisions
	depth   int    // interpolation depth
	hereEnd int    // > 0: where lexing resumes after the current line's heredocs
	hereLn  int    // the line number at hereEnd
}

// lex splits src into tokens.
func lex(file, src string) []token {
	l := &lexer{failer: failer{file}, src: strings.TrimPrefix(src, "\ufeff"), line: 1}
	var toks []token
	for {
		t := l.next()
		toks = append(toks, t)
		if t.kind == tEOF {
			return toks
		}
	}
}

func (l *lexer) peek(n int) byte {
	if l.pos+n < len(l.src) {
		return l.src[l.pos+n]
	}
	return 0
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// atLineStart reports whether only whitespace precedes pos on its line.
func (l *lexer) atLineStart() bool {
	for i := l.pos - 1; i >= 0; i-- {
		switch l.src[i] {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return true
}

// skipSpace skips blanks, comments and line continuations; it reports
// whether anything was skipped.
func (l *lexer) skipSpace() bool {
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '\\' && l.peek(1) == '\n':
			l.pos += 2
			l.line++
		case c == '\\' && l.peek(1) == '\r' && l.peek(2) == '\n':
			l.pos += 3
			l.line++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c == '=' && (l.pos == 0 || l.src[l.pos-1] == '\n') && strings.HasPrefix(l.src[l.pos:], "=begin"):
			l.skipBlockComment()
		default:
			return l.pos > start
		}
	}
	return l.pos > start
}

func (l *lexer) skipBlockComment() {
	startLine := l.line
	for {
		nl := strings.IndexByte(l.src[l.pos:], '\n')
		if nl < 0 {
			l.fail(startLine, "unterminated =begin comment")
		}
		l.pos += nl + 1
		l.line++
		if strings.HasPrefix(l.src[l.pos:], "=end") {
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
			return
		}
	}
}

// next returns the next token.
func (l *lexer) next() token {
	space := l.skipSpace() || l.pos == 0 || l.atLineStart()
	t := l.scan()
	t.space = space
	l.prev = &t
	return t
}

func (l *lexer) scan() token {
	if l.pos >= len(l.src) {
		return token{kind: tEOF, line: l.line}
	}
	line := l.line
	c := l.src[l.pos]
	switch {
	case c == '\n' || c == ';':
		return l.newline()
	case c == '_' && l.atLineStart() && strings.HasPrefix(l.src[l.pos:], "__END__") &&
		(l.pos+7 == len(l.src) || l.src[l.pos+7] == '\n' || l.src[l.pos+7] == '\r'):
		l.pos = len(l.src)
		return token{kind: tEOF, line: line}
	case isIdentStart(c):
		return l.ident()
	case isDigit(c):
		return l.number(false)
	case c == '-' && isDigit(l.peek(1)) && !l.prevIsOperand():
		l.pos++
		return l.number(true)
	case c == '"':
		l.pos++
		return l.maybeLabel(token{kind: tString, parts: l.quoted('"', 0, true), line: line})
	case c == '\'':
		l.pos++
		return l.maybeLabel(token{kind: tString, parts: l.single('\'', 0), line: line})
	case c == '`':
		l.fail(line, "command strings (`...`) are not supported")
	case c == ':':
		return l.colon()
	case c == '/' && !l.divisionHere():
		l.pos++
		return l.regexp('/', 0, line)
	case c == '%' && l.percentLiteralHere():
		return l.percent()
	case c == '<' && l.peek(1) == '<' && l.heredocHere():
		return l.heredoc()
	case c == '@' || c == '$':
		l.fail(line, "instance and global variables (%c...) are not supported", c)
	}
	return l.punct()
}

func (l *lexer) newline() token {
	line := l.line
	if l.src[l.pos] == ';' {
		l.pos++
		return token{kind: tNL, text: ";", line: line}
	}
	l.pos++
	l.line++
	if l.hereEnd > 0 {
		l.pos, l.line, l.hereEnd = l.hereEnd, l.hereLn, 0
	}
	return token{kind: tNL, text: "\n", line: line}
}

func (l *lexer) prevIsOperand() bool {
	if l.prev == nil {
		return false
	}
	switch l.prev.kind {
	case tInt, tFloat, tString, tRegexp, tWords, tSymbol, tConst:
		return true
	case tIdent:
		// x-1 subtracts; foo -1 passes a negative number
		return !l.atSpaceBefore() && !isKeyword(l.prev.text)
	case tPunct:
		switch l.prev.text {
		case ")", "]", "}":
			return true
		}
	}
	return false
}

// divisionHere decides whether a / is an operator rather than a regexp.
func (l *lexer) divisionHere() bool {
	if l.prev == nil {
		return false
	}
	switch l.prev.kind {
	case tInt, tFloat, tString, tRegexp, tConst:
		return true
	case tIdent:
		// foo / bar divides; foo /bar/ passes a regexp
		return l.peek(1) == ' ' || !l.atSpaceBefore()
	case tPunct:
		switch l.prev.text {
		case ")", "]", "}":
			return true
		}
	}
	return false
}

func (l *lexer) atSpaceBefore() bool {
	return l.pos > 0 && (l.src[l.pos-1] == ' ' || l.src[l.pos-1] == '\t')
}

func (l *lexer) ident() token {
	line, start := l.line, l.pos
	for l.pos < len(l.src) && isIdentChar(l.src[l.pos]) {
		l.pos++
	}
	if (l.peek(0) == '?' || l.peek(0) == '!') && l.peek(1) != '=' {
		l.pos++
	}
	name := l.src[start:l.pos]
	if l.peek(0) == ':' && l.peek(1) != ':' && name[len(name)-1] != '?' {
		l.pos++
		return token{kind: tLabel, text: name, line: line}
	}
	if name[0] >= 'A' && name[0] <= 'Z' {
		return token{kind: tConst, text: name, line: line}
	}
	return token{kind: tIdent, text: name, line: line}
}

func (l *lexer) number(neg bool) token {
	line, start := l.line, l.pos
	if l.src[l.pos] == '0' && strings.IndexByte("xXbBoO", l.peek(1)) >= 0 {
		l.pos += 2
		for l.pos < len(l.src) && isIdentChar(l.src[l.pos]) {
			l.pos++
		}
		return l.numberToken(start, neg, false, line)
	}
	float := false
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case isDigit(c) || c == '_':
			l.pos++
		case c == '.' && !float && isDigit(l.peek(1)):
			float = true
			l.pos++
		case (c == 'e' || c == 'E') && (isDigit(l.peek(1)) || (l.peek(1) == '-' || l.peek(1) == '+') && isDigit(l.peek(2))):
			float = true
			l.pos += 2
		default:
			return l.numberToken(start, neg, float, line)
		}
	}
	return l.numberToken(start, neg, float, line)
}

// numberToken converts src[start:pos]; Go's base-0 parsing reads Ruby's
// 0x, 0b, 0o and leading-zero octal forms.
func (l *lexer) numberToken(start int, neg, float bool, line int) token {
	text := strings.ReplaceAll(l.src[start:l.pos], "_", "")
	if neg {
		text = "-" + text
	}
	if float {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			l.fail(line, "bad number %s", text)
		}
		return token{kind: tFloat, fval: f, line: line}
	}
	n, err := strconv.ParseInt(text, 0, 64)
	if err != nil {
		l.fail(line, "bad or too large integer %s", text)
	}
	return token{kind: tInt, ival: n, line: line}
}

func (l *lexer) colon() token {
	line := l.line
	switch c := l.peek(1); {
	case c == ':':
		l.pos += 2
		return token{kind: tPunct, text: "::", line: line}
	case c == '"':
		l.pos += 2
		return token{kind: tSymbol, parts: l.quoted('"', 0, true), line: line}
	case c == '\'':
		l.pos += 2
		return token{kind: tSymbol, parts: l.single('\'', 0), line: line}
	case isIdentStart(c):
		l.pos++
		start := l.pos
		for l.pos < len(l.src) && isIdentChar(l.src[l.pos]) {
			l.pos++
		}
		if c := l.peek(0); (c == '?' || c == '!' || c == '=') && l.peek(1) != '>' && l.peek(1) != '=' {
			l.pos++
		}
		return token{kind: tSymbol, parts: []strPart{{lit: l.src[start:l.pos], line: line}}, line: line}
	}
	l.pos++
	return token{kind: tPunct, text: ":", line: line}
}

// maybeLabel turns "key": into a label.
func (l *lexer) maybeLabel(t token) token {
	if l.peek(0) == ':' && l.peek(1) != ':' && (l.pos+1 >= len(l.src) || l.peek(1) == ' ' || l.peek(1) == '\t' || l.peek(1) == '\n') {
		if lit, ok := literalParts(t.parts); ok {
			l.pos++
			return token{kind: tLabel, text: lit, line: t.line}
		}
	}
	return t
}

// literalParts joins parts that hold no interpolation.
func literalParts(parts []strPart) (string, bool) {
	var b strings.Builder
	for _, p := range parts {
		if p.interp {
			return "", false
		}
		b.WriteString(p.lit)
	}
	return b.String(), true
}

// punctuation lists the operators the lexer knows, longest first. Only a
// few are part of the subset; the parser names the others in its errors.
func punctuation() []string {
	return []string{
		"**=", "<=>", "===", "...", "<<=", ">>=", "&&=", "||=",
		"=>", "==", "=~", "!=", "!~", "<=", ">=", "&&", "||", "**", "..", "&.", "::", "+=", "-=", "*=", "/=", "<<", ">>", "->",
		"=", "+", "-", "*", "/", "%", "<", ">", "!", "&", "|", "^", "~", "?", ":", ",", ".", "(", ")", "[", "]", "{", "}",
	}
}

func (l *lexer) punct() token {
	line := l.line
	for _, p := range punctuation() {
		if strings.HasPrefix(l.src[l.pos:], p) {
			l.pos += len(p)
			return token{kind: tPunct, text: p, line: line}
		}
	}
	l.fail(line, "unexpected character %q", l.src[l.pos])
	return token{}
}

func isKeyword(s string) bool {
	switch s {
	case "do", "end", "if", "unless", "while", "until", "def", "class", "module", "begin", "rescue",
		"ensure", "case", "when", "then", "else", "elsif", "return", "yield", "self", "true", "false",
		"nil", "and", "or", "not", "for", "in", "super", "alias", "undef", "defined?", "redo", "retry",
		"next", "break", "__FILE__", "__LINE__", "__method__", "lambda", "proc", "loop":
		return true
	}
	return false
}
