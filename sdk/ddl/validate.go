package ddl

import (
	"errors"
	"fmt"
	"maps"
	"sort"
)

// MCollective RPC status codes that validation errors carry.
const (
	// CodeUnknownAction is UnknownRPCAction: the agent has no such action.
	CodeUnknownAction = 2
	// CodeMissingData is MissingRPCData.
	CodeMissingData = 3
	// CodeInvalidData is InvalidRPCData, and what Ruby MCollective 2.12
	// sends for every DDL validation failure.
	CodeInvalidData = 4
)

// ValidationError is an input that failed validation.
//
// Code is the status code Marionette replies with: 3 (MissingData) for a
// missing required input, 4 (InvalidData) for an invalid one. Ruby
// MCollective 2.12 answers 4 for both (validate_rpc_request raises
// DDLValidationError either way); Marionette uses the codes' own meanings,
// which Ruby clients display the same way.
type ValidationError struct {
	// Action is the action, or data plugin, whose input failed.
	Action string
	// Input names the input.
	Input string
	// Reason is the validator's explanation, such as "value should match
	// ^\w+$".
	Reason string
	// Missing is set when a required input was not given.
	Missing bool
	// Code is the status code to reply with; see the type's documentation.
	Code int
}

// Error renders Ruby's message: "Action get_fact needs a fact argument" or
// "Cannot validate input fact: value should be a string".
func (e *ValidationError) Error() string {
	if e.Missing {
		return fmt.Sprintf("Action %s needs a %s argument", e.Action, e.Input)
	}
	return fmt.Sprintf("Cannot validate input %s: %s", e.Input, e.Reason)
}

// UnknownActionError is a request for an action the DDL does not declare.
// Code is 2 (UnknownAction); Ruby MCollective 2.12 refuses it during DDL
// validation with 4, and sends 2 only for a declared action the agent
// lacks. Marionette answers 2 for both.
type UnknownActionError struct {
	Plugin string // the DDL's plugin name
	Action string // the action asked for
	Code   int    // the status code to reply with
}

// Error renders Ruby's message.
func (e *UnknownActionError) Error() string {
	return fmt.Sprintf("Attempted to call action %s for %s but it's not declared in the DDL", e.Action, e.Plugin)
}

// ValidateRequest validates the inputs of a request for action, as
// DDL::AgentDDL#validate_rpc_request does; see Action.ValidateWith.
func (d *DDL) ValidateRequest(action string, inputs map[string]any, custom Validators) (map[string]any, error) {
	a := d.Action(action)
	if a == nil {
		return nil, &UnknownActionError{Plugin: d.Plugin, Action: action, Code: CodeUnknownAction}
	}
	return a.ValidateWith(inputs, custom)
}

// ValidateQuery validates the argument of a data plugin query, as
// MCollective::Data.ddl_validate does: a nil argument passes when the query
// input is optional, an argument passes only when the DDL declares the
// query input, and the DDL must declare a dataquery with outputs. It returns
// the argument normalised.
func (d *DDL) ValidateQuery(argument any, custom Validators) (any, error) {
	q := d.DataQuery
	if q == nil {
		return nil, fmt.Errorf("No dataquery has been defined in the DDL for data plugin %s", d.Metadata.Name)
	}
	if len(q.Outputs) == 0 {
		return nil, fmt.Errorf("No output has been defined in the DDL for data plugin %s", d.Metadata.Name)
	}
	in := q.Input("query")
	switch {
	case in == nil && argument != nil:
		return nil, fmt.Errorf("No data plugin argument was declared in the %s DDL but an input was supplied", d.Metadata.Name)
	case in == nil || argument == nil && in.Optional:
		return argument, nil
	}
	v, err := in.Check(argument, custom)
	if err != nil {
		return nil, &ValidationError{Action: q.Name, Input: in.Name, Reason: err.Error(), Code: CodeInvalidData}
	}
	return v, nil
}

// Validate is ValidateWith with only the built-in validators.
func (a *Action) Validate(inputs map[string]any) (map[string]any, error) {
	return a.ValidateWith(inputs, nil)
}

// ValidateWith checks request inputs against the action's declared inputs
// and returns a new map holding them with defaults applied and numbers
// normalised (integers to int64, floats to float64); an action that
// declares no inputs returns inputs itself, nil included.
//
// A missing input with a default gets a copy of the default (Ruby's client
// does this only for required inputs, and its daemon not at all; applying
// it to every input is Choria's behaviour and never refuses a request Ruby
// would accept). A missing required input without a default is an error.
// Given inputs are checked by type: a string for its type, :maxlength and
// :validation, a list against its values, other types with the typecheck
// validator. Inputs the DDL does not declare are passed through untouched,
// as Ruby does: its clients add process_results to every request.
//
// Errors are *ValidationError values naming the input.
func (a *Action) ValidateWith(inputs map[string]any, custom Validators) (map[string]any, error) {
	if len(a.Inputs) == 0 {
		return inputs, nil // nothing to check, default or normalise
	}
	out := make(map[string]any, len(inputs)+len(a.Inputs))
	maps.Copy(out, inputs)
	for _, in := range a.Inputs {
		v, ok := out[in.Name]
		if !ok {
			if in.Default == nil {
				if in.Optional {
					continue
				}
				return nil, &ValidationError{Action: a.Name, Input: in.Name, Reason: "a value is required", Missing: true, Code: CodeMissingData}
			}
			v = deepCopy(in.Default)
		}
		checked, err := in.Check(v, custom)
		if err != nil {
			return nil, &ValidationError{Action: a.Name, Input: in.Name, Reason: err.Error(), Code: CodeInvalidData}
		}
		out[in.Name] = checked
	}
	return out, nil
}

// Check validates one value for the input, as
// DDL::Base#validate_input_argument does, and returns it normalised. The
// error is the validator's reason without the input's name.
func (in *Input) Check(v any, custom Validators) (any, error) {
	switch in.Type {
	case TypeString:
		s, ok := asString(v)
		if !ok {
			return nil, errors.New("value should be a string")
		}
		if err := ValidateLength(s, in.MaxLength); err != nil {
			return nil, err
		}
		return s, in.checkValidation(s, custom)
	case TypeList:
		return v, ValidateList(v, in.List)
	case TypeInteger:
		if n, ok := asInteger(v); ok {
			return n, nil
		}
	case TypeFloat:
		if f, ok := asFloat(v); ok {
			return f, nil
		}
	case TypeNumber:
		if n, ok := asNumber(v); ok {
			return n, nil
		}
	}
	return v, ValidateType(v, in.Type)
}

func (in *Input) checkValidation(s string, custom Validators) error {
	v := in.Validation
	switch v.Kind {
	case RegexValidation, RegexpValidation:
		re := in.re
		if re == nil {
			var err error
			if re, err = compileRuby(v.Value, v.Flags); err != nil {
				return err
			}
		}
		if !re.MatchString(s) {
			return fmt.Errorf("value should match %s", v)
		}
	case NamedValidation:
		fn, ok := LookupValidator(v.Value, custom)
		if !ok {
			return fmt.Errorf("Unknown validator: '%s'.", v.Value)
		}
		return fn(s)
	}
	return nil
}

// FillDefaults gives every declared output missing from a reply's data its
// default (nil when the DDL has none), as Ruby's RPC::Reply pre-populates
// its data; defaults are copied, never shared.
func (a *Action) FillDefaults(data map[string]any) {
	for _, out := range a.Outputs {
		if _, ok := data[out.Name]; !ok {
			data[out.Name] = deepCopy(out.Default)
		}
	}
}

// CheckOutputs lists, sorted, the keys of a reply's data that the action
// does not declare as outputs, for a warning.
func (a *Action) CheckOutputs(data map[string]any) []string {
	var extra []string
	for k := range data {
		if a.Output(k) == nil {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return extra
}
