package marshal

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestRubyFloats checks every Float in testdata/floats.txt (gen-floats.rb:
// powers of ten and two, boundaries of the layouts, subnormals and random
// bit patterns, as Ruby 3.1 dumps them): decoding gives the exact bits and
// encoding gives Ruby's exact text.
func TestRubyFloats(t *testing.T) {
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, "floats.txt")))
	n := 0
	for sc.Scan() {
		bitsHex, dumpHex, _ := strings.Cut(sc.Text(), " ")
		f := math.Float64frombits(binary.BigEndian.Uint64(mustHex(t, bitsHex)))
		data := mustHex(t, dumpHex)
		n++
		got, err := Unmarshal(data)
		if err != nil {
			t.Errorf("Unmarshal(%x): %v", data, err)
			continue
		}
		g, _ := got.(float64)
		if math.IsNaN(f) && !math.IsNaN(g) || !math.IsNaN(f) && math.Float64bits(g) != math.Float64bits(f) {
			t.Errorf("Unmarshal(%q) = %v, want %v", data[4:], got, f)
		}
		out, err := Marshal(f)
		if err != nil || !bytes.Equal(out, data) {
			t.Errorf("Marshal(%v) = %q, %v; Ruby wrote %q", f, out, err, data)
		}
	}
	if n < 1000 {
		t.Fatalf("only %d floats read", n)
	}
}

func TestFloatText(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  bool
	}{
		{in: "1.5", want: 1.5},
		{in: "-0", want: math.Copysign(0, -1)},
		{in: "0", want: 0},
		{in: "1e100", want: 1e100},
		{in: "1.0e-05", want: 1e-5},
		{in: "1E+2", want: 100},
		{in: "inf", want: math.Inf(1)},
		{in: "-inf", want: math.Inf(-1)},
		{in: "1e400", want: math.Inf(1)},
		{in: "-1e400", want: math.Inf(-1)},
		{in: "1e-400", want: 0},
		{in: "", err: true},
		{in: "x", err: true},
		{in: "Inf", err: true},
		{in: "NaN", err: true},
		{in: "0x1p3", err: true},
		{in: "1_0", err: true},
		{in: "1e", err: true},
		{in: "1.5\x00\x01", err: true},
		{in: " 1", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseFloat([]byte(tt.in))
			if tt.err {
				if !errors.Is(err, errFloatText) {
					t.Fatalf("parseFloat = %v, %v; want an error", got, err)
				}
				return
			}
			if err != nil || math.Float64bits(got) != math.Float64bits(tt.want) {
				t.Fatalf("parseFloat = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if got, err := parseFloat([]byte("nan")); err != nil || !math.IsNaN(got) {
		t.Fatalf(`parseFloat("nan") = %v, %v`, got, err)
	}
}
