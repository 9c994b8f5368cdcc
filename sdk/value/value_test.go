package value

import (
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestValueRoundTrip(t *testing.T) {
	type point struct {
		X int     `json:"x"`
		Y float64 `json:"y"`
	}
	for _, tc := range []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"string", "héllo", "héllo"},
		{"bool", true, true},
		{"int", 42, int64(42)},
		{"int8", int8(-3), int64(-3)},
		{"uint32", uint32(7), int64(7)},
		{"max int64", int64(math.MaxInt64), int64(math.MaxInt64)},
		{"min int64", int64(math.MinInt64), int64(math.MinInt64)},
		{"uint64 beyond int64", uint64(math.MaxUint64), float64(math.MaxUint64)},
		{"whole float stays a float", 1.0, 1.0},
		{"float", 2.5, 2.5},
		{"negative zero float", math.Copysign(0, -1), math.Copysign(0, -1)},
		{"large float", 1e21, 1e21},
		{"small float", 1.5e-7, 1.5e-7},
		{"float32", float32(0.5), 0.5},
		{"list", []any{1, "a", 2.0, nil}, []any{int64(1), "a", 2.0, nil}},
		{"typed slice", []string{"a", "b"}, []any{"a", "b"}},
		{"float slice", []float64{1, 2.5}, []any{1.0, 2.5}},
		{"nil slice", []string(nil), nil},
		{"map", map[string]any{"a": 1, "b": map[string]any{"c": 3.0}}, map[string]any{"a": int64(1), "b": map[string]any{"c": 3.0}}},
		{"typed map", map[string]int{"a": 1}, map[string]any{"a": int64(1)}},
		{"pointer", new(int), int64(0)},
		{"struct", point{1, 2}, map[string]any{"x": int64(1), "y": int64(2)}},
		{"big int", big.NewInt(5), int64(5)},
		{"bytes", []byte("hi"), "aGk="},
		{"time", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02T03:04:05Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Encode(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%s: got %#v (%T), want %#v (%T)", b, got, got, tc.want, tc.want)
			}
			if f, ok := tc.want.(float64); ok && math.Signbit(f) != math.Signbit(got.(float64)) {
				t.Fatalf("sign lost: %s", b)
			}
		})
	}
}

func TestEncodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"NaN", math.NaN(), "unsupported float NaN"},
		{"infinity in a map", map[string]any{"x": []any{math.Inf(1)}}, `key "x": index 0: unsupported float +Inf`},
		{"channel", make(chan int), "unsupported type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Encode(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Encode: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestDecodeObject(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    map[string]any
		wantErr string
	}{
		{"empty input", "", map[string]any{}, ""},
		{"null", "null", map[string]any{}, ""},
		{"object", `{"a":1,"b":1.0,"c":1e2}`, map[string]any{"a": int64(1), "b": 1.0, "c": 100.0}, ""},
		{"array", `[1]`, nil, "not an object"},
		{"trailing data", `{} {}`, nil, "trailing data"},
		{"broken", `{"a":`, nil, "decode value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeObject([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("DecodeObject: %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("DecodeObject = %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
}

func TestEncodeObjectNil(t *testing.T) {
	b, err := EncodeObject(nil)
	if err != nil || string(b) != "{}" {
		t.Fatalf("EncodeObject(nil) = %s, %v", b, err)
	}
}
