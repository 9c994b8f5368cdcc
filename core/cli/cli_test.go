package cli

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/protocol"
)

func TestSecondsFlag(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"5", 5 * time.Second, true},
		{"0.5", 500 * time.Millisecond, true},
		{"1500ms", 1500 * time.Millisecond, true},
		{"2m", 2 * time.Minute, true},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, c := range cases {
		var s seconds
		err := s.Set(c.in)
		if (err == nil) != c.ok || c.ok && time.Duration(s) != c.want {
			t.Errorf("Set(%q) = %v, %v; want %v", c.in, time.Duration(s), err, c.want)
		}
	}
}

func TestFilterFlags(t *testing.T) {
	f := filterFlags{
		facts:      []string{"role=web", "rank>=2", "os=/deb/"},
		classes:    []string{"/roles::/"},
		identities: []string{"n1"},
		agents:     []string{"rpcutil"},
		with:       []string{"country=de base"},
	}
	got, err := f.build()
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.Filter{
		Fact: []protocol.FactTerm{{Fact: "role", Operator: "==", Value: "web"}, {Fact: "rank", Operator: ">=", Value: "2"},
			{Fact: "os", Operator: "=~", Value: "/deb/"}, {Fact: "country", Operator: "==", Value: "de"}},
		Class: []string{"/roles::/", "base"}, Identity: []string{"n1"}, Agent: []string{"rpcutil"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("filter\n got %+v\nwant %+v", got, want)
	}
	if _, err := (&filterFlags{facts: []string{"novalue"}}).build(); err == nil {
		t.Fatal("bad fact accepted")
	}
}

func TestLiteralIdentities(t *testing.T) {
	cases := []struct {
		f    filterFlags
		want []string
	}{
		{filterFlags{identities: []string{"a", "b"}}, []string{"a", "b"}},
		{filterFlags{identities: []string{"a", "/b/"}}, nil},
		{filterFlags{identities: []string{"a"}, facts: []string{"x=1"}}, nil},
		{filterFlags{}, nil},
	}
	for _, c := range cases {
		if got := literalIdentities(c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("literalIdentities(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
}

func TestPingStats(t *testing.T) {
	var b bytes.Buffer
	printPingStats(&b, []float64{10, 20, 30}, false)
	if !strings.Contains(b.String(), "---- ping statistics ----\n3 replies max: 30.00 min: 10.00 avg: 20.00") {
		t.Fatalf("stats = %q", b.String())
	}
	b.Reset()
	printPingStats(&b, nil, false)
	if !strings.Contains(b.String(), "No responses received") {
		t.Fatalf("empty stats = %q", b.String())
	}
	if got := sparkline([]float64{10, 20, 120, 130, 140}); got != "▅▁▇" {
		t.Fatalf("sparkline = %q", got)
	}
}

func TestUsageErrors(t *testing.T) {
	cases := [][]string{
		{"ping", "--no-such-flag"},
		{"find", "extra-arg"},
		{"nosuchcommand"},
		{"ping", "-t", "soon"},
		{"find", "-F", "=x"},
	}
	for _, args := range cases {
		var out, errb bytes.Buffer
		code := Execute(context.Background(), IO{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
		if code != ExitUsage {
			t.Errorf("%v: exit %d (stderr %q), want %d", args, code, errb.String(), ExitUsage)
		}
	}
}
