package fleet

import (
	"strconv"

	"github.com/marionette-mco/marionette/core/facts"
)

// Fact values a generated node takes by its index.
var (
	Roles     = []string{"web", "db", "cache"}
	Countries = []string{"de", "uk", "us", "fr", "nl"}
	Families  = []string{"debian", "redhat"}
)

// Identity returns the identity of node i of a fleet with prefix.
func Identity(prefix string, i int) string { return prefix + strconv.Itoa(i) }

// Facts returns node i's generated facts and classes: role Roles[i%3],
// country Countries[i%5], rank i, os.family (and osfamily)
// Families[i%2], fleet_index i; classes roles::<role> and base.
func Facts(i int) *facts.Snapshot {
	role := Roles[i%len(Roles)]
	family := Families[i%len(Families)]
	return facts.NewSnapshot(map[string]any{
		"role":        role,
		"country":     Countries[i%len(Countries)],
		"rank":        i,
		"osfamily":    family,
		"os":          map[string]any{"family": family},
		"fleet_index": i,
	}, []string{"roles::" + role, "base"})
}

// staticFacts is a node's facts source: one snapshot that never changes.
type staticFacts struct{ s *facts.Snapshot }

func (f staticFacts) Snapshot() *facts.Snapshot { return f.s }
