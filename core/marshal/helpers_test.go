package marshal

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"testing"
)

// equal compares decoded values: floats bit for bit (so NaN equals NaN and
// -0 differs from 0), big integers by value, hashes by order, keys, values
// and default.
func equal(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case EncodedString:
		y, ok := b.(EncodedString)
		return ok && x.Encoding == y.Encoding && bytes.Equal(x.Value, y.Value)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Hash:
		y, ok := b.(*Hash)
		if !ok || x.Len() != y.Len() || x.HasDefault != y.HasDefault || !equal(x.Default, y.Default) {
			return false
		}
		for i := range x.Keys {
			if !equal(x.Keys[i], y.Keys[i]) || !equal(x.Values[i], y.Values[i]) {
				return false
			}
		}
		return true
	case nil, bool, int64, string, ASCII, Symbol, Regexp:
		return a == b
	}
	panic(fmt.Sprintf("equal: unexpected type %T", a))
}

// show renders a decoded value for failure messages.
func show(v any) string {
	switch x := v.(type) {
	case *Hash:
		if x == nil {
			return "(*Hash)(nil)"
		}
		var b bytes.Buffer
		b.WriteString("{")
		for i := range x.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=>%s", show(x.Keys[i]), show(x.Values[i]))
		}
		if x.HasDefault {
			fmt.Fprintf(&b, " default %s", show(x.Default))
		}
		b.WriteString("}")
		return b.String()
	case []any:
		var b bytes.Buffer
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(show(e))
		}
		b.WriteString("]")
		return b.String()
	}
	return fmt.Sprintf("%T(%#v)", v, v)
}

// mustHex decodes a hex string in a test table.
func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// readFile reads a file under testdata.
func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bigInt parses a decimal integer for a test table.
func bigInt(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad integer " + s)
	}
	return n
}

// hash builds a Hash from alternating keys and values.
func hash(kv ...any) *Hash {
	h := NewHash(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}
