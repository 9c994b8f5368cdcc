package marshal

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"unicode/utf8"
)

// maxMarshalDepth bounds the nesting Marshal writes; it stops cyclic
// values (a *Hash holding itself) long before the stack runs out.
const maxMarshalDepth = 10000

// maxLong is the largest length or count Marshal's packed integer holds.
const maxLong = 1<<31 - 1

// Marshal encodes v in Ruby's Marshal 4.8 format, byte for byte as Ruby
// writes the same value, with two exceptions: a value appearing twice is
// written twice rather than as an object link (Ruby reads both as equal
// values), and a Regexp is written in UTF-8, US-ASCII or binary, chosen
// from its source and options, since Regexp keeps no encoding.
//
// v is built from the types in the package documentation. For convenience
// Marshal also takes every Go integer type, float32, []string, and
// map[string]any, whose keys are written as UTF-8 Strings in sorted order;
// a nil *Hash is written as an empty Hash. Other types are an error that
// wraps ErrUnsupported. Values nested deeper than 10000 levels, cyclic
// ones among them, are an error too.
func Marshal(v any) ([]byte, error) {
	e := &encoder{buf: make([]byte, 0, 256)}
	e.syms = e.symBuf[:0]
	e.buf = append(e.buf, 4, 8)
	if err := e.value(v, 1); err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return e.buf, nil
}

// encoder holds the state of one Marshal call.
type encoder struct {
	buf []byte
	// syms are the Symbols written so far, in order: a Symbol's index is
	// what a link to it writes. symIndex indexes them once there are more
	// than symBuf holds; until then a scan is cheaper than a map.
	syms     []Symbol
	symIndex map[Symbol]int
	symBuf   [16]Symbol
	// objs counts the objects written, which is the index the next one
	// would have in Ruby's object table.
	objs int
	// encNames maps encoding names written as String objects to their
	// object index: Ruby writes each name once and links to it after.
	encNames map[string]int
}

func (e *encoder) value(v any, depth int) error {
	if depth > maxMarshalDepth {
		return fmt.Errorf("value nested deeper than %d levels (is it cyclic?)", maxMarshalDepth)
	}
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, '0')
	case bool:
		e.buf = append(e.buf, "FT"[b2i(x)])
	case string:
		return writeString(e, x, "UTF-8")
	case ASCII:
		return writeString(e, x, "US-ASCII")
	case []byte:
		return writeString(e, x, "")
	case EncodedString:
		if _, ok := encodingName(x.Encoding); !ok {
			return fmt.Errorf("EncodedString with encoding name %q", x.Encoding)
		}
		return writeString(e, x.Value, x.Encoding)
	case Symbol:
		return e.symbol(x)
	case float64:
		e.float(x)
	case float32:
		e.float(float64(x))
	case *big.Int:
		if x == nil {
			return errors.New("nil *big.Int")
		}
		e.bigInt(x)
	case Regexp:
		return e.regexp(x)
	case []any:
		return e.array(len(x), func(i int) any { return x[i] }, depth)
	case []string:
		return e.array(len(x), func(i int) any { return x[i] }, depth)
	case *Hash:
		return e.hash(x, depth)
	case map[string]any:
		return e.stringMap(x, depth)
	default:
		return e.integer(v)
	}
	return nil
}

// integer writes any Go integer type; other types are unsupported.
func (e *encoder) integer(v any) error {
	switch x := v.(type) {
	case int64:
		e.int(x)
	case int:
		e.int(int64(x))
	case int32:
		e.int(int64(x))
	case int16:
		e.int(int64(x))
	case int8:
		e.int(int64(x))
	case uint64:
		e.uint(x)
	case uint:
		e.uint(uint64(x))
	case uint32:
		e.uint(uint64(x))
	case uint16:
		e.uint(uint64(x))
	case uint8:
		e.uint(uint64(x))
	case uintptr:
		e.uint(uint64(x))
	default:
		return fmt.Errorf("%w: Go type %T", ErrUnsupported, v)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// long appends Marshal's packed integer (Ruby's w_long) for n, which must
// lie in -2^31..2^31-1.
func (e *encoder) long(n int64) {
	switch {
	case n == 0:
		e.buf = append(e.buf, 0)
	case n > 0 && n < 123:
		e.buf = append(e.buf, byte(n+5))
	case n < 0 && n > -124:
		e.buf = append(e.buf, byte(n-5))
	default:
		at := len(e.buf)
		e.buf = append(e.buf, 0)
		for i := 1; i <= 4; i++ {
			e.buf = append(e.buf, byte(n))
			n >>= 8
			if n == 0 {
				e.buf[at] = byte(i)
				return
			}
			if n == -1 {
				e.buf[at] = byte(-i)
				return
			}
		}
	}
}

// length appends a length or count, which must fit Marshal's packed integer.
func (e *encoder) length(n int) error {
	if n > maxLong {
		return fmt.Errorf("length %d does not fit Marshal's 32-bit lengths", n)
	}
	e.long(int64(n))
	return nil
}

// int writes an integer as Ruby does: a Fixnum in -2^30..2^30-1, which is
// Ruby's Fixnum range on every platform for Marshal, else a Bignum.
func (e *encoder) int(n int64) {
	if n >= -(1<<30) && n < 1<<30 {
		e.buf = append(e.buf, 'i')
		e.long(n)
		return
	}
	mag := uint64(n)
	if n < 0 {
		mag = -mag
	}
	var le [8]byte
	for i := range le {
		le[i] = byte(mag >> (8 * i))
	}
	e.bignum(n < 0, le[:])
}

func (e *encoder) uint(u uint64) {
	if u <= math.MaxInt64 {
		e.int(int64(u))
		return
	}
	var le [8]byte
	for i := range le {
		le[i] = byte(u >> (8 * i))
	}
	e.bignum(false, le[:])
}

func (e *encoder) bigInt(n *big.Int) {
	if n.IsInt64() {
		e.int(n.Int64())
		return
	}
	le := n.Bytes() // magnitude, big-endian
	slices.Reverse(le)
	e.bignum(n.Sign() < 0, le)
}

// bignum writes a Bignum from its little-endian magnitude: sign, length in
// 16-bit words, bytes padded to a whole word.
func (e *encoder) bignum(neg bool, le []byte) {
	for len(le) > 0 && le[len(le)-1] == 0 {
		le = le[:len(le)-1]
	}
	e.objs++
	e.buf = append(e.buf, 'l', "+-"[b2i(neg)])
	e.long(int64((len(le) + 1) / 2))
	e.buf = append(e.buf, le...)
	if len(le)%2 == 1 {
		e.buf = append(e.buf, 0)
	}
}

func (e *encoder) float(f float64) {
	e.objs++
	e.buf = append(e.buf, 'f', 0)
	at := len(e.buf)
	e.buf = appendFloat(e.buf, f)
	// The text is at most 25 bytes, so its length is one packed byte.
	e.buf[at-1] = byte(len(e.buf) - at + 5)
}

// writeString writes a String with the encoding instance variable Ruby
// gives enc: E true for UTF-8, E false for US-ASCII, none for binary, and
// :encoding with the name, linked after its first use, for the rest.
func writeString[T ~string | ~[]byte](e *encoder, s T, enc string) error {
	kind := encodingKind(enc)
	e.objs++
	if kind != encBinary {
		e.buf = append(e.buf, 'I')
	}
	e.buf = append(e.buf, '"')
	if err := e.length(len(s)); err != nil {
		return err
	}
	e.buf = append(e.buf, s...)
	if kind != encBinary {
		e.buf = append(e.buf, 6) // one instance variable
		return e.encodingIvar(kind, enc)
	}
	return nil
}

// encodingIvar writes the name and value of an encoding instance variable.
func (e *encoder) encodingIvar(kind encKind, enc string) error {
	switch kind {
	case encUTF8, encASCII:
		if err := e.symbol("E"); err != nil {
			return err
		}
		e.buf = append(e.buf, "FT"[b2i(kind == encUTF8)])
		return nil
	}
	if err := e.symbol("encoding"); err != nil {
		return err
	}
	if idx, ok := e.encNames[enc]; ok {
		e.buf = append(e.buf, '@')
		e.long(int64(idx))
		return nil
	}
	if e.encNames == nil {
		e.encNames = make(map[string]int)
	}
	e.encNames[enc] = e.objs
	return writeString(e, enc, "")
}

// symbol writes a Symbol, or a link to it when already written. A Symbol
// with non-ASCII UTF-8 text carries E true, as Ruby writes it.
func (e *encoder) symbol(s Symbol) error {
	if idx, ok := e.symbolIndex(s); ok {
		e.buf = append(e.buf, ';')
		e.long(int64(idx))
		return nil
	}
	e.addSymbol(s)
	ivar := !isASCII(string(s)) && utf8.ValidString(string(s))
	if ivar {
		e.buf = append(e.buf, 'I')
	}
	e.buf = append(e.buf, ':')
	if err := e.length(len(s)); err != nil {
		return err
	}
	e.buf = append(e.buf, s...)
	if ivar {
		e.buf = append(e.buf, 6)
		return e.encodingIvar(encUTF8, "UTF-8")
	}
	return nil
}

// symbolIndex is the index of s among the Symbols written so far.
func (e *encoder) symbolIndex(s Symbol) (int, bool) {
	if e.symIndex != nil {
		idx, ok := e.symIndex[s]
		return idx, ok
	}
	for i, x := range e.syms {
		if x == s {
			return i, true
		}
	}
	return 0, false
}

// addSymbol records s as written, indexing the Symbols in a map once
// there are more than symBuf holds.
func (e *encoder) addSymbol(s Symbol) {
	e.syms = append(e.syms, s)
	switch {
	case e.symIndex != nil:
		e.symIndex[s] = len(e.syms) - 1
	case len(e.syms) > len(e.symBuf):
		e.symIndex = make(map[Symbol]int, 2*len(e.syms))
		for i, x := range e.syms {
			e.symIndex[x] = i
		}
	}
}

func (e *encoder) regexp(r Regexp) error {
	enc := regexpEncoding(r)
	kind := encodingKind(enc)
	e.objs++
	if kind != encBinary {
		e.buf = append(e.buf, 'I')
	}
	e.buf = append(e.buf, '/')
	if err := e.length(len(r.Source)); err != nil {
		return err
	}
	e.buf = append(e.buf, r.Source...)
	e.buf = append(e.buf, r.Options)
	if kind != encBinary {
		e.buf = append(e.buf, 6)
		return e.encodingIvar(kind, enc)
	}
	return nil
}

// array writes an Array of n elements, element i being at(i).
func (e *encoder) array(n int, at func(int) any, depth int) error {
	e.objs++
	e.buf = append(e.buf, '[')
	if err := e.length(n); err != nil {
		return err
	}
	for i := range n {
		if err := e.value(at(i), depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) hash(h *Hash, depth int) error {
	if h == nil {
		h = &Hash{}
	}
	if len(h.Keys) != len(h.Values) {
		return fmt.Errorf("Hash with %d keys and %d values", len(h.Keys), len(h.Values))
	}
	e.objs++
	e.buf = append(e.buf, "{}"[b2i(h.HasDefault)])
	if err := e.length(len(h.Keys)); err != nil {
		return err
	}
	for i, k := range h.Keys {
		if err := e.value(k, depth+1); err != nil {
			return err
		}
		if err := e.value(h.Values[i], depth+1); err != nil {
			return err
		}
	}
	if h.HasDefault {
		return e.value(h.Default, depth+1)
	}
	return nil
}

// stringMap writes a Go map as a Hash with UTF-8 String keys in sorted
// order, so the output does not depend on map iteration.
func (e *encoder) stringMap(m map[string]any, depth int) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.objs++
	e.buf = append(e.buf, '{')
	if err := e.length(len(keys)); err != nil {
		return err
	}
	for _, k := range keys {
		if err := writeString(e, k, "UTF-8"); err != nil {
			return err
		}
		if err := e.value(m[k], depth+1); err != nil {
			return err
		}
	}
	return nil
}
