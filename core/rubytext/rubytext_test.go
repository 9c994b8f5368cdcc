package rubytext

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/marionette-mco/marionette/core/marshal"
)

// TestAgainstRuby checks Inspect and Pretty against what Ruby 3.1 printed
// for random nested values (testdata/gen_pretty.rb made the file).
func TestAgainstRuby(t *testing.T) {
	raw, err := os.ReadFile("testdata/pretty.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ Marshal, Inspect, Pretty string }
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		b, err := base64.StdEncoding.DecodeString(c.Marshal)
		if err != nil {
			t.Fatal(err)
		}
		v, err := marshal.Unmarshal(b)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if got := Inspect(v); got != c.Inspect {
			t.Errorf("case %d inspect\n got %s\nwant %s", i, got, c.Inspect)
		}
		if got := Pretty(v, Width); got != strings.TrimSuffix(c.Pretty, "\n") {
			t.Errorf("case %d pretty\n got:\n%s\nwant:\n%s", i, got, c.Pretty)
		}
	}
}

func TestFloat(t *testing.T) {
	cases := map[float64]string{
		1e16: "1.0e+16", 1e15: "1.0e+15", 123456789012345.0: "123456789012345.0",
		1234567890123456.0: "1.234567890123456e+15", 0.0001: "0.0001", 0.00001: "1.0e-05",
		1.5e300: "1.5e+300", 100: "100.0", 12.5: "12.5", -3.25: "-3.25",
	}
	for f, want := range cases {
		if got := Float(f); got != want {
			t.Errorf("Float(%v) = %q, want %q", f, got, want)
		}
	}
}

// TestToS checks to_s of the plain values replies carry, as mco inventory
// prints them.
func TestToS(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{"x", "x"},
		{nil, ""},
		{int64(3), "3"},
		{0.52, "0.52"},
		{3.0, "3.0"},
		{0.00001, "1.0e-05"},
		{1e15, "1.0e+15"},
		{123456789012345.0, "123456789012345.0"},
		{true, "true"},
		{[]any{"a", int64(1), nil}, `["a", 1, nil]`},
		{map[string]any{"b": "x\"y", "a": []any{}}, `{"a"=>[], "b"=>"x\"y"}`},
	}
	for _, c := range cases {
		if got := ToS(c.in); got != c.want {
			t.Errorf("ToS(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestString(t *testing.T) {
	cases := map[string]string{
		"a\x7fb":                         `"a\u007Fb"`,
		"\x01\x1b#{x}#x":                 `"\u0001\e\#{x}#x"`,
		"\xffé":                          `"\xFFé"`,
		`q"b\`:                           `"q\"b\\"`,
		"tab\tnl\n":                      `"tab\tnl\n"`,
		"#$x #@y #z":                     `"\#$x \#@y #z"`,
		"\u0085\u00a0\u00ad\u200b\ue000": "\"\u0085\u00a0\u00ad\u200b\ue000\"",
		"\u0084\u0378":                   `"\u0084\u0378"`,
		"\U0010ffff😀":                    `"\u{10FFFF}😀"`,
	}
	for in, want := range cases {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Inspect([]byte("\xffab")); got != `"\xFFab"` {
		t.Errorf("binary = %s", got)
	}
	if got := Inspect([]any{marshal.Symbol("a b"), marshal.Symbol("a?"), marshal.Symbol("[]")}); got != `[:"a b", :a?, :[]]` {
		t.Errorf("symbols = %s", got)
	}
}

// TestFormatAgainstRuby checks Format against Ruby 3.1's String#% for the
// formats aggregates use (testdata/gen_format.rb made the file).
func TestFormatAgainstRuby(t *testing.T) {
	raw, err := os.ReadFile("testdata/format.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ F, A, R, Err string }
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		b, err := hex.DecodeString(c.A)
		if err != nil {
			t.Fatal(err)
		}
		arg, err := marshal.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		args := []any{arg}
		if strings.Count(c.F, "%")-2*strings.Count(c.F, "%%") >= 2 {
			args = append(args, arg)
		}
		got, err := Format(c.F, args...)
		if c.Err != "" {
			if err == nil {
				t.Errorf("Format(%q, %s) = %q, want Ruby's %s", c.F, Inspect(arg), got, c.Err)
			}
			continue
		}
		if err != nil || got != c.R {
			t.Errorf("Format(%q, %s) = %q, %v; want %q", c.F, Inspect(arg), got, err, c.R)
		}
	}
	if _, err := Format("%d %d", 1); err == nil {
		t.Error("too few arguments accepted")
	}
}
