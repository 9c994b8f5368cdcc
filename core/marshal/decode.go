package marshal

import (
	"fmt"
	"sync"
)

// Limits bounds the work Unmarshal does on untrusted input. A zero or
// negative field takes its value from DefaultLimits.
//
// Object links are counted as the copies Marshal would write for them, so a
// small input that links the same large value many times ("billion laughs")
// is rejected instead of expanding.
type Limits struct {
	// MaxDepth bounds nesting: the top value has depth 1 and every Array,
	// Hash or instance-variable list adds a level.
	MaxDepth int
	// MaxBytes bounds the input length, and the input length plus the bytes
	// of every linked object counted once per link.
	MaxBytes int
	// MaxElements bounds the number of values in the result: one for the
	// top value, one per array element, two per hash pair, one per hash
	// default, and a full count of a linked object per link.
	MaxElements int
}

// DefaultLimits are the limits Unmarshal applies. They fit MCollective
// messages comfortably: replies are kilobytes, nesting is a handful of levels.
var DefaultLimits = Limits{MaxDepth: 64, MaxBytes: 64 << 20, MaxElements: 1 << 20}

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultLimits.MaxElements
	}
	return l
}

// Unmarshal decodes one Ruby Marshal 4.8 value, applying DefaultLimits.
// The package documentation gives the Go type of each Ruby value; object
// links resolve to the same Go value as the object they name. Errors are
// of type *Error.
func Unmarshal(data []byte) (any, error) {
	return UnmarshalLimits(data, DefaultLimits)
}

// UnmarshalLimits is Unmarshal with explicit limits.
func UnmarshalLimits(data []byte, lim Limits) (any, error) {
	d := newDecoder(data, lim)
	defer d.release()
	if len(data) > d.lim.MaxBytes {
		return nil, d.fail(0, ErrLimit, "input of %d bytes exceeds MaxBytes %d", len(data), d.lim.MaxBytes)
	}
	if len(data) < 2 {
		return nil, d.fail(len(data), ErrTruncated, "reading the version header")
	}
	if data[0] != 4 || data[1] != 8 {
		return nil, d.fail(0, ErrSyntax, "version %d.%d, want 4.8", data[0], data[1])
	}
	d.pos = 2
	v, err := d.value(1)
	if err != nil {
		return nil, err
	}
	if d.pos != len(data) {
		return nil, d.fail(d.pos, ErrSyntax, "%d trailing bytes after the value", len(data)-d.pos)
	}
	return v, nil
}

// decoder holds the state of one Unmarshal call.
type decoder struct {
	data []byte
	pos  int
	lim  Limits
	syms []any // boxed Symbols
	objs []object
	// elems counts values in the result: reserved when a container
	// declares its size, and grown by a full copy on every object link.
	elems int
	// extra counts the bytes object links add when expanded into copies.
	extra int
	// deepest is the deepest depth reached within the current object.
	deepest int
}

// decoders holds decoders between Unmarshal calls, so that their symbol
// and object tables are allocated once rather than for every message.
var decoders = sync.Pool{New: func() any { return new(decoder) }}

// maxPooledTable is the largest table capacity a decoder keeps when it
// goes back to the pool; a larger one is left to the garbage collector.
const maxPooledTable = 1024

// newDecoder returns a decoder from the pool, ready to read data.
func newDecoder(data []byte, lim Limits) *decoder {
	d := decoders.Get().(*decoder)
	d.data, d.pos, d.lim, d.elems = data, 0, lim.withDefaults(), 1
	if d.objs == nil {
		d.objs = make([]object, 0, 16)
	}
	if d.syms == nil {
		d.syms = make([]any, 0, 16)
	}
	return d
}

// release clears d (its tables hold values of the result) and returns it
// to the pool.
func (d *decoder) release() {
	clear(d.objs)
	clear(d.syms)
	*d = decoder{objs: d.objs[:0], syms: d.syms[:0]}
	if cap(d.objs) > maxPooledTable || cap(d.syms) > maxPooledTable {
		return
	}
	decoders.Put(d)
}

// object is an entry of the object table that '@' links index. Its weight
// (nodes, size, height) is what a link to it costs against the limits;
// nodes stays 0 until the object is complete.
type object struct {
	val    any
	nodes  int
	size   int
	height int
}

// mark records the decoder counters when an object starts.
type mark struct{ start, elems, extra, deepest int }

func (d *decoder) fail(off int, cause error, format string, args ...any) error {
	return &Error{Offset: off, Err: fmt.Errorf("%w: %s", cause, fmt.Sprintf(format, args...))}
}

func (d *decoder) remaining() int { return len(d.data) - d.pos }

func (d *decoder) byte(what string) (byte, error) {
	if d.pos >= len(d.data) {
		return 0, d.fail(d.pos, ErrTruncated, "reading %s", what)
	}
	b := d.data[d.pos]
	d.pos++
	return b, nil
}

// long reads Marshal's packed integer (see packedInt).
// The what and suffix strings name the integer in errors.
func (d *decoder) long(what, suffix string) (int64, error) {
	n, next, ok := packedInt(d.data, d.pos)
	if !ok {
		if d.pos >= len(d.data) {
			return 0, d.fail(d.pos, ErrTruncated, "reading %s%s", what, suffix)
		}
		size := -int(int8(d.data[d.pos]))
		size = max(size, -size)
		return 0, d.fail(d.pos, ErrTruncated, "reading %s%s: %d-byte integer", what, suffix, size)
	}
	d.pos = next
	return n, nil
}

// packedInt reads Marshal's packed integer (Ruby's r_long) at data[pos]:
// one byte for small values, else a byte count of 1 to 4 (negated for
// negative numbers) followed by that many little-endian bytes. It returns
// the value and the position after it, or false when data ends first.
func packedInt(data []byte, pos int) (int64, int, bool) {
	if pos >= len(data) {
		return 0, pos, false
	}
	n := int(int8(data[pos]))
	pos++
	switch {
	case n == 0:
		return 0, pos, true
	case n > 4:
		return int64(n - 5), pos, true
	case n < -4:
		return int64(n + 5), pos, true
	}
	size, x := n, int64(0)
	if n < 0 {
		size, x = -n, -1
	}
	if len(data)-pos < size {
		return 0, pos, false
	}
	for i := range size {
		shift := 8 * i
		x = x&^(0xff<<shift) | int64(data[pos+i])<<shift
	}
	return x, pos + size, true
}

// bytes reads a length-prefixed byte string, returning a slice of the input.
func (d *decoder) bytes(start int, what string) ([]byte, error) {
	n, err := d.long(what, " length")
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, d.fail(start, ErrSyntax, "%s has negative length %d", what, n)
	}
	if n > int64(d.remaining()) {
		return nil, d.fail(start, ErrTruncated, "%s declares %d bytes, %d remain", what, n, d.remaining())
	}
	b := d.data[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b, nil
}

// count reads the size of a container and reserves per*n+extra elements,
// checking first that the input can hold them (one byte per element at
// least) and that MaxElements allows them, so nothing is allocated for a
// size the input cannot back.
func (d *decoder) count(start int, what string, per, extra int) (int, error) {
	n, err := d.long(what, " size")
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, d.fail(start, ErrSyntax, "%s has negative size %d", what, n)
	}
	need := n*int64(per) + int64(extra)
	if need > int64(d.remaining()) {
		return 0, d.fail(start, ErrTruncated, "%s of %d declares more elements than the %d bytes remaining", what, n, d.remaining())
	}
	if int64(d.elems)+need > int64(d.lim.MaxElements) {
		return 0, d.fail(start, ErrLimit, "%s of %d exceeds MaxElements %d", what, n, d.lim.MaxElements)
	}
	d.elems += int(need)
	return int(n), nil
}

// value reads one value at the given depth.
func (d *decoder) value(depth int) (any, error) {
	if depth > d.lim.MaxDepth {
		return nil, d.fail(d.pos, ErrLimit, "nesting deeper than MaxDepth %d", d.lim.MaxDepth)
	}
	d.deepest = max(d.deepest, depth)
	start := d.pos
	t, err := d.byte("a type byte")
	if err != nil {
		return nil, err
	}
	switch t {
	case '0':
		return nil, nil
	case 'T':
		return true, nil
	case 'F':
		return false, nil
	case 'i':
		n, err := d.long("Fixnum", "")
		if err != nil {
			return nil, err
		}
		return n, nil
	case ':':
		return d.symbol(start, depth, false)
	case ';':
		return d.symlink(start)
	case '@':
		return d.link(start, depth)
	case 'I':
		return d.ivarValue(start, depth)
	case '"', '/', 'l', 'f':
		return d.scalarObject(t, start, depth)
	case '[':
		return d.array(start, depth)
	case '{', '}':
		return d.hash(start, depth, t == '}')
	}
	return nil, d.fail(start, ErrUnsupported, "type byte %s", describeType(t))
}

// begin adds an entry to the object table for an object starting at start.
func (d *decoder) begin(start, depth int) (int, mark) {
	d.objs = append(d.objs, object{})
	m := mark{start: start, elems: d.elems, extra: d.extra, deepest: d.deepest}
	d.deepest = depth
	return len(d.objs) - 1, m
}

// end completes the object table entry idx with its value and weight.
func (d *decoder) end(idx int, m mark, depth int, v any) {
	o := &d.objs[idx]
	o.val = v
	o.nodes = 1 + d.elems - m.elems
	o.size = d.pos - m.start + d.extra - m.extra
	o.height = d.deepest - depth
	d.deepest = max(d.deepest, m.deepest)
}

// link resolves an object link '@', charging a full copy of the target
// against the limits.
func (d *decoder) link(start, depth int) (any, error) {
	n, err := d.long("object link", "")
	if err != nil {
		return nil, err
	}
	if n < 0 || n >= int64(len(d.objs)) {
		return nil, d.fail(start, ErrSyntax, "object link to index %d, %d objects read", n, len(d.objs))
	}
	o := d.objs[n]
	if o.nodes == 0 {
		return nil, d.fail(start, ErrUnsupported, "object link to index %d, which contains the link (recursive values are not supported)", n)
	}
	if depth+o.height > d.lim.MaxDepth {
		return nil, d.fail(start, ErrLimit, "object link to index %d nests deeper than MaxDepth %d", n, d.lim.MaxDepth)
	}
	d.deepest = max(d.deepest, depth+o.height)
	d.elems += o.nodes - 1
	if d.elems > d.lim.MaxElements {
		return nil, d.fail(start, ErrLimit, "object link to index %d exceeds MaxElements %d", n, d.lim.MaxElements)
	}
	d.extra += o.size
	if len(d.data)+d.extra > d.lim.MaxBytes {
		return nil, d.fail(start, ErrLimit, "object link to index %d expands beyond MaxBytes %d", n, d.lim.MaxBytes)
	}
	return o.val, nil
}

func (d *decoder) array(start, depth int) (any, error) {
	idx, m := d.begin(start, depth)
	n, err := d.count(start, "Array", 1, 0)
	if err != nil {
		return nil, err
	}
	a := make([]any, n)
	for i := range a {
		if a[i], err = d.value(depth + 1); err != nil {
			return nil, err
		}
	}
	d.end(idx, m, depth, a)
	return a, nil
}

// hashIndexMin is the hash size from which duplicate keys are found with a
// map rather than Hash.Set's linear scan.
const hashIndexMin = 16

func (d *decoder) hash(start, depth int, hasDefault bool) (any, error) {
	idx, m := d.begin(start, depth)
	extra := 0
	if hasDefault {
		extra = 1
	}
	n, err := d.count(start, "Hash", 2, extra)
	if err != nil {
		return nil, err
	}
	h := NewHash(n)
	var index map[any]int
	if n >= hashIndexMin {
		index = make(map[any]int, n)
	}
	for range n {
		k, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		setKey(h, index, k, v)
	}
	if hasDefault {
		if h.Default, err = d.value(depth + 1); err != nil {
			return nil, err
		}
		h.HasDefault = true
	}
	d.end(idx, m, depth, h)
	return h, nil
}

// setKey is Hash.Set backed by index when index is not nil. A repeated
// key keeps its first position and takes the last value, as in Ruby.
func setKey(h *Hash, index map[any]int, k, v any) {
	if index == nil {
		h.Set(k, v)
		return
	}
	if comparableKey(k) {
		if i, ok := index[k]; ok {
			h.Values[i] = v
			return
		}
		index[k] = len(h.Keys)
	}
	h.Keys = append(h.Keys, k)
	h.Values = append(h.Values, v)
}
