package ddl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzUse exercises a parsed DDL the way the daemon and client would.
func fuzzUse(t *testing.T, d *DDL) {
	_ = d.Doc()
	actions := append([]*Action(nil), d.Actions...)
	if d.DataQuery != nil {
		actions = append(actions, d.DataQuery)
	}
	for _, a := range actions {
		_, _ = a.Validate(map[string]any{})
		for _, in := range a.Inputs {
			if v, err := ConvertArg(in, "1"); err == nil {
				_, _ = a.Validate(map[string]any{in.Name: v})
			}
		}
		data := map[string]any{}
		a.FillDefaults(data)
		_ = a.CheckOutputs(data)
	}
}

// FuzzParseRuby feeds the Ruby DSL reader; it must never panic, and every
// error must be a *ParseError. Run with
// go test -run=^$ -fuzz=FuzzParseRuby -fuzztime=30s ./sdk/ddl/
func FuzzParseRuby(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.ddl")
	seeds = append(seeds, shippedDDLs(f)...)
	for _, path := range seeds {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("x = <<~A + <<-'B'\n  #{1}\n  A\n  B\n%w[a b].each { |v| action v, description: \"#{v.sub(/a/, '\\0')}\" do end }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse("agent/fuzz.ddl", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, not a *ParseError", err, err)
			}
			return
		}
		fuzzUse(t, d)
	})
}

// FuzzParseJSON feeds the JSON DDL reader.
func FuzzParseJSON(f *testing.F) {
	src, err := os.ReadFile("testdata/agent/pkgmgr.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse("fuzz.json", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, not a *ParseError", err, err)
			}
			return
		}
		fuzzUse(t, d)
	})
}
