package ddl

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the plugin type a DDL describes, named as MCollective names the
// plugin directories (agent, data, discovery, validator, aggregate, ...).
type Kind string

// The plugin kinds MCollective ships DDLs for. Other directory names are
// kept as they are.
const (
	KindAgent     Kind = "agent"
	KindData      Kind = "data"
	KindDiscovery Kind = "discovery"
	KindValidator Kind = "validator"
	KindAggregate Kind = "aggregate"
	KindConnector Kind = "connector"
)

// Type is the declared type of an input or output.
type Type string

// The input and output types. TypeHash, TypeArray and TypeAny come from
// Choria; Ruby MCollective 2.12 accepts them in a DDL but cannot validate
// them.
const (
	TypeString  Type = "string"
	TypeInteger Type = "integer"
	TypeFloat   Type = "float"
	TypeNumber  Type = "number"
	TypeBoolean Type = "boolean"
	TypeList    Type = "list"
	TypeHash    Type = "hash"
	TypeArray   Type = "array"
	TypeAny     Type = "any"
)

// Display says which replies of an action the client shows by default.
type Display string

// The display preferences. DisplayFlatten is deprecated in MCollective.
const (
	DisplayAlways  Display = "always"
	DisplayOK      Display = "ok"
	DisplayFailed  Display = "failed"
	DisplayFlatten Display = "flatten"
)

// Pos is where something was declared: a file and a 1-based line.
type Pos struct {
	File string // the name given to Parse or ParseFile
	Line int    // 1-based
}

// String renders the position as file:line.
func (p Pos) String() string {
	if p.File == "" {
		return "line " + strconv.Itoa(p.Line)
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// DDL is one parsed DDL file.
type DDL struct {
	// Kind is the plugin type: from the file's directory or name suffix
	// (data/x_data.ddl), else from its content, else agent.
	Kind Kind
	// Plugin is the plugin's name: the file name without extension and
	// without a _data, _validator, ... suffix matching Kind. JSON DDLs use
	// metadata.name.
	Plugin string
	// File is the name the DDL was parsed from.
	File string
	// Metadata is what the metadata call (or JSON "metadata") declares.
	Metadata Metadata
	// Requires is the MCollective version the plugin needs (requires
	// :mcollective => "2.2.1"); it is recorded, not enforced.
	Requires string
	// Usage is the text given to usage, shown by Doc.
	Usage string
	// Actions are an agent's actions in file order.
	Actions []*Action
	// DataQuery is a data plugin's query: its input (always named query)
	// and outputs.
	DataQuery *Action
	// Capabilities are a discovery plugin's capabilities (classes, facts,
	// identity, agents, compound).
	Capabilities []string
	// Warnings are problems that do not stop the DDL from loading, such as
	// aggregate functions MCollective does not ship or properties it ignores.
	Warnings []string
}

// Metadata is what the metadata call declares.
type Metadata struct {
	Name        string // a display name; Plugin is the plugin's name
	Description string // one line about the plugin
	Author      string // who maintains it
	License     string // its licence
	Version     string // its version
	URL         string // its home page
	// Timeout is how long an action may run, in seconds.
	Timeout int
	// Extra holds any other metadata keys (Choria's provider, service).
	Extra map[string]any
	Pos   Pos // where metadata was called
}

// Action is an agent action, or a data plugin's query.
type Action struct {
	Name        string // the action's name (a data plugin's name for its query)
	Description string // what the action does
	// Display defaults to DisplayFailed, as in Ruby.
	Display Display
	// Inputs are in declaration order; see Input for lookup by name.
	Inputs []*Input
	// Outputs are in declaration order; see Output for lookup by name.
	Outputs []*Output
	// Aggregates are the summarize block's functions, in order.
	Aggregates []Aggregate
	Pos        Pos // where the action was first declared
}

// Input is one declared input of an action.
type Input struct {
	Name        string // the key in a request's data
	Prompt      string // what a user interface asks for it with
	Description string // what it means
	Type        Type   // the type its value must have
	// Validation checks string inputs; other types ignore it, as Ruby does.
	Validation Validation
	// Optional inputs may be left out of a request.
	Optional bool
	// Default is used when the input is missing; nil means none.
	Default any
	// MaxLength limits a string input's length in characters; 0 is no limit.
	MaxLength int
	// List holds the allowed values of a list input.
	List []any
	Pos  Pos // where the input was declared

	re *regexp.Regexp // compiled Validation when it is a pattern
}

// Output is one declared output of an action.
type Output struct {
	Name        string // the key in a reply's data
	Description string // what it means
	DisplayAs   string // the label clients show it with
	// Default is what a reply holds when the agent does not set the output.
	Default any
	// Type is optional (Choria); Ruby DDLs rarely give one.
	Type Type
	Pos  Pos // where the output was declared
}

// Aggregate is one summarize function of an action, such as
// aggregate summary(:status) or aggregate sum(:x, :format => "%d").
type Aggregate struct {
	// Function is summary, sum, average or the name of another aggregate
	// plugin (kept and reported in DDL.Warnings, not an error).
	Function string
	// Output is the output the function summarises: its first argument.
	Output string
	// Args are the arguments after the output, with the :format key removed
	// from an options hash.
	Args []any
	// Format is the printf-style format from the options hash or from the
	// aggregate call's own :format option.
	Format string
	Pos    Pos // where aggregate was called
}

// ValidationKind says how a Validation's Value is read.
type ValidationKind int

// The kinds of validation a string input can have.
const (
	// NoValidation: the input's value is not checked beyond its type.
	NoValidation ValidationKind = iota
	// RegexValidation: Value is a regular expression written as a string
	// ('^\w+$' in Ruby, any non-validator string in JSON).
	RegexValidation
	// RegexpValidation: Value is the source of a Ruby /regexp/ literal and
	// Flags its options.
	RegexpValidation
	// NamedValidation: Value names a validator plugin such as shellsafe.
	NamedValidation
)

// Validation is how a string input's value is checked.
type Validation struct {
	Kind  ValidationKind // how to read Value
	Value string         // a pattern's source or a validator's name
	// Flags are a Ruby regexp literal's options: any of i, m and x.
	Flags string
}

// String renders the validation as Ruby prints it: a regexp literal as
// (?flags-flags:source), anything else as written.
func (v Validation) String() string {
	if v.Kind != RegexpValidation {
		return v.Value
	}
	on, off := "", ""
	for _, f := range "mix" {
		if strings.ContainsRune(v.Flags, f) {
			on += string(f)
		} else {
			off += string(f)
		}
	}
	if off != "" {
		off = "-" + off
	}
	return "(?" + on + off + ":" + v.Value + ")"
}

// Action returns the action called name, or nil.
func (d *DDL) Action(name string) *Action {
	for _, a := range d.Actions {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// ActionNames lists the actions in file order.
func (d *DDL) ActionNames() []string {
	names := make([]string, len(d.Actions))
	for i, a := range d.Actions {
		names[i] = a.Name
	}
	return names
}

// Input returns the input called name, or nil.
func (a *Action) Input(name string) *Input {
	for _, in := range a.Inputs {
		if in.Name == name {
			return in
		}
	}
	return nil
}

// Output returns the output called name, or nil.
func (a *Action) Output(name string) *Output {
	for _, out := range a.Outputs {
		if out.Name == name {
			return out
		}
	}
	return nil
}

// setInput adds in, replacing an input of the same name in place as Ruby's
// hash assignment does.
func (a *Action) setInput(in *Input) {
	for i, old := range a.Inputs {
		if old.Name == in.Name {
			a.Inputs[i] = in
			return
		}
	}
	a.Inputs = append(a.Inputs, in)
}

// setOutput adds out, replacing an output of the same name in place.
func (a *Action) setOutput(out *Output) {
	for i, old := range a.Outputs {
		if old.Name == out.Name {
			a.Outputs[i] = out
			return
		}
	}
	a.Outputs = append(a.Outputs, out)
}

// lintAggregates warns about aggregate functions MCollective does not ship
// and about aggregates of outputs the action does not declare; Ruby logs
// both only when a client runs the action.
func (d *DDL) lintAggregates() {
	for _, act := range d.Actions {
		for _, agg := range act.Aggregates {
			if !shippedAggregate(agg.Function) {
				d.Warnings = append(d.Warnings, fmt.Sprintf("%s: action %s: aggregate function %s is not one MCollective ships (summary, sum, average)", agg.Pos, act.Name, agg.Function))
			}
			if act.Output(agg.Output) == nil {
				d.Warnings = append(d.Warnings, fmt.Sprintf("%s: action %s: aggregate %s uses %s, which is not a declared output", agg.Pos, act.Name, agg.Function, agg.Output))
			}
		}
	}
}

// shippedAggregate reports whether Ruby MCollective 2.12 ships the aggregate
// plugin called name.
func shippedAggregate(name string) bool {
	switch name {
	case "summary", "sum", "average":
		return true
	}
	return false
}
