package marshal

import (
	"errors"
	"math"
	"strconv"
)

// appendFloat appends f as Ruby's Marshal writes a Float: "inf", "-inf",
// "nan", "0", "-0", or the shortest digits that read back as f, laid out
// by the decimal point's position: "1.5", "0.0001", "1234567", and an
// exponent once the point falls left of the fourth place after it or right
// of the last digit: "1e-5", "1e2", "1.2e2", "1.5e300". There is never a
// trailing ".0", a '+' or a padded exponent.
func appendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case f == 0 && math.Signbit(f):
		return append(dst, "-0"...)
	case f == 0:
		return append(dst, '0')
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	digits, point := shortestDigits(buf[:0], f)
	switch {
	case point < -3 || point > len(digits):
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		dst = strconv.AppendInt(dst, int64(point-1), 10)
	case point > 0:
		dst = append(dst, digits[:point]...)
		if point < len(digits) {
			dst = append(dst, '.')
			dst = append(dst, digits[point:]...)
		}
	default:
		dst = append(dst, "0."...)
		for range -point {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	}
	return dst
}

// shortestDigits returns the shortest decimal digits that identify the
// positive finite f, and the position of the decimal point relative to
// them: f = 0.DIGITS × 10^point. The digits are built in buf.
func shortestDigits(buf []byte, f float64) ([]byte, int) {
	s := strconv.AppendFloat(buf, f, 'e', -1, 64) // d.ddde±XX
	e := len(s) - 1
	for s[e] != 'e' {
		e--
	}
	exp := 0
	for _, c := range s[e+2:] {
		exp = exp*10 + int(c-'0')
	}
	if s[e+1] == '-' {
		exp = -exp
	}
	if e == 1 {
		return s[:1], exp + 1
	}
	s[1] = s[0] // drop the '.'
	return s[1:e], exp + 1
}

// errFloatText is the cause for a Float whose text is not a number.
var errFloatText = errors.New("not a decimal number")

// parseFloat reads a Float's text: "nan", "inf", "-inf" or a decimal
// number, optionally signed and with an exponent. Numbers beyond the
// float64 range read as infinity or zero, as in Ruby.
func parseFloat(b []byte) (float64, error) {
	switch string(b) {
	case "nan":
		return math.NaN(), nil
	case "inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	case "":
		return 0, errFloatText
	}
	for _, c := range b {
		if (c < '0' || c > '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' {
			return 0, errFloatText
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		if ne, ok := errors.AsType[*strconv.NumError](err); ok && ne.Err == strconv.ErrRange {
			return f, nil
		}
		return 0, errFloatText
	}
	return f, nil
}
