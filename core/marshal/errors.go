package marshal

import (
	"errors"
	"fmt"
)

// Sentinel causes carried by *Error; test for them with errors.Is.
var (
	// ErrTruncated reports input that ends early, or a declared length or
	// count larger than what is left of the input.
	ErrTruncated = errors.New("unexpected end of input")
	// ErrLimit reports input that exceeds a Limits bound.
	ErrLimit = errors.New("limit exceeded")
	// ErrUnsupported reports a Marshal type this package does not read,
	// such as a Ruby object or a user-defined type.
	ErrUnsupported = errors.New("unsupported type")
	// ErrSyntax reports malformed input: a bad version, a dangling link, a
	// bad float text, trailing bytes and the like.
	ErrSyntax = errors.New("malformed input")
)

// Error is the error Unmarshal returns: what went wrong and the byte offset
// in the input where it was found.
type Error struct {
	// Offset is the position in the input, counted from its first byte
	// (the version header).
	Offset int
	// Err is the cause; it wraps one of the sentinel errors above.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("marshal: offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// typeNames names the Marshal type bytes that appear in error messages.
var typeNames = map[byte]string{
	'0': "nil", 'T': "true", 'F': "false", 'i': "Fixnum", 'l': "Bignum",
	'f': "Float", '"': "String", ':': "Symbol", ';': "Symbol link",
	'@': "object link", '[': "Array", '{': "Hash", '}': "Hash with default",
	'/': "Regexp", 'I': "instance variables",
	'o': "Object", 'u': "user type (_dump)", 'U': "user type (marshal_dump)",
	'c': "Class", 'm': "Module", 'M': "old Module", 'e': "extended object",
	'S': "Struct", 'd': "Data object", 'C': "user subclass",
}

// describeType renders a type byte for an error message, e.g. 'o' (Object).
func describeType(t byte) string {
	if name, ok := typeNames[t]; ok {
		return fmt.Sprintf("%q (%s)", t, name)
	}
	return fmt.Sprintf("0x%02x (unknown)", t)
}
