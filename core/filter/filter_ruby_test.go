package filter_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/filter/data"
	"github.com/marionette-mco/marionette/core/protocol"
)

// rubyCases is testdata/ruby.json, written by testdata/ruby/gen.rb from
// Ruby MCollective 2.12's own code.
type rubyCases struct {
	Node struct {
		Identity    string                    `json:"identity"`
		Facts       map[string]any            `json:"facts"`
		Classes     []string                  `json:"classes"`
		Agents      []string                  `json:"agents"`
		Collectives []string                  `json:"collectives"`
		AgentMeta   map[string]map[string]any `json:"agent_meta"`
	} `json:"node"`
	ParseFact []struct {
		In       string `json:"in"`
		Fact     string `json:"fact"`
		Operator string `json:"operator"`
		Value    string `json:"value"`
		Error    string `json:"error"`
	} `json:"parse_fact"`
	With []struct {
		In      string         `json:"in"`
		Facts   []rubyFactTerm `json:"facts"`
		Classes []string       `json:"classes"`
	} `json:"with"`
	Compound []struct {
		In    string                       `json:"in"`
		Stack []map[string]json.RawMessage `json:"stack"`
		Error string                       `json:"error"`
	} `json:"compound"`
	TestFactValue [][4]any `json:"test_fact_value"`
	Scenarios     []struct {
		Fact        []string `json:"fact"`
		Class       []string `json:"class"`
		Agent       []string `json:"agent"`
		Identity    []string `json:"identity"`
		With        string   `json:"with"`
		Select      []string `json:"select"`
		ClientError string   `json:"client_error"`
		Filter      struct {
			Fact     []rubyFactTerm                 `json:"fact"`
			Class    []string                       `json:"cf_class"`
			Agent    []string                       `json:"agent"`
			Identity []string                       `json:"identity"`
			Compound [][]map[string]json.RawMessage `json:"compound"`
		} `json:"filter"`
		Match any `json:"match"`
	} `json:"scenarios"`
}

type rubyFactTerm struct {
	Fact     string `json:"fact"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

func (r rubyFactTerm) term() protocol.FactTerm {
	return protocol.FactTerm{Fact: r.Fact, Operator: r.Operator, Value: r.Value}
}

func loadRuby(t *testing.T) *rubyCases {
	t.Helper()
	b, err := os.ReadFile("testdata/ruby.json")
	if err != nil {
		t.Fatal(err)
	}
	var rc rubyCases
	if err := json.Unmarshal(b, &rc); err != nil {
		t.Fatal(err)
	}
	return &rc
}

// rubyStack converts a JSON call stack as Ruby built it.
func rubyStack(t *testing.T, stack []map[string]json.RawMessage) []protocol.Token {
	t.Helper()
	out := []protocol.Token{}
	for _, tok := range stack {
		for k, raw := range tok {
			if k != "fstatement" {
				var v string
				if err := json.Unmarshal(raw, &v); err != nil {
					t.Fatal(err)
				}
				out = append(out, protocol.Token{Kind: protocol.TokenKind(k), Value: v})
				continue
			}
			var f struct {
				Name, Params, Value, Operator string
				RCompare                      string  `json:"r_compare"`
				RCompareRegex                 *string `json:"r_compare_regex"`
			}
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatal(err)
			}
			fc := &protocol.FuncCall{Name: f.Name, Params: f.Params, Field: f.Value, Operator: f.Operator, Value: f.RCompare}
			if f.RCompareRegex != nil {
				fc.Value, fc.Regex = *f.RCompareRegex, true
			}
			out = append(out, protocol.Token{Kind: protocol.TokenFStatement, Func: fc})
		}
	}
	return out
}

func TestRubyParseFact(t *testing.T) {
	for _, c := range loadRuby(t).ParseFact {
		t.Run(c.In, func(t *testing.T) {
			got, err := filter.ParseFact(c.In)
			if c.Error != "" {
				if err == nil {
					t.Fatalf("ParseFact(%q) = %+v, Ruby failed: %s", c.In, got, c.Error)
				}
				return
			}
			want := protocol.FactTerm{Fact: c.Fact, Operator: c.Operator, Value: c.Value}
			if err != nil || got != want {
				t.Fatalf("ParseFact(%q) = %+v, %v; Ruby %+v", c.In, got, err, want)
			}
		})
	}
}

func TestRubyParseWith(t *testing.T) {
	for _, c := range loadRuby(t).With {
		t.Run(c.In, func(t *testing.T) {
			gotF, gotC := filter.ParseWith(c.In)
			var wantF []protocol.FactTerm
			for _, f := range c.Facts {
				wantF = append(wantF, f.term())
			}
			if len(c.Classes) == 0 {
				c.Classes = nil
			}
			if !reflect.DeepEqual(gotF, wantF) || !reflect.DeepEqual(gotC, c.Classes) {
				t.Fatalf("ParseWith(%q) = %+v %q; Ruby %+v %q", c.In, gotF, gotC, wantF, c.Classes)
			}
		})
	}
}

func TestRubyParseCompound(t *testing.T) {
	for _, c := range loadRuby(t).Compound {
		t.Run(c.In, func(t *testing.T) {
			got, err := filter.ParseCompound(c.In)
			if c.Error != "" {
				if err == nil {
					t.Fatalf("ParseCompound(%q) = %s, Ruby failed: %s", c.In, show(got), c.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCompound(%q): %v", c.In, err)
			}
			if want := rubyStack(t, c.Stack); !reflect.DeepEqual(got, want) {
				t.Fatalf("ParseCompound(%q) =\n %s\nRuby:\n %s", c.In, show(got), show(want))
			}
		})
	}
}

func show(ts []protocol.Token) string {
	b, _ := json.Marshal(ts)
	return string(b)
}

// rubyNode builds the node gen.rb described to Ruby.
func rubyNode(rc *rubyCases) filter.Node {
	snap := facts.NewSnapshot(rc.Node.Facts, rc.Node.Classes)
	agents := catalog{}
	for name, m := range rc.Node.AgentMeta {
		agents[name] = data.AgentMeta{
			License: m["license"].(string), Description: m["description"].(string),
			URL: m["url"].(string), Version: m["version"].(string), Author: m["author"].(string),
			Timeout: int(m["timeout"].(float64)),
		}
	}
	return filter.Node{
		Identity: rc.Node.Identity,
		Facts:    snap,
		Agents:   rc.Node.Agents,
		Data:     data.Builtins(snap, agents, rc.Node.Collectives),
	}
}

type catalog map[string]data.AgentMeta

func (c catalog) AgentMeta(name string) (data.AgentMeta, bool) {
	m, ok := c[name]
	return m, ok
}

func TestRubyScenarios(t *testing.T) {
	rc := loadRuby(t)
	node := rubyNode(rc)
	for _, s := range rc.Scenarios {
		name, _ := json.Marshal([]any{s.Fact, s.Class, s.Agent, s.Identity, s.With, s.Select})
		t.Run(string(name), func(t *testing.T) {
			var f protocol.Filter
			var err error
			for _, x := range s.Fact {
				var term protocol.FactTerm
				if term, err = filter.ParseFact(x); err == nil {
					f.Fact = append(f.Fact, term)
				}
			}
			wf, wc := filter.ParseWith(s.With)
			f.Fact = append(f.Fact, wf...)
			f.Class = append(append(f.Class, s.Class...), wc...)
			f.Agent, f.Identity = s.Agent, s.Identity
			for _, x := range s.Select {
				var stack []protocol.Token
				if stack, err = filter.ParseCompound(x); err == nil {
					f.Compound = append(f.Compound, stack)
				}
			}
			if s.ClientError != "" {
				if err == nil {
					t.Fatalf("parsed, Ruby's client failed: %s", s.ClientError)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			want := rubyFilter(t, s.Filter.Fact, s.Filter.Class, s.Filter.Agent, s.Filter.Identity, s.Filter.Compound)
			if !reflect.DeepEqual(f, want) {
				t.Fatalf("filter = %+v\nRuby's = %+v", f, want)
			}
			got := filter.Check(context.Background(), f, node)
			switch s.Match {
			case true:
				if got != nil {
					t.Fatalf("Check = %v, Ruby matched", got)
				}
			case false:
				if got == nil {
					t.Fatal("matched, Ruby did not")
				}
			case "error":
				if got == nil || errors.Is(got, filter.ErrNoMatch) {
					t.Fatalf("Check = %v, Ruby raised (want an evaluation error)", got)
				}
			default:
				t.Fatalf("bad expectation %v", s.Match)
			}
		})
	}
}

func rubyFilter(t *testing.T, fs []rubyFactTerm, class, agent, identity []string, compound [][]map[string]json.RawMessage) protocol.Filter {
	var f protocol.Filter
	for _, x := range fs {
		f.Fact = append(f.Fact, x.term())
	}
	nilIfEmpty := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	f.Class, f.Agent, f.Identity = nilIfEmpty(class), nilIfEmpty(agent), nilIfEmpty(identity)
	for _, c := range compound {
		f.Compound = append(f.Compound, rubyStack(t, c))
	}
	return f
}
