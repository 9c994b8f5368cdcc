// Package data holds the data plugins Ruby MCollective 2.12 ships for
// compound filters (fact, agent, collective, fstat), as filter.DataSource
// implementations with the same queries, fields and value types.
//
// Each validates its query as the plugin's DDL does (type string, maximum
// length, pattern); an invalid query is an error, which makes the filter
// false, as Ruby's DDLValidationError does.
package data

import (
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/marionette-mco/marionette/core/filter"
)

// ErrInvalidQuery is wrapped by every query validation error.
var ErrInvalidQuery = errors.New("invalid data query")

// query describes a DDL's single string input.
type query struct {
	maxLength int
	pattern   *regexp.Regexp
}

func (q query) validate(s string) error {
	if n := utf8.RuneCountInString(s); q.maxLength > 0 && n > q.maxLength {
		return fmt.Errorf("%w: %q is longer than %d characters", ErrInvalidQuery, s, q.maxLength)
	}
	if !q.pattern.MatchString(s) {
		return fmt.Errorf("%w: %q should match %s", ErrInvalidQuery, s, q.pattern)
	}
	return nil
}

// Builtins returns Ruby's four data plugins keyed for filter.Node.Data:
// fact over facts, agent over agents, collective over collectives, and
// fstat. agents may be nil (every agent query then fails).
func Builtins(facts FactLookup, agents AgentCatalog, collectives []string) map[string]filter.DataSource {
	return map[string]filter.DataSource{
		"fact":       Fact{Facts: facts},
		"agent":      Agent{Agents: agents},
		"collective": Collective{Collectives: collectives},
		"fstat":      Fstat{},
	}
}
