package ddl

func (p *parser) primary(arg bool) node {
	t := p.peek()
	switch t.kind {
	case tInt:
		p.advance()
		return &litNode{val: t.ival, line: t.line}
	case tFloat:
		p.advance()
		return &litNode{val: t.fval, line: t.line}
	case tString, tSymbol:
		p.advance()
		return p.stringNode(t)
	case tRegexp:
		p.advance()
		re, err := newRubyRegexp(t.text, t.flags)
		if err != nil {
			p.fail(t.line, "%v", err)
		}
		return &litNode{val: re, line: t.line}
	case tWords:
		p.advance()
		arr := &arrayNode{line: t.line}
		for _, w := range t.words {
			var v any = w
			if t.sym {
				v = rbSymbol(w)
			}
			arr.elems = append(arr.elems, &litNode{val: v, line: t.line})
		}
		return arr
	case tLabel:
		p.fail(t.line, "unexpected '%s:' outside a hash or argument list", t.text)
	case tPunct:
		switch t.text {
		case "[":
			return p.array()
		case "{":
			return p.hash()
		case "(":
			p.advance()
			p.skipNL()
			e := p.expr(false)
			p.skipNL()
			p.expectPunct(")")
			return e
		}
	case tIdent:
		switch t.text {
		case "true", "false":
			p.advance()
			return &litNode{val: t.text == "true", line: t.line}
		case "nil":
			p.advance()
			return &litNode{val: nil, line: t.line}
		}
		if isKeyword(t.text) {
			break
		}
		next := p.peekAt(1)
		if p.isLocal(t.text) && !(next.kind == tPunct && next.text == "(" && !next.space) {
			p.advance()
			return &varNode{name: t.text, line: t.line}
		}
		return p.command(arg)
	}
	p.unexpected(t)
	return nil
}

// command parses a method call on self: name, name(args) or name args,
// with an optional block.
func (p *parser) command(arg bool) node {
	name := p.advance()
	call := &callNode{name: name.text, line: name.line}
	switch {
	case p.isPunct("(") && !p.peek().space:
		call.args = p.parenArgs()
	case !arg && p.startsArg():
		call.args = p.commandArgs()
	}
	call.block = p.block(arg)
	return call
}

// startsArg reports whether the next token begins the first argument of a
// call written without parentheses.
func (p *parser) startsArg() bool {
	t := p.peek()
	if !t.space {
		return false
	}
	switch t.kind {
	case tString, tSymbol, tInt, tFloat, tRegexp, tWords, tLabel, tConst:
		return true
	case tIdent:
		switch t.text {
		case "true", "false", "nil", "self", "lambda", "proc", "defined?", "not":
			return true
		}
		return !isKeyword(t.text)
	case tPunct:
		switch t.text {
		case "[", "(", "*", "**", "&", "!", "->", "::":
			return true
		}
	}
	return false
}

func (p *parser) commandArgs() []node {
	var args []node
	var pairs *hashNode
	for {
		p.argument(&args, &pairs)
		if !p.isPunct(",") {
			break
		}
		p.advance()
		p.skipNL()
	}
	if pairs != nil {
		args = append(args, pairs)
	}
	return args
}

func (p *parser) parenArgs() []node {
	open := p.expectPunct("(")
	var args []node
	var pairs *hashNode
	p.skipNL()
	for !p.isPunct(")") {
		if p.peek().kind == tEOF {
			p.fail(open.line, "'(' opened here is not closed")
		}
		p.argument(&args, &pairs)
		p.skipNL()
		if !p.isPunct(")") {
			p.expectPunct(",")
			p.skipNL()
		}
	}
	p.advance()
	if pairs != nil {
		args = append(args, pairs)
	}
	return args
}

// argument parses one argument, collecting key => value and key: value
// pairs into the trailing hash as Ruby does.
func (p *parser) argument(args *[]node, pairs **hashNode) {
	t := p.peek()
	addPair := func(k, v node) {
		if *pairs == nil {
			*pairs = &hashNode{line: t.line}
		}
		(*pairs).keys = append((*pairs).keys, k)
		(*pairs).vals = append((*pairs).vals, v)
	}
	switch {
	case t.kind == tLabel:
		p.advance()
		p.skipNL()
		addPair(&litNode{val: rbSymbol(t.text), line: t.line}, p.expr(true))
		return
	case t.kind == tPunct && (t.text == "*" || t.text == "**" || t.text == "&"):
		p.fail(t.line, "splat and block arguments (%sx) are not supported in a DDL", t.text)
	}
	e := p.expr(true)
	if p.isPunct("=>") {
		p.advance()
		p.skipNL()
		addPair(e, p.expr(true))
		return
	}
	if *pairs != nil {
		p.fail(t.line, "a plain argument cannot follow key => value arguments")
	}
	*args = append(*args, e)
}

func (p *parser) array() node {
	open := p.advance()
	arr := &arrayNode{line: open.line}
	p.skipNL()
	for !p.isPunct("]") {
		if p.peek().kind == tEOF {
			p.fail(open.line, "'[' opened here is not closed")
		}
		arr.elems = append(arr.elems, p.expr(false))
		p.skipNL()
		if !p.isPunct("]") {
			p.expectPunct(",")
			p.skipNL()
		}
	}
	p.advance()
	return arr
}

func (p *parser) hash() node {
	open := p.advance()
	h := &hashNode{line: open.line}
	p.skipNL()
	for !p.isPunct("}") {
		t := p.peek()
		switch t.kind {
		case tEOF:
			p.fail(open.line, "'{' opened here is not closed")
		case tLabel:
			p.advance()
			h.keys = append(h.keys, &litNode{val: rbSymbol(t.text), line: t.line})
		default:
			h.keys = append(h.keys, p.expr(false))
			p.skipNL()
			p.expectPunct("=>")
		}
		p.skipNL()
		h.vals = append(h.vals, p.expr(false))
		p.skipNL()
		if !p.isPunct("}") {
			p.expectPunct(",")
			p.skipNL()
		}
	}
	p.advance()
	return h
}

// stringNode builds a string or symbol, parsing #{} code in the current
// scope.
func (p *parser) stringNode(t token) node {
	s := &strNode{sym: t.kind == tSymbol, line: t.line}
	if lit, ok := literalParts(t.parts); ok {
		if s.sym {
			return &litNode{val: rbSymbol(lit), line: t.line}
		}
		return &litNode{val: lit, line: t.line}
	}
	for _, part := range t.parts {
		if !part.interp {
			s.parts = append(s.parts, &litNode{val: part.lit, line: part.line})
			continue
		}
		body := p.parseCode(part.code)
		switch len(body) {
		case 0:
			s.parts = append(s.parts, &litNode{val: "", line: part.line})
		case 1:
			s.parts = append(s.parts, body[0])
		default:
			p.fail(part.line, "only one expression is supported inside #{}")
		}
	}
	return s
}
