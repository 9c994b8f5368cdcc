package marshal

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// hx decodes hex written with spaces for readability.
func hx(t testing.TB, s string) []byte {
	t.Helper()
	return mustHex(t, strings.ReplaceAll(s, " ", ""))
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		cause  error
		offset int
		msg    string
	}{
		{name: "empty", in: "", cause: ErrTruncated, offset: 0},
		{name: "half header", in: "04", cause: ErrTruncated, offset: 1},
		{name: "version", in: "0409 30", cause: ErrSyntax, offset: 0, msg: "version 4.9"},
		{name: "no value", in: "0408", cause: ErrTruncated, offset: 2},
		{name: "trailing", in: "0408 30 30", cause: ErrSyntax, offset: 3, msg: "1 trailing bytes"},
		{name: "object", in: "0408 6f 3a 06 41 00", cause: ErrUnsupported, offset: 2, msg: `'o' (Object)`},
		{name: "user dump", in: "0408 75 3a 06 41 00", cause: ErrUnsupported, offset: 2, msg: `'u' (user type (_dump))`},
		{name: "user marshal", in: "0408 55 3a 06 41 30", cause: ErrUnsupported, offset: 2, msg: `'U'`},
		{name: "class", in: "0408 63 06 41", cause: ErrUnsupported, offset: 2, msg: `'c' (Class)`},
		{name: "module", in: "0408 6d 06 41", cause: ErrUnsupported, offset: 2, msg: `'m' (Module)`},
		{name: "old module", in: "0408 4d 06 41", cause: ErrUnsupported, offset: 2, msg: `'M'`},
		{name: "extended", in: "0408 65 3a 06 41 30", cause: ErrUnsupported, offset: 2, msg: `'e' (extended object)`},
		{name: "struct", in: "0408 53 3a 06 41 00", cause: ErrUnsupported, offset: 2, msg: `'S' (Struct)`},
		{name: "data", in: "0408 64 3a 06 41 30", cause: ErrUnsupported, offset: 2, msg: `'d'`},
		{name: "user class", in: "0408 43 3a 06 41 22 00", cause: ErrUnsupported, offset: 2, msg: `'C' (user subclass)`},
		{name: "unknown byte", in: "0408 01", cause: ErrUnsupported, offset: 2, msg: "0x01 (unknown)"},
		{name: "nested object", in: "0408 5b 07 30 6f", cause: ErrUnsupported, offset: 5},
		{name: "ivar on array", in: "0408 49 5b 00 00", cause: ErrUnsupported, offset: 3, msg: "instance variables on type byte '['"},
		{name: "ivar on link", in: "0408 5b 07 5b 00 49 40 06 00", cause: ErrUnsupported, offset: 7},
		{name: "unknown ivar", in: "0408 49 22 06 61 06 3a 07 40 78 54", cause: ErrUnsupported, offset: 7, msg: `instance variable "@x"`},
		{name: "E not bool", in: "0408 49 22 06 61 06 3a 06 45 30", cause: ErrSyntax, offset: 10, msg: "want true or false"},
		{name: "encoding not string", in: "0408 49 22 06 61 06 3a 0d 656e636f64696e67 69 06", cause: ErrSyntax, offset: 17},
		{name: "encoding empty", in: "0408 49 22 06 61 06 3a 0d 656e636f64696e67 22 00", cause: ErrSyntax, offset: 17},
		{name: "ivar key not symbol", in: "0408 49 22 06 61 06 69 06 54", cause: ErrSyntax, offset: 7, msg: "want a Symbol"},
		{name: "negative length", in: "0408 22 fa", cause: ErrSyntax, offset: 2, msg: "negative length -1"},
		{name: "negative count", in: "0408 5b fa", cause: ErrSyntax, offset: 2, msg: "negative size"},
		{name: "symlink", in: "0408 5b 07 3a 06 61 3b 06", cause: ErrSyntax, offset: 7, msg: "Symbol link to index 1, 1 symbols"},
		{name: "object link", in: "0408 5b 07 30 40 06", cause: ErrSyntax, offset: 5, msg: "object link to index 1, 1 objects"},
		{name: "recursive", in: "0408 5b 06 40 00", cause: ErrUnsupported, offset: 4, msg: "recursive"},
		{name: "bignum sign", in: "0408 6c 3f 06 00 01", cause: ErrSyntax, offset: 3, msg: "Bignum sign"},
		{name: "float text", in: "0408 66 06 78", cause: ErrSyntax, offset: 2, msg: `Float "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Unmarshal(hx(t, tt.in))
			if !errors.Is(err, tt.cause) {
				t.Fatalf("Unmarshal = %s, %v; want %v", show(v), err, tt.cause)
			}
			var e *Error
			if !errors.As(err, &e) || e.Offset != tt.offset {
				t.Fatalf("error %v: want offset %d", err, tt.offset)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

// TestUnmarshalLeniency lists forms Ruby never writes but reads, which
// Unmarshal reads too.
func TestUnmarshalLeniency(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{name: "long fixnum", in: "0408 69 01 00", want: int64(0)},
		{name: "negative long fixnum", in: "0408 69 ff ff", want: int64(-1)},
		{name: "4-byte fixnum", in: "0408 69 04 ffffffff", want: int64(1<<32 - 1)},
		{name: "small bignum", in: "0408 6c 2b 06 0500", want: int64(5)},
		{name: "zero bignum", in: "0408 6c 2d 00", want: int64(0)},
		{name: "ivar without encoding", in: "0408 49 22 06 61 00", want: []byte("a")},
		{name: "utf-8 by name", in: "0408 49 22 06 61 06 3a 0d 656e636f64696e67 22 0a 7574662d38", want: "a"},
		{name: "linked encoding name", in: "0408 5b 07 49 22 06 61 06 3a 0d 656e636f64696e67 22 08 4b4f49 49 22 06 62 06 3b 00 40 07",
			want: []any{es("a", "KOI"), es("b", "KOI")}},
		{name: "E given twice", in: "0408 49 22 06 61 07 3a 06 45 46 3b 00 54", want: "a"},
		{name: "symbol ivar key", in: "0408 49 22 06 61 06 49 3a 06 45 00 54", want: "a"},
		{name: "float with exponent", in: "0408 66 0c 312e30652d3035", want: 1e-5},
		{name: "duplicate keys", in: "0408 7b 07 3a 06 61 69 06 3b 00 69 07", want: hash(Symbol("a"), int64(2))},
		{name: "linked float", in: "0408 5b 07 66 08 312e35 40 06", want: []any{1.5, 1.5}},
		{name: "linked bignum", in: "0408 5b 07 6c 2b 07 00000040 40 06", want: []any{int64(1 << 30), int64(1 << 30)}},
		{name: "linked regexp", in: "0408 5b 07 2f 06 78 00 40 06", want: []any{Regexp{"x", 0}, Regexp{"x", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Unmarshal(hx(t, tt.in))
			if err != nil || !equal(got, tt.want) {
				t.Fatalf("Unmarshal = %s, %v; want %s", show(got), err, show(tt.want))
			}
		})
	}
}

// TestObjectIndex checks the object table numbering against Ruby's: every
// String, Array, Hash, Bignum, Float and Regexp takes an index, including
// encoding names; Fixnums, nil, booleans and Symbols do not.
func TestObjectIndex(t *testing.T) {
	// [1, :s, nil, 2**30, 1.5, /x/, "e" (Shift_JIS), {}, [], "t", @n]:
	// objects 0 array, 1 bignum, 2 float, 3 regexp, 4 string, 5 its
	// encoding name, 6 hash, 7 array, 8 string.
	prefix := "0408 5b 10 6906 3a0673 30 6c2b0700000040 6608312e35 2f067800" +
		"4922066506 3a0d656e636f64696e67 220e53686966745f4a4953 7b00 5b00 49220674063a064554"
	want := []any{int64(1 << 30), 1.5, Regexp{"x", 0}, es("e", "Shift_JIS"), []byte("Shift_JIS"), NewHash(0), []any{}, "t"}
	for i, w := range want {
		in := prefix + " 40" + string("0123456789abcdef"[(i+6)/16]) + string("0123456789abcdef"[(i+6)%16])
		got, err := Unmarshal(hx(t, in))
		if err != nil {
			t.Fatalf("link to %d: %v", i+1, err)
		}
		if last := got.([]any)[10]; !equal(last, w) {
			t.Errorf("link to object %d = %s, want %s", i+1, show(last), show(w))
		}
	}
}

// TestHashDuplicateKeys checks that a repeated key keeps its first place
// and takes its last value, as Ruby's Hash does, for small hashes (found
// with Hash.Set) and large ones (found with a map) alike.
func TestHashDuplicateKeys(t *testing.T) {
	for _, n := range []int{4, hashIndexMin, 3 * hashIndexMin} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			// Keys cycle through :a, "a", 1, NaN and [] so that each
			// comparable key repeats; NaN and [] never match.
			keys := []string{"3a0661", "49220661063a064554", "6906", "66086e616e", "5b00"}
			in := "0408 7b" + longHex(n)
			want := NewHash(n)
			for i := range n {
				in += keys[i%len(keys)] + "69" + longHex(i)
			}
			v, err := Unmarshal(hx(t, in))
			if err != nil {
				t.Fatal(err)
			}
			h := v.(*Hash)
			for i := range n {
				k, err := Unmarshal(hx(t, "0408"+keys[i%len(keys)]))
				if err != nil {
					t.Fatal(err)
				}
				want.Set(k, int64(i))
			}
			if !equal(h, want) {
				t.Fatalf("Unmarshal = %s\nwant %s", show(h), show(want))
			}
		})
	}
}
