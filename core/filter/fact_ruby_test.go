package filter

import (
	"encoding/json"
	"os"
	"testing"
)

// TestRubyTestFactValue replays Ruby's Util.test_fact_value over a grid of
// fact values, filter values and operators (testdata/ruby.json).
func TestRubyTestFactValue(t *testing.T) {
	b, err := os.ReadFile("testdata/ruby.json")
	if err != nil {
		t.Fatal(err)
	}
	var rc struct {
		Cases [][4]any `json:"test_fact_value"`
	}
	if err := json.Unmarshal(b, &rc); err != nil {
		t.Fatal(err)
	}
	if len(rc.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range rc.Cases {
		fact, value, op := c[0].(string), c[1].(string), c[2].(string)
		got, err := testFactValue(fact, value, op)
		switch want := c[3]; want {
		case "error":
			if err == nil {
				t.Errorf("test_fact_value(%q, %q, %q) = %v, Ruby raised", fact, value, op, got)
			}
		default:
			if err != nil || got != want {
				t.Errorf("test_fact_value(%q, %q, %q) = %v, %v; Ruby %v", fact, value, op, got, err, want)
			}
		}
	}
}
