package main

import (
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/marionette-mco/marionette/sdk/ddl"
)

// rubyDDL is Ruby MCollective 2.12's rpcutil DDL where the Debian package
// installs it; the comparison is skipped without it.
const rubyDDL = "/usr/lib/ruby/vendor_ruby/mcollective/agent/rpcutil.ddl"

func TestDDLMatchesTheAgent(t *testing.T) {
	d, err := ddl.ParseFile(ddlFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) > 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}
	got, want := d.ActionNames(), newAgent().ActionNames()
	slices.Sort(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DDL actions %v, agent actions %v", got, want)
	}
}

// TestDDLMatchesRuby checks that Ruby clients see the interface they
// know: the same actions, inputs (type, validation, optional, maxlength),
// outputs, display and aggregates.
func TestDDLMatchesRuby(t *testing.T) {
	if _, err := os.Stat(rubyDDL); err != nil {
		t.Skipf("no Ruby MCollective DDL: %v", err)
	}
	ours, err := ddl.ParseFile(ddlFile)
	if err != nil {
		t.Fatal(err)
	}
	ruby, err := ddl.ParseFile(rubyDDL)
	if err != nil {
		t.Fatal(err)
	}
	if ours.Metadata.Timeout != ruby.Metadata.Timeout {
		t.Errorf("timeout %d, Ruby's %d", ours.Metadata.Timeout, ruby.Metadata.Timeout)
	}
	for _, ra := range ruby.Actions {
		t.Run(ra.Name, func(t *testing.T) {
			oa := ours.Action(ra.Name)
			if oa == nil {
				t.Fatal("missing")
			}
			if oa.Display != ra.Display {
				t.Errorf("display %s, Ruby's %s", oa.Display, ra.Display)
			}
			if len(oa.Inputs) != len(ra.Inputs) {
				t.Errorf("%d inputs, Ruby has %d", len(oa.Inputs), len(ra.Inputs))
			}
			for _, ri := range ra.Inputs {
				oi := oa.Input(ri.Name)
				if oi == nil {
					t.Errorf("input %s missing", ri.Name)
					continue
				}
				if oi.Type != ri.Type || oi.Validation != ri.Validation || oi.Optional != ri.Optional || oi.MaxLength != ri.MaxLength {
					t.Errorf("input %s: %s %v optional=%v max=%d, Ruby's %s %v optional=%v max=%d", ri.Name,
						oi.Type, oi.Validation, oi.Optional, oi.MaxLength, ri.Type, ri.Validation, ri.Optional, ri.MaxLength)
				}
			}
			var on, rn []string
			for _, o := range oa.Outputs {
				on = append(on, o.Name)
			}
			for _, o := range ra.Outputs {
				rn = append(rn, o.Name)
			}
			slices.Sort(on)
			slices.Sort(rn)
			if !reflect.DeepEqual(on, rn) {
				t.Errorf("outputs %v, Ruby's %v", on, rn)
			}
			var oag, rag []string
			for _, g := range oa.Aggregates {
				oag = append(oag, g.Function+"("+g.Output+")")
			}
			for _, g := range ra.Aggregates {
				rag = append(rag, g.Function+"("+g.Output+")")
			}
			if !reflect.DeepEqual(oag, rag) {
				t.Errorf("aggregates %v, Ruby's %v", oag, rag)
			}
		})
	}
}
