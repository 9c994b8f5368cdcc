package lua

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

func TestSandboxGlobals(t *testing.T) {
	a := start(t, "sandbox.lua")
	rep := call(t, a, "globals", nil, time.Second)
	wantStatus(t, rep, agent.OK, "OK")
	present, _ := rep.Data["present"].(map[string]any)
	for _, name := range []string{
		"io", "os", "debug", "package", "channel", "coroutine",
		"load", "loadstring", "dofile", "loadfile", "module", "collectgarbage", "_printregs",
		"string.dump",
	} {
		if present[name] != false {
			t.Errorf("%s is available in the sandbox", name)
		}
	}
	for _, name := range []string{"require", "print", "pairs", "ipairs", "pcall", "error", "tostring", "setmetatable", "string", "table", "math"} {
		if present[name] != true {
			t.Errorf("%s is missing from the sandbox", name)
		}
	}
}

func TestSandboxRequire(t *testing.T) {
	a := start(t, "sandbox.lua")
	for _, module := range []string{"os", "io", "debug", "package", "coroutine", "channel", "string", "socket", "./testdata/calc"} {
		t.Run(module, func(t *testing.T) {
			rep := call(t, a, "require", map[string]any{"module": module}, time.Second)
			wantStatus(t, rep, agent.OK, "OK")
			want := "module '" + module + "' not found: only the mco module can be required"
			if rep.Data["ok"] != false || !strings.Contains(rep.Data["err"].(string), want) {
				t.Errorf("require(%q) = %v, %v; want an error with %q", module, rep.Data["ok"], rep.Data["err"], want)
			}
		})
	}
	rep := call(t, a, "require_mco_twice", nil, time.Second)
	if rep.Data["same"] != true {
		t.Errorf("require(\"mco\") returned different tables: %v", rep)
	}
}

func TestSandboxLibraries(t *testing.T) {
	a := start(t, "sandbox.lua")
	rep := call(t, a, "libs", nil, time.Second)
	wantStatus(t, rep, agent.OK, "OK")
	want := map[string]any{"upper": "ABC", "floor": int64(2), "joined": "a,b", "sorted": []any{int64(1), int64(2), int64(3)}, "method": "xxx"}
	if !reflect.DeepEqual(rep.Data, want) {
		t.Errorf("data = %#v, want %#v", rep.Data, want)
	}
}

func TestCheckFormat(t *testing.T) {
	tests := []struct {
		format string
		ok     bool
	}{
		{"plain", true},
		{"%d %s %5.2f %-10s %%", true},
		{"%99d %.99f %+05d %#x", true},
		{"%100d", false},
		{"%.100f", false},
		{"%*d", false},
		{"%[2]d", false},
		{"%%100d", true},
		{"%", true},
	}
	for _, tt := range tests {
		if err := checkFormat(tt.format); (err == nil) != tt.ok {
			t.Errorf("checkFormat(%q) = %v, want ok=%v", tt.format, err, tt.ok)
		}
	}
}
