package ddl

import (
	"math"
	"strconv"
	"strings"
)

func (b *builder) input(c *callNode, args []any) {
	b.wantArgs(c, args, 2, 2)
	name := b.name(c, args[0], "input")
	if b.current == nil {
		b.fail(c.line, "Cannot figure out what entity input %s belongs to", name)
	}
	props := b.hashArg(c, args[1], "input "+name)
	if b.d.Kind == KindData && name != "query" {
		b.fail(c.line, "The only valid input name for a data query is 'query', not '%s'", name)
	}
	required := []string{"prompt", "description", "type"}
	if b.d.Kind == KindAgent {
		required = append(required, "optional")
	}
	for _, key := range required {
		if _, ok := props.get(rbSymbol(key)); !ok {
			b.fail(c.line, "Input %s needs a :%s property", name, key)
		}
	}
	b.unknownProps(c, props, "input "+name, "prompt", "description", "type", "validation", "maxlength", "optional", "default", "list")
	in := &Input{Name: name, Pos: Pos{File: b.file, Line: c.line}}
	in.Prompt = b.stringProp(props, "prompt")
	in.Description = b.stringProp(props, "description")
	typ, _ := props.get(rbSymbol("type"))
	in.Type = b.typeProp(c, typ, "input "+name)
	opt, _ := props.get(rbSymbol("optional"))
	if yes, ok := opt.(bool); ok {
		in.Optional = yes
	} else if opt != nil {
		b.fail(c.line, "input %s: :optional must be true or false, not %s", name, rubyInspect(opt))
	}
	def, _ := props.get(rbSymbol("default"))
	in.Default = toGo(def)
	switch in.Type {
	case TypeString:
		b.stringInput(c, in, props)
	case TypeList:
		list, ok := props.get(rbSymbol("list"))
		if !ok {
			b.fail(c.line, "Input type :list needs a :list argument")
		}
		arr, isArr := list.([]any)
		if !isArr {
			b.fail(c.line, "input %s: :list must be an array, not %s", name, rubyInspect(list))
		}
		in.List = toGo(arr).([]any)
	}
	b.current.setInput(in)
}

// stringInput reads what a :string input must also declare.
func (b *builder) stringInput(c *callNode, in *Input, props *rbHash) {
	val, ok := props.get(rbSymbol("validation"))
	if !ok {
		b.fail(c.line, "Input type :string needs a :validation argument")
	}
	ml, ok := props.get(rbSymbol("maxlength"))
	if !ok {
		b.fail(c.line, "Input type :string needs a :maxlength argument")
	}
	switch v := val.(type) {
	case nil:
	case string:
		re, err := compileRuby(v, "")
		if err != nil {
			b.fail(c.line, "input %s: %v", in.Name, err)
		}
		in.Validation, in.re = Validation{Kind: RegexValidation, Value: v}, re
	case rbSymbol:
		in.Validation = Validation{Kind: NamedValidation, Value: string(v)}
	case *rubyRegexp:
		in.Validation, in.re = Validation{Kind: RegexpValidation, Value: v.source, Flags: v.flags}, v.re
	default:
		b.fail(c.line, "input %s: :validation must be a string, a regexp or a validator symbol, not %s", in.Name, rubyTypeName(val))
	}
	n, ok := maxLength(ml)
	if !ok {
		b.fail(c.line, "input %s: :maxlength must be a whole number, not %s", in.Name, rubyInspect(ml))
	}
	in.MaxLength = n
}

// maxLength reads :maxlength as Ruby's to_i would, refusing what to_i
// would silently turn into nonsense.
func maxLength(v any) (int, bool) {
	switch x := v.(type) {
	case nil:
		return 0, true
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return wholeNumber(v)
}

func (b *builder) output(c *callNode, args []any) {
	b.wantArgs(c, args, 2, 2)
	name := b.name(c, args[0], "output")
	if b.current == nil {
		b.fail(c.line, "Cannot figure out what action output %s belongs to", name)
	}
	props := b.hashArg(c, args[1], "output "+name)
	if _, ok := props.get(rbSymbol("description")); !ok {
		b.fail(c.line, "Output %s needs a description argument", name)
	}
	if _, ok := props.get(rbSymbol("display_as")); !ok {
		b.fail(c.line, "Output %s needs a display_as argument", name)
	}
	b.unknownProps(c, props, "output "+name, "description", "display_as", "default", "type")
	out := &Output{Name: name, Pos: Pos{File: b.file, Line: c.line}}
	out.Description = b.stringProp(props, "description")
	out.DisplayAs = b.stringProp(props, "display_as")
	def, _ := props.get(rbSymbol("default"))
	out.Default = toGo(def)
	if typ, ok := props.get(rbSymbol("type")); ok && typ != nil {
		out.Type = b.typeProp(c, typ, "output "+name)
	}
	b.current.setOutput(out)
}

func (b *builder) aggregate(c *callNode, args []any) {
	b.requireKind(c, KindAgent)
	b.wantArgs(c, args, 1, 2)
	if b.current == nil {
		b.fail(c.line, "aggregate must be inside an action")
	}
	fn, ok := args[0].(*aggCall)
	if !ok {
		b.fail(c.line, "aggregate needs a function call such as summary(:output) inside summarize, not %s", rubyTypeName(args[0]))
	}
	if len(fn.args) == 0 {
		b.fail(c.line, "aggregate method for action '%s' missing a function parameter", b.current.Name)
	}
	agg := Aggregate{Function: fn.name, Pos: Pos{File: b.file, Line: c.line}}
	switch out := fn.args[0].(type) {
	case string, rbSymbol:
		agg.Output = rubyString(out)
	default:
		b.fail(c.line, "aggregate %s: the first argument must name an output, not %s", fn.name, rubyTypeName(out))
	}
	for i, a := range fn.args[1:] {
		if h, isHash := a.(*rbHash); isHash && i == 0 {
			if f, has := h.get(rbSymbol("format")); has {
				agg.Format = rubyString(f)
				rest := &rbHash{}
				for j, k := range h.keys {
					if k != rbSymbol("format") {
						rest.set(k, h.vals[j])
					}
				}
				if len(rest.keys) == 0 {
					continue
				}
				a = rest
			}
		}
		agg.Args = append(agg.Args, toGo(a))
	}
	if len(args) == 2 {
		h, isHash := args[1].(*rbHash)
		if !isHash {
			b.fail(c.line, "Formats supplied to aggregation functions should be a hash")
		}
		f, has := h.get(rbSymbol("format"))
		if !has {
			b.fail(c.line, "Formats supplied to aggregation functions must have a :format key")
		}
		if agg.Format == "" && f != nil {
			agg.Format = rubyString(f)
		}
	}
	b.current.Aggregates = append(b.current.Aggregates, agg)
}

// name reads an action, input or output name: a string or a symbol.
func (b *builder) name(c *callNode, v any, what string) string {
	switch x := v.(type) {
	case string:
		if x != "" {
			return x
		}
	case rbSymbol:
		if x != "" {
			return string(x)
		}
	}
	b.fail(c.line, "%s name must be a non-empty string or symbol, not %s", what, rubyInspect(v))
	return ""
}

func (b *builder) hashArg(c *callNode, v any, what string) *rbHash {
	h, ok := v.(*rbHash)
	if !ok {
		b.fail(c.line, "%s needs a hash of :property => value, not %s", what, rubyTypeName(v))
	}
	return h
}

func (b *builder) stringProp(props *rbHash, key string) string {
	v, _ := props.get(rbSymbol(key))
	return rubyString(v)
}

// typeProp reads a :type, accepting Choria's capitalised Hash and Array.
func (b *builder) typeProp(c *callNode, v any, what string) Type {
	switch v.(type) {
	case string, rbSymbol:
		if t, ok := parseType(rubyString(v)); ok {
			return t
		}
	}
	b.fail(c.line, "%s has an unknown type %s (string, integer, float, number, boolean, list, hash, array or any)", what, rubyInspect(v))
	return ""
}

// parseType normalises a type name.
func parseType(s string) (Type, bool) {
	switch t := Type(strings.ToLower(s)); t {
	case TypeString, TypeInteger, TypeFloat, TypeNumber, TypeBoolean, TypeList, TypeHash, TypeArray, TypeAny:
		return t, true
	}
	return "", false
}

// unknownProps warns about properties Ruby would silently ignore.
func (b *builder) unknownProps(c *callNode, props *rbHash, what string, known ...string) {
	for _, k := range props.keys {
		sym, isSym := k.(rbSymbol)
		found := false
		for _, name := range known {
			if isSym && string(sym) == name {
				found = true
				break
			}
		}
		if !found {
			b.warn(c.line, "%s: property %s is ignored", what, rubyInspect(k))
		}
	}
}

// wholeNumber reads an integer, or a float with no fraction.
func wholeNumber(v any) (int, bool) {
	switch x := v.(type) {
	case int64:
		if x > math.MaxInt32 || x < math.MinInt32 {
			return 0, false
		}
		return int(x), true
	case float64:
		if x != math.Trunc(x) || x > math.MaxInt32 || x < math.MinInt32 {
			return 0, false
		}
		return int(x), true
	}
	return 0, false
}
