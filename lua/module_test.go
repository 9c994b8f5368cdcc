package lua

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

func TestModuleHost(t *testing.T) {
	a := start(t, "mco.lua")
	rep := call(t, a, "info", nil, time.Second)
	wantStatus(t, rep, agent.OK, "OK")
	want := map[string]any{
		"identity": "node1.example.net",
		"os":       map[string]any{"family": "Debian", "release": map[string]any{"major": int64(12), "full": "12.5"}},
		"release":  int64(12),
		"facts": map[string]any{
			"os":      map[string]any{"family": "Debian", "release": map[string]any{"major": int64(12), "full": "12.5"}},
			"cpus":    int64(8),
			"virtual": "kvm",
			"tags":    []any{"web", "prod"},
		},
		"classes":    []any{"roles::web", "profiles::base"},
		"collective": "mcollective",
	}
	if !reflect.DeepEqual(rep.Data, want) {
		t.Errorf("data = %#v\nwant %#v", rep.Data, want)
	}
}

func TestModuleWithoutHost(t *testing.T) {
	a := start(t, "mco.lua", func(o *Options) { o.Host = nil })
	rep := call(t, a, "info", nil, time.Second)
	wantStatus(t, rep, agent.UnknownError, "mco.identity: this agent has no host")
}

func TestModuleLog(t *testing.T) {
	var logs logBuffer
	a := start(t, "mco.lua", withLog(&logs))
	wantStatus(t, call(t, a, "log", nil, time.Second), agent.OK, "OK")
	out := logs.String()
	for _, want := range []string{
		`level=DEBUG msg="a debug line" agent=mco action=log`,
		`level=INFO msg="an info line" agent=mco action=log count=3 who=me`,
		`level=WARN msg="a warning" agent=mco action=log`,
		`level=ERROR msg="an error" agent=mco action=log`,
		`level=INFO msg="printed\t1\ttrue\tnil" agent=mco action=log source=print`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestModuleJSON(t *testing.T) {
	a := start(t, "mco.lua")
	rep := call(t, a, "json", nil, time.Second)
	wantStatus(t, rep, agent.OK, "OK")
	want := map[string]any{
		"encoded": `{"a":"x<y","b":[1,2,3],"e":[],"m":{}}`,
		"decoded": map[string]any{
			"n":     1.5,
			"list":  []any{int64(1), "two", false},
			"obj":   map[string]any{"k": "v"},
			"empty": []any{},
		},
		"roundtrip":  "[]",
		"bad_is_nil": true,
		"decode_err": "mco.json.decode: invalid character 'n' looking for beginning of object key string",
		"encode_nil": true,
		"encode_err": "mco.json.encode: f: cannot convert a function",
	}
	if !reflect.DeepEqual(rep.Data, want) {
		t.Errorf("data = %#v\nwant %#v", rep.Data, want)
	}
}

func TestModuleExec(t *testing.T) {
	a := start(t, "mco.lua")
	dir := t.TempDir()
	tests := []struct {
		name    string
		argv    []any
		opts    map[string]any
		timeout time.Duration
		want    map[string]any // entries of the reply to check
		errHas  string         // part of the error entry
		maxTime time.Duration
	}{
		{
			name: "echo",
			argv: []any{"/bin/echo", "hello", "world"},
			want: map[string]any{"stdout": "hello world\n", "stderr": "", "exitcode": int64(0), "truncated": false},
		},
		{
			name: "looked up in PATH, numbers as arguments",
			argv: []any{"echo", int64(42), 1.5},
			want: map[string]any{"stdout": "42 1.5\n", "exitcode": int64(0)},
		},
		{
			name: "no shell",
			argv: []any{"echo", "$HOME", "|", "cat"},
			want: map[string]any{"stdout": "$HOME | cat\n"},
		},
		{
			name: "exit code and stderr",
			argv: []any{"ls", "/no/such/path"},
			want: map[string]any{"exitcode": int64(2), "stdout": ""},
		},
		{
			name: "stdin",
			argv: []any{"cat"},
			opts: map[string]any{"stdin": "from stdin"},
			want: map[string]any{"stdout": "from stdin", "exitcode": int64(0)},
		},
		{
			name: "env",
			argv: []any{"printenv", "MARIONETTE_TEST", "LC_ALL"},
			opts: map[string]any{"env": map[string]any{"MARIONETTE_TEST": "set"}},
			want: map[string]any{"stdout": "set\nC\n", "exitcode": int64(0)},
		},
		{
			name: "dir",
			argv: []any{"pwd"},
			opts: map[string]any{"dir": dir},
			want: map[string]any{"stdout": dir + "\n", "exitcode": int64(0)},
		},
		{
			name: "output cap",
			argv: []any{"head", "-c", "3000000", "/dev/zero"},
			want: map[string]any{"stdout_len": int64(execOutputCap), "truncated": true, "exitcode": int64(0)},
		},
		{
			name:   "missing program",
			argv:   []any{"no-such-program-marionette"},
			want:   map[string]any{"exitcode": int64(-1), "stdout": ""},
			errHas: `exec: "no-such-program-marionette": executable file not found in $PATH`,
		},
		{
			name:    "killed at the action's deadline",
			argv:    []any{"sleep", "10"},
			timeout: 300 * time.Millisecond,
			maxTime: 2 * time.Second,
		},
		{
			name:    "killed at its own timeout",
			argv:    []any{"sleep", "10"},
			opts:    map[string]any{"timeout": 0.2},
			want:    map[string]any{"exitcode": int64(-1)},
			errHas:  "killed: timed out after 200ms",
			maxTime: 2 * time.Second,
		},
		{
			name:    "its children are killed too",
			argv:    []any{"sh", "-c", "sleep 10; echo late"},
			opts:    map[string]any{"timeout": 0.2},
			want:    map[string]any{"exitcode": int64(-1), "stdout": ""},
			errHas:  "killed: timed out after 200ms",
			maxTime: 2 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			data := map[string]any{"argv": tt.argv}
			if tt.opts != nil {
				data["opts"] = tt.opts
			}
			begin := time.Now()
			rep := call(t, a, "exec", data, timeout)
			if tt.maxTime > 0 && time.Since(begin) > tt.maxTime {
				t.Errorf("took %v, want under %v", time.Since(begin), tt.maxTime)
			}
			if tt.timeout > 0 {
				wantStatus(t, rep, agent.UnknownError, "mco#exec timed out")
				return
			}
			wantStatus(t, rep, agent.OK, "OK")
			for k, w := range tt.want {
				if got := rep.Data[k]; !reflect.DeepEqual(got, w) {
					t.Errorf("%s = %#v, want %#v", k, got, w)
				}
			}
			if got, _ := rep.Data["error"].(string); !strings.Contains(got, tt.errHas) || (tt.errHas == "") != (got == "") {
				t.Errorf("error = %q, want %q", got, tt.errHas)
			}
		})
	}
}

func TestModuleExecBadArguments(t *testing.T) {
	a := start(t, "mco.lua")
	tests := []struct {
		name string
		data map[string]any
		msg  string
	}{
		{"no argv", map[string]any{}, "bad argument #1 to exec (table expected, got nil)"},
		{"empty argv", map[string]any{"argv": []any{}}, "argv must list the program and its arguments"},
		{"table in argv", map[string]any{"argv": []any{"echo", map[string]any{}}}, "argv[2] is a table, not a string"},
		{"unknown option", map[string]any{"argv": []any{"echo"}, "opts": map[string]any{"shell": true}}, `unknown option "shell"`},
		{"bad timeout", map[string]any{"argv": []any{"echo"}, "opts": map[string]any{"timeout": -1}}, "timeout must be a positive number of seconds"},
		{"bad env", map[string]any{"argv": []any{"echo"}, "opts": map[string]any{"env": map[string]any{"A": map[string]any{}}}}, "env A is a table, not a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, call(t, a, "exec_bad", tt.data, time.Second), agent.UnknownError, tt.msg)
		})
	}
}
