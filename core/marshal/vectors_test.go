package marshal

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// referenceValues gives the Go value of every Marshal.dump vector in
// testdata (NAME.bin with NAME.json, from Ruby 3.1 and MCollective's tools).
var referenceValues = map[string]any{
	"nil":           nil,
	"true":          true,
	"false":         false,
	"int_0":         int64(0),
	"int_1":         int64(1),
	"int_122":       int64(122),
	"int_123":       int64(123),
	"int_255":       int64(255),
	"int_256":       int64(256),
	"int_65535":     int64(65535),
	"int_2p30m1":    int64(1<<30 - 1),
	"int_2p30":      int64(1 << 30),
	"int_2p31":      int64(1 << 31),
	"int_2p62":      int64(1 << 62),
	"int_2p64":      bigInt("18446744073709551616"),
	"int_m1":        int64(-1),
	"int_m123":      int64(-123),
	"int_m124":      int64(-124),
	"int_m256":      int64(-256),
	"int_m257":      int64(-257),
	"int_m2p62":     int64(-1 << 62),
	"float_1_5":     1.5,
	"float_1e100":   1e100,
	"float_m0":      math.Copysign(0, -1),
	"str_ascii":     "ascii",
	"str_utf8":      "UTF-8 text é",
	"str_usascii":   ASCII("plain"),
	"str_binary":    []byte("\x00\xff\x80bin"),
	"sym_foo":       Symbol("foo"),
	"array_empty":   []any{},
	"array_symlink": []any{Symbol("foo"), Symbol("foo")},
	"array_objlink": []any{"shared", "shared"},
	"hash_empty":    NewHash(0),
	"hash_default":  &Hash{Keys: []any{Symbol("a")}, Values: []any{int64(1)}, Default: int64(5), HasDefault: true},
	"hash_nested": hash(
		Symbol("agent"), "discovery",
		"fact", []any{hash(Symbol("fact"), "role", "value", "web")},
		Symbol("data"), hash(Symbol("process_results"), true, "n", int64(1)),
	),
}

// referenceVector is the part of NAME.json the tests use.
type referenceVector struct {
	Name  string `json:"name"`
	Hex   string `json:"hex"`
	Value string `json:"value"`
}

// TestReferenceVectors decodes every Ruby vector to its Go value and
// encodes the value back to Ruby's exact bytes.
func TestReferenceVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.bin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".bin")
		t.Run(name, func(t *testing.T) {
			want, ok := referenceValues[name]
			if !ok {
				t.Fatalf("no expected value for vector %s", name)
			}
			data := readFile(t, name+".bin")
			var ref referenceVector
			if err := json.Unmarshal(readFile(t, name+".json"), &ref); err != nil {
				t.Fatal(err)
			}
			if ref.Hex != hex.EncodeToString(data) {
				t.Fatalf("%s.json hex %s does not match %s.bin", name, ref.Hex, name)
			}
			got, err := Unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !equal(got, want) {
				t.Fatalf("Unmarshal = %s, want %s", show(got), show(want))
			}
			checkRubyValue(t, ref.Value, got)
			out, err := Marshal(want)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if name == "array_objlink" {
				// Ruby links the second "shared"; Marshal writes a copy.
				data = mustHex(t, "04085b0749220b736861726564063a064554"+"49220b736861726564063b0054")
			}
			if !bytes.Equal(out, data) {
				t.Fatalf("Marshal = %x, want %x", out, data)
			}
		})
	}
}

// checkRubyValue checks a number against the "value" field Ruby wrote.
func checkRubyValue(t *testing.T, rubyValue string, got any) {
	t.Helper()
	if rubyValue == "" {
		return
	}
	switch g := got.(type) {
	case float64:
		if want := rubyFloat(t, rubyValue); math.Float64bits(g) != math.Float64bits(want) {
			t.Errorf("Float %v, Ruby says %s", g, rubyValue)
		}
	default:
		if n, ok := Int(got); ok {
			if s := bigInt(rubyValue); !s.IsInt64() || s.Int64() != n {
				t.Errorf("Integer %d, Ruby says %s", n, rubyValue)
			}
		} else if s := bigInt(rubyValue); !equal(got, s) {
			t.Errorf("Integer %s, Ruby says %s", show(got), rubyValue)
		}
	}
}

// rubyFloat parses Float#inspect text such as "1.0e+100" or "-0.0".
func rubyFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := parseFloat([]byte(s))
	if err != nil {
		t.Fatalf("bad Ruby float %q: %v", s, err)
	}
	return f
}
