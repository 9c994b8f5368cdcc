package marshal

import "fmt"

// Writer writes one Marshal value piece by piece, for a caller that knows
// the shape of what it writes (core/protocol's envelopes) and would
// otherwise build a Hash of boxed values only to have Marshal walk it.
// What it writes is byte for byte what Marshal writes for the same value.
// Methods after an error do nothing; Bytes returns the first error.
type Writer struct {
	e   encoder
	err error
}

// NewWriter returns a Writer with the version header written.
func NewWriter() *Writer {
	w := &Writer{e: encoder{buf: make([]byte, 0, 256)}}
	w.e.syms = w.e.symBuf[:0]
	w.e.buf = append(w.e.buf, 4, 8)
	return w
}

// Hash starts a Hash without a default of n pairs: the 2n values written
// next are its keys and values, in turn.
func (w *Writer) Hash(n int) {
	if w.err != nil {
		return
	}
	w.e.objs++
	w.e.buf = append(w.e.buf, '{')
	w.fail(w.e.length(n))
}

// Symbol writes a Symbol, or a link to it when already written.
func (w *Writer) Symbol(s Symbol) {
	if w.err == nil {
		w.fail(w.e.symbol(s))
	}
}

// String writes a UTF-8 String, as Marshal writes a Go string.
func (w *Writer) String(s string) {
	if w.err == nil {
		w.fail(writeString(&w.e, s, "UTF-8"))
	}
}

// ASCII writes a US-ASCII String, as Marshal writes an ASCII value.
func (w *Writer) ASCII(s string) {
	if w.err == nil {
		w.fail(writeString(&w.e, s, "US-ASCII"))
	}
}

// Binary writes a String without encoding, as Marshal writes a []byte.
func (w *Writer) Binary(b []byte) {
	if w.err == nil {
		w.fail(writeString(&w.e, b, ""))
	}
}

// Int writes an Integer, as Marshal writes an int64.
func (w *Writer) Int(n int64) {
	if w.err == nil {
		w.e.int(n)
	}
}

// Value writes any value Marshal takes.
func (w *Writer) Value(v any) {
	if w.err == nil {
		w.fail(w.e.value(v, 2))
	}
}

// Bytes returns what was written, or the first error.
func (w *Writer) Bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	return w.e.buf, nil
}

func (w *Writer) fail(err error) {
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("marshal: %w", err)
	}
}
