// Package marshal reads and writes Ruby's Marshal 4.8 format, the encoding
// Ruby MCollective uses for its security envelopes and message bodies.
//
// Ruby values map onto Go values as follows:
//
//	nil                 nil
//	true, false         bool
//	Fixnum / Bignum     int64 when it fits, *big.Int otherwise
//	Float               float64
//	String (UTF-8)      string
//	String (US-ASCII)   ASCII
//	String (binary)     []byte
//	String (other enc)  EncodedString
//	Symbol              Symbol
//	Array               []any
//	Hash                *Hash (insertion order and default value kept)
//	Regexp              Regexp
//
// Decoding resolves symbol links and object links. Encoding writes symbol
// links as Ruby does and writes repeated objects as copies, which Ruby reads
// as equal values.
//
// Unmarshal refuses, with ErrUnsupported, what falls outside this mapping:
// Ruby objects, Structs, user types (_dump, marshal_dump), classes, modules,
// extended objects and instance variables other than a String's encoding.
// Untrusted input is safe to decode: Limits bound the input size, the
// nesting and the number of values, object links included, and nothing is
// allocated for a length the input cannot back.
//
// ReadFlatHash reads the flat Hashes of MCollective's security envelopes
// in place, allocating nothing; whatever it declines is for Unmarshal.
package marshal

import "math/big"

// Symbol is a Ruby Symbol such as :agent.
type Symbol string

// ASCII is a Ruby String whose encoding is US-ASCII.
type ASCII string

// EncodedString is a Ruby String in an encoding other than UTF-8, US-ASCII
// or binary (ASCII-8BIT); Encoding holds the Ruby encoding name.
type EncodedString struct {
	Value    []byte
	Encoding string
}

// Regexp is a Ruby Regexp: its source and option bits (1 ignore case,
// 2 extended, 4 multiline).
type Regexp struct {
	Source  string
	Options byte
}

// Hash is a Ruby Hash. Keys keep their insertion order. A Hash written with
// a default value (Marshal type '}') has HasDefault set.
type Hash struct {
	Keys       []any
	Values     []any
	Default    any
	HasDefault bool
}

// NewHash returns an empty Hash with room for n pairs.
func NewHash(n int) *Hash {
	kv := make([]any, 2*n) // one allocation for both; appends past n reallocate
	return &Hash{Keys: kv[:0:n], Values: kv[n : n : 2*n]}
}

// Set stores value under key, replacing an existing equal key in place.
// Keys compare with Go equality after normalisation of strings; only
// comparable keys (strings, symbols, numbers, booleans, nil) are matched,
// other keys are always appended.
func (h *Hash) Set(key, value any) {
	if i := h.index(key); i >= 0 {
		h.Values[i] = value
		return
	}
	h.Keys = append(h.Keys, key)
	h.Values = append(h.Values, value)
}

// Get returns the value stored under key.
func (h *Hash) Get(key any) (any, bool) {
	if h == nil {
		return nil, false
	}
	if i := h.index(key); i >= 0 {
		return h.Values[i], true
	}
	return nil, false
}

// Len returns the number of pairs.
func (h *Hash) Len() int {
	if h == nil {
		return 0
	}
	return len(h.Keys)
}

func (h *Hash) index(key any) int {
	if !comparableKey(key) {
		return -1
	}
	for i, k := range h.Keys {
		if comparableKey(k) && k == key {
			return i
		}
	}
	return -1
}

func comparableKey(k any) bool {
	switch k.(type) {
	case nil, bool, int64, float64, string, ASCII, Symbol:
		return true
	}
	return false
}

// Text returns the text of any Ruby String value (string, ASCII, []byte or
// EncodedString) or Symbol, and whether v was one.
func Text(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case ASCII:
		return string(s), true
	case []byte:
		return string(s), true
	case EncodedString:
		return string(s.Value), true
	case Symbol:
		return string(s), true
	}
	return "", false
}

// Int returns an integer value as int64, and whether v was an integer that
// fits in one.
func Int(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case *big.Int:
		if n.IsInt64() {
			return n.Int64(), true
		}
	}
	return 0, false
}
