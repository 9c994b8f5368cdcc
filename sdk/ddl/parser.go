package ddl

import "strings"

// The AST of the Ruby subset. Every node knows its line.
type node interface{ lineNo() int }

type (
	litNode struct {
		val  any
		line int
	}
	// strNode is a string or symbol with #{} parts; parts are litNodes
	// holding strings, or expressions.
	strNode struct {
		parts []node
		sym   bool
		line  int
	}
	arrayNode struct {
		elems []node
		line  int
	}
	hashNode struct {
		keys, vals []node
		line       int
	}
	varNode struct {
		name string
		line int
	}
	assignNode struct {
		name string
		val  node
		line int
	}
	callNode struct {
		recv  node // nil: a call on self, the DDL
		name  string
		args  []node
		block *blockNode
		line  int
	}
	blockNode struct {
		params []string
		body   []node
		line   int
	}
	plusNode struct {
		l, r node
		line int
	}
)

func (n *litNode) lineNo() int    { return n.line }
func (n *strNode) lineNo() int    { return n.line }
func (n *arrayNode) lineNo() int  { return n.line }
func (n *hashNode) lineNo() int   { return n.line }
func (n *varNode) lineNo() int    { return n.line }
func (n *assignNode) lineNo() int { return n.line }
func (n *callNode) lineNo() int   { return n.line }
func (n *blockNode) lineNo() int  { return n.line }
func (n *plusNode) lineNo() int   { return n.line }

// parser builds the AST from tokens. Like Ruby it tells local variables
// from method calls by whether the name was assigned or is a block
// parameter in an enclosing scope.
type parser struct {
	failer
	toks   []token
	pos    int
	scopes []map[string]bool
	depth  int
}

func parseProgram(file string, toks []token) []node {
	p := &parser{failer: failer{file}, toks: toks, scopes: []map[string]bool{{}}}
	body := p.statements(func(t token) bool { return false })
	if t := p.peek(); t.kind != tEOF {
		p.unexpected(t)
	}
	return body
}

// parseCode parses the tokens of an interpolation in the enclosing scope.
func (p *parser) parseCode(toks []token) []node {
	sub := &parser{failer: p.failer, toks: toks, scopes: p.scopes, depth: p.depth}
	body := sub.statements(func(t token) bool { return false })
	if t := sub.peek(); t.kind != tEOF {
		sub.unexpected(t)
	}
	return body
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) peekAt(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isPunct(text string) bool {
	t := p.peek()
	return t.kind == tPunct && t.text == text
}

func (p *parser) isWord(word string) bool {
	t := p.peek()
	return t.kind == tIdent && t.text == word
}

func (p *parser) expectPunct(text string) token {
	if !p.isPunct(text) {
		p.fail(p.peek().line, "expected %q, found %s", text, describe(p.peek()))
	}
	return p.advance()
}

func (p *parser) skipNL() {
	for p.peek().kind == tNL {
		p.advance()
	}
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		p.fail(p.peek().line, "expressions nested too deeply")
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) isLocal(name string) bool {
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if p.scopes[i][name] {
			return true
		}
	}
	return false
}

// describe names a token for error messages.
func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNL:
		return "end of line"
	case tIdent, tConst:
		return "'" + t.text + "'"
	case tLabel:
		return "'" + t.text + ":'"
	case tPunct:
		return "'" + t.text + "'"
	case tString:
		return "a string"
	case tSymbol:
		return "a symbol"
	case tInt, tFloat:
		return "a number"
	case tRegexp:
		return "a regexp"
	case tWords:
		return "a %w list"
	}
	return "a token"
}

// unexpected fails on a token, naming unsupported Ruby constructs.
func (p *parser) unexpected(t token) {
	switch {
	case t.kind == tIdent && isKeyword(t.text):
		switch t.text {
		case "end", "do", "then", "else", "elsif", "when", "in", "rescue", "ensure":
			p.fail(t.line, "unexpected '%s'", t.text)
		}
		p.fail(t.line, "'%s' is not supported in a DDL", t.text)
	case t.kind == tConst:
		p.fail(t.line, "constants ('%s') are not supported in a DDL", t.text)
	case t.kind == tPunct && strings.Contains("()[]{},|", t.text):
		p.fail(t.line, "unexpected '%s'", t.text)
	case t.kind == tPunct:
		p.fail(t.line, "operator '%s' is not supported in a DDL", t.text)
	}
	p.fail(t.line, "unexpected %s", describe(t))
}

// statements parses statements until stop says the next token ends them.
func (p *parser) statements(stop func(token) bool) []node {
	var body []node
	for {
		p.skipNL()
		t := p.peek()
		if t.kind == tEOF || stop(t) {
			return body
		}
		body = append(body, p.statement())
		t = p.peek()
		if t.kind != tNL && t.kind != tEOF && !stop(t) {
			if t.kind == tIdent && (t.text == "if" || t.text == "unless" || t.text == "while" || t.text == "until" || t.text == "rescue") {
				p.fail(t.line, "'%s' modifiers are not supported in a DDL", t.text)
			}
			p.unexpected(t)
		}
	}
}

func (p *parser) statement() node {
	t := p.peek()
	if t.kind == tIdent && !isKeyword(t.text) && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "=" {
		p.advance()
		p.advance()
		p.skipNL()
		val := p.expr(false)
		p.scopes[len(p.scopes)-1][t.text] = true
		return &assignNode{name: t.text, val: val, line: t.line}
	}
	return p.expr(false)
}

// expr parses an expression. In argument position (arg) a bare method
// name takes no arguments and no do-block, as in Ruby where `do` binds to
// the outermost command.
func (p *parser) expr(arg bool) node {
	p.enter()
	defer p.leave()
	left := p.postfix(arg)
	for p.isPunct("+") {
		t := p.advance()
		p.skipNL()
		left = &plusNode{l: left, r: p.postfix(arg), line: t.line}
	}
	return left
}

func (p *parser) postfix(arg bool) node {
	n := p.primary(arg)
	for {
		if p.peek().kind == tNL && p.nextAfterNL().kind == tPunct && p.nextAfterNL().text == "." {
			p.skipNL()
		}
		if !p.isPunct(".") {
			if p.isPunct("[") && !p.peek().space {
				p.fail(p.peek().line, "indexing with [] is not supported in a DDL")
			}
			return n
		}
		p.advance()
		p.skipNL()
		name := p.advance()
		if name.kind != tIdent && name.kind != tConst {
			p.fail(name.line, "expected a method name after '.', found %s", describe(name))
		}
		call := &callNode{recv: n, name: name.text, line: name.line}
		if p.isPunct("(") && !p.peek().space {
			call.args = p.parenArgs()
		}
		call.block = p.block(arg)
		n = call
	}
}

func (p *parser) nextAfterNL() token {
	for i := p.pos; i < len(p.toks); i++ {
		if p.toks[i].kind != tNL {
			return p.toks[i]
		}
	}
	return p.toks[len(p.toks)-1]
}

// block parses an optional do |x| ... end or { |x| ... } block.
func (p *parser) block(arg bool) *blockNode {
	var closer string
	switch {
	case p.isWord("do") && !arg:
		closer = "end"
	case p.isPunct("{"):
		closer = "}"
	default:
		return nil
	}
	start := p.advance()
	b := &blockNode{line: start.line}
	scope := map[string]bool{}
	p.skipNL()
	if p.isPunct("||") {
		p.advance()
	} else if p.isPunct("|") {
		p.advance()
		for !p.isPunct("|") {
			t := p.advance()
			if t.kind != tIdent || isKeyword(t.text) {
				p.fail(t.line, "block parameters must be plain names, found %s", describe(t))
			}
			b.params = append(b.params, t.text)
			scope[t.text] = true
			if !p.isPunct("|") {
				p.expectPunct(",")
			}
		}
		p.advance()
	}
	p.scopes = append(p.scopes, scope)
	b.body = p.statements(func(t token) bool {
		if closer == "end" {
			return t.kind == tIdent && t.text == "end"
		}
		return t.kind == tPunct && t.text == "}"
	})
	p.scopes = p.scopes[:len(p.scopes)-1]
	end := p.advance()
	if end.kind == tEOF {
		p.fail(start.line, "block opened here is not closed with '%s'", closer)
	}
	return b
}
