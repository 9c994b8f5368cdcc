package ddl

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ValidatorFunc is a named validator such as shellsafe: it returns an error
// saying why value is refused, in the words Ruby's validator plugins use.
type ValidatorFunc func(value any) error

// Validators maps validator names, as written in :validation => :name, to
// their checks. Plugins that ship their own validators (the service agent's
// service_name, say) pass them to ValidateWith.
type Validators map[string]ValidatorFunc

// LookupValidator finds a named validator: first in custom, then among the
// built-in ones (shellsafe, ipv4address, ipv6address, ipaddress and the
// type checks string, integer, float, number, boolean).
func LookupValidator(name string, custom Validators) (ValidatorFunc, bool) {
	if fn, ok := custom[name]; ok && fn != nil {
		return fn, true
	}
	switch name {
	case "shellsafe":
		return ValidateShellsafe, true
	case "ipv4address":
		return ValidateIPv4Address, true
	case "ipv6address":
		return ValidateIPv6Address, true
	case "ipaddress":
		return ValidateIPAddress, true
	case "string", "integer", "float", "number", "boolean":
		return func(v any) error { return ValidateType(v, Type(name)) }, true
	}
	return nil, false
}

// ValidateShellsafe refuses strings holding `, $, ;, |, &&, > or <, as
// MCollective's shellsafe validator does.
func ValidateShellsafe(v any) error {
	s, ok := asString(v)
	if !ok {
		return errors.New("value should be a String")
	}
	for _, bad := range []string{"`", "$", ";", "|", "&&", ">", "<"} {
		if strings.Contains(s, bad) {
			return fmt.Errorf("value should not have %s in it", bad)
		}
	}
	return nil
}

// ValidateIPv4Address accepts an IPv4 address, optionally with a /prefix or
// /netmask as Ruby's IPAddr.new does.
func ValidateIPv4Address(v any) error {
	if a, ok := parseIPAddr(v); !ok || !a.Is4() {
		return errors.New("value should be an ipv4 address")
	}
	return nil
}

// ValidateIPv6Address accepts an IPv6 address, optionally bracketed or with
// a /prefix.
func ValidateIPv6Address(v any) error {
	if a, ok := parseIPAddr(v); !ok || !a.Is6() {
		return errors.New("value should be an ipv6 address")
	}
	return nil
}

// ValidateIPAddress accepts an IPv4 or IPv6 address (a Choria validator;
// Ruby MCollective 2.12 has no ipaddress validator).
func ValidateIPAddress(v any) error {
	if _, ok := parseIPAddr(v); !ok {
		return errors.New("value should be an ip address")
	}
	return nil
}

func parseIPAddr(v any) (netip.Addr, bool) {
	s, ok := asString(v)
	if !ok {
		return netip.Addr{}, false
	}
	addr, mask, hasMask := strings.Cut(s, "/")
	if strings.HasPrefix(addr, "[") && strings.HasSuffix(addr, "]") {
		addr = addr[1 : len(addr)-1]
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Addr{}, false
	}
	if hasMask {
		if n, err := strconv.Atoi(mask); err == nil {
			if n < 0 || n > a.BitLen() {
				return netip.Addr{}, false
			}
		} else if m, err := netip.ParseAddr(mask); err != nil || m.BitLen() != a.BitLen() {
			return netip.Addr{}, false
		}
	}
	return a, true
}

// ValidateLength refuses strings longer than max characters; max 0 means
// no limit.
func ValidateLength(v any, max int) error {
	n := 0
	if s, ok := asString(v); ok {
		n = utf8.RuneCountInString(s)
	} else if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map {
		n = rv.Len()
	} else {
		return errors.New("value should be a string")
	}
	if max > 0 && n > max {
		return fmt.Errorf("Input string is longer than %d character(s)", max)
	}
	return nil
}

// ValidateRegex checks a string against a Ruby pattern (compiled as
// described in the package documentation).
func ValidateRegex(v any, pattern string) error {
	re, err := compileRuby(pattern, "")
	if err != nil {
		return err
	}
	s, ok := asString(v)
	if !ok {
		return errors.New("value should be a string")
	}
	if !re.MatchString(s) {
		return fmt.Errorf("value should match %s", pattern)
	}
	return nil
}

// ValidateList accepts a value equal to one of list, comparing numbers by
// value as Ruby's == does (MCollective's array validator).
func ValidateList(v any, list []any) error {
	for _, e := range list {
		if rubyEqual(v, e) {
			return nil
		}
	}
	return fmt.Errorf("value should be one of %s", join(list, ", "))
}

// ValidateType is MCollective's typecheck validator for string, integer,
// float, number and boolean, and also checks hash, array and any. A float
// input accepts integers; integer accepts floats without a fraction, which
// is how JSON delivers whole numbers.
func ValidateType(v any, t Type) error {
	var ok bool
	switch t {
	case TypeString:
		_, ok = asString(v)
	case TypeInteger:
		_, ok = asInteger(v)
	case TypeFloat:
		_, ok = asFloat(v)
	case TypeNumber:
		_, ok = asNumber(v)
	case TypeBoolean:
		_, ok = v.(bool)
		if !ok && v != nil {
			ok = reflect.ValueOf(v).Kind() == reflect.Bool
		}
	case TypeHash:
		ok = v != nil && reflect.ValueOf(v).Kind() == reflect.Map
	case TypeArray:
		_, ok = asArray(v)
	case TypeAny, "":
		ok = true
	}
	if !ok {
		return fmt.Errorf("value should be a %s", t)
	}
	return nil
}

// asString accepts Go strings and named string types; json.Number is a
// number, not a string.
func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case nil, json.Number:
		return "", false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// asInteger returns v as int64, or *big.Int when it is one.
func asInteger(v any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case *big.Int:
		if x == nil {
			return nil, false
		}
		if x.IsInt64() {
			return x.Int64(), true
		}
		return x, true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt64 {
			return new(big.Int).SetUint64(rv.Uint()), true
		}
		return int64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), true
		}
	}
	return nil, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case nil:
		return 0, false
	case *big.Int:
		if x == nil {
			return 0, false
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), true
	}
	return 0, false
}

// asNumber keeps integers as integers and everything else numeric as
// float64.
func asNumber(v any) (any, bool) {
	rv := reflect.ValueOf(v)
	if v != nil && rv.Kind() != reflect.Float32 && rv.Kind() != reflect.Float64 {
		if n, ok := asInteger(v); ok {
			return n, true
		}
	}
	if f, ok := asFloat(v); ok {
		return f, true
	}
	return nil, false
}

func asArray(v any) (any, bool) {
	if v == nil {
		return nil, false
	}
	if _, isBytes := v.([]byte); isBytes {
		return nil, false
	}
	k := reflect.ValueOf(v).Kind()
	return v, k == reflect.Slice || k == reflect.Array
}

// rubyEqual is Ruby's == for the values a DDL list holds.
func rubyEqual(a, b any) bool {
	if sa, ok := asString(a); ok {
		sb, ok := asString(b)
		return ok && sa == sb
	}
	if _, ok := asString(b); ok {
		return false
	}
	if fa, ok := asFloat(a); ok {
		fb, ok := asFloat(b)
		return ok && fa == fb
	}
	if ba, ok := a.(bool); ok {
		bb, ok := b.(bool)
		return ok && ba == bb
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return reflect.DeepEqual(a, b)
}
