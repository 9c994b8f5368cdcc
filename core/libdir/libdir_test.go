package libdir

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

const goodDDL = `metadata :name => "%s", :description => "test", :author => "a", :license => "MIT",
         :version => "1.0", :url => "http://x", :timeout => 2
action "echo", :description => "echo" do
  input :msg, :prompt => "Message", :description => "text", :type => :string,
        :validation => '^\w+$', :optional => false, :maxlength => 10
  output :msg, :description => "text", :display_as => "Message"
  output :extra, :description => "x", :display_as => "Extra", :default => "none"
end
`

func layout(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, "mcollective", "agent", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(content, "#!") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func ddlFor(name string) string { return strings.Replace(goodDDL, "%s", name, 1) }

// echo is a fake host: it returns the inputs it was given.
func echo(kind Kind, opened *[]string) Opener {
	return func(name, path string, _ *ddl.DDL) (agent.Agent, error) {
		*opened = append(*opened, string(kind)+":"+name)
		return agent.Func(func(_ context.Context, r *agent.Request) *agent.Reply {
			return &agent.Reply{Data: map[string]any{"msg": r.Data["msg"]}}
		}), nil
	}
}

func TestLoad(t *testing.T) {
	first := layout(t, map[string]string{
		"luaagent.ddl":  ddlFor("luaagent"),
		"luaagent.lua":  "return {}",
		"goagent.ddl":   ddlFor("goagent"),
		"goagent":       "#!/bin/sh\n",
		"broken.ddl":    "metadata :name => \"broken\"\naction \"x\" do\n  input :a, :type =>\n",
		"noimpl.ddl":    ddlFor("noimpl"),
		"noddl.lua":     "return {}",
		"notes.txt":     "ignored",
		"rubyagent.rb":  "ignored",
		"jsononly.json": `{"metadata": {"name": "jsononly", "description": "j", "author": "a", "license": "MIT", "version": "1", "url": "http://x", "timeout": 1}, "actions": [{"action": "echo", "input": {}, "output": {}}]}`,
		"jsononly.lua":  "return {}",
	})
	second := layout(t, map[string]string{"luaagent.ddl": ddlFor("luaagent"), "luaagent.lua": "return {}"})
	var opened []string
	reg := agent.NewRegistry()
	problems := Load([]string{first, filepath.Join(t.TempDir(), "absent"), second},
		map[Kind]Opener{Lua: echo(Lua, &opened), Plugin: echo(Plugin, &opened)}, reg, nil)
	if got := strings.Join(reg.Names(), ","); got != "goagent,jsononly,luaagent" {
		t.Fatalf("loaded %s (opened %v, problems %v)", got, opened, problems)
	}
	text := ""
	for _, p := range problems {
		text += p.Error() + "\n"
	}
	for _, want := range []string{"broken.ddl:4", "noimpl.ddl: agent noimpl has no implementation",
		"noddl.lua: agent noddl has no DDL", "luaagent already loaded from " + first} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	if len(problems) != 4 {
		t.Errorf("%d problems, want 4:\n%s", len(problems), text)
	}
}

func TestDescribedValidates(t *testing.T) {
	dir := layout(t, map[string]string{"a.ddl": ddlFor("a"), "a.lua": "return {}"})
	var opened []string
	reg := agent.NewRegistry()
	if p := Load([]string{dir}, map[Kind]Opener{Lua: echo(Lua, &opened)}, reg, nil); len(p) != 0 {
		t.Fatal(p)
	}
	cases := []struct {
		action string
		data   map[string]any
		code   agent.StatusCode
		msg    string
	}{
		{"echo", map[string]any{"msg": "hi"}, agent.OK, "OK"},
		{"nope", nil, agent.UnknownAction, "action nope"},
		{"echo", map[string]any{}, agent.MissingData, "msg"},
		{"echo", map[string]any{"msg": "a b"}, agent.InvalidData, "msg"},
		{"echo", map[string]any{"msg": "waytoolongvalue"}, agent.InvalidData, "msg"},
		{"echo", map[string]any{"msg": int64(3)}, agent.InvalidData, "msg"},
	}
	for _, c := range cases {
		rep := reg.Dispatch(context.Background(), &agent.Request{Agent: "a", Action: c.action, Data: c.data})
		if rep.StatusCode != c.code || !strings.Contains(rep.StatusMsg, c.msg) {
			t.Errorf("%s %v: %d %q, want %d containing %q", c.action, c.data, rep.StatusCode, rep.StatusMsg, c.code, c.msg)
		}
		if c.code == agent.OK && (rep.Data["msg"] != "hi" || rep.Data["extra"] != "none") {
			t.Errorf("outputs %v: want msg and the extra default", rep.Data)
		}
	}
	if m, ok := reg.Meta("a"); !ok || m.Timeout != 2 || m.Version != "1.0" {
		t.Errorf("meta = %+v", m)
	}
}

func TestUndeclaredOutputsAreLogged(t *testing.T) {
	d, err := ddl.Parse("agent/a.ddl", []byte(ddlFor("a")))
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	a := &agent.Described{DDL: d, Log: slog.New(slog.NewTextHandler(&logs, nil)),
		Agent: agent.Func(func(context.Context, *agent.Request) *agent.Reply {
			return &agent.Reply{Data: map[string]any{"msg": "x", "surprise": 1}}
		})}
	rep := a.Handle(context.Background(), &agent.Request{Agent: "a", Action: "echo", Data: map[string]any{"msg": "x"}})
	if rep.StatusCode != agent.OK || !strings.Contains(logs.String(), "surprise") {
		t.Fatalf("reply %+v, log %q", rep, logs.String())
	}
}

func TestShipped(t *testing.T) {
	env := map[string]string{"MARIONETTE_LIBDIR": "/opt/shipped"}
	if got := Shipped(func(k string) string { return env[k] }); got != "/opt/shipped" {
		t.Errorf("Shipped with MARIONETTE_LIBDIR = %q", got)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	exe, _ = filepath.EvalSymlinks(exe)
	if got, want := Shipped(func(string) string { return "" }), filepath.Join(filepath.Dir(exe), "libdir"); got != want {
		t.Errorf("Shipped = %q, want %q", got, want)
	}
}

func TestSearch(t *testing.T) {
	getenv := func(k string) string {
		if k == "MARIONETTE_LIBDIR" {
			return "/opt/shipped"
		}
		return ""
	}
	tests := []struct {
		name       string
		configured []string
		want       []string
	}{
		{"none", nil, []string{"/opt/shipped"}},
		{"configured first", []string{"/a", "/b"}, []string{"/a", "/b", "/opt/shipped"}},
		{"each once", []string{"/a", "/a/", "/opt/shipped/.", "/b"}, []string{"/a", "/opt/shipped/.", "/b"}},
		{"empty skipped", []string{"", "/a"}, []string{"/a", "/opt/shipped"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Search(tc.configured, getenv); !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %q, want %q", tc.configured, got, tc.want)
			}
		})
	}
}
