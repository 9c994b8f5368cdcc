package luatest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/marionette-mco/marionette/core/agent"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	ddlPath := filepath.Join(dir, "agent", "calc.ddl")
	if err := os.MkdirAll(filepath.Dir(ddlPath), 0o755); err != nil {
		t.Fatal(err)
	}
	ddlText := `metadata :name => "calc", :description => "c", :author => "a", :license => "MIT", :version => "1", :url => "http://x", :timeout => 1
action "add", :description => "add" do
  input :a, :prompt => "A", :description => "a", :type => :integer, :optional => false
  input :b, :prompt => "B", :description => "b", :type => :integer, :optional => true, :default => 1
  output :sum, :description => "sum", :display_as => "Sum"
  output :who, :description => "who", :display_as => "Who", :default => "nobody"
end
`
	script := "local mco = require(\"mco\")\nreturn { add = function(req, rep) rep.sum = req.a + req.b end }\n"
	if err := os.WriteFile(ddlPath, []byte(ddlText), 0o644); err != nil {
		t.Fatal(err)
	}
	luaPath := filepath.Join(dir, "calc.lua")
	if err := os.WriteFile(luaPath, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	a := Load(t, ddlPath, luaPath, nil)
	cases := []struct {
		action string
		in     map[string]any
		code   agent.StatusCode
		sum    any
	}{
		{"add", map[string]any{"a": int64(2), "b": int64(3)}, agent.OK, int64(5)},
		{"add", map[string]any{"a": int64(2)}, agent.OK, int64(3)},
		{"add", map[string]any{}, agent.MissingData, nil},
		{"add", map[string]any{"a": "x"}, agent.InvalidData, nil},
		{"mul", nil, agent.UnknownAction, nil},
	}
	for _, c := range cases {
		rep := a.Run(context.Background(), c.action, c.in)
		if rep.StatusCode != c.code || c.sum != nil && (rep.Data["sum"] != c.sum || rep.Data["who"] != "nobody") {
			t.Errorf("%s %v = %d %q %v", c.action, c.in, rep.StatusCode, rep.StatusMsg, rep.Data)
		}
	}
}
