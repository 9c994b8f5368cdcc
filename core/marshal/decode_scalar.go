package marshal

import (
	"bytes"
	"math"
	"math/big"
	"strings"
)

// scalarObject reads the objects without children: String, Regexp, Bignum
// and Float. Each takes the next index in the object table.
func (d *decoder) scalarObject(t byte, start, depth int) (any, error) {
	idx, m := d.begin(start, depth)
	var v any
	var err error
	switch t {
	case '"':
		var b []byte
		b, err = d.bytes(start, "String")
		v = stringValue(b, "")
	case '/':
		v, err = d.regexp(start)
	case 'l':
		v, err = d.bignum(start)
	case 'f':
		v, err = d.float(start)
	}
	if err != nil {
		return nil, err
	}
	d.end(idx, m, depth, v)
	return v, nil
}

// ivarValue reads an 'I' wrapper: a String, Regexp or Symbol followed by
// instance variables, of which only the encoding ones are supported.
func (d *decoder) ivarValue(start, depth int) (any, error) {
	at := d.pos
	t, err := d.byte("the type byte after 'I'")
	if err != nil {
		return nil, err
	}
	switch t {
	case ':':
		return d.symbol(start, depth, true)
	case '"', '/':
	default:
		return nil, d.fail(at, ErrUnsupported, "instance variables on type byte %s", describeType(t))
	}
	idx, m := d.begin(start, depth)
	var raw []byte
	var re Regexp
	if t == '"' {
		raw, err = d.bytes(at, "String")
	} else {
		re, err = d.regexp(at)
	}
	if err != nil {
		return nil, err
	}
	enc, err := d.ivars(depth)
	if err != nil {
		return nil, err
	}
	var v any
	if t == '"' {
		v = stringValue(raw, enc)
	} else {
		v = re
	}
	d.end(idx, m, depth, v)
	return v, nil
}

// stringValue converts the bytes of a Ruby String in encoding enc ("" for
// none, which is binary) to its Go type. The bytes are copied.
func stringValue(raw []byte, enc string) any {
	switch encodingKind(enc) {
	case encUTF8:
		return string(raw)
	case encASCII:
		return ASCII(raw)
	case encBinary:
		b := make([]byte, len(raw))
		copy(b, raw)
		return b
	}
	return EncodedString{Value: bytes.Clone(raw), Encoding: enc}
}

// ivars reads an instance-variable list and returns the encoding it names:
// "UTF-8" for E true, "US-ASCII" for E false, the name for :encoding, or ""
// when the list names none.
func (d *decoder) ivars(depth int) (string, error) {
	at := d.pos
	n, err := d.long("instance variable count", "")
	if err != nil {
		return "", err
	}
	if n < 0 {
		return "", d.fail(at, ErrSyntax, "negative instance variable count %d", n)
	}
	if 2*n > int64(d.remaining()) {
		return "", d.fail(at, ErrTruncated, "%d instance variables declared, %d bytes remain", n, d.remaining())
	}
	enc := ""
	for range n {
		keyAt := d.pos
		key, err := d.symbolKey(depth + 1)
		if err != nil {
			return "", err
		}
		valAt := d.pos
		switch key {
		case "E":
			b, err := d.byte("the value of E")
			if err != nil {
				return "", err
			}
			switch b {
			case 'T':
				enc = "UTF-8"
			case 'F':
				enc = "US-ASCII"
			default:
				return "", d.fail(valAt, ErrSyntax, "instance variable E is %s, want true or false", describeType(b))
			}
		case "encoding":
			v, err := d.value(depth + 1)
			if err != nil {
				return "", err
			}
			name, ok := encodingName(v)
			if !ok {
				return "", d.fail(valAt, ErrSyntax, "instance variable encoding is not a valid encoding name")
			}
			enc = name
		default:
			return "", d.fail(keyAt, ErrUnsupported, "instance variable %q", string(key))
		}
	}
	return enc, nil
}

// encodingName returns the text of a String naming an encoding: not empty
// and without NUL bytes.
func encodingName(v any) (string, bool) {
	if _, isSym := v.(Symbol); isSym {
		return "", false
	}
	s, ok := Text(v)
	if !ok || s == "" || strings.IndexByte(s, 0) >= 0 {
		return "", false
	}
	return s, true
}

// symbol reads the body of a Symbol after ':' and adds it to the symbol
// table; with ivars set it also reads its encoding instance variables.
// The table holds symbols boxed, so links to them allocate nothing.
func (d *decoder) symbol(start, depth int, ivars bool) (any, error) {
	b, err := d.bytes(start, "Symbol")
	if err != nil {
		return nil, err
	}
	s, ok := commonSymbols[string(b)]
	if !ok {
		s = Symbol(b)
	}
	d.syms = append(d.syms, s)
	if ivars {
		if _, err := d.ivars(depth); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// symlink resolves a Symbol link ';' to the symbol table.
func (d *decoder) symlink(start int) (any, error) {
	n, err := d.long("Symbol link", "")
	if err != nil {
		return nil, err
	}
	if n < 0 || n >= int64(len(d.syms)) {
		return nil, d.fail(start, ErrSyntax, "Symbol link to index %d, %d symbols read", n, len(d.syms))
	}
	return d.syms[n], nil
}

// symbolKey reads a Symbol in a place where only a Symbol may appear: the
// name of an instance variable.
func (d *decoder) symbolKey(depth int) (Symbol, error) {
	if depth > d.lim.MaxDepth {
		return "", d.fail(d.pos, ErrLimit, "nesting deeper than MaxDepth %d", d.lim.MaxDepth)
	}
	start := d.pos
	t, err := d.byte("a Symbol")
	if err != nil {
		return "", err
	}
	var s any
	switch t {
	case ':':
		s, err = d.symbol(start, depth, false)
	case ';':
		s, err = d.symlink(start)
	case 'I':
		at := d.pos
		if t, err = d.byte("a Symbol"); err != nil {
			return "", err
		}
		if t != ':' {
			return "", d.fail(at, ErrSyntax, "want a Symbol, got type byte %s", describeType(t))
		}
		s, err = d.symbol(start, depth, true)
	default:
		return "", d.fail(start, ErrSyntax, "want a Symbol, got type byte %s", describeType(t))
	}
	if err != nil {
		return "", err
	}
	return s.(Symbol), nil
}

// regexp reads the body of a Regexp after '/': its source and option byte.
func (d *decoder) regexp(start int) (Regexp, error) {
	src, err := d.bytes(start, "Regexp")
	if err != nil {
		return Regexp{}, err
	}
	opts, err := d.byte("Regexp options")
	if err != nil {
		return Regexp{}, err
	}
	return Regexp{Source: string(src), Options: opts}, nil
}

// bignum reads the body of a Bignum after 'l': a sign byte, a length in
// 16-bit words and the magnitude in little-endian bytes.
func (d *decoder) bignum(start int) (any, error) {
	signAt := d.pos
	sign, err := d.byte("Bignum sign")
	if err != nil {
		return nil, err
	}
	if sign != '+' && sign != '-' {
		return nil, d.fail(signAt, ErrSyntax, "Bignum sign is 0x%02x, want '+' or '-'", sign)
	}
	words, err := d.long("Bignum length", "")
	if err != nil {
		return nil, err
	}
	if words < 0 {
		return nil, d.fail(start, ErrSyntax, "Bignum has negative length %d", words)
	}
	if 2*words > int64(d.remaining()) {
		return nil, d.fail(start, ErrTruncated, "Bignum declares %d bytes, %d remain", 2*words, d.remaining())
	}
	le := d.data[d.pos : d.pos+int(2*words)]
	d.pos += int(2 * words)
	return bignumValue(sign == '-', le), nil
}

// bignumValue converts a little-endian magnitude to int64 when it fits,
// else to *big.Int.
func bignumValue(neg bool, le []byte) any {
	for len(le) > 0 && le[len(le)-1] == 0 {
		le = le[:len(le)-1]
	}
	if len(le) <= 8 {
		var u uint64
		for i, b := range le {
			u |= uint64(b) << (8 * i)
		}
		if !neg && u <= math.MaxInt64 {
			return int64(u)
		}
		if neg && u <= 1<<63 {
			return -int64(u)
		}
	}
	be := make([]byte, len(le))
	for i, b := range le {
		be[len(le)-1-i] = b
	}
	n := new(big.Int).SetBytes(be)
	if neg {
		n.Neg(n)
	}
	return n
}

// float reads the body of a Float after 'f'.
func (d *decoder) float(start int) (any, error) {
	b, err := d.bytes(start, "Float")
	if err != nil {
		return nil, err
	}
	f, err := parseFloat(b)
	if err != nil {
		return nil, d.fail(start, ErrSyntax, "Float %q: %v", b, err)
	}
	return f, nil
}

// commonSymbols holds the Symbols of MCollective's envelopes, RPC bodies
// and filters, and of the encoding instance variables, boxed once: most
// Symbols a message holds are among them, and symbol returns these
// instead of allocating a copy of each.
var commonSymbols = func() map[string]any {
	names := []string{"E", "encoding",
		"body", "senderid", "requestid", "filter", "collective", "agent", "callerid",
		"ttl", "msgtime", "hash", "senderagent",
		"action", "data", "caller", "process_results", "statuscode", "statusmsg",
		"fact", "cf_class", "identity", "compound", "operator", "value", "utime"}
	m := make(map[string]any, len(names))
	for _, n := range names {
		m[n] = Symbol(n)
	}
	return m
}()
