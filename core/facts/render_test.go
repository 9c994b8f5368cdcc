package facts

import (
	"math"
	"reflect"
	"testing"
)

// The expected strings were produced by Ruby 3.1 (to_s and inspect).
func TestString(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"string", "web", "web"},
		{"nil", nil, ""},
		{"true", true, "true"},
		{"false", false, "false"},
		{"int", 1, "1"},
		{"negative", int64(-2), "-2"},
		{"uint64 max", uint64(math.MaxUint64), "18446744073709551615"},
		{"float one", 1.0, "1.0"},
		{"float", 1.5, "1.5"},
		{"float 1e14", 1e14, "100000000000000.0"},
		{"float 1e15", 1e15, "1.0e+15"},
		{"float 1e16", 1e16, "1.0e+16"},
		{"float 1.5e15", 1.5e15, "1.5e+15"},
		{"float 1e-4", 0.0001, "0.0001"},
		{"float 1.5e-4", 0.00015, "0.00015"},
		{"float 1e-5", 0.00001, "1.0e-05"},
		{"float 1e100", 1e100, "1.0e+100"},
		{"float 5e-324", 5e-324, "5.0e-324"},
		{"float third", 1.0 / 3, "0.3333333333333333"},
		{"float 2^62", math.Pow(2, 62), "4.611686018427388e+18"},
		{"neg zero", math.Copysign(0, -1), "-0.0"},
		{"inf", math.Inf(1), "Infinity"},
		{"list", []any{1, "two"}, `["1", "two"]`},
		{"map", map[string]any{"k": "v", "a": []any{"b", map[string]any{"c": "d"}}}, `{"a"=>["b", {"c"=>"d"}], "k"=>"v"}`},
		{"escapes", []any{"a", "b\"c", "\n", "é", "\x01", "#{x}", "\x1b"}, `["a", "b\"c", "\n", "é", "\u0001", "\#{x}", "\e"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := String(tc.in); got != tc.want {
				t.Errorf("String(%#v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	in := map[string]any{"a": 1, "b": []any{true, nil, 1.5}, "c": map[string]any{"d": int64(2)}}
	want := map[string]any{"a": "1", "b": []any{"true", "", "1.5"}, "c": map[string]any{"d": "2"}}
	if got := Normalize(in); !reflect.DeepEqual(got, want) {
		t.Errorf("Normalize = %#v, want %#v", got, want)
	}
}
