package filter

import "testing"

func TestCompileRuby(t *testing.T) {
	tests := []struct {
		re, s string
		want  bool
	}{
		{`^line2$`, "line1\nline2", true}, // Ruby's ^ and $ are line anchors
		{`\Aline2`, "line1\nline2", false},
		{`^[\h]+$`, "c0ffee", true},
		{`^\h+$`, "c0ffee", true},
		{`^\H+$`, "xyz", true},
		{`b\Z`, "ab\n", true},
		{`(?i)WEB`, "web", true},
		{`a\\h`, `a\h`, true}, // an escaped backslash is not \h
	}
	for _, tc := range tests {
		t.Run(tc.re, func(t *testing.T) {
			re, err := compileRuby(tc.re)
			if err != nil {
				t.Fatal(err)
			}
			if got := re.MatchString(tc.s); got != tc.want {
				t.Errorf("/%s/ =~ %q: %v, want %v", tc.re, tc.s, got, tc.want)
			}
		})
	}
	if _, err := compileRuby(`(?=x)`); err == nil {
		t.Error("look-ahead compiled; RE2 has none")
	}
}

func TestSpecs(t *testing.T) {
	tests := []struct {
		spec, value string
		want        bool
	}{
		{"web1", "web1", true},
		{"web", "web1", false},
		{"/web/", "web1", true},
		{"/^web$/", "web1", false},
		{"/w/e/b/", "web", true}, // every slash goes, as Ruby's gsub("/", "")
		{"web/", "web/", true},   // a slash elsewhere is a literal
	}
	for _, tc := range tests {
		got, err := matchSpec(tc.spec, tc.value)
		if err != nil || got != tc.want {
			t.Errorf("matchSpec(%q, %q) = %v, %v; want %v", tc.spec, tc.value, got, err, tc.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	ints := map[string]string{"10": "10", "010": "8", "0x1A": "26", "0b101": "5", "0o17": "15", "1_000": "1000", " -5 ": "-5", "+7": "7"}
	for in, want := range ints {
		n, err := parseInteger(in)
		if err != nil || n.i.String() != want {
			t.Errorf("parseInteger(%q) = %v, %v; want %s", in, n.i, err, want)
		}
	}
	for _, in := range []string{"08", "1.5", "", "1__0", "_1", "abc", "0x"} {
		if _, err := parseInteger(in); err == nil {
			t.Errorf("parseInteger(%q) succeeded", in)
		}
	}
	floats := map[string]float64{"1.5": 1.5, "1e5": 1e5, "1_5": 15, "0x5": 5, ".5": 0.5, "0123": 123, "0x1.8p1": 3, "1.5\n": 1.5}
	for in, want := range floats {
		n, err := parseFloat(in)
		if err != nil || n.f != want {
			t.Errorf("parseFloat(%q) = %v, %v; want %v", in, n.f, err, want)
		}
	}
	for _, in := range []string{"5.", "1a5", "1 5", "", ".", "e5", "NaN", "Infinity", "1__0"} {
		if _, err := parseFloat(in); err == nil {
			t.Errorf("parseFloat(%q) succeeded", in)
		}
	}
}
