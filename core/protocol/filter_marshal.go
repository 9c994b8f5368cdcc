package protocol

import (
	"fmt"

	"github.com/marionette-mco/marionette/core/marshal"
)

// marshalValue returns the filter as Ruby's client sends it: a Hash with
// String keys fact, cf_class, agent, identity, compound (and collective when
// set).
func (f Filter) marshalValue() *marshal.Hash {
	h := marshal.NewHash(6)
	facts := make([]any, 0, len(f.Fact))
	for _, t := range f.Fact {
		fh := marshal.NewHash(3)
		fh.Set(marshal.Symbol("fact"), t.Fact)
		fh.Set(marshal.Symbol("value"), t.Value)
		fh.Set(marshal.Symbol("operator"), t.Operator)
		facts = append(facts, fh)
	}
	h.Set("fact", facts)
	h.Set("cf_class", stringsValue(f.Class))
	h.Set("agent", stringsValue(f.Agent))
	h.Set("identity", stringsValue(f.Identity))
	compound := make([]any, 0, len(f.Compound))
	for _, expr := range f.Compound {
		toks := make([]any, 0, len(expr))
		for _, t := range expr {
			toks = append(toks, t.marshalValue())
		}
		compound = append(compound, toks)
	}
	h.Set("compound", compound)
	if f.Collective != "" {
		h.Set("collective", f.Collective)
	}
	return h
}

func (t Token) marshalValue() *marshal.Hash {
	h := marshal.NewHash(1)
	switch t.Kind {
	case TokenStatement:
		h.Set(string(t.Kind), t.Value)
	case TokenFStatement:
		fc := FuncCall{}
		if t.Func != nil {
			fc = *t.Func
		}
		fh := marshal.NewHash(5)
		fh.Set("name", fc.Name)
		fh.Set("params", fc.Params)
		fh.Set("operator", fc.Operator)
		if fc.Regex {
			fh.Set("r_compare", marshal.Regexp{Source: fc.Value})
		} else {
			fh.Set("r_compare", fc.Value)
		}
		fh.Set("value", fc.Field)
		h.Set(string(t.Kind), fh)
	default:
		h.Set(string(t.Kind), string(t.Kind))
	}
	return h
}

func stringsValue(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// filterFromValue reads the filter Hash of a request envelope. Unknown keys
// are ignored, as Ruby's daemon ignores them.
func filterFromValue(v any) (Filter, error) {
	var f Filter
	h, ok := v.(*marshal.Hash)
	if !ok {
		return f, fmt.Errorf("%w: filter is %T, not a Hash", ErrEnvelope, v)
	}
	var err error
	for i, k := range h.Keys {
		key, _ := marshal.Text(k)
		val := h.Values[i]
		switch key {
		case "fact":
			f.Fact, err = factTerms(val)
		case "cf_class":
			f.Class, err = textList(key, val)
		case "agent":
			f.Agent, err = textList(key, val)
		case "identity":
			f.Identity, err = textList(key, val)
		case "compound":
			f.Compound, err = compoundExprs(val)
		case "collective":
			f.Collective, _ = marshal.Text(val)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

func list(key string, v any) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: filter %s is %T, not an Array", ErrEnvelope, key, v)
	}
	return l, nil
}

func textList(key string, v any) ([]string, error) {
	l, err := list(key, v)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := marshal.Text(e)
		if !ok {
			return nil, fmt.Errorf("%w: filter %s holds %T, not a String", ErrEnvelope, key, e)
		}
		out = append(out, s)
	}
	return out, nil
}

func factTerms(v any) ([]FactTerm, error) {
	l, err := list("fact", v)
	if err != nil {
		return nil, err
	}
	out := make([]FactTerm, 0, len(l))
	for _, e := range l {
		h, ok := e.(*marshal.Hash)
		if !ok {
			return nil, fmt.Errorf("%w: fact filter holds %T, not a Hash", ErrEnvelope, e)
		}
		out = append(out, FactTerm{
			Fact:     hashText(h, "fact"),
			Operator: hashText(h, "operator"),
			Value:    hashText(h, "value"),
		})
	}
	return out, nil
}

// hashText reads key from h as a Symbol key, falling back to a String key.
func hashText(h *marshal.Hash, key string) string {
	v, ok := h.Get(marshal.Symbol(key))
	if !ok {
		v, _ = h.Get(key)
	}
	if r, ok := v.(marshal.Regexp); ok {
		return r.Source
	}
	s, _ := marshal.Text(v)
	return s
}

func compoundExprs(v any) ([][]Token, error) {
	l, err := list("compound", v)
	if err != nil {
		return nil, err
	}
	out := make([][]Token, 0, len(l))
	for _, e := range l {
		toks, err := list("compound", e)
		if err != nil {
			return nil, err
		}
		expr := make([]Token, 0, len(toks))
		for _, tv := range toks {
			t, err := tokenFromValue(tv)
			if err != nil {
				return nil, err
			}
			expr = append(expr, t)
		}
		out = append(out, expr)
	}
	return out, nil
}

func tokenFromValue(v any) (Token, error) {
	h, ok := v.(*marshal.Hash)
	if !ok || h.Len() != 1 {
		return Token{}, fmt.Errorf("%w: compound token is %T, not a one-pair Hash", ErrEnvelope, v)
	}
	kind, _ := marshal.Text(h.Keys[0])
	t := Token{Kind: TokenKind(kind)}
	switch t.Kind {
	case TokenStatement:
		t.Value, _ = marshal.Text(h.Values[0])
	case TokenFStatement:
		fh, ok := h.Values[0].(*marshal.Hash)
		if !ok {
			return t, fmt.Errorf("%w: fstatement is %T, not a Hash", ErrEnvelope, h.Values[0])
		}
		rc, _ := fh.Get("r_compare")
		_, isRe := rc.(marshal.Regexp)
		t.Func = &FuncCall{
			Name:     hashText(fh, "name"),
			Params:   hashText(fh, "params"),
			Field:    hashText(fh, "value"),
			Operator: hashText(fh, "operator"),
			Value:    hashText(fh, "r_compare"),
			Regex:    isRe,
		}
	case TokenAnd, TokenOr, TokenNot, TokenOpen, TokenClose:
	default:
		return t, fmt.Errorf("%w: unknown compound token %q", ErrEnvelope, kind)
	}
	return t, nil
}
