package ddl

// The reader of Choria's JSON agent DDL
// (https://choria.io/schemas/mcorpc/ddl/v1/agent.json):
//
//	{"$schema": "...", "metadata": {...},
//	 "actions": [{"action": "status", "description": "...", "display": "always",
//	              "input": {"name": {"prompt", "description", "type", "optional",
//	                                 "default", "validation", "maxlength", "list"}},
//	              "output": {"name": {"description", "display_as", "default", "type"}},
//	              "aggregate": [{"function": "summary", "args": ["name", {"format": "%s"}]}]}]}
//
// Unknown keys are errors, except in metadata, where they are kept in
// Metadata.Extra (Choria adds provider and service there).

func parseJSON(name string, src []byte) (d *DDL, err error) {
	defer catch(&err)
	j := &jsonDDL{failer: failer{name}}
	root := readJSONTree(name, src)
	d = &DDL{Kind: KindAgent, File: name}
	j.top(d, root)
	return d, nil
}

type jsonDDL struct {
	failer
}

func (j *jsonDDL) object(n *jsonNode, what string) []jsonMember {
	if n.kind != '{' {
		j.fail(n.line, "%s must be an object, not %s", what, n.typeName())
	}
	return n.members
}

func (j *jsonDDL) str(n *jsonNode, what string) string {
	s, ok := n.value.(string)
	if !ok || n.kind != 0 {
		j.fail(n.line, "%s must be a string, not %s", what, n.typeName())
	}
	return s
}

// typ reads the "type" member p of what, one of the DDL types.
func (j *jsonDDL) typ(p jsonMember, what string) Type {
	t, ok := parseType(j.str(p.val, what+" type"))
	if !ok {
		j.fail(p.line, "%s has an unknown type %q", what, p.val.value)
	}
	return t
}

func (j *jsonDDL) top(d *DDL, root *jsonNode) {
	seenMeta := false
	for _, m := range j.object(root, "the DDL") {
		switch m.key {
		case "$schema":
			j.str(m.val, "$schema")
		case "metadata":
			j.metadata(d, m)
			seenMeta = true
		case "actions":
			if m.val.kind != '[' {
				j.fail(m.line, "actions must be an array, not %s", m.val.typeName())
			}
			for _, it := range m.val.items {
				act := j.action(it)
				if d.Action(act.Name) != nil {
					j.fail(it.line, "action %s is declared twice", act.Name)
				}
				d.Actions = append(d.Actions, act)
			}
		default:
			j.fail(m.line, "unknown key %q in the DDL", m.key)
		}
	}
	if !seenMeta {
		j.fail(root.line, "the DDL has no metadata")
	}
	d.Plugin = d.Metadata.Name
	d.lintAggregates()
}

func (j *jsonDDL) metadata(d *DDL, n jsonMember) {
	m := Metadata{Pos: Pos{File: j.file, Line: n.line}}
	seen := map[string]bool{}
	for _, mem := range j.object(n.val, "metadata") {
		seen[mem.key] = true
		switch mem.key {
		case "name":
			m.Name = j.str(mem.val, "metadata name")
		case "description":
			m.Description = j.str(mem.val, "metadata description")
		case "author":
			m.Author = j.str(mem.val, "metadata author")
		case "license":
			m.License = j.str(mem.val, "metadata license")
		case "version":
			m.Version = j.str(mem.val, "metadata version")
		case "url":
			m.URL = j.str(mem.val, "metadata url")
		case "timeout":
			t, ok := wholeNumber(mem.val.value)
			if !ok || mem.val.kind != 0 {
				j.fail(mem.line, "metadata timeout must be a whole number of seconds")
			}
			m.Timeout = t
		default:
			if m.Extra == nil {
				m.Extra = map[string]any{}
			}
			m.Extra[mem.key] = mem.val.plain()
		}
	}
	for _, key := range []string{"name", "description", "author", "license", "version", "url", "timeout"} {
		if !seen[key] {
			j.fail(n.line, "metadata needs a %s", key)
		}
	}
	d.Metadata = m
}

func (j *jsonDDL) action(n *jsonNode) *Action {
	act := &Action{Display: DisplayFailed, Pos: Pos{File: j.file, Line: n.line}}
	members := j.object(n, "an action")
	for _, m := range members {
		switch m.key {
		case "action":
			act.Name = j.str(m.val, "action")
		case "description":
			act.Description = j.str(m.val, "action description")
		case "display":
			switch disp := Display(j.str(m.val, "display")); disp {
			case DisplayAlways, DisplayOK, DisplayFailed, DisplayFlatten:
				act.Display = disp
			default:
				j.fail(m.line, "display %q is not valid, should be ok, failed or always", disp)
			}
		}
	}
	if act.Name == "" {
		j.fail(n.line, "an action has no name")
	}
	for _, m := range members {
		switch m.key {
		case "action", "description", "display":
		case "input":
			for _, in := range j.object(m.val, "input of action "+act.Name) {
				act.setInput(j.input(act, in))
			}
		case "output":
			for _, out := range j.object(m.val, "output of action "+act.Name) {
				act.setOutput(j.output(act, out))
			}
		case "aggregate":
			if m.val.kind != '[' {
				j.fail(m.line, "aggregate of action %s must be an array", act.Name)
			}
			for _, it := range m.val.items {
				act.Aggregates = append(act.Aggregates, j.aggregate(act, it))
			}
		default:
			j.fail(m.line, "unknown key %q in action %s", m.key, act.Name)
		}
	}
	return act
}

func (j *jsonDDL) input(act *Action, m jsonMember) *Input {
	in := &Input{Name: m.key, Pos: Pos{File: j.file, Line: m.line}}
	what := "input " + m.key + " of action " + act.Name
	for _, p := range j.object(m.val, what) {
		switch p.key {
		case "prompt":
			in.Prompt = j.str(p.val, what+" prompt")
		case "description":
			in.Description = j.str(p.val, what+" description")
		case "type":
			in.Type = j.typ(p, what)
		case "optional":
			b, ok := p.val.value.(bool)
			if !ok {
				j.fail(p.line, "%s optional must be true or false", what)
			}
			in.Optional = b
		case "default":
			in.Default = p.val.plain()
		case "validation":
			in.Validation = jsonValidation(j.str(p.val, what+" validation"))
		case "maxlength":
			n, ok := wholeNumber(p.val.value)
			if !ok || p.val.kind != 0 {
				j.fail(p.line, "%s maxlength must be a whole number", what)
			}
			in.MaxLength = n
		case "list":
			if p.val.kind != '[' {
				j.fail(p.line, "%s list must be an array", what)
			}
			in.List = p.val.plain().([]any)
		default:
			j.fail(p.line, "unknown key %q in %s", p.key, what)
		}
	}
	if in.Type == "" {
		j.fail(m.line, "%s has no type", what)
	}
	if in.Type == TypeList && in.List == nil {
		j.fail(m.line, "%s is a list without a list of values", what)
	}
	if in.Type != TypeString {
		in.Validation = Validation{}
	}
	if in.Validation.Kind == RegexValidation {
		re, err := compileRuby(in.Validation.Value, "")
		if err != nil {
			j.fail(m.line, "%s: %v", what, err)
		}
		in.re = re
	}
	return in
}

// jsonValidation reads a JSON validation: one of the validators Choria
// knows by name, else a regular expression.
func jsonValidation(s string) Validation {
	switch s {
	case "":
		return Validation{}
	case "shellsafe", "ipv4address", "ipv6address", "ipaddress":
		return Validation{Kind: NamedValidation, Value: s}
	}
	return Validation{Kind: RegexValidation, Value: s}
}

func (j *jsonDDL) output(act *Action, m jsonMember) *Output {
	out := &Output{Name: m.key, Pos: Pos{File: j.file, Line: m.line}}
	what := "output " + m.key + " of action " + act.Name
	for _, p := range j.object(m.val, what) {
		switch p.key {
		case "description":
			out.Description = j.str(p.val, what+" description")
		case "display_as":
			out.DisplayAs = j.str(p.val, what+" display_as")
		case "default":
			out.Default = p.val.plain()
		case "type":
			out.Type = j.typ(p, what)
		default:
			j.fail(p.line, "unknown key %q in %s", p.key, what)
		}
	}
	return out
}

func (j *jsonDDL) aggregate(act *Action, n *jsonNode) Aggregate {
	agg := Aggregate{Pos: Pos{File: j.file, Line: n.line}}
	what := "aggregate of action " + act.Name
	var args *jsonNode
	for _, m := range j.object(n, what) {
		switch m.key {
		case "function":
			agg.Function = j.str(m.val, what+" function")
		case "args":
			args = m.val
		default:
			j.fail(m.line, "unknown key %q in %s", m.key, what)
		}
	}
	if agg.Function == "" || args == nil || args.kind != '[' || len(args.items) == 0 {
		j.fail(n.line, "%s needs a function and args naming an output", what)
	}
	agg.Output = j.str(args.items[0], what+" output")
	for i, it := range args.items[1:] {
		v := it.plain()
		if opts, ok := v.(map[string]any); ok && i == 0 {
			if f, has := opts["format"]; has {
				agg.Format = rubyString(f)
				delete(opts, "format")
				if len(opts) == 0 {
					continue
				}
			}
		}
		agg.Args = append(agg.Args, v)
	}
	return agg
}
