package filter_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
)

func TestZZFuzzRuby(t *testing.T) {
	b, err := os.ReadFile("/tmp/fz/cases.json")
	if err != nil {
		t.Skip(err)
	}
	var cases []struct {
		In    string          `json:"in"`
		Stack json.RawMessage `json:"stack"`
		PF    json.RawMessage `json:"pf"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, c := range cases {
		got, err := filter.ParseCompound(c.In)
		if string(c.Stack) == `"error"` {
			if err == nil {
				bad++
				if bad < 30 {
					t.Errorf("%q: Go ok %s, Ruby error", c.In, show(got))
				}
			}
		} else {
			var st []map[string]json.RawMessage
			json.Unmarshal(c.Stack, &st)
			want := rubyStack(t, st)
			if err != nil || !reflect.DeepEqual(got, want) {
				bad++
				if bad < 30 {
					t.Errorf("%q: Go %s %v, Ruby %s", c.In, show(got), err, show(want))
				}
			}
		}
		term, err := filter.ParseFact(c.In)
		if string(c.PF) == `"error"` {
			if err == nil {
				t.Errorf("pf %q: Go ok %+v", c.In, term)
			}
		} else {
			var w [3]string
			json.Unmarshal(c.PF, &w)
			if err != nil || term != (protocol.FactTerm{Fact: w[0], Operator: w[1], Value: w[2]}) {
				t.Errorf("pf %q: Go %+v %v, Ruby %v", c.In, term, err, w)
			}
		}
	}
	t.Logf("%d mismatches of %d", bad, len(cases))
}

func TestZZFuzzEval(t *testing.T) {
	b, err := os.ReadFile("/tmp/fz/eval.json")
	if err != nil {
		t.Skip(err)
	}
	var cases []struct {
		In    string `json:"in"`
		Match any    `json:"match"`
	}
	json.Unmarshal(b, &cases)
	node := rubyNode(loadRuby(t))
	for _, c := range cases {
		toks, err := filter.ParseCompound(c.In)
		if (err != nil) != (c.Match == "client_error") {
			t.Errorf("%q: %v (ruby %v)", c.In, err, c.Match)
			continue
		}
		if err != nil {
			continue
		}
		got := filter.Match(context.Background(), protocol.Filter{Compound: [][]protocol.Token{toks}}, node)
		if got != (c.Match == true) {
			t.Errorf("%q: Go %v, Ruby %v", c.In, got, c.Match)
		}
	}
}
