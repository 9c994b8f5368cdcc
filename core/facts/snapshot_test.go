package facts

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/marionette-mco/marionette/core/config"
)

// write creates dir/name with content and returns its path.
func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const baseYAML = `role: web
rank: 1
load: 0.5
virtual: false
empty: ~
ips: [10.0.0.1, 10.0.0.2]
os:
  family: Debian
  release:
    major: 12
    full: "12.5"
dotted.key: literal
`

func TestLoadTypedAndDotted(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "facts.yaml", baseYAML)
	src, err := New(config.Facts{YAMLFiles: []string{f}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := src.Snapshot()
	tests := []struct {
		name   string
		want   any
		wantOK bool
		str    string
	}{
		{"role", "web", true, "web"},
		{"rank", int64(1), true, "1"},
		{"load", 0.5, true, "0.5"},
		{"virtual", false, true, "false"},
		{"empty", nil, true, ""},
		{"ips", []any{"10.0.0.1", "10.0.0.2"}, true, `["10.0.0.1", "10.0.0.2"]`},
		{"os.family", "Debian", true, "Debian"},
		{"os.release.major", int64(12), true, "12"},
		{"os.release.full", "12.5", true, "12.5"},
		{"os.release", map[string]any{"major": int64(12), "full": "12.5"}, true, `{"full"=>"12.5", "major"=>"12"}`},
		{"dotted.key", "literal", true, "literal"},
		{"os.missing", nil, false, ""},
		{"role.x", nil, false, ""},
		{"nope", nil, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := s.Lookup(tc.name)
			if ok != tc.wantOK || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Lookup(%q) = %#v, %v; want %#v, %v", tc.name, got, ok, tc.want, tc.wantOK)
			}
			if ok && String(got) != tc.str {
				t.Errorf("String = %q, want %q", String(got), tc.str)
			}
		})
	}
	os1, _ := s.Lookup("os")
	if _, ok := os1.(map[string]any)["family"]; !ok {
		t.Errorf("top-level os should hold the whole map, got %#v", os1)
	}
	// Lookup hands out copies: changing one does not change the snapshot.
	os1.(map[string]any)["family"] = "changed"
	if v, _ := s.Lookup("os.family"); v != "Debian" {
		t.Errorf("snapshot mutated through Lookup: %v", v)
	}
}

func TestMergeOrder(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.yaml", "role: web\ncountry: de\nos:\n  family: Debian\n  name: x\n")
	b := write(t, dir, "b.yaml", "role: db\nos:\n  family: RedHat\n")
	missing := filepath.Join(dir, "missing.yaml")
	empty := write(t, dir, "empty.yaml", "")
	src, err := New(config.Facts{YAMLFiles: []string{a, missing, b, empty}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := src.Snapshot().Flat()
	// Top-level merge, as Ruby's Hash#merge: b's os replaces a's entirely.
	want := map[string]string{"role": "db", "country": "de", "os.family": "RedHat"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Flat = %v, want %v", got, want)
	}
}

func TestDuplicateKeysLastWins(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "facts.yaml", "a: b\na: c\n")
	src, err := New(config.Facts{YAMLFiles: []string{f}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := src.Snapshot().Lookup("a"); v != "c" {
		t.Errorf("a = %v, want c (Ruby keeps the last duplicate)", v)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"syntax", "a: 1\nb: [1, 2\nc: 3\n", "facts.yaml:2: did not find expected ',' or ']'"},
		{"tab", "a:\n  b: 1\n\tc: 2\n", "facts.yaml:2: found a tab character"},
		{"structure", "a: &s str\nd:\n  <<: *s\n", "facts.yaml:3: merge key << needs a mapping"},
		{"no line", "a: \"\x01\"\n", "facts.yaml: control characters are not allowed"},
		{"list", "- a\n- b\n", "top level is not a mapping"},
		{"scalar", "just a string\n", "top level is not a mapping"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := write(t, t.TempDir(), "facts.yaml", tc.content)
			_, err := New(config.Facts{YAMLFiles: []string{f}}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New error = %v, want it to contain %q", err, tc.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != f {
				t.Errorf("error %v is not a *FileError for %s", err, f)
			}
		})
	}
}

func TestUnsupportedSource(t *testing.T) {
	if _, err := New(config.Facts{Source: "facter"}, nil); err == nil {
		t.Fatal("want an error for factsource facter")
	}
}

func TestClasses(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content *string
		want    []string
	}{
		{"lines", ptr("roles::web\n  base  \n\n\r\nprofile::ntp\r\n"), []string{"roles::web", "base", "profile::ntp"}},
		{"empty", ptr(""), nil},
		{"missing", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".txt")
			if tc.content != nil {
				write(t, dir, tc.name+".txt", *tc.content)
			}
			src, err := New(config.Facts{ClassesFile: p}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := src.Snapshot().Classes(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Classes = %q, want %q", got, tc.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestNilSnapshot(t *testing.T) {
	var s *Snapshot
	if _, ok := s.Lookup("a"); ok {
		t.Error("nil snapshot found a fact")
	}
	if s.Classes() != nil || len(s.Flat()) != 0 || len(s.Normalized()) != 0 {
		t.Error("nil snapshot is not empty")
	}
}

func TestNewSnapshot(t *testing.T) {
	s := NewSnapshot(map[string]any{"n": 3, "m": map[string]string{"a": "b"}, "f": float32(0.5)}, []string{"x"})
	if v, _ := s.Lookup("n"); v != int64(3) {
		t.Errorf("n = %#v, want int64(3)", v)
	}
	if v, _ := s.Lookup("m.a"); v != "b" {
		t.Errorf("m.a = %#v", v)
	}
	if v, _ := s.Lookup("f"); v != 0.5 {
		t.Errorf("f = %#v", v)
	}
	want := map[string]any{"n": "3", "m": map[string]any{"a": "b"}, "f": "0.5"}
	if got := s.Normalized(); !reflect.DeepEqual(got, want) {
		t.Errorf("Normalized = %#v, want %#v", got, want)
	}
}
