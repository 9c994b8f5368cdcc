package ddl

import "fmt"

// builder implements the DDL methods a Ruby DDL calls on self, following
// MCollective::DDL::Base, AgentDDL, DataDDL and DiscoveryDDL.
type builder struct {
	failer
	ev          *evaluator
	d           *DDL
	current     *Action // action or data query being defined
	summarizing bool
	discovered  bool
}

func (b *builder) warn(line int, format string, args ...any) {
	pos := Pos{File: b.file, Line: line}
	b.d.Warnings = append(b.d.Warnings, pos.String()+": "+fmt.Sprintf(format, args...))
}

// call dispatches a method call on self.
func (b *builder) call(c *callNode, args []any, en *env) any {
	if c.block != nil && dslMethod(c.name) && !blockMethod(c.name) {
		b.fail(c.line, "'%s' does not take a block", c.name)
	}
	switch c.name {
	case "metadata":
		b.metadata(c, args)
	case "requires":
		b.requires(c, args)
	case "usage":
		b.wantArgs(c, args, 1, 1)
		b.d.Usage = rubyString(args[0])
	case "action":
		b.action(c, args, en)
	case "display":
		b.display(c, args)
	case "input":
		b.input(c, args)
	case "output":
		b.output(c, args)
	case "summarize":
		b.summarize(c, args, en)
	case "aggregate":
		b.aggregate(c, args)
	case "dataquery":
		b.dataquery(c, args, en)
	case "discovery":
		b.discovery(c, args, en)
	case "capabilities":
		b.capabilities(c, args)
	default:
		if b.summarizing {
			if c.block != nil {
				b.fail(c.line, "aggregate function %s does not take a block", c.name)
			}
			return &aggCall{name: c.name, args: args}
		}
		b.fail(c.line, "undefined method '%s': it is not part of the DDL language", c.name)
	}
	return nil
}

func dslMethod(name string) bool {
	switch name {
	case "metadata", "requires", "usage", "action", "display", "input", "output",
		"summarize", "aggregate", "dataquery", "discovery", "capabilities":
		return true
	}
	return false
}

func blockMethod(name string) bool {
	switch name {
	case "action", "summarize", "dataquery", "discovery":
		return true
	}
	return false
}

func (b *builder) wantArgs(c *callNode, args []any, min, max int) {
	if len(args) < min || len(args) > max {
		want := fmt.Sprint(min)
		if max != min {
			want = fmt.Sprintf("%d to %d", min, max)
		}
		b.fail(c.line, "'%s' takes %s argument(s), got %d", c.name, want, len(args))
	}
}

// requireKind checks that a method belongs to this kind of DDL, fixing the
// kind when the file's location did not.
func (b *builder) requireKind(c *callNode, k Kind) {
	switch b.d.Kind {
	case "":
		b.d.Kind = k
	case k:
	default:
		b.fail(c.line, "'%s' is only valid in a %s DDL, and this is a %s DDL", c.name, k, b.d.Kind)
	}
}

func (b *builder) metadata(c *callNode, args []any) {
	b.wantArgs(c, args, 1, 1)
	h := b.hashArg(c, args[0], "metadata")
	for _, key := range []string{"name", "description", "author", "license", "version", "url", "timeout"} {
		if _, ok := h.get(rbSymbol(key)); !ok {
			b.fail(c.line, "Metadata needs a :%s property", key)
		}
	}
	m := Metadata{Pos: Pos{File: b.file, Line: c.line}}
	for i, k := range h.keys {
		v := h.vals[i]
		switch k {
		case rbSymbol("name"):
			m.Name = rubyString(v)
		case rbSymbol("description"):
			m.Description = rubyString(v)
		case rbSymbol("author"):
			m.Author = rubyString(v)
		case rbSymbol("license"):
			m.License = rubyString(v)
		case rbSymbol("version"):
			m.Version = rubyString(v)
		case rbSymbol("url"):
			m.URL = rubyString(v)
		case rbSymbol("timeout"):
			n, ok := wholeNumber(v)
			if !ok {
				b.fail(c.line, "metadata :timeout must be a whole number of seconds, not %s", rubyInspect(v))
			}
			m.Timeout = n
		default:
			if m.Extra == nil {
				m.Extra = map[string]any{}
			}
			m.Extra[rubyString(k)] = toGo(v)
		}
	}
	b.d.Metadata = m
}

func (b *builder) requires(c *callNode, args []any) {
	b.wantArgs(c, args, 1, 1)
	h, ok := args[0].(*rbHash)
	if !ok {
		b.fail(c.line, "Requirement should be a hash in the form :item => 'requirement'")
	}
	for i, k := range h.keys {
		if k != rbSymbol("mcollective") {
			b.fail(c.line, "Requirement %s is not a valid requirement, only mcollective is supported", rubyString(k))
		}
		b.d.Requires = rubyString(h.vals[i])
	}
}

func (b *builder) action(c *callNode, args []any, en *env) {
	b.requireKind(c, KindAgent)
	b.wantArgs(c, args, 2, 2)
	if b.current != nil {
		b.fail(c.line, "action cannot be nested inside action %s", b.current.Name)
	}
	name := b.name(c, args[0], "action")
	props := b.hashArg(c, args[1], "action "+name)
	desc, ok := props.get(rbSymbol("description"))
	if !ok {
		b.fail(c.line, "Action needs a :description property")
	}
	b.unknownProps(c, props, "action "+name, "description")
	act := b.d.Action(name)
	if act == nil {
		// as in Ruby, a second action with the same name adds to the first
		act = &Action{Name: name, Description: rubyString(desc), Display: DisplayFailed, Pos: Pos{File: b.file, Line: c.line}}
		b.d.Actions = append(b.d.Actions, act)
	}
	if c.block != nil {
		b.current = act
		b.ev.runBlock(c.block, en)
		b.current = nil
	}
}

func (b *builder) display(c *callNode, args []any) {
	b.requireKind(c, KindAgent)
	b.wantArgs(c, args, 1, 1)
	if b.current == nil {
		b.fail(c.line, "display must be inside an action")
	}
	pref := Display(rubyString(args[0]))
	if _, isSym := args[0].(rbSymbol); !isSym ||
		pref != DisplayOK && pref != DisplayFailed && pref != DisplayFlatten && pref != DisplayAlways {
		b.fail(c.line, "Display preference %s is not valid, should be :ok, :failed, :flatten or :always", rubyInspect(args[0]))
	}
	if pref == DisplayFlatten {
		b.warn(c.line, "the display option :flatten is deprecated")
	}
	b.current.Display = pref
}

func (b *builder) summarize(c *callNode, args []any, en *env) {
	b.requireKind(c, KindAgent)
	b.wantArgs(c, args, 0, 0)
	if b.current == nil {
		b.fail(c.line, "summarize must be inside an action")
	}
	if c.block == nil {
		b.fail(c.line, "summarize needs a block")
	}
	b.summarizing = true
	b.ev.runBlock(c.block, en)
	b.summarizing = false
}

func (b *builder) dataquery(c *callNode, args []any, en *env) {
	b.requireKind(c, KindData)
	b.wantArgs(c, args, 1, 1)
	props := b.hashArg(c, args[0], "dataquery")
	desc, ok := props.get(rbSymbol("description"))
	if !ok {
		b.fail(c.line, "Data queries need a :description")
	}
	if b.d.DataQuery != nil {
		b.fail(c.line, "Data queries can only have one definition")
	}
	b.unknownProps(c, props, "dataquery", "description")
	b.d.DataQuery = &Action{Name: b.d.Plugin, Description: rubyString(desc), Pos: Pos{File: b.file, Line: c.line}}
	if c.block != nil {
		b.current = b.d.DataQuery
		b.ev.runBlock(c.block, en)
		b.current = nil
	}
}

func (b *builder) discovery(c *callNode, args []any, en *env) {
	b.requireKind(c, KindDiscovery)
	b.wantArgs(c, args, 0, 0)
	if b.discovered {
		b.fail(c.line, "Discovery plugins can only have one definition")
	}
	b.discovered = true
	b.d.Capabilities = []string{}
	if c.block != nil {
		b.ev.runBlock(c.block, en)
	}
}

func (b *builder) capabilities(c *callNode, args []any) {
	b.requireKind(c, KindDiscovery)
	if !b.discovered {
		b.fail(c.line, "capabilities must be inside a discovery block")
	}
	caps := flatten(args, nil)
	if len(caps) == 0 {
		b.fail(c.line, "Discovery plugin capabilities can't be empty")
	}
	for _, v := range caps {
		sym, ok := v.(rbSymbol)
		switch {
		case ok && (sym == "classes" || sym == "facts" || sym == "identity" || sym == "agents" || sym == "compound"):
			b.d.Capabilities = append(b.d.Capabilities, string(sym))
		default:
			b.fail(c.line, "%s is not a valid capability, valid capabilities are :classes, :facts, :identity, :agents and :compound", rubyString(v))
		}
	}
}

// finish applies defaults and checks that need the whole file.
func (b *builder) finish() {
	if b.d.Kind == "" {
		b.d.Kind = KindAgent
	}
	b.d.lintAggregates()
}
