// Package filter decides whether a node answers a request: identity, class,
// fact, agent and compound (-S) filters, with Ruby MCollective 2.12's
// semantics (Util.has_fact? and friends, Matcher.eval_compound_*). It also
// holds the client-side parsers behind mco's -F, -W and -S flags.
//
// Ruby quirks kept on purpose, so a mixed Ruby/Go fleet answers alike:
//   - identity entries pass when exactly one of them matches (Ruby counts
//     the matches and wants 1), so "-I a -I /a/" matches no node named a;
//   - the agent name "mcollective" always matches;
//   - in a /regex/ entry every slash is deleted, not just the delimiters;
//   - fact comparisons are numeric only when both sides look numeric, with
//     Ruby's Integer() (a leading 0 is octal) and Float();
//   - a compound filter is all-or-nothing: a failing data plugin, an
//     unknown one, or a malformed token list makes it false, even under not.
//
// Any error met while evaluating means "no match": Ruby drops the request.
package filter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marionette-mco/marionette/core/protocol"
)

// Facts is the view of a node's facts and classes the filter reads;
// *facts.Snapshot satisfies it.
type Facts interface {
	// Lookup returns a fact's value; dotted names may reach nested maps.
	Lookup(name string) (any, bool)
	// Classes returns the node's configuration-management classes.
	Classes() []string
}

// DataSource answers the data plugin queries of compound filters, such as
// fstat("/etc/hosts") in fstat("/etc/hosts").size>0: it returns the
// plugin's output fields, whose values are string, bool, integer or float.
// An invalid query is an error, which makes the filter false.
type DataSource interface {
	Query(ctx context.Context, query string) (map[string]any, error)
}

// DefaultDataTimeout bounds one data plugin query, as Ruby's data plugin
// DDL timeout of 1 second does. A DataSource with a method
// Timeout() time.Duration sets its own.
const DefaultDataTimeout = time.Second

// Node is what a filter is matched against.
type Node struct {
	// Identity is the node's configured identity.
	Identity string
	// Facts gives the node's facts and classes; nil means none.
	Facts Facts
	// Agents lists the names of the agents the node serves.
	Agents []string
	// Data holds the data plugins for compound filters, keyed by lower-case
	// name without the _data suffix ("fstat", "fact"); see DataKey.
	Data map[string]DataSource
}

// ErrNoMatch is wrapped by Check's error when the node is not selected;
// any other error comes from a part that could not be evaluated.
var ErrNoMatch = errors.New("does not match")

// Match reports whether the node answers a request with filter f. The zero
// filter matches every node.
func Match(ctx context.Context, f protocol.Filter, n Node) bool {
	return Check(ctx, f, n) == nil
}

// Check is Match returning why a node is not selected: an error wrapping
// ErrNoMatch that names the failing part, or the evaluation error (a bad
// regex, a failing data plugin, a malformed compound) that failed it.
func Check(ctx context.Context, f protocol.Filter, n Node) error {
	if f.Empty() {
		return nil
	}
	for _, t := range f.Fact {
		ok, err := hasFact(n.Facts, t.Fact, t.Value, t.Operator)
		if err := verdict(ok, err, "fact %s %s %q", t.Fact, t.Operator, t.Value); err != nil {
			return err
		}
	}
	for _, c := range f.Class {
		ok, err := hasClass(n.Facts, c)
		if err := verdict(ok, err, "class %q", c); err != nil {
			return err
		}
	}
	for _, a := range f.Agent {
		ok, err := hasAgent(n.Agents, a)
		if err := verdict(ok, err, "agent %q", a); err != nil {
			return err
		}
	}
	if err := checkIdentity(f.Identity, n.Identity); err != nil {
		return err
	}
	for i, stack := range f.Compound {
		ok, err := evalCompound(ctx, stack, n)
		if err := verdict(ok, err, "compound filter %d", i+1); err != nil {
			return err
		}
	}
	return nil
}

// verdict turns one part's outcome into Check's error.
func verdict(ok bool, err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	switch {
	case err != nil:
		return fmt.Errorf("filter: %s: %w", what, err)
	case !ok:
		return fmt.Errorf("filter: %s: %w", what, ErrNoMatch)
	}
	return nil
}

// hasClass is Ruby's Util.has_cf_class?: an exact name or a /regex/.
func hasClass(fs Facts, spec string) (bool, error) {
	if fs == nil {
		return matchAnySpec(spec, nil)
	}
	return matchAnySpec(spec, fs.Classes())
}

// hasAgent is Ruby's Util.has_agent? plus validate_filter?'s exception:
// "mcollective" always matches.
func hasAgent(agents []string, spec string) (bool, error) {
	ok, err := matchAnySpec(spec, agents)
	if err != nil {
		return false, err
	}
	return ok || spec == "mcollective", nil
}

// checkIdentity passes when exactly one entry matches, as Ruby's
// validate_filter? does (matched == 1); an empty list passes.
func checkIdentity(specs []string, identity string) error {
	if len(specs) == 0 {
		return nil
	}
	matched := 0
	for _, s := range specs {
		ok, err := matchSpec(s, identity)
		if err != nil {
			return fmt.Errorf("filter: identity %q: %w", s, err)
		}
		if ok {
			matched++
		}
	}
	if matched != 1 {
		return fmt.Errorf("filter: identity %s: %d entries match %q, want 1: %w",
			strings.Join(specs, ", "), matched, identity, ErrNoMatch)
	}
	return nil
}

// DataKey is the Data map key for a data plugin name as a filter writes
// it: Ruby accepts "fstat", "Fstat" and "fstat_data" alike.
func DataKey(name string) string {
	return strings.TrimSuffix(strings.ToLower(name), "_data")
}
