// Package aggregate computes the summaries an action's DDL declares in its
// summarize block over the replies to one request, as MCollective's
// aggregate plugins do: summary (how often each value was seen), sum and
// average, with Ruby's default formats and text. A function that cannot
// run is reported as Ruby reports it, and the others carry on.
package aggregate

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/marionette-mco/marionette/core/rubytext"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// Stage is where an aggregate function failed.
type Stage int

// The stages of Ruby's Aggregate class at which a function can fail.
const (
	// StageStartup: the function could not be created, such as an
	// aggregate plugin the client does not have.
	StageStartup Stage = iota
	// StageCreate: the output it summarises is not one the action declares.
	StageCreate
	// StageProcess: a reply's value could not be added; the function is
	// dropped.
	StageProcess
	// StageSummarize: the result could not be computed or formatted.
	StageSummarize
)

// String is the reason Ruby's client prints after "Could not compute
// summary - ".
func (s Stage) String() string {
	switch s {
	case StageStartup:
		return "exception raised while processing startup hook"
	case StageCreate:
		return "unspecified output '%s' for the action"
	case StageProcess:
		return "exception raised while processing result data"
	}
	return "exception raised while summarizing"
}

// Failure is a function that produced no summary.
type Failure struct {
	// Output is the output the function summarises.
	Output string
	// Function is the aggregate function's name.
	Function string
	Stage    Stage
	// Err says what went wrong.
	Err error
}

// Reason is the text Ruby prints for the failure.
func (f Failure) Reason() string {
	if f.Stage == StageCreate {
		return fmt.Sprintf(f.Stage.String(), f.Output)
	}
	return f.Stage.String()
}

// Summary is one function's result.
type Summary struct {
	// Output is the output summarised.
	Output string
	// Function is the aggregate function's name.
	Function string
	// Text is the result as Ruby prints it (one line a value for
	// summary); empty when there was nothing to summarise.
	Text string
}

// function is one aggregate plugin at work.
type function interface {
	// process adds one reply's value of the output.
	process(v any) error
	// summarize formats the result.
	summarize() (string, error)
}

type entry struct {
	output, name string
	fn           function
}

// Set holds the aggregate functions of one action for one request.
type Set struct {
	entries []entry
	failed  []Failure
}

// New starts the functions specs declares. declared reports whether the
// action declares an output; a function of an undeclared output or of an
// unknown name is recorded as a Failure, as Ruby does.
func New(specs []ddl.Aggregate, declared func(output string) bool) *Set {
	s := &Set{}
	for _, spec := range specs {
		if !declared(spec.Output) {
			s.failed = append(s.failed, Failure{Output: spec.Output, Function: spec.Function, Stage: StageCreate,
				Err: fmt.Errorf("'%s' has not been specified as a valid ddl output", spec.Output)})
			continue
		}
		fn, err := newFunction(spec)
		if err != nil {
			s.failed = append(s.failed, Failure{Output: spec.Output, Function: spec.Function, Stage: StageStartup, Err: err})
			continue
		}
		s.entries = append(s.entries, entry{output: spec.Output, name: spec.Function, fn: fn})
	}
	return s
}

// ErrUnknownFunction marks an aggregate function the client does not have.
var ErrUnknownFunction = errors.New("unknown aggregate function")

func newFunction(spec ddl.Aggregate) (function, error) {
	switch spec.Function {
	case "summary":
		return &summary{format: spec.Format}, nil
	case "sum":
		return &sum{format: cmp.Or(spec.Format, "Sum of "+spec.Output+": %f")}, nil
	case "average":
		return &average{format: cmp.Or(spec.Format, "Average of "+spec.Output+": %f")}, nil
	}
	return nil, fmt.Errorf("%w %s: aggregate function file '%s.rb' cannot be loaded", ErrUnknownFunction, spec.Function, spec.Function)
}

// Add feeds one reply's data to every function. A function that cannot
// take its value is dropped and recorded, as Ruby does.
func (s *Set) Add(data map[string]any) {
	kept := s.entries[:0]
	for _, e := range s.entries {
		if err := e.fn.process(data[e.output]); err != nil {
			s.failed = append(s.failed, Failure{Output: e.output, Function: e.name, Stage: StageProcess, Err: err})
			continue
		}
		kept = append(kept, e)
	}
	s.entries = kept
}

// Summarize returns the summaries, sorted by output as Ruby sorts them,
// and every failure so far.
func (s *Set) Summarize() ([]Summary, []Failure) {
	var out []Summary
	failed := slices.Clone(s.failed)
	for _, e := range s.entries {
		text, err := e.fn.summarize()
		if err != nil {
			failed = append(failed, Failure{Output: e.output, Function: e.name, Stage: StageSummarize, Err: err})
			continue
		}
		out = append(out, Summary{Output: e.output, Function: e.name, Text: text})
	}
	slices.SortStableFunc(out, func(a, b Summary) int { return cmp.Compare(a.Output, b.Output) })
	return out, failed
}

// Failed returns the failures recorded so far.
func (s *Set) Failed() []Failure { return slices.Clone(s.failed) }

// format is rubytext.Format, kept short for the functions.
func format(f string, args ...any) (string, error) { return rubytext.Format(f, args...) }
