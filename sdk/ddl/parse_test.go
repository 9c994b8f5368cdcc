package ddl

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const testMeta = `metadata :name => "t", :description => "test agent", :author => "a", :license => "l",
         :version => "1", :url => "u", :timeout => 5
`

func mustParse(t *testing.T, name, src string) *DDL {
	t.Helper()
	d, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

// TestFixtures checks what the fixture DDLs declare, including the actions
// their loops generate.
func TestFixtures(t *testing.T) {
	pkg, err := ParseFile("testdata/agent/pkgmgr.ddl")
	if err != nil {
		t.Fatal(err)
	}
	if got := pkg.ActionNames(); !slices.Equal(got, []string{"install", "upgrade", "remove", "status", "refresh"}) {
		t.Errorf("pkgmgr actions %v", got)
	}
	if pkg.Requires != "2.2.1" || pkg.Metadata.Timeout != 120 {
		t.Errorf("requires %q timeout %d", pkg.Requires, pkg.Metadata.Timeout)
	}
	up := pkg.Action("upgrade")
	if up.Description != "Upgrade a package" || up.Input("package").Description != "Package to upgrade" ||
		up.Output("status").Description != "Result of the UPGRADE request" || up.Display != DisplayFailed {
		t.Errorf("upgrade: %+v", up)
	}
	if v := up.Input("package").Validation; v != (Validation{Kind: NamedValidation, Value: "shellsafe"}) {
		t.Errorf("package validation %+v", v)
	}
	if agg := pkg.Action("refresh").Aggregates; len(agg) != 1 || agg[0].Function != "sum" ||
		agg[0].Output != "exitcode" || agg[0].Format != "%d failed refreshes" || agg[0].Args != nil {
		t.Errorf("refresh aggregates %+v", agg)
	}
	if in := pkg.Action("status").Input("format"); in.Type != TypeList || !reflect.DeepEqual(in.List, []any{"full", "upstream", "epoch"}) || in.Default != "full" {
		t.Errorf("status format %+v", in)
	}
	if in := pkg.Action("refresh").Input("retries"); in.Default != int64(2) || in.Pos.Line != 77 {
		t.Errorf("refresh retries %+v", in)
	}

	svc, err := ParseFile("testdata/agent/svcctl.ddl")
	if err != nil {
		t.Fatal(err)
	}
	for act, want := range map[string]string{"start": "starting", "stop": "stopping", "restart": "restarting"} {
		if got := svc.Action(act).Output("status").Description; got != "State of the service after "+want {
			t.Errorf("%s status description %q", act, got)
		}
	}

	run, err := ParseFile("testdata/agent/runner.ddl")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(run.Usage, "  The runner agent") || !strings.HasSuffix(run.Usage, "last_summary\n") {
		t.Errorf("usage %q", run.Usage)
	}
	if v := run.Action("runonce").Input("tags").Validation; v.Kind != RegexpValidation || v.Flags != "i" {
		t.Errorf("tags validation %+v", v)
	}
	ls := run.Action("last_summary")
	defaults := map[string]any{"failed_resources": int64(-1), "run_time": 0.0, "logs": map[string]any{}, "enabled": nil}
	for name, want := range defaults {
		if got := ls.Output(name).Default; !reflect.DeepEqual(got, want) {
			t.Errorf("%s default %#v, want %#v", name, got, want)
		}
	}
	bs := ls.Aggregates[1]
	if bs.Function != "boolean_summary" || !reflect.DeepEqual(bs.Args, []any{map[string]any{"true": "enabled", "false": "disabled"}}) {
		t.Errorf("boolean_summary %+v", bs)
	}
	if len(run.Warnings) != 1 || !strings.Contains(run.Warnings[0], "runner.ddl:90: action last_summary: aggregate function boolean_summary") {
		t.Errorf("warnings %q", run.Warnings)
	}

	data, err := ParseFile("testdata/data/pkginfo_data.ddl")
	if err != nil {
		t.Fatal(err)
	}
	if data.Kind != KindData || data.Plugin != "pkginfo" || data.DataQuery == nil ||
		data.DataQuery.Input("query") == nil || data.DataQuery.Output("release").DisplayAs != "Release" {
		t.Errorf("pkginfo: %+v", data)
	}
}

// TestRubySubset evaluates the DSL constructs the parser supports; each
// snippet computes the description of action "a".
func TestRubySubset(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"double quoted escapes", `action "a", :description => "t\tb\n\u00e9\x41\101\s\\\"\#{x}" do end`, "t\tb\né" + "AA \\\"#{x}"},
		{"single quoted", `action "a", :description => 'it\'s \d \\' do end`, `it's \d \`},
		{"percent strings", `action "a", :description => %q(a (b) c) + %Q[#{1 + 2}] + %(!) do end`, "a (b) c3!"},
		{"interpolation methods", `x = "web_server"
action "a", :description => "#{x.capitalize} #{x.upcase} #{x.gsub(/_(\w)/, '-\1')} #{x.sub("_", " ")} #{x.length}" do end`,
			"Web_server WEB_SERVER web-server web server 10"},
		{"symbol methods", `action "a", :description => "#{:ab.to_s.upcase}#{:cd.capitalize}#{:e.to_sym.inspect}" do end`, "ABCd:e"},
		{"hash each", `{"go" => "Go", "stop" => "Stop"}.each do |k, v|
  action k, :description => v + "!" do end
end
action "a", :description => "#{{:x => 1}.keys.join}" do end`, "x"},
		{"each_with_index and map", `%w[x y].each_with_index do |w, i|
  action "a", :description => "#{w}#{i}" do end
end`, "x0"},
		{"map and join", `action "a", :description => %i[p q].map { |s| s.to_s.upcase }.join(", ") do end`, "P, Q"},
		{"heredoc squiggly", "action \"a\", :description => <<~DESC do\n    one\n      two #{1}\n    DESC\nend", "one\n  two 1\n"},
		{"heredoc raw and plus", "action \"a\", :description => <<-'A' + <<-B do\n  #{raw}\n  A\n  b\n  B\nend", "  #{raw}\n  b\n"},
		{"comments", "# top\n=begin\naction \"x\"\n=end\naction \"a\", :description => \"c\" do # trailing\nend\n__END__\nanything at all", "c"},
		{"line continuation", "action \"a\", \\\n  :description => \"lc\" do end", "lc"},
		{"leading dot chain", "action \"a\", :description => \"ab\"\n  .upcase do end", "AB"},
		{"parens and braces", `action("a", {:description => "p"}) do end`, "p"},
		{"ruby 1.9 hash", `action "a", description: "n", "display": :always do end`, "n"},
		{"numbers", `action "a", :description => "#{-1} #{1_000} #{0x1f} #{1.5e3} #{2.0} #{1e20} #{017}" do end`, "-1 1000 31 1500.0 2.0 1.0e+20 15"},
		{"arrays", `action "a", :description => "#{[1, [2, :b], nil, "c"].flatten.inspect} #{([1] + [2]).size}" do end`, `[1, 2, :b, nil, "c"] 2`},
		{"redefinition merges", `action "a", :description => "first" do end
action "a", :description => "second" do end`, "first"},
		{"nil true false", `action "a", :description => "#{nil}#{true}#{false.to_s}" do end`, "truefalse"},
		{"block comment first", "=begin\nx\n=end\naction \"a\", :description => \"b\" do end", "b"},
		{"semicolons", `x = "s"; action "a", :description => x do end`, "s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, "agent/t.ddl", testMeta+tt.src)
			a := d.Action("a")
			if a == nil {
				t.Fatalf("no action a in %v", d.ActionNames())
			}
			if a.Description != tt.want {
				t.Errorf("description %q, want %q", a.Description, tt.want)
			}
		})
	}
}

// TestParseErrors checks that constructs outside the subset, and DDLs Ruby
// would refuse, fail with the right line and a message naming the problem.
func TestParseErrors(t *testing.T) {
	act := "action \"a\", :description => \"d\" do\n"
	str := "  input :s, :prompt => \"p\", :description => \"d\", :type => :string, :optional => true"
	tests := []struct {
		name, file, src string
		line            int
		want            string
	}{
		{"if", "agent/t.ddl", "if true\nend", 3, "'if' is not supported"},
		{"modifier", "agent/t.ddl", act + "  display :always if true\nend", 4, "'if' modifiers are not supported"},
		{"unknown method", "agent/t.ddl", "foo", 3, "undefined method 'foo'"},
		{"constant", "agent/t.ddl", "X = 1", 3, "constants ('X') are not supported"},
		{"instance variable", "agent/t.ddl", "@x = 1", 3, "instance and global variables"},
		{"operator", "agent/t.ddl", "x = 1 * 2", 3, "operator '*' is not supported"},
		{"index", "agent/t.ddl", "x = [1]\ny = x[0]", 4, "indexing with [] is not supported"},
		{"unsupported method", "agent/t.ddl", `x = "a".reverse`, 3, "method 'reverse' on String is not supported"},
		{"undefined variable in string", "agent/t.ddl", `x = "#{nope}"`, 3, "undefined method 'nope'"},
		{"unterminated string", "agent/t.ddl", "x = \"abc\n\n", 3, "unterminated string"},
		{"unterminated heredoc", "agent/t.ddl", "usage <<-EOT\ntext\n", 3, "unterminated heredoc <<EOT"},
		{"unclosed block", "agent/t.ddl", act + "  display :always\n", 3, "block opened here is not closed with 'end'"},
		{"stray end", "agent/t.ddl", "end", 3, "unexpected 'end'"},
		{"action arguments", "agent/t.ddl", "action \"a\" do\nend", 3, "'action' takes 2 argument(s), got 1"},
		{"action description", "agent/t.ddl", "action \"a\", :display => \"x\" do\nend", 3, "Action needs a :description property"},
		{"metadata property", "agent/t.ddl", "metadata :name => \"x\"", 3, "Metadata needs a :description property"},
		{"metadata timeout", "agent/t.ddl", `metadata :name => "", :description => "", :author => "", :license => "", :version => "", :url => "", :timeout => "9"`, 3, "metadata :timeout must be a whole number"},
		{"input outside action", "agent/t.ddl", str, 3, "Cannot figure out what entity input s belongs to"},
		{"input optional", "agent/t.ddl", act + "  input :x, :prompt => \"p\", :description => \"d\", :type => :integer\nend", 4, "Input x needs a :optional property"},
		{"string validation", "agent/t.ddl", act + str + ", :maxlength => 1\nend", 4, "Input type :string needs a :validation argument"},
		{"string maxlength", "agent/t.ddl", act + str + ", :validation => '.'\nend", 4, "Input type :string needs a :maxlength argument"},
		{"list values", "agent/t.ddl", act + "  input :l, :prompt => \"p\", :description => \"d\", :type => :list, :optional => true\nend", 4, "Input type :list needs a :list argument"},
		{"unknown type", "agent/t.ddl", act + "  input :l, :prompt => \"p\", :description => \"d\", :type => :text, :optional => true\nend", 4, "unknown type :text"},
		{"bad regexp", "agent/t.ddl", act + str + ", :validation => '(?=a)', :maxlength => 1\nend", 4, "RE2"},
		{"regexp x option", "agent/t.ddl", act + str + ", :validation => /a b/x, :maxlength => 1\nend", 4, "x (extended) option"},
		{"bad validation", "agent/t.ddl", act + str + ", :validation => 5, :maxlength => 1\nend", 4, ":validation must be a string, a regexp or a validator symbol"},
		{"display", "agent/t.ddl", act + "  display :sometimes\nend", 4, "Display preference :sometimes is not valid"},
		{"display string", "agent/t.ddl", act + "  display \"always\"\nend", 4, "Display preference \"always\" is not valid"},
		{"output display_as", "agent/t.ddl", act + "  output :o, :description => \"d\"\nend", 4, "Output o needs a display_as argument"},
		{"aggregate plain", "agent/t.ddl", act + "  summarize do\n    aggregate :o\n  end\nend", 5, "aggregate needs a function call"},
		{"aggregate no output", "agent/t.ddl", act + "  summarize do\n    aggregate summary()\n  end\nend", 5, "missing a function parameter"},
		{"aggregate format", "agent/t.ddl", act + "  summarize do\n    aggregate summary(:o), :fmt => 1\n  end\nend", 5, "must have a :format key"},
		{"function outside summarize", "agent/t.ddl", act + "  aggregate summary(:o)\nend", 4, "undefined method 'summary'"},
		{"requires", "agent/t.ddl", `requires :ruby => "3"`, 3, "Requirement ruby is not a valid requirement"},
		{"dataquery in agent", "agent/t.ddl", "dataquery :description => \"d\" do\nend", 3, "'dataquery' is only valid in a data DDL, and this is a agent DDL"},
		{"action in validator", "validator/t_validator.ddl", act + "end", 3, "'action' is only valid in a agent DDL, and this is a validator DDL"},
		{"data input name", "data/t_data.ddl", "dataquery :description => \"d\" do\n  input :q, :prompt => \"p\", :description => \"d\", :type => :integer\nend", 4, "The only valid input name for a data query is 'query'"},
		{"two data queries", "data/t_data.ddl", "dataquery :description => \"d\"\ndataquery :description => \"e\"", 4, "Data queries can only have one definition"},
		{"capability", "discovery/t.ddl", "discovery do\n  capabilities :everything\nend", 4, "everything is not a valid capability"},
		{"no capabilities", "discovery/t.ddl", "discovery do\n  capabilities []\nend", 4, "capabilities can't be empty"},
		{"block on input", "agent/t.ddl", act + "  input :x, {} do\n  end\nend", 4, "'input' does not take a block"},
		{"runaway loop", "agent/t.ddl", "a = %w[" + strings.Repeat("x ", 200) + "]\na.each do |x|\n a.each do |y|\n  a.each do |z|\n  end\n end\nend", 6, "takes too long"},
		{"string growth", "agent/t.ddl", "x = \"" + strings.Repeat("x", 1024) + "\"\n" + strings.Repeat("x = x + x\n", 12), 14, "string longer than"},
		{"data growth", "agent/t.ddl", "x = \"" + strings.Repeat("x", 1024) + "\"\n" + strings.Repeat("x = x + x\n", 9) +
			"%w[" + strings.Repeat("w ", 200) + "].each do |w|\n  y = x + x\nend", 14, "builds more than"},
		{"splat", "agent/t.ddl", "x = [1]\naction *x", 4, "splat and block arguments"},
		{"deep nesting", "agent/t.ddl", "x = " + strings.Repeat("[", 100) + strings.Repeat("]", 100), 3, "nested too deeply"},
		{"bad escape", "agent/t.ddl", `x = "\c"`, 3, "control and meta escapes"},
		{"integer overflow", "agent/t.ddl", "x = 99999999999999999999", 3, "too large integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(testMeta+tt.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want a *ParseError", err, err)
			}
			if pe.Pos.File != tt.file || pe.Pos.Line != tt.line || !strings.Contains(pe.Msg, tt.want) {
				t.Errorf("error %q, want %s:%d: ...%s...", err, tt.file, tt.line, tt.want)
			}
		})
	}
}

// TestWarnings checks the problems that are reported but do not stop a DDL
// from loading.
func TestWarnings(t *testing.T) {
	act := "action \"a\", :description => \"d\", :colour => 1 do\n"
	src := testMeta + act + `  display :flatten
  output :o, :description => "d", :display_as => "O", :units => "s"
  summarize do
    aggregate median(:o)
    aggregate summary(:missing)
  end
end
`
	d := mustParse(t, "t.ddl", src)
	want := []string{
		"t.ddl:3: action a: property :colour is ignored",
		"t.ddl:4: the display option :flatten is deprecated",
		"t.ddl:5: output o: property :units is ignored",
		"t.ddl:7: action a: aggregate function median is not one MCollective ships (summary, sum, average)",
		"t.ddl:8: action a: aggregate summary uses missing, which is not a declared output",
	}
	if !slices.Equal(d.Warnings, want) {
		t.Errorf("warnings\n%q\nwant\n%q", d.Warnings, want)
	}
}

func TestKindFromName(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		plugin string
	}{
		{"/usr/lib/mcollective/agent/rpcutil.ddl", KindAgent, "rpcutil"},
		{"lib/mcollective/data/fstat_data.ddl", KindData, "fstat"},
		{"validator/shellsafe_validator.ddl", KindValidator, "shellsafe"},
		{"elsewhere/puppet_tags_validator.ddl", KindValidator, "puppet_tags"},
		{"discovery/mc.ddl", KindDiscovery, "mc"},
		{"x/service.ddl", "", "service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, plugin := kindFromName(tt.name)
			if kind != tt.kind || plugin != tt.plugin {
				t.Errorf("kindFromName = %q, %q, want %q, %q", kind, plugin, tt.kind, tt.plugin)
			}
		})
	}
}

// TestKindFromContent checks that a DDL outside a plugin directory takes
// its kind from what it declares.
func TestKindFromContent(t *testing.T) {
	tests := []struct {
		src  string
		want Kind
	}{
		{"action \"a\", :description => \"d\"", KindAgent},
		{"dataquery :description => \"d\"", KindData},
		{"discovery do\n capabilities :identity\nend", KindDiscovery},
		{"", KindAgent},
	}
	for _, tt := range tests {
		if d := mustParse(t, "t.ddl", testMeta+tt.src); d.Kind != tt.want {
			t.Errorf("%q: kind %s, want %s", tt.src, d.Kind, tt.want)
		}
	}
}

// TestFileEdges checks things that only happen at the start or end of a
// file.
func TestFileEdges(t *testing.T) {
	tests := []struct {
		name, src string
	}{
		{"block comment first", "=begin\nanything\n=end\n" + testMeta},
		{"byte order mark", "\ufeff" + testMeta},
		{"crlf", strings.ReplaceAll(testMeta, "\n", "\r\n")},
		{"no final newline", strings.TrimSuffix(testMeta, "\n")},
		{"end marker", testMeta + "__END__\nif unless while"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := mustParse(t, "t.ddl", tt.src); d.Metadata.Timeout != 5 {
				t.Errorf("metadata %+v", d.Metadata)
			}
		})
	}
}
