package marshal

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
)

// TestMarshalConveniences checks the Go types Marshal takes beyond the
// mapping, by the model value each must encode like.
func TestMarshalConveniences(t *testing.T) {
	tests := []struct {
		name string
		in   any
		like any
	}{
		{name: "int", in: 5, like: int64(5)},
		{name: "int big", in: 1 << 40, like: int64(1 << 40)},
		{name: "int8", in: int8(-100), like: int64(-100)},
		{name: "int16", in: int16(300), like: int64(300)},
		{name: "int32", in: int32(-1 << 31), like: int64(-1 << 31)},
		{name: "uint", in: uint(7), like: int64(7)},
		{name: "uint8", in: uint8(255), like: int64(255)},
		{name: "uint16", in: uint16(65535), like: int64(65535)},
		{name: "uint32", in: uint32(1<<32 - 1), like: int64(1<<32 - 1)},
		{name: "uint64 max", in: uint64(math.MaxUint64), like: bigInt("18446744073709551615")},
		{name: "uintptr", in: uintptr(9), like: int64(9)},
		{name: "big small", in: big.NewInt(-3), like: int64(-3)},
		{name: "float32", in: float32(1.5), like: 1.5},
		{name: "strings", in: []string{"a", "b"}, like: []any{"a", "b"}},
		{name: "nil strings", in: []string(nil), like: []any{}},
		{name: "nil array", in: []any(nil), like: []any{}},
		{name: "nil hash", in: (*Hash)(nil), like: NewHash(0)},
		{name: "string map", in: map[string]any{"b": 2, "a": []string{"x"}, "c": nil},
			like: hash("a", []any{"x"}, "b", int64(2), "c", nil)},
		{name: "encoded UTF-8", in: EncodedString{Value: []byte("é"), Encoding: "utf-8"}, like: "é"},
		{name: "encoded US-ASCII", in: EncodedString{Value: []byte("a"), Encoding: "US-ASCII"}, like: ASCII("a")},
		{name: "encoded binary", in: EncodedString{Value: []byte("a"), Encoding: "BINARY"}, like: []byte("a")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			want, err := Marshal(tt.like)
			if err != nil {
				t.Fatalf("Marshal(like): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Marshal = %x, want %x", got, want)
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	cyclic := NewHash(1)
	cyclic.Set("self", cyclic)
	deep := any(nil)
	for range maxMarshalDepth {
		deep = []any{deep}
	}
	tests := []struct {
		name string
		in   any
		want string
	}{
		{name: "struct", in: struct{}{}, want: "unsupported type: Go type struct {}"},
		{name: "int map", in: map[int]any{}, want: "Go type map[int]interface {}"},
		{name: "nested", in: []any{"ok", 1, []any{make(chan int)}}, want: "Go type chan int"},
		{name: "nil big", in: (*big.Int)(nil), want: "nil *big.Int"},
		{name: "empty encoding", in: EncodedString{Value: []byte("x")}, want: `encoding name ""`},
		{name: "NUL in encoding", in: EncodedString{Encoding: "a\x00"}, want: `encoding name "a\x00"`},
		{name: "ragged hash", in: &Hash{Keys: []any{1}}, want: "1 keys and 0 values"},
		{name: "cyclic", in: cyclic, want: "cyclic"},
		{name: "too deep", in: deep, want: "deeper than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Marshal = %x, %v; want an error containing %q", got, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "marshal: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	if _, err := Marshal(struct{}{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unsupported type error %v does not wrap ErrUnsupported", err)
	}
}

// TestMarshalDepthLimit checks the deepest value Marshal writes.
func TestMarshalDepthLimit(t *testing.T) {
	deep := any(nil)
	for range maxMarshalDepth - 1 {
		deep = []any{deep}
	}
	if _, err := Marshal(deep); err != nil {
		t.Fatalf("Marshal of %d levels: %v", maxMarshalDepth, err)
	}
}

// TestMarshalManySymbols checks Symbol links past the Symbols the encoder
// scans before it indexes them in a map: every repeat is a link to the
// first occurrence, and the value reads back.
func TestMarshalManySymbols(t *testing.T) {
	h := NewHash(0)
	for i := range 40 {
		h.Set(Symbol(fmt.Sprintf("k%02d", i)), Symbol(fmt.Sprintf("k%02d", i%20)))
	}
	b, err := Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	// 40 keys, each written once, and 40 values that all link to a key.
	if n := bytes.Count(b, []byte{';'}); n != 40 {
		t.Errorf("%d symbol links, want 40", n)
	}
	v, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got := v.(*Hash)
	for i := range 40 {
		if x, _ := got.Get(Symbol(fmt.Sprintf("k%02d", i))); x != Symbol(fmt.Sprintf("k%02d", i%20)) {
			t.Errorf("k%02d = %v", i, x)
		}
	}
}
