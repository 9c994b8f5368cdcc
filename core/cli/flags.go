package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/pflag"

	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
)

// commonFlags are the options every mco application takes.
type commonFlags struct {
	config           string
	target           string
	timeout          time.Duration
	discoveryTimeout time.Duration
	verbose          bool
	json             bool
}

func (c *commonFlags) register(fs *pflag.FlagSet, defaultTimeout time.Duration) {
	fs.StringVarP(&c.config, "config", "c", "", "client configuration file")
	fs.StringVarP(&c.target, "target", "T", "", "target collective")
	c.timeout = defaultTimeout
	fs.VarP((*seconds)(&c.timeout), "timeout", "t", "how long to wait for replies, in seconds (or a duration such as 500ms)")
	fs.Var((*seconds)(&c.discoveryTimeout), "dt", "discovery timeout in seconds (default: discovery_timeout from the config)")
	fs.Var((*seconds)(&c.discoveryTimeout), "discovery-timeout", "same as --dt")
	fs.BoolVarP(&c.verbose, "verbose", "v", false, "be verbose")
	fs.BoolVar(&c.json, "json", false, "print JSON")
}

// filterFlags are MCollective's host filter options.
type filterFlags struct {
	facts      []string
	classes    []string
	identities []string
	agents     []string
	with       []string
	// compound holds the -S expressions.
	compound []string
}

func (f *filterFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&f.facts, "wf", "F", nil, "match hosts with a fact (fact=value, fact=/re/, fact>1 ...)")
	fs.StringArrayVar(&f.facts, "with-fact", nil, "same as --wf")
	fs.StringArrayVarP(&f.classes, "wc", "C", nil, "match hosts with a class (name or /re/)")
	fs.StringArrayVar(&f.classes, "with-class", nil, "same as --wc")
	fs.StringArrayVarP(&f.identities, "wi", "I", nil, "match hosts with an identity (name or /re/)")
	fs.StringArrayVar(&f.identities, "with-identity", nil, "same as --wi")
	fs.StringArrayVarP(&f.agents, "wa", "A", nil, "match hosts with an agent")
	fs.StringArrayVar(&f.agents, "with-agent", nil, "same as --wa")
	fs.StringArrayVarP(&f.with, "with", "W", nil, "combined fact and class filter, space separated")
	fs.StringArrayVarP(&f.compound, "select", "S", nil, "compound filter: facts, classes, data plugins with and, or, not, parentheses")
}

// build turns the flags into a protocol filter.
func (f *filterFlags) build() (protocol.Filter, error) {
	var out protocol.Filter
	for _, s := range f.facts {
		t, err := filter.ParseFact(s)
		if err != nil {
			return out, usageErr(fmt.Errorf("fact filter %q: %w", s, err))
		}
		out.Fact = append(out.Fact, t)
	}
	out.Class = append(out.Class, f.classes...)
	out.Identity = append(out.Identity, f.identities...)
	out.Agent = append(out.Agent, f.agents...)
	for _, s := range f.with {
		facts, classes := filter.ParseWith(s)
		out.Fact = append(out.Fact, facts...)
		out.Class = append(out.Class, classes...)
	}
	for _, s := range f.compound {
		tokens, err := filter.ParseCompound(s)
		if err != nil {
			return out, usageErr(compoundUsage(s, err))
		}
		if err := checkDataCalls(s, tokens); err != nil {
			return out, usageErr(err)
		}
		out.Compound = append(out.Compound, tokens)
	}
	return out, nil
}

// compoundUsage explains a rejected -S expression, marking the offending
// token under the input with carets and naming its column (1-based).
func compoundUsage(expr string, err error) error {
	var ce *filter.CompoundError
	if !errors.As(err, &ce) {
		return fmt.Errorf("-S %q: %w", expr, err)
	}
	runes := []rune(expr)
	from := min(max(ce.From, 0), len(runes))
	to := min(max(ce.To, from), len(runes)-1)
	for from < to && unicode.IsSpace(runes[from]) {
		from++
	}
	for to > from && unicode.IsSpace(runes[to]) {
		to--
	}
	mark := strings.Repeat("^", max(1, to-from+1))
	return fmt.Errorf("-S: %s %q at column %d\n    %s\n    %s%s",
		ce.Kind, ce.Text, from+1, expr, strings.Repeat(" ", from), mark)
}

func usageErr(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

func isUsageError(err error) bool {
	// cobra reports unknown commands and bad argument counts as plain
	// errors; they are usage errors all the same.
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// seconds is a duration flag that, like MCollective's, takes a bare number
// of seconds; a Go duration such as 1500ms is accepted too.
type seconds time.Duration

func (s *seconds) String() string { return time.Duration(*s).String() }

func (s *seconds) Type() string { return "seconds" }

func (s *seconds) Set(v string) error {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f < 0 {
			return fmt.Errorf("negative time %q", v)
		}
		*s = seconds(f * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is neither a number of seconds nor a duration", v)
	}
	*s = seconds(d)
	return nil
}
