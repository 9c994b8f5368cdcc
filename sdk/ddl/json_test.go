package ddl

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestJSONFixture(t *testing.T) {
	d := loadFixture(t, "testdata/agent/pkgmgr.json")
	if d.Kind != KindAgent || d.Plugin != "pkgmgr" || d.Metadata.Timeout != 120 ||
		!reflect.DeepEqual(d.Metadata.Extra, map[string]any{"provider": "golang"}) {
		t.Errorf("metadata: %s %s %+v", d.Kind, d.Plugin, d.Metadata)
	}
	if got := d.ActionNames(); !slices.Equal(got, []string{"install", "upgrade", "remove", "status", "refresh"}) {
		t.Errorf("actions %v", got)
	}
	st := d.Action("status")
	if names := []string{st.Inputs[0].Name, st.Inputs[1].Name}; !slices.Equal(names, []string{"package", "format"}) {
		t.Errorf("input order %v", names)
	}
	if st.Input("package").Pos.Line != 145 {
		t.Errorf("package input line %d", st.Input("package").Pos.Line)
	}
	if out := d.Action("refresh").Output("exitcode"); out.Default != int64(0) || out.Type != TypeInteger {
		t.Errorf("exitcode output %+v", out)
	}
	if len(d.Warnings) != 0 {
		t.Errorf("warnings %q", d.Warnings)
	}
}

// TestJSONMatchesRuby checks that the JSON fixture, written to declare the
// same agent as pkgmgr.ddl, loads into the same model.
func TestJSONMatchesRuby(t *testing.T) {
	fromJSON := loadFixture(t, "testdata/agent/pkgmgr.json")
	fromRuby := loadFixture(t, "testdata/agent/pkgmgr.ddl")
	fromRuby.Requires = "" // JSON DDLs have no requires
	if j, r := fromJSON.Doc(), fromRuby.Doc(); j != r {
		t.Errorf("Doc differs:\n%s", lineDiff(r, j))
	}
	for i, ra := range fromRuby.Actions {
		ja := fromJSON.Actions[i]
		if ra.Name != ja.Name || ra.Description != ja.Description || ra.Display != ja.Display {
			t.Errorf("action %d: %+v vs %+v", i, ra, ja)
		}
		for k, in := range ra.Inputs {
			a, b := *in, *ja.Inputs[k]
			a.Pos, b.Pos, a.re, b.re = Pos{}, Pos{}, nil, nil
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s input %s: %+v vs %+v", ra.Name, in.Name, a, b)
			}
		}
		for k, out := range ra.Outputs {
			a, b := *out, *ja.Outputs[k]
			a.Pos, b.Pos, b.Type = Pos{}, Pos{}, ""
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s output %s: %+v vs %+v", ra.Name, out.Name, a, b)
			}
		}
		for k, agg := range ra.Aggregates {
			a, b := agg, ja.Aggregates[k]
			a.Pos, b.Pos = Pos{}, Pos{}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s aggregate %d: %+v vs %+v", ra.Name, k, a, b)
			}
		}
	}
}

func TestJSONErrors(t *testing.T) {
	meta := `"metadata": {"name": "x", "description": "d", "author": "a", "license": "l", "version": "1", "url": "u", "timeout": 5}`
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"syntax", "{\n  \"metadata\": {\n    \"name\": \"x\",\n  }\n}", 4, "invalid JSON"},
		{"not an object", `[]`, 1, "the DDL must be an object, not an array"},
		{"unknown key", "{" + meta + ",\n \"acts\": []}", 2, `unknown key "acts" in the DDL`},
		{"no metadata", `{"actions": []}`, 1, "the DDL has no metadata"},
		{"metadata field", `{"metadata": {"name": "x"}}`, 1, "metadata needs a description"},
		{"timeout", `{"metadata": {"timeout": "5"}}`, 1, "metadata timeout must be a whole number"},
		{"action key", "{" + meta + `, "actions": [{"action": "a",` + "\n" + `"colour": 1}]}`, 2, `unknown key "colour" in action a`},
		{"input type", "{" + meta + `, "actions": [{"action": "a", "input": {"i": {"type": "text"}}}]}`, 1, `input i of action a has an unknown type "text"`},
		{"input key", "{" + meta + `, "actions": [{"action": "a", "input": {"i": {"type": "string", "regex": "x"}}}]}`, 1, `unknown key "regex" in input i of action a`},
		{"input regexp", "{" + meta + `, "actions": [{"action": "a", "input": {"i": {"type": "string", "validation": "(?!x)"}}}]}`, 1, "RE2"},
		{"list", "{" + meta + `, "actions": [{"action": "a", "input": {"i": {"type": "list"}}}]}`, 1, "is a list without a list of values"},
		{"display", "{" + meta + `, "actions": [{"action": "a", "display": "never"}]}`, 1, `display "never" is not valid`},
		{"aggregate", "{" + meta + `, "actions": [{"action": "a", "aggregate": [{"function": "summary"}]}]}`, 1, "needs a function and args"},
		{"duplicate action", "{" + meta + `, "actions": [{"action": "a"}, {"action": "a"}]}`, 1, "action a is declared twice"},
		{"trailing", "{" + meta + "}\n{}", 2, "trailing data"},
		{"deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), 1, "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.json", []byte(tt.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want a *ParseError", err, err)
			}
			if pe.Pos.Line != tt.line || !strings.Contains(pe.Msg, tt.want) {
				t.Errorf("error %q, want x.json:%d: ...%s...", err, tt.line, tt.want)
			}
		})
	}
}

// TestJSONValidation reads validations as Choria does: known validator
// names, else a regular expression.
func TestJSONValidation(t *testing.T) {
	tests := []struct {
		in   string
		want Validation
	}{
		{"shellsafe", Validation{Kind: NamedValidation, Value: "shellsafe"}},
		{"ipaddress", Validation{Kind: NamedValidation, Value: "ipaddress"}},
		{`^\w+$`, Validation{Kind: RegexValidation, Value: `^\w+$`}},
		{"", Validation{}},
	}
	for _, tt := range tests {
		if got := jsonValidation(tt.in); got != tt.want {
			t.Errorf("jsonValidation(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
