package ddl

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// closing returns the delimiter that ends a %-literal opened with open, and
// the opening byte to count for nesting (0 when the delimiter does not nest).
func closing(open byte) (term, nest byte) {
	switch open {
	case '(':
		return ')', '('
	case '[':
		return ']', '['
	case '{':
		return '}', '{'
	case '<':
		return '>', '<'
	}
	return open, 0
}

// quoted reads a double-quoted string body up to term (0: to the end of the
// source), with escapes and #{} interpolation when interp is set.
func (l *lexer) quoted(term, nest byte, interp bool) []strPart {
	line := l.line
	var parts []strPart
	var b strings.Builder
	partLine := l.line
	depth := 0
	for {
		if l.pos >= len(l.src) {
			if term == 0 {
				return append(parts, strPart{lit: b.String(), line: partLine})
			}
			l.fail(line, "unterminated string")
		}
		c := l.src[l.pos]
		switch {
		case c == '\\':
			l.escape(&b)
		case nest != 0 && c == nest:
			depth++
			b.WriteByte(c)
			l.pos++
		case term != 0 && c == term && depth > 0:
			depth--
			b.WriteByte(c)
			l.pos++
		case term != 0 && c == term:
			l.pos++
			return append(parts, strPart{lit: b.String(), line: partLine})
		case c == '#' && l.peek(1) == '{' && interp:
			parts = append(parts, strPart{lit: b.String(), line: partLine})
			b.Reset()
			l.pos += 2
			codeLine := l.line
			parts = append(parts, strPart{code: l.interpolation(), interp: true, line: codeLine})
			partLine = l.line
		default:
			if c == '\n' {
				l.line++
			}
			b.WriteByte(c)
			l.pos++
		}
	}
}

// interpolation lexes the code of a #{...} up to its closing brace.
func (l *lexer) interpolation() []token {
	line := l.line
	l.depth++
	if l.depth > maxNesting {
		l.fail(line, "string interpolation nested too deeply")
	}
	defer func() { l.depth-- }()
	var toks []token
	depth := 0
	for {
		t := l.next()
		switch {
		case t.kind == tEOF:
			l.fail(line, "unterminated #{ in string")
		case t.kind == tPunct && t.text == "{":
			depth++
		case t.kind == tPunct && t.text == "}":
			if depth == 0 {
				return append(toks, token{kind: tEOF, line: t.line})
			}
			depth--
		}
		toks = append(toks, t)
	}
}

// escape reads a backslash escape of a double-quoted string.
func (l *lexer) escape(b *strings.Builder) {
	line := l.line
	l.pos++
	if l.pos >= len(l.src) {
		l.fail(line, "unterminated string")
	}
	c := l.src[l.pos]
	l.pos++
	switch c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 's':
		b.WriteByte(' ')
	case 'r':
		b.WriteByte('\r')
	case 'a':
		b.WriteByte(7)
	case 'b':
		b.WriteByte(8)
	case 'e':
		b.WriteByte(27)
	case 'f':
		b.WriteByte(12)
	case 'v':
		b.WriteByte(11)
	case '\n':
		l.line++ // line continuation inside a string
	case 'x':
		b.WriteByte(byte(l.digits(16, 2, line, "\\x")))
	case 'u':
		l.unicodeEscape(b, line)
	case 'c', 'C', 'M':
		l.fail(line, "control and meta escapes (\\%c) are not supported", c)
	default:
		if c >= '0' && c <= '7' {
			l.pos--
			b.WriteByte(byte(l.digits(8, 3, line, "\\0")))
			return
		}
		b.WriteByte(c)
	}
}

// digits reads up to max digits in base and returns their value.
func (l *lexer) digits(base, max, line int, what string) int {
	start := l.pos
	for l.pos < len(l.src) && l.pos-start < max {
		if _, err := strconv.ParseUint(l.src[l.pos:l.pos+1], base, 8); err != nil {
			break
		}
		l.pos++
	}
	if l.pos == start {
		l.fail(line, "invalid %s escape", what)
	}
	n, _ := strconv.ParseUint(l.src[start:l.pos], base, 32)
	return int(n)
}

func (l *lexer) unicodeEscape(b *strings.Builder, line int) {
	if l.peek(0) != '{' {
		b.WriteRune(l.codepoint(l.digits(16, 4, line, "\\u"), line))
		return
	}
	l.pos++
	for {
		for l.peek(0) == ' ' {
			l.pos++
		}
		if l.peek(0) == '}' {
			l.pos++
			return
		}
		b.WriteRune(l.codepoint(l.digits(16, 6, line, "\\u{}"), line))
	}
}

func (l *lexer) codepoint(n, line int) rune {
	if !utf8.ValidRune(rune(n)) {
		l.fail(line, "invalid Unicode escape U+%X", n)
	}
	return rune(n)
}

// single reads a single-quoted body: only \\ and an escaped delimiter are
// escapes.
func (l *lexer) single(term, nest byte) []strPart {
	line := l.line
	var b strings.Builder
	depth := 0
	for {
		if l.pos >= len(l.src) {
			l.fail(line, "unterminated string")
		}
		c := l.src[l.pos]
		switch {
		case c == '\\' && (l.peek(1) == '\\' || l.peek(1) == term || nest != 0 && l.peek(1) == nest):
			b.WriteByte(l.peek(1))
			l.pos += 2
			continue
		case nest != 0 && c == nest:
			depth++
		case c == term && depth > 0:
			depth--
		case c == term:
			l.pos++
			return []strPart{{lit: b.String(), line: line}}
		case c == '\n':
			l.line++
		}
		b.WriteByte(c)
		l.pos++
	}
}

// regexp reads a regexp literal's source and options.
func (l *lexer) regexp(term, nest byte, line int) token {
	start := l.pos
	depth := 0
	for {
		if l.pos >= len(l.src) {
			l.fail(line, "unterminated regexp")
		}
		c := l.src[l.pos]
		switch {
		case c == '\\':
			if l.peek(1) == '\n' {
				l.line++
			}
			l.pos += 2
			continue
		case c == '#' && l.peek(1) == '{':
			l.fail(l.line, "interpolation in a regexp is not supported")
		case nest != 0 && c == nest:
			depth++
		case c == term && depth > 0:
			depth--
		case c == term:
			src := l.src[start:l.pos]
			l.pos++
			return token{kind: tRegexp, text: src, flags: l.regexpFlags(line), line: line}
		case c == '\n':
			l.line++
		}
		l.pos++
	}
}

func (l *lexer) regexpFlags(line int) string {
	var flags string
	for l.pos < len(l.src) && isIdentChar(l.src[l.pos]) {
		c := l.src[l.pos]
		switch c {
		case 'i', 'm', 'x':
			if !strings.ContainsRune(flags, rune(c)) {
				flags += string(c)
			}
		case 'o', 'u', 'n', 'e', 's':
			// encoding and once-only options do not change matching here
		default:
			l.fail(line, "unknown regexp option %q", c)
		}
		l.pos++
	}
	return flags
}

// percentLiteralHere decides whether a % starts a %-literal.
func (l *lexer) percentLiteralHere() bool {
	c, d := l.peek(1), l.peek(2)
	if strings.IndexByte("wWiIqQr", c) >= 0 && d != 0 && !isIdentChar(d) && d != ' ' && d != '\n' && d != '\t' {
		return true
	}
	return strings.IndexByte("([{<|!^", c) >= 0 && !l.prevIsOperand()
}

func (l *lexer) percent() token {
	line := l.line
	l.pos++
	var kind byte
	if c := l.peek(0); isIdentStart(c) {
		kind = c
		l.pos++
	}
	term, nest := closing(l.src[l.pos])
	l.pos++
	switch kind {
	case 'w', 'W', 'i', 'I':
		return token{kind: tWords, words: l.words(term, nest, line), sym: kind == 'i' || kind == 'I', line: line}
	case 'q':
		return token{kind: tString, parts: l.single(term, nest), line: line}
	case 'r':
		return l.regexp(term, nest, line)
	}
	return token{kind: tString, parts: l.quoted(term, nest, true), line: line}
}

// words reads a %w body: words split on white space.
func (l *lexer) words(term, nest byte, line int) []string {
	var words []string
	var b strings.Builder
	inWord := false
	depth := 0
	flush := func() {
		if inWord {
			words = append(words, b.String())
			b.Reset()
			inWord = false
		}
	}
	for {
		if l.pos >= len(l.src) {
			l.fail(line, "unterminated %%w list")
		}
		c := l.src[l.pos]
		switch {
		case c == '\\' && l.pos+1 < len(l.src):
			if l.src[l.pos+1] == '\n' {
				l.line++
			}
			b.WriteByte(l.src[l.pos+1])
			inWord = true
			l.pos += 2
			continue
		case c == '#' && l.peek(1) == '{':
			l.fail(l.line, "interpolation in a %%W or %%I list is not supported")
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if c == '\n' {
				l.line++
			}
			flush()
			l.pos++
			continue
		case nest != 0 && c == nest:
			depth++
		case c == term && depth > 0:
			depth--
		case c == term:
			l.pos++
			flush()
			return words
		}
		b.WriteByte(c)
		inWord = true
		l.pos++
	}
}

// heredocHere decides whether << starts a heredoc.
func (l *lexer) heredocHere() bool {
	c := l.peek(2)
	if c == '-' || c == '~' {
		c = l.peek(3)
	}
	return isIdentStart(c) || c == '\'' || c == '"' || c == '`'
}

// heredoc reads <<ID, <<-ID or <<~ID. The body starts on the next line (or
// after an earlier heredoc started on the same line); lexing of the rest of
// the current line carries on and skips the body at its newline.
func (l *lexer) heredoc() token {
	line := l.line
	l.pos += 2
	var mode byte
	if c := l.peek(0); c == '-' || c == '~' {
		mode = c
		l.pos++
	}
	id, interp := l.heredocID(line)
	bodyStart, bodyLine := l.hereEnd, l.hereLn
	if l.hereEnd == 0 {
		nl := strings.IndexByte(l.src[l.pos:], '\n')
		if nl < 0 {
			l.fail(line, "heredoc <<%s has no body", id)
		}
		bodyStart, bodyLine = l.pos+nl+1, l.line+1
	}
	var lines []string
	p, ln := bodyStart, bodyLine
	for {
		if p >= len(l.src) {
			l.fail(line, "unterminated heredoc <<%s", id)
		}
		text, next := l.src[p:], len(l.src)
		if nl := strings.IndexByte(text, '\n'); nl >= 0 {
			text, next = text[:nl], p+nl+1
		}
		end := strings.TrimRight(text, "\r")
		if mode != 0 {
			end = strings.TrimLeft(end, " \t")
		}
		if end == id {
			l.hereEnd, l.hereLn = next, ln+1
			break
		}
		lines = append(lines, text+"\n")
		p, ln = next, ln+1
	}
	if mode == '~' {
		lines = dedent(lines)
	}
	body := strings.Join(lines, "")
	if !interp {
		return token{kind: tString, parts: []strPart{{lit: body, line: bodyLine}}, line: line}
	}
	sub := &lexer{failer: l.failer, src: body, line: bodyLine, depth: l.depth}
	return token{kind: tString, parts: sub.quoted(0, 0, true), line: line}
}

func (l *lexer) heredocID(line int) (id string, interp bool) {
	q := l.peek(0)
	if q == '`' {
		l.fail(line, "command heredocs (<<`ID`) are not supported")
	}
	if q == '\'' || q == '"' {
		end := strings.IndexByte(l.src[l.pos+1:], q)
		if end < 0 || strings.Contains(l.src[l.pos+1:l.pos+1+end], "\n") {
			l.fail(line, "unterminated heredoc identifier")
		}
		id = l.src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		return id, q == '"'
	}
	start := l.pos
	for l.pos < len(l.src) && isIdentChar(l.src[l.pos]) {
		l.pos++
	}
	return l.src[start:l.pos], true
}

// dedent removes the smallest indentation of the non-blank lines, as <<~
// does.
func dedent(lines []string) []string {
	indent := -1
	for _, s := range lines {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n := len(s) - len(strings.TrimLeft(s, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	if indent <= 0 {
		return lines
	}
	out := make([]string, len(lines))
	for i, s := range lines {
		n := len(s) - len(strings.TrimLeft(s, " \t"))
		out[i] = s[min(n, indent):]
	}
	return out
}
