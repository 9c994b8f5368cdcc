package marshal

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLengthBombs checks that a declared length or count the input cannot
// back is refused before anything is allocated for it.
func TestLengthBombs(t *testing.T) {
	const huge = "04 ffffff7f" // 2^31-1
	tests := []struct{ name, in string }{
		{"string", "0408 22" + huge},
		{"ivar string", "0408 49 22" + huge},
		{"symbol", "0408 3a" + huge},
		{"float", "0408 66" + huge},
		{"regexp", "0408 2f" + huge},
		{"bignum", "0408 6c 2b" + huge},
		{"array", "0408 5b" + huge},
		{"hash", "0408 7b" + huge},
		{"hash default", "0408 7d" + huge},
		{"ivar count", "0408 49 22 00" + huge},
		{"nested array", "0408 5b 0a 5b" + huge + " 30 30 30 30"},
		{"array of twice the input", "0408 5b 0e 30 30 30 30 30"},
		{"hash of the input", "0408 7b 09 30 30 30 30 30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := hx(t, tt.in)
			var err error
			n := allocated(func() { _, err = Unmarshal(in) })
			if !errors.Is(err, ErrTruncated) {
				t.Fatalf("Unmarshal: %v; want ErrTruncated", err)
			}
			if n > 64<<10 {
				t.Fatalf("Unmarshal allocated %d bytes on a %d-byte input", n, len(in))
			}
		})
	}
}

// nested returns n Arrays nested in each other around inner.
func nested(n int, inner string) string {
	return "0408" + strings.Repeat("5b06", n) + inner
}

func TestLimits(t *testing.T) {
	// A String of 10000 bytes, then levels that each link the level
	// before twice: tiny input, exponential value.
	laughs := func(levels int, str int) string {
		s := "0408 5b" + longHex(levels+1) + "22" + longHex(str) + strings.Repeat("78", str)
		for i := range levels {
			s += "5b07 40" + longHex(i+1) + "40" + longHex(i+1)
		}
		return s
	}
	tests := []struct {
		name string
		in   string
		lim  Limits
		err  string // "" for success
	}{
		{name: "depth 64", in: nested(63, "30")},
		{name: "depth 65", in: nested(64, "30"), err: "MaxDepth 64"},
		{name: "deep bomb", in: nested(100000, "30"), err: "MaxDepth 64"},
		{name: "depth raised", in: nested(1000, "30"), lim: Limits{MaxDepth: 1001}},
		{name: "depth lowered", in: nested(3, "30"), lim: Limits{MaxDepth: 3}, err: "MaxDepth 3"},
		{name: "hash depth", in: "0408 7b06 30" + strings.TrimPrefix(nested(63, "30"), "0408"), err: "MaxDepth 64"},
		{name: "ivar depth 64", in: nested(62, "49 22 00 06 3a 0d 656e636f64696e67 22 06 78")},
		{name: "ivar depth", in: nested(63, "49 22 00 06 3a 0d 656e636f64696e67 22 06 78"), err: "MaxDepth 64"},
		{name: "elements", in: "0408 5b 0f" + strings.Repeat("30", 10), lim: Limits{MaxElements: 11}},
		{name: "elements exceeded", in: "0408 5b 0f" + strings.Repeat("30", 10), lim: Limits{MaxElements: 10}, err: "MaxElements 10"},
		{name: "hash elements", in: "0408 7b 08" + strings.Repeat("30", 6), lim: Limits{MaxElements: 6}, err: "MaxElements 6"},
		{name: "bytes", in: "0408 22 08 616263", lim: Limits{MaxBytes: 6}, err: "MaxBytes 6"},
		{name: "laughs elements", in: laughs(30, 1), err: "MaxElements"},
		{name: "laughs bytes", in: laughs(14, 10000), err: "MaxBytes"},
		{name: "laughs within limits", in: laughs(8, 100)},
		// [[[...nil...]] 40 deep, [[...@1...]] 40 deep]: the link copies 40
		// levels at depth 42.
		{name: "link depth", in: "0408 5b07" + strings.TrimPrefix(nested(40, "30"), "0408") +
			strings.TrimPrefix(nested(40, "4006"), "0408"), err: "nests deeper than MaxDepth 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := hx(t, tt.in)
			_, err := UnmarshalLimits(in, tt.lim)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Unmarshal: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Unmarshal: %v; want ErrLimit mentioning %q", err, tt.err)
			}
		})
	}
}

// longHex renders Marshal's packed integer for 0 <= n < 65536.
func longHex(n int) string {
	const digits = "0123456789abcdef"
	h := func(b int) string { return string([]byte{digits[b>>4], digits[b&15]}) }
	switch {
	case n == 0:
		return "00"
	case n < 123:
		return h(n + 5)
	case n < 256:
		return "01" + h(n)
	}
	return "02" + h(n&255) + h(n>>8)
}

// allVectors returns every valid Marshal input in testdata.
func allVectors(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.bin"))
	for _, f := range files {
		out[filepath.Base(f)] = readFile(t, filepath.Base(f))
	}
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, "extra.txt"))), "\n") {
		name, h, _ := strings.Cut(line, " ")
		out["extra/"+name] = mustHex(t, h)
	}
	for _, e := range loadEnvelopes(t) {
		out["envelope/"+e.Case] = e.Body
		out["inner/"+e.Case] = e.InnerBody
	}
	return out
}

// TestTruncated cuts every vector at every length: each prefix must fail
// with ErrTruncated and an offset inside the input, never panic.
func TestTruncated(t *testing.T) {
	for name, data := range allVectors(t) {
		for n := range len(data) {
			_, err := Unmarshal(data[:n])
			var e *Error
			if !errors.Is(err, ErrTruncated) || !errors.As(err, &e) || e.Offset > n {
				t.Fatalf("%s cut to %d bytes: %v; want ErrTruncated within the input", name, n, err)
			}
		}
	}
}

// TestResultDoesNotAliasInput checks decoded bytes are copies.
func TestResultDoesNotAliasInput(t *testing.T) {
	in := hx(t, "0408 5b08 22 06 61 49 22 06 62 06 3a 0d 656e636f64696e67 22 06 58 2f 06 63 00")
	v, err := Unmarshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{[]byte("a"), es("b", "X"), Regexp{"c", 0}}
	for i := range in {
		in[i] = 0
	}
	if !equal(v, want) {
		t.Fatalf("after clearing the input: %s", show(v))
	}
}
