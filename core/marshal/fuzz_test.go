package marshal

import (
	"errors"
	"testing"
)

// FuzzUnmarshal checks that decoding never panics, fails only with *Error,
// and that whatever decodes also encodes and decodes again to an equal
// value.
func FuzzUnmarshal(f *testing.F) {
	for _, data := range allVectors(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Offset < 0 || e.Offset > len(data) {
				t.Fatalf("error %v is not an *Error with an offset in the input", err)
			}
			return
		}
		out, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal of decoded %s: %v", show(v), err)
		}
		again, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(%s)) = %x: %v", show(v), out, err)
		}
		if !equal(again, v) {
			t.Fatalf("round trip of %s gave %s", show(v), show(again))
		}
	})
}
