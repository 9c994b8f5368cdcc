package ddl

import (
	"encoding/json"
	"math"
	"testing"
)

// TestValidators checks the built-in validators; expectations follow what
// Ruby MCollective 2.12.5's validator plugins do with the same values.
func TestValidators(t *testing.T) {
	tests := []struct {
		name    string
		check   func(any) error
		value   any
		wantErr string
	}{
		{"shellsafe ok", ValidateShellsafe, "nginx-1.2", ""},
		{"shellsafe backtick", ValidateShellsafe, "a`b", "value should not have ` in it"},
		{"shellsafe dollar", ValidateShellsafe, "$HOME", "value should not have $ in it"},
		{"shellsafe pipe", ValidateShellsafe, "a|b", "value should not have | in it"},
		{"shellsafe and", ValidateShellsafe, "a&&b", "value should not have && in it"},
		{"shellsafe single ampersand", ValidateShellsafe, "a&b", ""},
		{"shellsafe redirect", ValidateShellsafe, "a>b", "value should not have > in it"},
		{"shellsafe input", ValidateShellsafe, "a<b", "value should not have < in it"},
		{"shellsafe not a string", ValidateShellsafe, 1, "value should be a String"},
		{"ipv4", ValidateIPv4Address, "192.168.1.1", ""},
		{"ipv4 prefix", ValidateIPv4Address, "1.2.3.4/24", ""},
		{"ipv4 netmask", ValidateIPv4Address, "1.2.3.4/255.255.0.0", ""},
		{"ipv4 bad prefix", ValidateIPv4Address, "1.2.3.4/33", "value should be an ipv4 address"},
		{"ipv4 short", ValidateIPv4Address, "1.2.3", "value should be an ipv4 address"},
		{"ipv4 given ipv6", ValidateIPv4Address, "::1", "value should be an ipv4 address"},
		{"ipv4 not a string", ValidateIPv4Address, 16909060, "value should be an ipv4 address"},
		{"ipv6", ValidateIPv6Address, "2001:db8::1", ""},
		{"ipv6 brackets", ValidateIPv6Address, "[::1]", ""},
		{"ipv6 zone", ValidateIPv6Address, "fe80::1%eth0", ""},
		{"ipv6 mapped", ValidateIPv6Address, "::ffff:1.2.3.4", ""},
		{"ipv6 given ipv4", ValidateIPv6Address, "1.2.3.4", "value should be an ipv6 address"},
		{"ipaddress v4", ValidateIPAddress, "10.0.0.1", ""},
		{"ipaddress v6", ValidateIPAddress, "::", ""},
		{"ipaddress junk", ValidateIPAddress, "localhost", "value should be an ip address"},
		{"length ok", func(v any) error { return ValidateLength(v, 3) }, "héé", ""},
		{"length long", func(v any) error { return ValidateLength(v, 3) }, "abcd", "Input string is longer than 3 character(s)"},
		{"length unlimited", func(v any) error { return ValidateLength(v, 0) }, "abcd", ""},
		{"length slice", func(v any) error { return ValidateLength(v, 1) }, []any{1, 2}, "Input string is longer than 1 character(s)"},
		{"regex", func(v any) error { return ValidateRegex(v, `^\h+$`) }, "0aF", ""},
		{"regex refuses", func(v any) error { return ValidateRegex(v, `^\d+$`) }, "12a", `value should match ^\d+$`},
		{"regex not a string", func(v any) error { return ValidateRegex(v, `.`) }, 1, "value should be a string"},
		{"regex invalid", func(v any) error { return ValidateRegex(v, `(`) }, "x", `regexp "(" cannot be used with Go's RE2 engine: error parsing regexp: missing closing ): ` + "`(`"},
		{"list", func(v any) error { return ValidateList(v, []any{"b", int64(1)}) }, "a", "value should be one of b, 1"},
		{"list number equality", func(v any) error { return ValidateList(v, []any{int64(1), int64(2)}) }, 1.0, ""},
		{"list string is not number", func(v any) error { return ValidateList(v, []any{int64(1)}) }, "1", "value should be one of 1"},
		{"typecheck integer", func(v any) error { return ValidateType(v, TypeInteger) }, json.Number("12"), ""},
		{"typecheck integer refuses", func(v any) error { return ValidateType(v, TypeInteger) }, "12", "value should be a integer"},
		{"typecheck float", func(v any) error { return ValidateType(v, TypeFloat) }, float32(1.5), ""},
		{"typecheck number", func(v any) error { return ValidateType(v, TypeNumber) }, math.Inf(1), ""},
		{"typecheck boolean", func(v any) error { return ValidateType(v, TypeBoolean) }, false, ""},
		{"typecheck boolean refuses", func(v any) error { return ValidateType(v, TypeBoolean) }, "false", "value should be a boolean"},
		{"typecheck string refuses bytes", func(v any) error { return ValidateType(v, TypeString) }, []byte("x"), "value should be a string"},
		{"typecheck array refuses bytes", func(v any) error { return ValidateType(v, TypeArray) }, []byte("x"), "value should be a array"},
		{"typecheck any", func(v any) error { return ValidateType(v, TypeAny) }, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.value)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestLookupValidator(t *testing.T) {
	tests := []struct {
		name  string
		value any
		found bool
		ok    bool
	}{
		{"shellsafe", "a;b", true, false},
		{"ipv4address", "1.1.1.1", true, true},
		{"ipv6address", "::1", true, true},
		{"ipaddress", "::1", true, true},
		{"integer", int64(1), true, true},
		{"boolean", "yes", true, false},
		{"custom", "x", true, true},
		{"length", "x", false, false},
		{"service_name", "x", false, false},
	}
	custom := Validators{"custom": func(any) error { return nil }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, found := LookupValidator(tt.name, custom)
			if found != tt.found {
				t.Fatalf("found %v", found)
			}
			if found && (fn(tt.value) == nil) != tt.ok {
				t.Errorf("%v passed: %v", tt.value, fn(tt.value) == nil)
			}
		})
	}
}

func TestRubyFloat(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{1, "1.0"},
		{-2.5, "-2.5"},
		{0.1, "0.1"},
		{1e14, "100000000000000.0"},
		{1e15, "1.0e+15"},
		{1234567890123456, "1.234567890123456e+15"},
		{1e20, "1.0e+20"},
		{0.0001, "0.0001"},
		{0.00001, "1.0e-05"},
		{123456789.123456789, "123456789.12345679"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		if got := rubyFloat(tt.f); got != tt.want {
			t.Errorf("rubyFloat(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

// TestRubyRegexp checks the translation of Ruby regexp syntax to RE2.
func TestRubyRegexp(t *testing.T) {
	tests := []struct {
		source, flags, value string
		match                bool
	}{
		{`^\h+$`, "", "09afAF", true},
		{`^[\h-]+$`, "", "0-a", true},
		{`^\H$`, "", "g", true},
		{`^abc\Z`, "", "abc\n", true},
		{`^abc$`, "", "abc\n", false},
		{`^a.c$`, "m", "a\nc", true},
		{`^ABC$`, "i", "abc", true},
		{`^[\]h]$`, "", "h", true},
	}
	for _, tt := range tests {
		re, err := compileRuby(tt.source, tt.flags)
		if err != nil {
			t.Errorf("/%s/%s: %v", tt.source, tt.flags, err)
			continue
		}
		if got := re.MatchString(tt.value); got != tt.match {
			t.Errorf("/%s/%s =~ %q = %v", tt.source, tt.flags, tt.value, got)
		}
	}
}
