package marshal

import "math"

// FlatKind is the kind of a FlatValue.
type FlatKind uint8

// The kinds of value ReadFlatHash reads.
const (
	FlatNil FlatKind = iota
	FlatBool
	FlatInt
	FlatString
	FlatSymbol
)

// FlatValue is one value of a Hash read by ReadFlatHash.
type FlatValue struct {
	Kind FlatKind
	// Text holds the bytes of a String or Symbol; it aliases the input.
	Text []byte
	// Encoding is a String's encoding: "UTF-8" or "US-ASCII" from its E
	// instance variable, "" (binary) without one.
	Encoding string
	// Int is an Integer's value, Bool a boolean's.
	Int  int64
	Bool bool
}

// FlatPair is one key and value of a Hash read by ReadFlatHash. Key holds
// the name of the Symbol key; it aliases the input.
type FlatPair struct {
	Key   []byte
	Value FlatValue
}

// Bounds of what ReadFlatHash reads; larger Hashes go to Unmarshal.
const (
	maxFlatPairs   = 64
	maxFlatSymbols = 32
)

// ReadFlatHash reads data, the Marshal form of a Hash with Symbol keys and
// values that are nil, booleans, Integers that fit in int64, Symbols, or
// Strings in UTF-8, US-ASCII or binary (MCollective's security envelopes),
// without building the generic value Unmarshal would. It appends the pairs
// to pairs in order, a repeated key once per occurrence (the last is the
// value Unmarshal keeps), and allocates nothing beyond the growth of pairs.
//
// It reports false for every input that is not such a Hash, valid and
// within DefaultLimits: another shape, a default value, object links, a
// String with another encoding, more than 64 pairs, malformed input. Such
// input is for Unmarshal, which returns the full value or the error.
func ReadFlatHash(data []byte, pairs []FlatPair) ([]FlatPair, bool) {
	if len(data) < 3 || len(data) > DefaultLimits.MaxBytes || data[0] != 4 || data[1] != 8 || data[2] != '{' {
		return pairs, false
	}
	r := flatReader{data: data, pos: 3}
	n, ok := r.long()
	if !ok || n < 0 || n > maxFlatPairs {
		return pairs, false
	}
	for range n {
		pairs = append(pairs, FlatPair{})
		p := &pairs[len(pairs)-1]
		if p.Key, ok = r.symbol(); !ok || !r.value(&p.Value) {
			return pairs[:len(pairs)-1], false
		}
	}
	return pairs, r.pos == len(data)
}

// flatReader reads a flat Hash for ReadFlatHash. Every method reports
// false for input that is not flat (or not valid).
type flatReader struct {
	data  []byte
	pos   int
	syms  [maxFlatSymbols]span
	nsyms int
}

// span is where a Symbol's name is in the input.
type span struct{ start, end int32 }

func (r *flatReader) long() (int64, bool) {
	if r.pos < len(r.data) { // the one-byte form, inline
		if c := int8(r.data[r.pos]); c > 4 {
			r.pos++
			return int64(c) - 5, true
		}
	}
	n, next, ok := packedInt(r.data, r.pos)
	r.pos = next
	return n, ok
}

func (r *flatReader) next() (byte, bool) {
	if r.pos >= len(r.data) {
		return 0, false
	}
	r.pos++
	return r.data[r.pos-1], true
}

// text reads a length-prefixed byte string.
func (r *flatReader) text() ([]byte, bool) {
	n, ok := r.long()
	if !ok || n < 0 || n > int64(len(r.data)-r.pos) {
		return nil, false
	}
	r.pos += int(n)
	return r.data[r.pos-int(n) : r.pos], true
}

// symbol reads a Symbol or Symbol link (no instance variables).
func (r *flatReader) symbol() ([]byte, bool) {
	t, ok := r.next()
	if !ok {
		return nil, false
	}
	switch t {
	case ':':
		b, ok := r.text()
		if !ok || r.nsyms == maxFlatSymbols {
			return nil, false
		}
		r.syms[r.nsyms] = span{int32(r.pos - len(b)), int32(r.pos)}
		r.nsyms++
		return b, true
	case ';':
		n, ok := r.long()
		if !ok || n < 0 || n >= int64(r.nsyms) {
			return nil, false
		}
		s := r.syms[n]
		return r.data[s.start:s.end], true
	}
	return nil, false
}

// value reads one flat value into v.
func (r *flatReader) value(v *FlatValue) bool {
	t, ok := r.next()
	if !ok {
		return false
	}
	switch t {
	case '0':
		v.Kind = FlatNil
	case 'T', 'F':
		v.Kind, v.Bool = FlatBool, t == 'T'
	case 'i':
		v.Kind = FlatInt
		v.Int, ok = r.long()
	case 'l':
		v.Kind = FlatInt
		v.Int, ok = r.bignum()
	case ':', ';':
		r.pos--
		v.Kind = FlatSymbol
		v.Text, ok = r.symbol()
	case '"':
		v.Kind = FlatString
		v.Text, ok = r.text()
	case 'I':
		v.Kind = FlatString
		v.Text, v.Encoding, ok = r.encodedString()
	default:
		return false
	}
	return ok
}

// encodedString reads a String after 'I' with its E instance variables
// and returns its bytes and encoding.
func (r *flatReader) encodedString() ([]byte, string, bool) {
	if t, ok := r.next(); !ok || t != '"' {
		return nil, "", false
	}
	b, ok := r.text()
	if !ok {
		return nil, "", false
	}
	n, ok := r.long()
	if !ok || n < 0 || n > maxFlatPairs {
		return nil, "", false
	}
	enc := ""
	for range n {
		key, ok := r.symbol()
		if !ok || string(key) != "E" {
			return nil, "", false
		}
		switch t, _ := r.next(); t {
		case 'T':
			enc = "UTF-8"
		case 'F':
			enc = "US-ASCII"
		default:
			return nil, "", false
		}
	}
	return b, enc, true
}

// bignum reads a Bignum after 'l' that fits in int64.
func (r *flatReader) bignum() (int64, bool) {
	sign, ok := r.next()
	if !ok || sign != '+' && sign != '-' {
		return 0, false
	}
	words, ok := r.long()
	if !ok || words < 0 || words > 4 || 2*words > int64(len(r.data)-r.pos) {
		return 0, false
	}
	var u uint64
	for i, b := range r.data[r.pos : r.pos+int(2*words)] {
		u |= uint64(b) << (8 * i)
	}
	r.pos += int(2 * words)
	switch {
	case sign == '+' && u <= math.MaxInt64:
		return int64(u), true
	case sign == '-' && u <= 1<<63:
		return -int64(u), true
	}
	return 0, false
}
