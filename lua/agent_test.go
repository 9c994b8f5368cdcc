package lua

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

func TestCalc(t *testing.T) {
	a := start(t, "calc.lua")
	tests := []struct {
		name string
		a, b any
		want any
	}{
		{"integers", int64(2), int64(3), int64(5)},
		{"floats", 1.5, 2.25, 3.75},
		{"integral float sum", 1.5, 2.5, int64(4)},
		{"negative", int64(-7), int64(3), int64(-4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := call(t, a, "add", map[string]any{"a": tt.a, "b": tt.b}, time.Second)
			wantStatus(t, rep, agent.OK, "OK")
			if got := rep.Data["sum"]; got != tt.want {
				t.Errorf("sum = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestTypedInputs(t *testing.T) {
	a := start(t, "actions.lua")
	rep := call(t, a, "types", map[string]any{
		"name":    "web01",
		"count":   int64(21),
		"ratio":   0.25,
		"enabled": true,
		"tags":    []any{"a", "b", "c"},
		"opts":    map[string]any{"inner": map[string]any{"deep": "yes"}},
	}, time.Second)
	wantStatus(t, rep, agent.OK, "OK")
	wantTypes := map[string]any{"name": "string", "count": "number", "ratio": "number", "enabled": "boolean", "tags": "table", "opts": "table"}
	if got := rep.Data["types"]; !reflect.DeepEqual(got, wantTypes) {
		t.Errorf("types = %#v, want %#v", got, wantTypes)
	}
	wantEcho := map[string]any{
		"name": "web01", "count": int64(21), "ratio": 0.25, "enabled": true,
		"tags": []any{"a", "b", "c"},
		"opts": map[string]any{"inner": map[string]any{"deep": "yes"}},
	}
	if got := rep.Data["echo"]; !reflect.DeepEqual(got, wantEcho) {
		t.Errorf("echo = %#v, want %#v", got, wantEcho)
	}
	for k, want := range map[string]any{"tag_count": int64(3), "second_tag": "b", "nested": "yes", "double": int64(42)} {
		if got := rep.Data[k]; got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
}

// nestedDDL declares some of the nested action's outputs with types.
const nestedDDL = `
metadata :name => "actions", :description => "test", :author => "t", :license => "t", :version => "1", :url => "u", :timeout => 2

action "nested", :description => "outputs" do
  output :declared_float, :description => "a float", :display_as => "F", :type => :float
  output :declared_list, :description => "a list", :display_as => "L", :type => :list
end
`

func TestNestedOutputs(t *testing.T) {
	d, err := ddl.Parse("agent/actions.ddl", []byte(nestedDDL))
	if err != nil {
		t.Fatal(err)
	}
	a := start(t, "actions.lua", func(o *Options) { o.DDL = d })
	rep := call(t, a, "nested", nil, time.Second)
	wantStatus(t, rep, agent.OK, "OK")
	want := map[string]any{
		"list":           []any{"a", "b", "c"},
		"map":            map[string]any{"x": int64(1), "y": map[string]any{"z": true}},
		"mixed":          map[string]any{"1": int64(1), "2": int64(2), "key": "v"},
		"sparse":         map[string]any{"1": "one", "3": "three"},
		"numkeys":        map[string]any{"10": "ten", "2.5": "half"},
		"empty":          map[string]any{},
		"empty_list":     []any{},
		"int":            int64(3),
		"float":          2.5,
		"whole_float":    int64(4),
		"big":            int64(1 << 53),
		"str":            "text",
		"yes":            true,
		"list_of_maps":   []any{map[string]any{"id": int64(1)}, map[string]any{"id": int64(2)}},
		"declared_float": 7.0,
		"declared_list":  []any{},
	}
	for k, w := range want {
		if got := rep.Data[k]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %#v, want %#v", k, got, w)
		}
	}
	if len(rep.Data) != len(want) {
		t.Errorf("data has %d keys, want %d: %v", len(rep.Data), len(want), rep.Data)
	}
}

func TestStatus(t *testing.T) {
	a := start(t, "actions.lua")
	tests := []struct {
		action string
		code   agent.StatusCode
		msg    string
		data   map[string]any
	}{
		{"fail", agent.Aborted, "it went wrong", map[string]any{"partial": "kept", "after": "continued"}},
		{"fail_code", agent.InvalidData, "bad input", map[string]any{}},
		{"fail_bad_code", agent.UnknownError, "status code must be 1 to 5, not 9", nil},
		{"raise", agent.UnknownError, "actions.lua:64: deliberate failure", map[string]any{"before": "set"}},
		{"runtime", agent.UnknownError, "actions.lua:69: attempt to index a non-table object(nil) with key 'field'", nil},
		{"function_output", agent.UnknownError, "reply f: cannot convert a function", nil},
		{"cycle", agent.UnknownError, "reply t: self: a table contains itself", nil},
		{"meta", agent.OK, "OK", map[string]any{"caller": "cert=alice", "sender": "client1", "id": "0123abcd", "collective": "mcollective"}},
		{"missing", agent.UnknownAction, "Unknown action 'missing' for agent 'actions'", map[string]any{}},
		{"not_a_function", agent.UnknownAction, "Unknown action 'not_a_function'", map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			rep := call(t, a, tt.action, nil, time.Second)
			wantStatus(t, rep, tt.code, tt.msg)
			if tt.data != nil && !reflect.DeepEqual(rep.Data, tt.data) {
				t.Errorf("data = %#v, want %#v", rep.Data, tt.data)
			}
		})
	}
}

func TestBusyLoopCancelled(t *testing.T) {
	a := start(t, "actions.lua")
	for _, action := range []string{"spin", "spin_pcall"} {
		t.Run(action, func(t *testing.T) {
			const deadline = 200 * time.Millisecond
			begin := time.Now()
			rep := call(t, a, action, nil, deadline)
			took := time.Since(begin)
			wantStatus(t, rep, agent.UnknownError, "actions#"+action+" timed out")
			if took > deadline+300*time.Millisecond {
				t.Errorf("took %v to stop, deadline %v", took, deadline)
			}
		})
	}
}

func TestNoDeadlineUsesDDLTimeout(t *testing.T) {
	d, err := ddl.Parse("agent/actions.ddl", []byte(nestedDDL)) // :timeout => 2
	if err != nil {
		t.Fatal(err)
	}
	d.Metadata.Timeout = 1
	a := start(t, "actions.lua", func(o *Options) { o.DDL = d })
	begin := time.Now()
	rep := a.Handle(t.Context(), &agent.Request{Action: "spin", Data: map[string]any{}})
	wantStatus(t, rep, agent.UnknownError, "timed out")
	if took := time.Since(begin); took < time.Second || took > 2*time.Second {
		t.Errorf("took %v, want about the DDL's 1s", took)
	}
}

func TestMemoryAndStackLimits(t *testing.T) {
	a := start(t, "limits.lua", func(o *Options) { o.MemoryLimit = 64 << 20 })
	tests := []struct {
		action string
		msg    string
	}{
		{"double_string", "limits#double_string stopped: memory limit exceeded: the heap grew by"},
		{"grow_table", "limits#grow_table stopped: memory limit exceeded"},
		{"rep", "string.rep: a result of 1099511627776 bytes is over the limit of 16777216"},
		{"rep_method", "string.rep: a result of 3000000000 bytes is over the limit"},
		{"format", `string.format: invalid format "%999999999d" (width too long)`},
		{"unpack", "registry overflow"},
		{"recursion", "stack overflow"},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			rep := call(t, a, tt.action, nil, 20*time.Second)
			wantStatus(t, rep, agent.UnknownError, tt.msg)
		})
	}
	for action, want := range map[string]any{"rep_ok": int64(2000), "format_ok": " 3.14|7  |%|x"} {
		rep := call(t, a, action, nil, time.Second)
		wantStatus(t, rep, agent.OK, "OK")
		for _, v := range rep.Data {
			if v != want {
				t.Errorf("%s = %#v, want %#v", action, v, want)
			}
		}
	}
}

func TestPoolReuse(t *testing.T) {
	a := start(t, "actions.lua", func(o *Options) { o.PoolSize = 1 })
	count := func() any {
		t.Helper()
		rep := call(t, a, "count", nil, time.Second)
		wantStatus(t, rep, agent.OK, "OK")
		return rep.Data["calls"]
	}
	steps := []struct {
		name   string
		before string // action run first, if any
		want   int64
	}{
		{"first call", "", 1},
		{"clean state reused", "", 2},
		{"reply:fail keeps the state", "fail", 3},
		{"unknown action keeps the state", "missing", 4},
		{"cancelled state discarded", "spin", 1},
		{"error discards the state", "raise", 1},
		{"reused again", "", 2},
	}
	for _, step := range steps {
		if step.before != "" {
			call(t, a, step.before, nil, 100*time.Millisecond)
		}
		if got := count(); got != step.want {
			t.Errorf("%s: calls = %v, want %d", step.name, got, step.want)
		}
	}
	call(t, a, "taint", nil, time.Second)
	if rep := call(t, a, "tainted", nil, time.Second); rep.Data["tainted"] != false {
		t.Errorf("a state whose action failed after changing a global was reused: %v", rep.Data)
	}
}

func TestConcurrentCalls(t *testing.T) {
	a := start(t, "calc.lua", func(o *Options) { o.PoolSize = 4 })
	const workers, calls = 16, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				rep := call(t, a, "add", map[string]any{"a": int64(w), "b": int64(i)}, 5*time.Second)
				if rep.StatusCode != agent.OK || rep.Data["sum"] != int64(w+i) {
					errs <- fmt.Errorf("worker %d call %d: %d %q %v", w, i, rep.StatusCode, rep.StatusMsg, rep.Data)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestWaitForState(t *testing.T) {
	a := start(t, "actions.lua", func(o *Options) { o.PoolSize = 1 })
	busy := make(chan *agent.Reply)
	go func() { busy <- call(t, a, "spin", nil, time.Second) }()
	time.Sleep(100 * time.Millisecond) // let spin take the only state
	rep := call(t, a, "count", nil, 100*time.Millisecond)
	wantStatus(t, rep, agent.UnknownError, "actions#count timed out waiting for a free Lua state")
	wantStatus(t, <-busy, agent.UnknownError, "timed out")
}

func TestStuckInGoCall(t *testing.T) {
	var logs logBuffer
	a := start(t, "actions.lua", withLog(&logs), func(o *Options) { o.PoolSize = 1 })
	// A pattern search taking about a second (more under -race), in which
	// gopher-lua does not look at the context.
	begin := time.Now()
	rep := call(t, a, "pattern", map[string]any{"n": int64(170)}, 100*time.Millisecond)
	wantStatus(t, rep, agent.UnknownError, "actions#pattern timed out")
	if took := time.Since(begin); took > 100*time.Millisecond+stuckGrace+300*time.Millisecond {
		t.Errorf("Handle took %v to give up on a stuck call", took)
	}
	if !strings.Contains(logs.String(), "action did not stop when cancelled") {
		t.Errorf("no warning about the stuck call:\n%s", logs.String())
	}
	// The stuck call keeps the only slot until it ends.
	rep = call(t, a, "count", nil, 50*time.Millisecond)
	wantStatus(t, rep, agent.UnknownError, "waiting for a free Lua state")
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		script string
		msg    string
	}{
		{"syntax.lua", "lua agent syntax: syntax error: syntax.lua:5:"},
		{"noreturn.lua", "noreturn.lua must return a table of action functions, not nil"},
		{"loaderror.lua", "load script: loaderror.lua:2: cannot load"},
		{"loadspin.lua", "load script: loadspin.lua:1: context deadline exceeded"},
		{"absent.lua", "read script: open testdata/absent.lua: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			_, err := load(Options{Path: filepath.Join("testdata", tt.script)}, 200*time.Millisecond)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("New = %v, want an error with %q", err, tt.msg)
			}
		})
	}
}

func TestDDLActionWarnings(t *testing.T) {
	src := `
metadata :name => "calc", :description => "d", :author => "a", :license => "l", :version => "1", :url => "u", :timeout => 5
action "add", :description => "add" do
end
action "multiply", :description => "times" do
end
`
	d, err := ddl.Parse("agent/calc.ddl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	start(t, "actions.lua", withLog(&logs), func(o *Options) { o.DDL = d })
	out := logs.String()
	for _, want := range []string{
		`msg="DDL declares an action the script does not define" agent=actions action=multiply`,
		`msg="script defines an action the DDL does not declare" agent=actions action=count`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestClose(t *testing.T) {
	a := start(t, "calc.lua")
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	rep := a.Handle(t.Context(), &agent.Request{Action: "add", Data: map[string]any{"a": 1, "b": 2}})
	wantStatus(t, rep, agent.UnknownError, "lua agent calc is closed")
}

func TestCancelledByCaller(t *testing.T) {
	a := start(t, "actions.lua")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	time.AfterFunc(100*time.Millisecond, cancel)
	rep := a.Handle(ctx, &agent.Request{Action: "spin", Data: map[string]any{}})
	wantStatus(t, rep, agent.UnknownError, "actions#spin cancelled")
}
