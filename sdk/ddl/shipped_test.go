package ddl

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shippedDDLs lists the .ddl files Debian's mcollective packages installed,
// from dpkg's file lists, falling back to the Ruby library directory.
func shippedDDLs(t testing.TB) []string {
	t.Helper()
	var files []string
	lists, _ := filepath.Glob("/var/lib/dpkg/info/mcollective*.list")
	for _, list := range lists {
		f, err := os.Open(list)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if p := sc.Text(); strings.HasSuffix(p, ".ddl") {
				if _, err := os.Stat(p); err == nil {
					files = append(files, p)
				}
			}
		}
		f.Close()
	}
	if len(files) == 0 {
		files, _ = filepath.Glob("/usr/lib/ruby/vendor_ruby/mcollective/*/*.ddl")
	}
	return slices.Compact(slices.Sorted(slices.Values(files)))
}

// TestShippedDDLs parses every DDL Ruby MCollective ships and, where a
// golden file captured from Ruby's `mco plugin doc` exists, compares Doc.
func TestShippedDDLs(t *testing.T) {
	files := shippedDDLs(t)
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no shipped MCollective DDLs found; CI installs them with /work/shared/peers/rubymc-peer.sh setup")
		}
		t.Skip("no shipped MCollective DDLs on this machine (install the mcollective Debian packages)")
	}
	for _, file := range files {
		t.Run(strings.TrimPrefix(file, "/usr/lib/ruby/vendor_ruby/mcollective/"), func(t *testing.T) {
			d, err := ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Warnings) > 0 {
				t.Errorf("warnings: %q", d.Warnings)
			}
			if d.Metadata.Name == "" || d.Metadata.Description == "" {
				t.Errorf("metadata not read: %+v", d.Metadata)
			}
			golden := filepath.Join("testdata/golden/shipped", string(d.Kind)+"_"+d.Plugin+".txt")
			if _, err := os.Stat(golden); err == nil || *update {
				checkGolden(t, golden, d.Doc())
			}
		})
	}
}

// TestShippedRPCUtil checks what rpcutil.ddl declares.
func TestShippedRPCUtil(t *testing.T) {
	file := ""
	for _, f := range shippedDDLs(t) {
		if strings.HasSuffix(f, "/agent/rpcutil.ddl") {
			file = f
		}
	}
	if file == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("rpcutil.ddl is not installed")
		}
		t.Skip("rpcutil.ddl is not installed")
	}
	d, err := ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != KindAgent || d.Plugin != "rpcutil" || d.Metadata.Timeout != 10 {
		t.Errorf("kind %s plugin %s timeout %d", d.Kind, d.Plugin, d.Metadata.Timeout)
	}
	wantActions := []string{"collective_info", "inventory", "get_fact", "get_facts", "daemon_stats",
		"agent_inventory", "get_config_item", "get_data", "ping"}
	if got := d.ActionNames(); !slices.Equal(got, wantActions) {
		t.Errorf("actions %v, want %v", got, wantActions)
	}
	tests := []struct {
		action  string
		inputs  []string
		outputs []string
		aggs    []string
	}{
		{"collective_info", nil, []string{"main_collective", "collectives"}, []string{"summary(collectives)"}},
		{"inventory", nil, []string{"agents", "facts", "classes", "version", "main_collective", "collectives", "data_plugins"}, nil},
		{"get_fact", []string{"fact"}, []string{"fact", "value"}, []string{"summary(value)"}},
		{"get_facts", []string{"facts"}, []string{"values"}, nil},
		{"daemon_stats", nil, []string{"threads", "agents", "pid", "times", "validated", "unvalidated", "passed",
			"filtered", "starttime", "total", "replies", "configfile", "version", "ttlexpired"}, []string{"summary(version)", "summary(agents)"}},
		{"agent_inventory", nil, []string{"agents"}, nil},
		{"get_config_item", []string{"item"}, []string{"item", "value"}, []string{"summary(value)"}},
		{"get_data", []string{"source", "query"}, nil, nil},
		{"ping", nil, []string{"pong"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			a := d.Action(tt.action)
			if a.Display != DisplayAlways {
				t.Errorf("display %s", a.Display)
			}
			var inputs, outputs, aggs []string
			for _, in := range a.Inputs {
				inputs = append(inputs, in.Name)
			}
			for _, out := range a.Outputs {
				outputs = append(outputs, out.Name)
			}
			for _, agg := range a.Aggregates {
				aggs = append(aggs, agg.Function+"("+agg.Output+")")
			}
			if !slices.Equal(inputs, tt.inputs) || !slices.Equal(outputs, tt.outputs) || !slices.Equal(aggs, tt.aggs) {
				t.Errorf("inputs %v outputs %v aggregates %v, want %v %v %v", inputs, outputs, aggs, tt.inputs, tt.outputs, tt.aggs)
			}
		})
	}
	fact := d.Action("get_fact").Input("fact")
	if fact.Type != TypeString || fact.MaxLength != 40 || fact.Optional ||
		fact.Validation != (Validation{Kind: RegexValidation, Value: `^[\w\-\.]+$`}) {
		t.Errorf("get_fact fact input: %+v", fact)
	}
	if q := d.Action("get_data").Input("query"); !q.Optional || q.MaxLength != 200 {
		t.Errorf("get_data query input: %+v", q)
	}
	if _, err := d.ValidateRequest("get_fact", map[string]any{"fact": "osfamily"}, nil); err != nil {
		t.Errorf("get_fact osfamily: %v", err)
	}
}
