package agenttest

import (
	"context"
	"reflect"
	"testing"
)

func TestHostFact(t *testing.T) {
	h := NewHost().SetFacts(map[string]any{
		"os":         map[string]any{"release": map[string]any{"major": "12"}},
		"dotted.key": "whole",
		"dotted":     map[string]any{"key": "nested"},
	})
	for _, tc := range []struct {
		name   string
		want   any
		wantOK bool
	}{
		{"os.release.major", "12", true},
		{"os.release", map[string]any{"major": "12"}, true},
		{"dotted.key", "whole", true},
		{"os.nosuch", nil, false},
		{"nosuch", nil, false},
	} {
		got, ok, err := h.Fact(context.Background(), tc.name)
		if err != nil || ok != tc.wantOK || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Fact(%s) = %#v %v %v, want %#v %v", tc.name, got, ok, err, tc.want, tc.wantOK)
		}
	}
}

func TestHostDefaultsAndSetters(t *testing.T) {
	ctx := context.Background()
	h := NewHost().SetConfig("loglevel", "debug").SetClasses("a", "b").SetStats(map[string]any{"total": 1})
	h.SetDataPlugin("sysinfo", func(context.Context, string) (map[string]any, error) { return map[string]any{"x": 1}, nil })
	if id, _ := h.Identity(ctx); id != "node1.example.net" {
		t.Errorf("identity %q", id)
	}
	if v, ok, _ := h.Config(ctx, "loglevel"); v != "debug" || !ok {
		t.Errorf("config %q %v", v, ok)
	}
	if _, ok, _ := h.Config(ctx, "nosuch"); ok {
		t.Error("unknown config item found")
	}
	if c, _ := h.Classes(ctx); !reflect.DeepEqual(c, []string{"a", "b"}) {
		t.Errorf("classes %v", c)
	}
	inv, _ := h.Inventory(ctx)
	if inv.Version != "2.12.5" || inv.MainCollective != "mcollective" || !reflect.DeepEqual(inv.DataPlugins, []string{"sysinfo"}) {
		t.Errorf("inventory %+v", inv)
	}
	if out, err := h.DataQuery(ctx, "sysinfo", ""); err != nil || out["x"] != 1 {
		t.Errorf("data query %v %v", out, err)
	}
	if _, err := h.DataQuery(ctx, "nosuch", ""); err == nil {
		t.Error("unknown data plugin answered")
	}
}
