package filter

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// number is a Ruby Integer (arbitrary size) or Float.
type number struct {
	i *big.Int // set for an Integer
	f float64  // the Float when i is nil
}

// rubySpace is what Ruby's Integer() and Float() strip from both ends.
const rubySpace = " \t\n\v\f\r"

var errNotNumber = errors.New("not a number")

// parseInteger is Ruby's Kernel#Integer on a String: surrounding
// whitespace, a sign, a 0x/0b/0o/0d prefix, a leading 0 meaning octal
// ("010" is 8, "08" an error) and single underscores between digits.
func parseInteger(s string) (number, error) {
	t := strings.Trim(s, rubySpace)
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg, t = t[0] == '-', t[1:]
	}
	base := 10
	lower := strings.ToLower(t)
	switch {
	case strings.HasPrefix(lower, "0x"):
		base, t = 16, t[2:]
	case strings.HasPrefix(lower, "0b"):
		base, t = 2, t[2:]
	case strings.HasPrefix(lower, "0o"):
		base, t = 8, t[2:]
	case strings.HasPrefix(lower, "0d"):
		base, t = 10, t[2:]
	case len(t) > 1 && t[0] == '0':
		base, t = 8, strings.TrimPrefix(t[1:], "_")
	}
	if !digitsWithUnderscores(t) {
		return number{}, fmt.Errorf("invalid value for Integer(): %q: %w", s, errNotNumber)
	}
	i, ok := new(big.Int).SetString(strings.ReplaceAll(t, "_", ""), base)
	if !ok {
		return number{}, fmt.Errorf("invalid value for Integer(): %q: %w", s, errNotNumber)
	}
	if neg {
		i.Neg(i)
	}
	return number{i: i}, nil
}

// digitsWithUnderscores reports whether t is alphanumerics separated by
// single underscores; SetString then checks the digits against the base.
func digitsWithUnderscores(t string) bool {
	if t == "" || t[0] == '_' || t[len(t)-1] == '_' || strings.Contains(t, "__") {
		return false
	}
	for _, c := range []byte(t) {
		if c != '_' && !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

var rubyDecimalFloat = lazyRegexp(`^[+-]?(?:[0-9]+(?:_[0-9]+)*)?(?:\.[0-9]+(?:_[0-9]+)*)?(?:[eE][+-]?[0-9]+(?:_[0-9]+)*)?$`)

// parseFloat is Ruby's Kernel#Float on a String: decimal with optional
// fraction and exponent (".5" and "1e5" yes, "5." no), underscores between
// digits, or hexadecimal ("0x1A", "0x1.8p1").
func parseFloat(s string) (number, error) {
	t := strings.Trim(s, rubySpace)
	bad := fmt.Errorf("invalid value for Float(): %q: %w", s, errNotNumber)
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return number{}, bad
	}
	if l := strings.ToLower(body); strings.HasPrefix(l, "0x") {
		if strings.Contains(l, "_") {
			return number{}, bad
		}
		if !strings.Contains(l, "p") {
			t += "p0"
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return number{}, bad
		}
		return number{f: f}, nil
	}
	if !rubyDecimalFloat().MatchString(t) || !strings.ContainsAny(strings.SplitN(strings.ToLower(t), "e", 2)[0], "0123456789") {
		return number{}, bad
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return number{}, bad
	}
	return number{f: f}, nil
}

// numberOf converts a Go numeric value; ok is false for anything else.
func numberOf(v any) (number, bool) {
	switch x := v.(type) {
	case int:
		return number{i: big.NewInt(int64(x))}, true
	case int32:
		return number{i: big.NewInt(int64(x))}, true
	case int64:
		return number{i: big.NewInt(x)}, true
	case uint32:
		return number{i: new(big.Int).SetUint64(uint64(x))}, true
	case uint64:
		return number{i: new(big.Int).SetUint64(x)}, true
	case float32:
		return number{f: float64(x)}, true
	case float64:
		return number{f: x}, true
	}
	return number{}, false
}

// cmp compares exactly, as Ruby compares Integer with Float; ok is false
// when a NaN is involved.
func (a number) cmp(b number) (int, bool) {
	if a.i != nil && b.i != nil {
		return a.i.Cmp(b.i), true
	}
	x, okx := a.big()
	y, oky := b.big()
	if !okx || !oky {
		return 0, false
	}
	return x.Cmp(y), true
}

func (a number) big() (*big.Float, bool) {
	if a.i != nil {
		return new(big.Float).SetPrec(uint(max(64, a.i.BitLen()))).SetInt(a.i), true
	}
	if math.IsNaN(a.f) {
		return nil, false
	}
	return big.NewFloat(a.f), true
}

// compareNumbers applies one of ==, !=, <, >, <=, >=. Every comparison
// with NaN is false except !=.
func compareNumbers(a, b number, op string) bool {
	c, ok := a.cmp(b)
	if !ok {
		return op == "!="
	}
	return applyCmp(c, op)
}

// applyCmp turns a three-way comparison result into op's answer.
func applyCmp(c int, op string) bool {
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	case ">=":
		return c >= 0
	}
	return false
}
