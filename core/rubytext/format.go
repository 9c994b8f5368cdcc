package rubytext

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/marionette-mco/marionette/core/marshal"
)

// Format is Ruby's Kernel#format (String#%) for the directives DDL
// aggregate formats use: flags "-+ 0#", a width and a precision (digits
// or *), and the conversions d i u f e E g G a A s p x X o b B c and %%.
// Arguments are converted as Ruby converts them: an integer directive
// truncates a Float and parses a String, a float directive takes an
// Integer, %s is to_s and %p inspect. Too few arguments, or one that
// cannot be converted, is an error, as in Ruby; extra arguments are
// ignored.
func Format(format string, args ...any) (string, error) {
	var out strings.Builder
	next := 0
	take := func() (any, error) {
		if next >= len(args) {
			return nil, fmt.Errorf("format %q: too few arguments", format)
		}
		next++
		return args[next-1], nil
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			out.WriteByte(c)
			continue
		}
		spec, verb, end, err := directive(format, i+1, take)
		if err != nil {
			return "", err
		}
		i = end
		if verb == '%' {
			out.WriteByte('%')
			continue
		}
		arg, err := take()
		if err != nil {
			return "", err
		}
		s, err := convert(spec, verb, arg)
		if err != nil {
			return "", fmt.Errorf("format %q: %w", format, err)
		}
		out.WriteString(s)
	}
	return out.String(), nil
}

// directive reads flags, width and precision from format[i:] up to the
// conversion character and returns them as a Go format prefix ("%-08.2"),
// the conversion and its index.
func directive(format string, i int, take func() (any, error)) (string, byte, int, error) {
	spec := "%"
	for ; i < len(format) && strings.IndexByte("-+ 0#", format[i]) >= 0; i++ {
		spec += string(format[i])
	}
	number := func() error {
		if i < len(format) && format[i] == '*' {
			v, err := take()
			if err != nil {
				return err
			}
			n, ok := marshal.Int(v)
			if !ok {
				return fmt.Errorf("format %q: * needs an Integer", format)
			}
			spec += strconv.FormatInt(n, 10)
			i++
			return nil
		}
		for ; i < len(format) && format[i] >= '0' && format[i] <= '9'; i++ {
			spec += string(format[i])
		}
		return nil
	}
	if err := number(); err != nil {
		return "", 0, 0, err
	}
	if i < len(format) && format[i] == '.' {
		spec += "."
		i++
		if err := number(); err != nil {
			return "", 0, 0, err
		}
	}
	if i >= len(format) {
		return "", 0, 0, fmt.Errorf("format %q: incomplete format specifier", format)
	}
	if strings.IndexByte("diufeEgGaAspxXobBc%", format[i]) < 0 {
		return "", 0, 0, fmt.Errorf("format %q: malformed format string - %%%c", format, format[i])
	}
	return spec, format[i], i, nil
}

func convert(spec string, verb byte, arg any) (string, error) {
	switch verb {
	case 'd', 'i', 'u':
		n, err := toInteger(arg)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(spec+"d", n), nil
	case 'x', 'X', 'o', 'b', 'B':
		n, err := toInteger(arg)
		if err != nil {
			return "", err
		}
		if verb == 'B' {
			verb = 'b'
		}
		if neg, ok := n.(int64); ok && neg < 0 && !strings.ContainsAny(spec, "+ ") {
			return twosComplement(spec, verb, neg), nil
		}
		return fmt.Sprintf(spec+string(verb), n), nil
	case 'f', 'e', 'E', 'g', 'G', 'a', 'A':
		f, err := toFloat(arg)
		if err != nil {
			return "", err
		}
		if !strings.Contains(spec, ".") && verb != 'a' && verb != 'A' {
			spec += ".6" // C's default precision; Go's %g would be the shortest
		}
		if verb == 'a' || verb == 'A' {
			verb += 'x' - 'a'
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nonFinite(spec, f), nil
		}
		return fmt.Sprintf(spec+string(verb), f), nil
	case 's':
		return fmt.Sprintf(spec+"s", ToS(arg)), nil
	case 'p':
		return fmt.Sprintf(spec+"s", Inspect(arg)), nil
	case 'c':
		if n, ok := marshal.Int(arg); ok {
			return fmt.Sprintf(spec+"c", rune(n)), nil
		}
		s := ToS(arg)
		r := []rune(s)
		if len(r) == 0 {
			return "", fmt.Errorf("%%c requires a character")
		}
		return fmt.Sprintf(spec+"c", r[0]), nil
	}
	return "", fmt.Errorf("unsupported directive %%%c", verb)
}

// twosComplement writes a negative number in base 16, 8 or 2 as Ruby
// does without a sign flag: ".." and the two's complement digits, one
// leading all-ones digit kept ("%x" % -7 is "..f9").
func twosComplement(spec string, verb byte, n int64) string {
	base, top := 16, byte('f')
	switch verb {
	case 'o':
		base, top = 8, '7'
	case 'b':
		base, top = 2, '1'
	}
	digits := strconv.FormatUint(uint64(n), base)
	if verb == 'o' {
		digits = digits[1:] // 64 bits are one bit and 21 octal digits
	}
	digits = ".." + string(top) + strings.TrimLeft(digits, string(top))
	if verb == 'X' {
		digits = strings.ToUpper(digits)
	}
	width, _, _ := strings.Cut(strings.TrimLeft(spec, "%-+ 0#"), ".")
	if strings.Contains(spec, "-") {
		return fmt.Sprintf("%-"+width+"s", digits)
	}
	return fmt.Sprintf("%"+width+"s", digits)
}

// nonFinite writes Inf, -Inf or NaN as Ruby does: space padded to the
// width, never zero padded.
func nonFinite(spec string, f float64) string {
	text := "NaN"
	switch {
	case math.IsInf(f, 1):
		text = "Inf"
		if strings.Contains(spec, "+") {
			text = "+Inf"
		}
	case math.IsInf(f, -1):
		text = "-Inf"
	}
	width, _, _ := strings.Cut(strings.TrimLeft(spec, "%-+ 0#"), ".")
	if strings.Contains(spec, "-") {
		return fmt.Sprintf("%-"+width+"s", text)
	}
	return fmt.Sprintf("%"+width+"s", text)
}

// toInteger is Ruby's Kernel#Integer as format applies it.
func toInteger(v any) (any, error) {
	switch x := v.(type) {
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("%s can't be converted to Integer", Float(x))
		}
		t := math.Trunc(x)
		if math.Abs(t) < 1<<63 {
			return int64(t), nil
		}
		b, _ := big.NewFloat(t).Int(nil)
		return b, nil
	case *big.Int:
		return x, nil
	case nil:
		return nil, fmt.Errorf("can't convert nil into Integer")
	}
	if n, ok := marshal.Int(v); ok {
		return n, nil
	}
	if s, ok := marshal.Text(v); ok {
		clean := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
		if n, err := strconv.ParseInt(clean, 0, 64); err == nil {
			return n, nil
		}
		return nil, fmt.Errorf("invalid value for Integer(): %s", String(s))
	}
	return nil, fmt.Errorf("can't convert %s into Integer", Inspect(v))
}

// toFloat is Ruby's Kernel#Float as format applies it.
func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, nil
	case nil:
		return 0, fmt.Errorf("can't convert nil into Float")
	}
	if n, ok := marshal.Int(v); ok {
		return float64(n), nil
	}
	if s, ok := marshal.Text(v); ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return f, nil
		}
		return 0, fmt.Errorf("invalid value for Float(): %s", String(s))
	}
	return 0, fmt.Errorf("can't convert %s into Float", Inspect(v))
}
