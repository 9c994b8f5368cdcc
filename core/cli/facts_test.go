package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func TestFactReportGolden(t *testing.T) {
	values := map[string][]string{
		"web": {"node3", "node1"},
		"db":  {"node2"},
		"a-rather-long-value-that-is-wider-than-forty": {"node4"},
	}
	cases := []struct {
		name    string
		values  map[string][]string
		verbose bool
	}{
		{"facts.golden", values, false},
		{"facts_verbose.golden", values, true},
		{"facts_none.golden", map[string][]string{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			writeFactReport(&b, "role", c.values, c.verbose)
			tally := &rpcTally{discovered: []string{"node1", "node2", "node3", "node4", "ghost"}, discoveryRan: true,
				responded: []string{"node1", "node2", "node3", "node4"}, ok: 4,
				agentTime: 12345 * time.Microsecond, discoveryTime: 2 * time.Second,
				start: time.Date(2024, 11, 26, 14, 0, 0, 0, time.FixedZone("", 0))}
			tally.report(&b, c.verbose)
			golden(t, c.name, b.String())
		})
	}
}

func TestFactText(t *testing.T) {
	cases := []struct {
		in   any
		want string
		ok   bool
	}{
		{"web", "web", true},
		{nil, "", false},
		{false, "", false},
		{true, "true", true},
		{[]any{"a", "b"}, `["a","b"]`, true},
		{map[string]any{"family": "debian"}, `{"family":"debian"}`, true},
	}
	for _, c := range cases {
		got, ok := factText(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("factText(%v) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestHaltCode(t *testing.T) {
	cases := []struct {
		name  string
		tally rpcTally
		want  int
	}{
		{"no discovery, no answer", rpcTally{discovered: []string{"a"}}, 4},
		{"discovered, no answer", rpcTally{discovered: []string{"a"}, discoveryRan: true}, 3},
		{"a failure", rpcTally{discovered: []string{"a", "b"}, discoveryRan: true, responded: []string{"a", "b"}, ok: 1, failed: 1}, 2},
		{"nothing discovered", rpcTally{discoveryRan: true}, 1},
		{"all well", rpcTally{discovered: []string{"a"}, discoveryRan: true, responded: []string{"a"}, ok: 1}, 0},
		{"literal identities answered", rpcTally{discovered: []string{"a"}, responded: []string{"a"}, ok: 1}, 0},
	}
	for _, c := range cases {
		if got := c.tally.haltCode(); got != c.want {
			t.Errorf("%s: halt code %d, want %d", c.name, got, c.want)
		}
	}
}

func TestFactJSON(t *testing.T) {
	var b bytes.Buffer
	if err := writeFactJSON(&b, "role", map[string][]string{"web": {"n3", "n1"}, "db": {"n2"}}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"fact\": \"role\",\n  \"values\": {\n    \"db\": [\n      \"n2\"\n    ],\n    \"web\": [\n      \"n1\",\n      \"n3\"\n    ]\n  }\n}\n"
	if b.String() != want {
		t.Fatalf("got %s", b.String())
	}
}
