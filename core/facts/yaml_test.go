package facts

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The expected values were checked against what goccy/go-yaml (used before
// go.yaml.in/yaml/v3) produced and against Ruby 3.1's Psych
// (YAML.safe_load with aliases, as Ruby MCollective's yaml_facts). Where
// they differ, the comment says whom the case follows.
func TestDecodeYAML(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		// Duplicate keys: the last one wins, at any depth.
		{"dup top", "a: b\na: c\n", map[string]any{"a": "c"}},
		{"dup nested", "m:\n  x: 1\n  x: 2\n", map[string]any{"m": map[string]any{"x": int64(2)}}},
		{"dup replaces map", "m:\n  x: 1\nm:\n  y: 2\n", map[string]any{"m": map[string]any{"y": int64(2)}}},
		{"dup flow", "m: {a: 1, a: 2}\n", map[string]any{"m": map[string]any{"a": int64(2)}}},
		{"dup after key conversion", "1: int\n\"1\": str\n", map[string]any{"1": "str"}},

		// Anchors and aliases.
		{"alias scalar", "a: &x 1\nb: *x\n", map[string]any{"a": int64(1), "b": int64(1)}},
		{"alias map", "a: &m {k: v}\nb: *m\n", map[string]any{"a": map[string]any{"k": "v"}, "b": map[string]any{"k": "v"}}},
		{"alias list", "a: &l [1, two]\nb: *l\n", map[string]any{"a": []any{int64(1), "two"}, "b": []any{int64(1), "two"}}},
		{"alias as key", "a: &k key\n*k : value\n", map[string]any{"a": "key", "key": "value"}},
		{"alias of aliases", "a: &a [x]\nb: &b [*a, *a]\nc: *b\n", map[string]any{
			"a": []any{"x"}, "b": []any{[]any{"x"}, []any{"x"}}, "c": []any{[]any{"x"}, []any{"x"}},
		}},
		{"anchor redefined", "a: &x 1\nb: &x 2\nc: *x\n", map[string]any{"a": int64(1), "b": int64(2), "c": int64(2)}},
		{"anchor unused", "a: &u hello\n", map[string]any{"a": "hello"}},

		// Merge keys, applied in document order as Psych does.
		{"merge", "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n", map[string]any{
			"base": map[string]any{"x": int64(1), "y": int64(2)}, "d": map[string]any{"x": int64(1), "y": int64(3)},
		}},
		{"merge after explicit key wins", "b: &b {y: 2}\nd:\n  y: 3\n  <<: *b\n", map[string]any{
			"b": map[string]any{"y": int64(2)}, "d": map[string]any{"y": int64(2)},
		}},
		{"key after merge wins", "d: {x: 1, <<: {x: 2}, x: 3}\n", map[string]any{"d": map[string]any{"x": int64(3)}}},
		// Psych and the YAML merge spec: the earlier mapping in a list wins
		// (goccy let the later one win).
		{"merge list", "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nd:\n  <<: [*a, *b]\n", map[string]any{
			"a": map[string]any{"x": int64(1), "y": int64(1)},
			"b": map[string]any{"y": int64(2), "z": int64(2)},
			"d": map[string]any{"x": int64(1), "y": int64(1), "z": int64(2)},
		}},
		// An alias to a list of mappings merges them, as goccy did (Psych
		// keeps the list under a "<<" key).
		{"merge alias to list", "a: &l [{x: 1}, {x: 2, y: 2}]\nd: {<<: *l}\n", map[string]any{
			"a": []any{map[string]any{"x": int64(1)}, map[string]any{"x": int64(2), "y": int64(2)}},
			"d": map[string]any{"x": int64(1), "y": int64(2)},
		}},
		{"merge inline", "d:\n  <<: {x: 1}\n  y: 2\n", map[string]any{"d": map[string]any{"x": int64(1), "y": int64(2)}}},
		{"merge chained", "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n", map[string]any{
			"a": map[string]any{"x": int64(1)},
			"b": map[string]any{"x": int64(1), "y": int64(2)},
			"c": map[string]any{"x": int64(1), "y": int64(2), "z": int64(3)},
		}},
		{"merge top level", "base: &b {x: 1}\n<<: *b\nz: 2\n", map[string]any{
			"base": map[string]any{"x": int64(1)}, "x": int64(1), "z": int64(2),
		}},
		{"merge in list item", "a: &a {x: 1}\nl:\n  - <<: *a\n    y: 2\n", map[string]any{
			"a": map[string]any{"x": int64(1)}, "l": []any{map[string]any{"x": int64(1), "y": int64(2)}},
		}},
		// A quoted << is a plain key, as with goccy (Psych merges it).
		{"quoted merge key", "d:\n  \"<<\": {x: 1}\n", map[string]any{"d": map[string]any{"<<": map[string]any{"x": int64(1)}}}},
		// As in Psych (goccy refused the file).
		{"str tagged merge key", "d:\n  !!str <<: {x: 1}\n", map[string]any{"d": map[string]any{"<<": map[string]any{"x": int64(1)}}}},
		{"merge as value", "a: <<\nb: [<<]\n", map[string]any{"a": "<<", "b": []any{"<<"}}},

		// Integers: YAML 1.2 prefixes plus goccy's leading-zero octal and
		// underscores; above MaxInt64 uint64, beyond uint64 a string (Psych:
		// Bignum, with the same to_s).
		{"big ints", "max: 9223372036854775807\nover: 9223372036854775808\numax: 18446744073709551615\nhuge: 18446744073709551616\nneg: -9223372036854775808\nnegover: -9223372036854775809\n", map[string]any{
			"max": int64(math.MaxInt64), "over": uint64(math.MaxInt64 + 1), "umax": uint64(math.MaxUint64),
			"huge": "18446744073709551616", "neg": int64(math.MinInt64), "negover": "-9223372036854775809",
		}},
		{"octal hex binary", "o1: 0o17\no2: 017\nh: 0x1F\nhneg: -0x10\nb: 0b101\nplus: +12\nund: 1_000\nnz: -0\nlead: 00\nbad8: 08\ncomma: 1,000\nhexbig: 0xFFFFFFFFFFFFFFFF\n", map[string]any{
			"o1": int64(15), "o2": int64(15), "h": int64(31), "hneg": int64(-16), "b": int64(5), "plus": int64(12),
			"und": int64(1000), "nz": int64(0), "lead": int64(0), "bad8": "08", "comma": "1,000", "hexbig": uint64(math.MaxUint64),
		}},

		// Floats need a dot: 1e3 stays a string, as in Psych and goccy.
		{"floats", "a: 1.5\nb: 1e3\nc: 1.0e+3\nd: .5\ne: 1.\nf: .inf\ng: -.Inf\ni: 685.230_15e+03\nk: -0.0\nm: +1.5\nn: 1e400\no: 1.0e400\n", map[string]any{
			"a": 1.5, "b": "1e3", "c": 1000.0, "d": 0.5, "e": 1.0, "f": math.Inf(1), "g": math.Inf(-1),
			"i": 685230.15, "k": math.Copysign(0, -1), "m": 1.5, "n": "1e400", "o": "1.0e400",
		}},

		// Timestamps stay strings (Psych's safe_load refuses the file).
		{"timestamps", "d: 2001-12-14\nt: 2001-12-14t21:59:43.10-05:00\nc: 2002-12-14T21:59:43Z\n", map[string]any{
			"d": "2001-12-14", "t": "2001-12-14t21:59:43.10-05:00", "c": "2002-12-14T21:59:43Z",
		}},

		// YAML 1.2 booleans and nulls.
		{"bools", "a: yes\nb: no\nc: on\nd: off\ne: true\nf: False\ng: TRUE\nh: y\nj: tRUE\n", map[string]any{
			"a": "yes", "b": "no", "c": "on", "d": "off", "e": true, "f": false, "g": true, "h": "y", "j": "tRUE",
		}},
		{"nulls", "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nULL\ng: \"\"\nh: [~, '']\n", map[string]any{
			"a": nil, "b": nil, "c": nil, "d": nil, "e": nil, "f": "nULL", "g": "", "h": []any{nil, ""},
		}},
		{"strings", "a: \"12\"\nb: '1.5'\nc: |\n  lit\n  block\nd: >\n  folded\n  text\ne: \"esc\\tx\\u00e9\"\nh: :sym\ni: 12:30:00\n", map[string]any{
			"a": "12", "b": "1.5", "c": "lit\nblock\n", "d": "folded text\n", "e": "esc\txé", "h": ":sym", "i": "12:30:00",
		}},

		// Explicit tags apply when the text fits them; otherwise, and for
		// unknown tags, they are ignored, as Psych does. !!binary gives the
		// decoded string (Psych; goccy gave a []byte).
		{"tags", "a: !!int \"12\"\nb: !!float 1\nc: !!bool \"true\"\nd: !custom 12\ne: !!binary aGVsbG8=\nf: !!str 1.0\ng: !!int abc\nh: !!null ~\ni: !!timestamp 2001-12-14\nj: ! 0\n", map[string]any{
			"a": int64(12), "b": 1.0, "c": true, "d": int64(12), "e": "hello", "f": "1.0", "g": "abc", "h": nil, "i": "2001-12-14", "j": int64(0),
		}},
		{"set and omap", "f: !!set {a, b}\ng: !!omap [{a: 1}]\n", map[string]any{
			"f": map[string]any{"a": nil, "b": nil}, "g": []any{map[string]any{"a": int64(1)}},
		}},

		// Non-string keys become strings as goccy made them.
		{"scalar keys", "1: int\n1.5: float\ntrue: bool\n~: null\n0x10: hex\n1e3: exp\n2001-12-14: date\n? complex\n: x\n", map[string]any{
			"1": "int", "1.5": "float", "true": "bool", "null": nil, "16": "hex", "1e3": "exp", "2001-12-14": "date", "complex": "x",
		}},

		{"float key", "1.0: one\n", map[string]any{"1": "one"}},

		// Documents and encodings.
		{"empty", "", nil},
		{"comment only", "# nothing\n", nil},
		{"doc start only", "---\n", nil},
		{"null doc", "~\n", nil},
		{"first doc only", "a: 1\n---\nb: 2\n", map[string]any{"a": int64(1)}},
		{"broken second doc ignored", "a: 1\n---\nb: [\n", map[string]any{"a": int64(1)}}, // Psych; goccy refused
		{"empty first doc", "---\n---\nb: 2\n", nil},
		{"doc end", "a: 1\n...\n", map[string]any{"a": int64(1)}},
		{"yaml 1.2 directive", "# facts\n%YAML 1.2\n---\na: yes\n", map[string]any{"a": "yes"}},
		{"yaml 1.2 directive after bom", "\ufeff%YAML 1.2\n---\na: 1\n", map[string]any{"a": int64(1)}},
		{"yaml 1.1 directive", "%YAML 1.1\n---\na: yes\n", map[string]any{"a": "yes"}},
		{"bom", "\ufeffa: 1\n", map[string]any{"a": int64(1)}}, // Psych; goccy kept the BOM in the key
		{"utf16", "\xff\xfea\x00:\x00 \x001\x00\n\x00", map[string]any{"a": int64(1)}},
		{"crlf", "a: 1\r\nb: two\r\n", map[string]any{"a": int64(1), "b": "two"}},
		{"flow top", "{a: 1, b: [2, 3]}\n", map[string]any{"a": int64(1), "b": []any{int64(2), int64(3)}}},
		{"list top", "- a\n- b\n", []any{"a", "b"}},
		{"scalar top", "just a string\n", "just a string"},
		// A flow key needs a space after the colon (Psych; goccy read {a: 1}).
		{"flow colon without space", "m: {a:1}\n", map[string]any{"m": map[string]any{"a:1": nil}}},

		// Deep nesting.
		{"deep block", deepBlock(60), deepValue(60)},
		{"deep flow", strings.Repeat("[", 500) + "1" + strings.Repeat("]", 500), deepList(500)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeYAML([]byte(tc.in))
			if err != nil {
				t.Fatalf("decodeYAML(%q): %v", tc.in, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decodeYAML(%q)\n got %#v\nwant %#v", tc.in, got, tc.want)
			}
		})
	}
}

func TestDecodeYAMLNaN(t *testing.T) {
	got, err := decodeYAML([]byte("a: .nan\nb: .NaN\nc: .NAN\n"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range got.(map[string]any) {
		if f, ok := v.(float64); !ok || !math.IsNaN(f) {
			t.Errorf("%s = %#v, want NaN", k, v)
		}
	}
}

// deepBlock is a block mapping n levels deep: k0: k1: ... leaf.
func deepBlock(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "k" + itoa(i) + ":\n")
	}
	b.WriteString(strings.Repeat("  ", n) + "leaf\n")
	return b.String()
}

func deepValue(n int) any {
	var v any = "leaf"
	for i := n - 1; i >= 0; i-- {
		v = map[string]any{"k" + itoa(i): v}
	}
	return v
}

func deepList(n int) any {
	var v any = int64(1)
	for range n {
		v = []any{v}
	}
	return v
}

func itoa(i int) string { return strconv.Itoa(i) }

// aliasChain nests n anchored lists of depth levels, each holding an alias
// to the one before: the aliases make the value n*depth deep.
func aliasChain(n, depth int) string {
	var b strings.Builder
	b.WriteString("l0: &l0 x\n")
	for i := 1; i < n; i++ {
		b.WriteString("l" + itoa(i) + ": &l" + itoa(i) + " " + strings.Repeat("[", depth) +
			"*l" + itoa(i-1) + strings.Repeat("]", depth) + "\n")
	}
	return b.String()
}

// aliasBomb doubles a list n times through aliases ("billion laughs").
func aliasBomb(n int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x]\n")
	for i := 1; i <= n; i++ {
		p := "a" + itoa(i-1)
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [*" + p + ", *" + p + "]\n")
	}
	return b.String()
}

func TestDecodeYAMLErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		want string
	}{
		// Lines are where yaml.v3 (like Psych) reports the problem: for
		// syntax errors, often the start of the construct it was in.
		{"unclosed flow", "a: 1\nb: [1, 2\nc: 3\n", 2, "did not find expected ',' or ']'"},
		{"tab indent", "a:\n  b: 1\n\tc: 2\n", 2, "found a tab character that violates indentation"},
		{"bad indent", "a:\n  b: 1\n c: 2\n", 3, "did not find expected key"},
		{"unclosed quote", "a: 1\nb: \"abc\nc: 2\n", 2, "found unexpected end of stream"},
		{"undefined alias", "a: &nopeX 1\nb: *nopeX\nc: [*nope]\n", 3, "unknown anchor 'nope' referenced"},
		{"unknown directive version", "%YAML 2.0\n---\na: 1\n", 1, "found incompatible YAML document"},
		// Psych also refuses these; goccy read them.
		{"invalid utf8", "a: \xff\xfe\n", 0, "invalid leading UTF-8 octet"},
		{"control char", "a: \"\x01\"\n", 0, "control characters are not allowed"},
		{"doc end first", "...\na: 1\n", 1, "did not find expected node content"},
		// Merge keys take mappings only (Psych keeps the value under a "<<" key).
		{"merge scalar", "a: &s str\nd:\n  <<: *s\n", 3, `merge key << needs a mapping or a list of mappings, not scalar "str"`},
		{"merge null", "d:\n  <<: ~\n  y: 1\n", 2, "merge key << needs a mapping or a list of mappings, not null"},
		{"merge list of scalars", "a: &a {x: 1}\nd:\n  <<: [*a, 3]\n", 3, `not scalar "3"`},
		// A value that contains itself (Psych overflows its stack; goccy
		// gave nil or refused the file).
		{"recursive alias", "a: &a [*a]\n", 1, "alias *a is inside the value it names"},
		{"recursive merge", "a: &a\n  x: 1\n  <<: *a\n", 3, "alias *a is inside the value it names"},
		{"recursive merge of list", "a: &a\n  - x: 1\n    <<: *a\n", 3, "alias *a is inside the value it names"},
		// Facts keys are strings (Psych allows any key; goccy refused too).
		{"list key", "a: 1\n[1, 2]: list\n", 2, "a list cannot be a mapping key"},
		{"map key", "? {a: 1}\n: map\n", 1, "a mapping cannot be a mapping key"},
		// Limits (goccy and Psych expand bombs until memory runs out).
		{"too deep for parser", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), 0, "exceeded max depth of 10000"},
		{"too deep through aliases", aliasChain(120, 100), 0, "values nest deeper than 10000"},
		{"alias bomb", aliasBomb(30), 0, "aliases expand to too many values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeYAML([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
			ye, ok := err.(*yamlError)
			if !ok {
				t.Fatalf("error %T is not a *yamlError", err)
			}
			if tc.line != 0 && ye.line != tc.line {
				t.Errorf("line = %d, want %d", ye.line, tc.line)
			}
		})
	}
}

// TestSampleFacts loads the shipped demo facts files.
func TestSampleFacts(t *testing.T) {
	files, err := filepath.Glob("../../configs/demo/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample facts files: %v", err)
	}
	for _, f := range files {
		m, err := loadFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, ok := m["role"]; !ok {
			t.Errorf("%s: no role fact in %v", f, m)
		}
	}
}

// FuzzDecodeYAML checks that any input decodes without panicking, within
// the limits, to the value types a Snapshot holds, and the same way twice.
// A smaller alias budget keeps each run fast; TestDecodeYAMLErrors covers
// the real one.
func FuzzDecodeYAML(f *testing.F) {
	files, _ := filepath.Glob("../../configs/demo/*.yaml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		baseYAML, "a: &a {x: 1}\nd: {<<: [*a, {y: 2}], x: 0}\n", "a: b\na: c\n", "a: &a [*a]\n",
		"- a\n- b\n", "? [1]\n: x\n", "%YAML 1.2\n---\na: 0x1F\n", "a: !!binary aGk=\nb: !!int \"7\"\n",
		aliasBomb(4), deepBlock(5),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodeYAMLWithin(data, fuzzExpansion)
		if err != nil {
			if _, ok := err.(*yamlError); !ok {
				t.Fatalf("error %T is not a *yamlError: %v", err, err)
			}
			return
		}
		checkTypes(t, v)
		again, _ := decodeYAMLWithin(data, fuzzExpansion)
		if String(v) != String(again) {
			t.Fatalf("decoded differently twice: %s vs %s", String(v), String(again))
		}
		if m, ok := v.(map[string]any); ok {
			NewSnapshot(m, nil).Flat()
		}
	})
}

// fuzzExpansion is the alias budget while fuzzing.
const fuzzExpansion = 1 << 12

// checkTypes fails unless v holds only a Snapshot's value types.
func checkTypes(t *testing.T, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil, string, bool, int64, uint64, float64:
	case []any:
		for _, e := range x {
			checkTypes(t, e)
		}
	case map[string]any:
		for _, e := range x {
			checkTypes(t, e)
		}
	default:
		t.Fatalf("unexpected %T %#v", v, v)
	}
}
