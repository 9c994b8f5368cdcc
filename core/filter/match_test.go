package filter_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
)

// testNode has typed facts as YAML gives them, nested maps and lists.
func testNode() filter.Node {
	snap := facts.NewSnapshot(map[string]any{
		"role": "web", "rank": 1, "load": 1.5, "big": 12, "version": "10.5",
		"virtual": false, "empty": nil, "octal": "010", "eight": "08",
		"ips": []any{"10.0.0.1", "10.0.0.2"},
		"os":  map[string]any{"family": "Debian", "release": map[string]any{"major": 12}},
	}, []string{"roles::web", "base", "profile::ntp"})
	return filter.Node{Identity: "web1.example.com", Facts: snap, Agents: []string{"rpcutil", "package"}}
}

func TestFactTerms(t *testing.T) {
	tests := []struct {
		fact, op, value string
		want            bool
	}{
		{"role", "==", "web", true},
		{"role", "==", "db", false},
		{"role", "!=", "db", true},
		{"role", "=~", "/^w/", true},
		{"role", "=~", "^W", false},
		{"role", "=~", "/(?i)^W/", true},
		{"role", "<", "x", true}, // string order
		{"role", ">", "x", false},
		{"rank", "==", "1", true}, // the int 1 compares as "1"
		{"rank", ">", "0", true},
		{"rank", ">=", "1", true},
		{"rank", "<=", "1", true},
		{"rank", "<", "1", false},
		{"rank", "!=", "1", false},
		{"rank", "!=", "01", false}, // both integers: 1 != 1 is false
		{"rank", "==", "01", false}, // == always compares strings
		{"big", ">", "9", true},     // integers, where "12" < "9" as strings
		{"big", "<", "100", true},
		{"load", "==", "1.5", true},
		{"load", ">", "1.25", true},   // both floats
		{"load", ">", "1", true},      // "1" is not float-like: strings, "1.5" > "1"
		{"version", ">", "9", false},  // "9" is not float-like: strings, "10.5" < "9"
		{"version", ">", "9.0", true}, // both floats
		{"virtual", "==", "false", true},
		{"empty", "==", "", true}, // nil is ""
		{"empty", "<", "a", true},
		{"octal", ">", "9", false}, // Ruby's Integer("010") is 8
		{"octal", "<", "9", true},
		{"ips", "==", "10.0.0.2", true}, // a list matches by any element
		{"ips", "=~", "/\\.3$/", false},
		{"ips", "!=", "10.0.0.1", true},
		{"os", "==", "family", true}, // a map matches by any key
		{"os.family", "==", "Debian", true},
		{"os.release.major", ">=", "12", true},
		{"os.release.major", "<", "9", false},
		{"missing", "==", "x", false},
		{"missing", "!=", "x", false}, // a missing fact never matches
		{"role", "=", "web", false},   // not an operator Ruby knows
	}
	for _, tc := range tests {
		name := tc.fact + " " + tc.op + " " + tc.value
		t.Run(name, func(t *testing.T) {
			f := protocol.Filter{Fact: []protocol.FactTerm{{Fact: tc.fact, Operator: tc.op, Value: tc.value}}}
			if got := filter.Match(context.Background(), f, testNode()); got != tc.want {
				t.Errorf("%s: got %v, want %v", name, got, tc.want)
			}
		})
	}
}

func TestFactErrors(t *testing.T) {
	tests := []struct {
		name string
		term protocol.FactTerm
	}{
		{"bad octal", protocol.FactTerm{Fact: "eight", Operator: ">", Value: "7"}},
		{"bad regex", protocol.FactTerm{Fact: "role", Operator: "=~", Value: "/(/"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := filter.Check(context.Background(), protocol.Filter{Fact: []protocol.FactTerm{tc.term}}, testNode())
			if err == nil || errors.Is(err, filter.ErrNoMatch) {
				t.Fatalf("Check = %v, want an evaluation error", err)
			}
		})
	}
}

func TestParts(t *testing.T) {
	tests := []struct {
		name   string
		filter protocol.Filter
		want   bool
	}{
		{"empty", protocol.Filter{}, true},
		{"collective only", protocol.Filter{Collective: "mcollective"}, true},
		{"class", protocol.Filter{Class: []string{"roles::web"}}, true},
		{"class regex", protocol.Filter{Class: []string{"/^profile::/"}}, true},
		{"class slashes removed", protocol.Filter{Class: []string{"/ro/les::web/"}}, true},
		{"class missing", protocol.Filter{Class: []string{"roles::db"}}, false},
		{"classes all", protocol.Filter{Class: []string{"base", "roles::web"}}, true},
		{"classes one missing", protocol.Filter{Class: []string{"base", "roles::db"}}, false},
		{"agent", protocol.Filter{Agent: []string{"rpcutil"}}, true},
		{"agent regex", protocol.Filter{Agent: []string{"/^pack/"}}, true},
		{"agent mcollective", protocol.Filter{Agent: []string{"mcollective"}}, true},
		{"agent missing", protocol.Filter{Agent: []string{"puppet"}}, false},
		{"identity", protocol.Filter{Identity: []string{"web1.example.com"}}, true},
		{"identity regex", protocol.Filter{Identity: []string{"/^web\\d/"}}, true},
		{"identity any", protocol.Filter{Identity: []string{"db1", "web1.example.com"}}, true},
		{"identity none", protocol.Filter{Identity: []string{"db1", "/^db/"}}, false},
		{"identity two match", protocol.Filter{Identity: []string{"web1.example.com", "/web/"}}, false},
		{"everything", protocol.Filter{
			Fact:     []protocol.FactTerm{{Fact: "role", Operator: "==", Value: "web"}},
			Class:    []string{"base"},
			Agent:    []string{"rpcutil"},
			Identity: []string{"/web/"},
		}, true},
		{"one part fails", protocol.Filter{
			Fact:  []protocol.FactTerm{{Fact: "role", Operator: "==", Value: "web"}},
			Agent: []string{"puppet"},
		}, false},
		{"empty compound", protocol.Filter{Compound: [][]protocol.Token{{}}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := filter.Check(context.Background(), tc.filter, testNode())
			if (err == nil) != tc.want {
				t.Fatalf("Check = %v, want match %v", err, tc.want)
			}
			if err != nil && !errors.Is(err, filter.ErrNoMatch) {
				t.Errorf("a plain mismatch should wrap ErrNoMatch: %v", err)
			}
		})
	}
}

func TestCheckNamesThePart(t *testing.T) {
	err := filter.Check(context.Background(), protocol.Filter{Class: []string{"roles::db"}}, testNode())
	if err == nil || !strings.Contains(err.Error(), `class "roles::db"`) {
		t.Errorf("Check = %v, want it to name the class", err)
	}
}

func TestNoFacts(t *testing.T) {
	n := filter.Node{Identity: "x"}
	f := protocol.Filter{Class: []string{"base"}}
	if filter.Match(context.Background(), f, n) {
		t.Error("a node without facts matched a class")
	}
	f = protocol.Filter{Fact: []protocol.FactTerm{{Fact: "a", Operator: "!=", Value: "b"}}}
	if filter.Match(context.Background(), f, n) {
		t.Error("a node without facts matched a fact")
	}
}
