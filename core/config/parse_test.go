package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// kv is a key and value pair, for comparing parsed entries.
type kv struct{ Key, Value string }

func TestParseLines(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []kv
	}{
		{"plain", "identity = node1\n", []kv{{"identity", "node1"}}},
		{"no spaces", "identity=node1", []kv{{"identity", "node1"}}},
		{"trimmed", "  \tidentity   =   node1 \t\r\n", []kv{{"identity", "node1"}}},
		{"comments and blanks", "# a comment\n\n   # indented comment\n\t\nttl = 30\n", []kv{{"ttl", "30"}}},
		{"inline comment after space", "plugin.psk = a36cd839414370e10fd281b8a38a4f48 #secret",
			[]kv{{"plugin.psk", "a36cd839414370e10fd281b8a38a4f48"}}},
		{"inline comment after two spaces", "libdir = /usr/libexec/mcollective  #x",
			[]kv{{"libdir", "/usr/libexec/mcollective"}}},
		{"inline comment after tab", "loglevel = warn\t# quieter", []kv{{"loglevel", "warn"}}},
		{"hash inside value kept", "plugin.psk = abc#def", []kv{{"plugin.psk", "abc#def"}}},
		{"hash at value start kept", "plugin.psk =#abc", []kv{{"plugin.psk", "#abc"}}},
		{"equals in value", "default_discovery_options = a=b", []kv{{"default_discovery_options", "a=b"}}},
		{"utf-8 comment", "connector = stomp #通信协议", []kv{{"connector", "stomp"}}},
		{"crlf", "a = 1\r\nb = 2\r\n", []kv{{"a", "1"}, {"b", "2"}}},
		{"byte order mark", "\uFEFFidentity = x", []kv{{"identity", "x"}}},
		{"order kept, repeats kept", "a = 1\nb = 2\na = 3", []kv{{"a", "1"}, {"b", "2"}, {"a", "3"}}},
		{"empty file", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := parseLines("x.cfg", tt.text, "")
			if err != nil {
				t.Fatalf("parseLines: %v", err)
			}
			var got []kv
			for _, e := range entries {
				got = append(got, kv{e.key, e.value})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseLinesPositions(t *testing.T) {
	entries, err := parseLines("conf/server.cfg", "# c\n\nttl = 5\n  loglevel = info\n", "plugin.x.")
	if err != nil {
		t.Fatal(err)
	}
	want := []Position{
		{File: "conf/server.cfg", Line: 3, Key: "plugin.x.ttl"},
		{File: "conf/server.cfg", Line: 4, Key: "plugin.x.loglevel"},
	}
	for i, e := range entries {
		if e.pos != want[i] {
			t.Errorf("entry %d at %+v, want %+v", i, e.pos, want[i])
		}
	}
}

func TestParseLinesErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"no equals", "identity = a\nthis line has no equals\n", `s.cfg:2: expected key = value, got "this line has no equals"`},
		{"missing key", "\n= value", "s.cfg:2: missing key before ="},
		{"missing value", "ttl =", "s.cfg:1: missing value for ttl"},
		{"only a comment as value", "a = 1\nb = 2\nttl = #none", "s.cfg:3: missing value for ttl"},
		{"space in key", "log level = info", `s.cfg:1: key "log level" contains white space`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseLines("s.cfg", tt.text, "")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err.Error(), tt.want)
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	tests := []struct {
		err  ParseError
		want string
	}{
		{ParseError{File: "a.cfg", Line: 7, Reason: "bad"}, "a.cfg:7: bad"},
		{ParseError{File: "environment variable STOMP_PORT", Reason: "bad"}, "environment variable STOMP_PORT: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestReadPluginDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "rabbitmq.cfg", "pool.size = 1\n# comment\npool.1.host = b1 #broker\n")
	writeFile(t, dir, "puppet.cfg", "splay = true\n")
	writeFile(t, dir, "bad-name.cfg", "x = 1\n")
	writeFile(t, dir, "notes.txt", "ignored\n")
	if err := os.Mkdir(filepath.Join(dir, "sub.cfg"), 0o755); err != nil {
		t.Fatal(err)
	}

	pf, err := readPluginDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{filepath.Join(dir, "puppet.cfg"), filepath.Join(dir, "rabbitmq.cfg")}
	if !reflect.DeepEqual(pf.files, wantFiles) {
		t.Errorf("files %q, want %q", pf.files, wantFiles)
	}
	var got []kv
	for _, e := range pf.entries {
		got = append(got, kv{e.key, e.value})
	}
	want := []kv{{"plugin.puppet.splay", "true"}, {"plugin.rabbitmq.pool.size", "1"}, {"plugin.rabbitmq.pool.1.host", "b1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries %q, want %q", got, want)
	}
	if len(pf.skipped) != 1 || pf.skipped[0].Key != "plugin.d/bad-name.cfg" {
		t.Errorf("skipped %+v, want bad-name.cfg", pf.skipped)
	}

	if pf, err := readPluginDir(filepath.Join(dir, "missing")); err != nil || len(pf.files) != 0 {
		t.Errorf("missing dir: %+v, %v; want nothing, no error", pf, err)
	}
}

func TestReadPluginDirError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "psk.cfg", "callertype = uid\nbroken\n")
	_, err := readPluginDir(dir)
	want := filepath.Join(dir, "psk.cfg") + `:2: expected key = value, got "broken"`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// writeFile writes text to dir/name.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
