package marshal

import (
	"strings"
	"unicode/utf8"
)

// encKind sorts Ruby encoding names into the Go types that carry them.
type encKind int

const (
	encOther  encKind = iota // EncodedString
	encUTF8                  // string
	encASCII                 // ASCII
	encBinary                // []byte
)

// encodingKind sorts an encoding name; "" means no encoding instance
// variable, which Ruby reads as binary. Names compare case-insensitively,
// as Ruby's do, and the aliases BINARY and ASCII count.
func encodingKind(name string) encKind {
	switch name { // the names ivars returns for E, without folding case
	case "UTF-8":
		return encUTF8
	case "US-ASCII":
		return encASCII
	}
	switch {
	case name == "", strings.EqualFold(name, "ASCII-8BIT"), strings.EqualFold(name, "BINARY"):
		return encBinary
	case strings.EqualFold(name, "UTF-8"):
		return encUTF8
	case strings.EqualFold(name, "US-ASCII"), strings.EqualFold(name, "ASCII"):
		return encASCII
	}
	return encOther
}

// isASCII reports whether s has only 7-bit bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Regexp option bits beyond the three in Regexp's documentation, as Ruby
// sets them on a Regexp with a fixed encoding (/u, or a non-ASCII source)
// or with no encoding (/n).
const (
	regexpFixedEncoding = 16
	regexpNoEncoding    = 32
)

// regexpEncoding chooses the encoding Ruby would give a Regexp with this
// source and options, since Regexp does not record one: binary for /n
// with escapes and for sources that are not UTF-8, US-ASCII for an
// ASCII source without a fixed encoding, UTF-8 otherwise. A Regexp read
// with another encoding (EUC-JP, say) is written back as UTF-8.
func regexpEncoding(r Regexp) string {
	switch {
	case r.Options&regexpNoEncoding != 0 && r.Options&regexpFixedEncoding != 0:
		return ""
	case !utf8.ValidString(r.Source):
		return ""
	case isASCII(r.Source) && r.Options&regexpFixedEncoding == 0:
		return "US-ASCII"
	}
	return "UTF-8"
}
