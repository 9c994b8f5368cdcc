package marshal

import (
	"strings"
	"testing"
)

// flatGeneric is the value Unmarshal gives for a flat value.
func flatGeneric(v FlatValue) any {
	switch v.Kind {
	case FlatBool:
		return v.Bool
	case FlatInt:
		return v.Int
	case FlatSymbol:
		return Symbol(v.Text)
	case FlatString:
		return stringValue(v.Text, v.Encoding)
	}
	return nil
}

// checkFlat checks ReadFlatHash against Unmarshal on data: when it reads
// data, Unmarshal must give the same Hash, the last of repeated keys
// winning. It reports whether ReadFlatHash read data.
func checkFlat(t *testing.T, data []byte) bool {
	t.Helper()
	pairs, ok := ReadFlatHash(data, nil)
	if !ok {
		return false
	}
	v, err := Unmarshal(data)
	if err != nil {
		t.Fatalf("ReadFlatHash read %x, Unmarshal fails: %v", data, err)
	}
	h, isHash := v.(*Hash)
	if !isHash || h.HasDefault {
		t.Fatalf("ReadFlatHash read %x, Unmarshal gives %s", data, show(v))
	}
	want := NewHash(len(pairs))
	for _, p := range pairs {
		want.Set(Symbol(p.Key), flatGeneric(p.Value))
	}
	if !equal(want, h) {
		t.Fatalf("ReadFlatHash gives %s, Unmarshal %s", show(want), show(h))
	}
	return true
}

// TestReadFlatHashEnvelopes reads every captured reply envelope flat, and
// agrees with Unmarshal on every vector and every prefix of one.
func TestReadFlatHashEnvelopes(t *testing.T) {
	for _, e := range loadEnvelopes(t) {
		if strings.Contains(e.Case, "reply") && !checkFlat(t, e.Body) {
			t.Errorf("%s: reply envelope not read flat", e.Case)
		}
	}
	for name, data := range allVectors(t) {
		t.Run(name, func(t *testing.T) {
			for n := range len(data) + 1 {
				checkFlat(t, data[:n])
			}
		})
	}
}

func TestReadFlatHash(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		flat bool
	}{
		{"empty", "04087b00", true},
		{"scalars", "04087b0c3a0661303a066254" + "3a0663690a" + "3a06646c2b07ffffffff" + "3a0665220678" + "3a066649220679063a064554" + "3a066746", true},
		{"symbol value and link", "04087b073a06613a06623a06633b06", true},
		{"repeated key", "04087b073a0661690a3b0069fa", true},
		{"binary and US-ASCII", "04087b073a066122067a3a066249220661063a064546", true},
		{"negative bignum", "04087b063a06616c2d07ffffffff", true},
		{"min int64", "04087b063a06616c2d090000000000000080", true},
		{"bignum too large", "04087b063a06616c2b090000000000000080", false},
		{"string key", "04087b06220661690a", false},
		{"default", "04087d063a0661690a30", false},
		{"object link", "04087b073a066122067a3a06624006", false},
		{"encoding name", "04087b063a066149220678063a0d656e636f64696e67220b4555432d4a50", false},
		{"float", "04087b063a0661660631", false},
		{"nested", "04087b063a06615b00", false},
		{"trailing byte", "04087b0030", false},
		{"bad E", "04087b063a066149220678063a0645690a", false},
		{"dangling symlink", "04087b063b0730", false},
		{"array", "04085b00", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkFlat(t, mustHex(t, tc.hex)); got != tc.flat {
				_, err := Unmarshal(mustHex(t, tc.hex))
				t.Fatalf("read flat %v, want %v (Unmarshal: %v)", got, tc.flat, err)
			}
		})
	}
}

func TestReadFlatHashAllocatesNothing(t *testing.T) {
	env := loadEnvelopes(t)
	var data []byte
	for _, e := range env {
		if strings.Contains(e.Case, "ping-reply") {
			data = e.Body
		}
	}
	var buf [8]FlatPair
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := ReadFlatHash(data, buf[:0]); !ok {
			t.Fatal("not read flat")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per read", allocs)
	}
}

// FuzzReadFlatHash checks ReadFlatHash against Unmarshal.
func FuzzReadFlatHash(f *testing.F) {
	for _, data := range allVectors(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFlat(t, data) })
}
