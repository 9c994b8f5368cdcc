package process_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/lua"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// host is an agent.Host for a node with nothing to report.
type host struct{}

func (host) Identity() string                 { return "node1" }
func (host) Fact(string) (any, bool)          { return nil, false }
func (host) Facts() map[string]any            { return map[string]any{} }
func (host) Classes() []string                { return nil }
func (host) ConfigItem(string) (string, bool) { return "", false }
func (host) Stats() map[string]any            { return map[string]any{} }
func (host) Inventory() agent.Inventory       { return agent.Inventory{} }
func (host) DataQuery(context.Context, string, string) (map[string]any, error) {
	return nil, errors.New("no data plugins")
}

// load parses the DDL and starts the agent on the Lua host.
func load(t *testing.T) (*lua.Agent, *ddl.DDL) {
	t.Helper()
	d, err := ddl.ParseFile("process.ddl")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) > 0 {
		t.Errorf("DDL warnings: %q", d.Warnings)
	}
	a, err := lua.New(lua.Options{Name: "process", Path: "process.lua", DDL: d, Host: host{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, d
}

// run calls action the way the daemon does: inputs validated against the
// DDL with its defaults, outputs filled with theirs.
func run(t *testing.T, a *lua.Agent, d *ddl.DDL, action string, inputs map[string]any) *agent.Reply {
	t.Helper()
	act := d.Action(action)
	data, err := act.Validate(inputs)
	if err != nil {
		t.Fatalf("validate %s %v: %v", action, inputs, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	rep := a.Handle(ctx, &agent.Request{Agent: "process", Action: action, Data: data})
	act.FillDefaults(rep.Data)
	return rep
}

// fakePS puts a ps printing testdata/ps.txt first in PATH.
func fakePS(t *testing.T) {
	t.Helper()
	canned, err := filepath.Abs(filepath.Join("testdata", "ps.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nexec cat '" + canned + "'\n"
	if err := os.WriteFile(filepath.Join(dir, "ps"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func pids(t *testing.T, rep *agent.Reply) []int64 {
	t.Helper()
	list, ok := rep.Data["pslist"].([]any)
	if !ok {
		t.Fatalf("pslist = %#v, want a list", rep.Data["pslist"])
	}
	out := []int64{}
	for _, p := range list {
		out = append(out, p.(map[string]any)["pid"].(int64))
	}
	return out
}

func TestDDL(t *testing.T) {
	_, d := load(t)
	if got := d.ActionNames(); !reflect.DeepEqual(got, []string{"list", "check"}) {
		t.Errorf("actions = %v", got)
	}
	if d.Metadata.Timeout != 10 {
		t.Errorf("timeout = %d", d.Metadata.Timeout)
	}
	var aggs []string
	for _, agg := range d.Action("check").Aggregates {
		aggs = append(aggs, agg.Function+"("+agg.Output+")")
	}
	if want := []string{"summary(running)", "sum(count)"}; !reflect.DeepEqual(aggs, want) {
		t.Errorf("check aggregates = %v, want %v", aggs, want)
	}
	refused := []struct {
		action string
		inputs map[string]any
	}{
		{"check", map[string]any{}},
		{"check", map[string]any{"pattern": "nginx\n"}},
		{"list", map[string]any{"user": "root; rm -rf /"}},
		{"list", map[string]any{"sort": "name"}},
		{"list", map[string]any{"pattern": strings.Repeat("x", 101)}},
	}
	for _, r := range refused {
		if _, err := d.Action(r.action).Validate(r.inputs); err == nil {
			t.Errorf("%s %v: validated, want an error", r.action, r.inputs)
		}
	}
}

func TestList(t *testing.T) {
	fakePS(t)
	a, d := load(t)
	tests := []struct {
		name   string
		inputs map[string]any
		pids   []int64
		count  int64
	}{
		{"all but ps itself", nil, []int64{1, 2, 412, 598, 731, 732, 733, 880, 881, 950, 951, 1204}, 12},
		{"pattern is plain text", map[string]any{"pattern": "nginx: worker"}, []int64{732, 733}, 2},
		{"pattern with magic characters", map[string]any{"pattern": "[listener]"}, []int64{598}, 1},
		{"user", map[string]any{"user": "postgres"}, []int64{880, 881}, 2},
		{"zombies", map[string]any{"just_zombies": true}, []int64{951}, 1},
		{"by rss, limited", map[string]any{"sort": "rss", "limit": int64(3)}, []int64{412, 1204, 880}, 12},
		{"by pcpu", map[string]any{"sort": "pcpu", "user": "www-data"}, []int64{733, 732}, 2},
		{"nothing matches", map[string]any{"pattern": "httpd"}, []int64{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := run(t, a, d, "list", tt.inputs)
			if rep.StatusCode != agent.OK {
				t.Fatalf("reply = %d %q", rep.StatusCode, rep.StatusMsg)
			}
			if got := pids(t, rep); !reflect.DeepEqual(got, tt.pids) {
				t.Errorf("pids = %v, want %v", got, tt.pids)
			}
			if rep.Data["count"] != tt.count {
				t.Errorf("count = %#v, want %d", rep.Data["count"], tt.count)
			}
		})
	}
	rep := run(t, a, d, "list", map[string]any{"pattern": "worker", "sort": "pcpu", "limit": int64(1)})
	want := map[string]any{"pid": int64(733), "ppid": int64(731), "user": "www-data", "state": "S", "rss": int64(10240), "vsz": int64(56068), "pcpu": 2.25, "command": "nginx: worker process"}
	if got := rep.Data["pslist"].([]any)[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("process = %#v\nwant %#v", got, want)
	}
}

func TestCheck(t *testing.T) {
	fakePS(t)
	a, d := load(t)
	tests := []struct {
		name    string
		inputs  map[string]any
		running bool
		pids    []any
	}{
		{"running", map[string]any{"pattern": "postgres"}, true, []any{int64(880), int64(881)}},
		{"enough workers", map[string]any{"pattern": "nginx: worker", "min": int64(2)}, true, []any{int64(732), int64(733)}},
		{"too few workers", map[string]any{"pattern": "nginx: worker", "min": int64(3)}, false, []any{int64(732), int64(733)}},
		{"wrong user", map[string]any{"pattern": "nginx: worker", "user": "root"}, false, []any{}},
		{"not running", map[string]any{"pattern": "httpd"}, false, []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := run(t, a, d, "check", tt.inputs)
			if rep.StatusCode != agent.OK {
				t.Fatalf("reply = %d %q", rep.StatusCode, rep.StatusMsg)
			}
			want := map[string]any{"running": tt.running, "count": int64(len(tt.pids)), "pids": tt.pids}
			if !reflect.DeepEqual(rep.Data, want) {
				t.Errorf("data = %#v, want %#v", rep.Data, want)
			}
		})
	}
}

func TestPSFails(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ps"), []byte("#!/bin/sh\necho 'ps: bad option' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	a, d := load(t)
	rep := run(t, a, d, "list", nil)
	if rep.StatusCode != agent.Aborted || rep.StatusMsg != "ps failed: ps: bad option" {
		t.Errorf("reply = %d %q, want 1 \"ps failed: ps: bad option\"", rep.StatusCode, rep.StatusMsg)
	}
	if got := rep.Data["pslist"]; !reflect.DeepEqual(got, []any{}) {
		t.Errorf("pslist = %#v, want the DDL's default []", got)
	}
}

// TestRealPS finds the test binary itself with the system's ps.
func TestRealPS(t *testing.T) {
	if _, err := exec.LookPath("ps"); err != nil {
		t.Skip("no ps on this machine")
	}
	a, d := load(t)
	self := filepath.Base(os.Args[0])
	rep := run(t, a, d, "check", map[string]any{"pattern": self})
	if rep.StatusCode != agent.OK || rep.Data["running"] != true {
		t.Fatalf("check %s = %d %q %v", self, rep.StatusCode, rep.StatusMsg, rep.Data)
	}
	found := false
	for _, p := range rep.Data["pids"].([]any) {
		found = found || p == int64(os.Getpid())
	}
	if !found {
		t.Errorf("pids %v lack this process, %d", rep.Data["pids"], os.Getpid())
	}
	rep = run(t, a, d, "list", map[string]any{"sort": "rss", "limit": int64(5)})
	if rep.StatusCode != agent.OK || len(rep.Data["pslist"].([]any)) == 0 {
		t.Errorf("list = %d %q %v", rep.StatusCode, rep.StatusMsg, rep.Data)
	}
}
