package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/marionette-mco/marionette/core/config"
)

func TestParseNodeInput(t *testing.T) {
	rpcJSON := `[
  {"sender": "web1", "statuscode": 0, "statusmsg": "OK", "data": {"pong": 1}, "agent": "rpcutil", "action": "ping"},
  {"sender": "db-1.example.com", "statuscode": 1, "statusmsg": "failed", "data": {}, "agent": "rpcutil", "action": "ping"},
  {"certname": "puppet_node", "other": 1}
]`
	cases := []struct {
		name, in, kind string
		want           []string
		err            string
	}{
		{"rpc json", rpcJSON, "auto", []string{"web1", "db-1.example.com", "puppet_node"}, ""},
		{"json forced", " [{\"sender\":\"a\"}]", "json", []string{"a"}, ""},
		{"text", "web1\n  web2\r\n\n# comment\nweb3", "auto", []string{"web1", "web2", "web3"}, ""},
		{"text forced", "[x]\n", "text", nil, "not an identity"},
		{"empty array", "[]", "auto", nil, ""},
		{"whitespace", " \n\t\n", "auto", nil, "only whitespace"},
		{"not an array", `{"sender":"a"}`, "json", nil, "not an array"},
		{"bad json", `[{"sender":"a"},`, "auto", nil, "JSON host list"},
		{"not objects", `["a","b"]`, "auto", nil, "array of objects"},
		{"no senders", `[{"identity":"a"}]`, "auto", nil, "does not have senders"},
		{"bad sender", `[{"sender":"a b"}]`, "auto", nil, "not an identity"},
		{"bad line", "web1\nweb 2\n", "text", nil, "standard input:2"},
		{"unknown type", "web1", "yaml", nil, "auto, text and json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseNodeInput(strings.NewReader(c.in), c.kind)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestReadNodesFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("# fleet\nnode1\n\n  node2.example.com \nnode_3\n"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n# only comments\n   \n"), 0o644)
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("node1\nnode/2\n"), 0o644)
	got, err := readNodesFile(good)
	if err != nil || !reflect.DeepEqual(got, []string{"node1", "node2.example.com", "node_3"}) {
		t.Fatalf("good = %v, %v", got, err)
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "missing"): "cannot read the discovery file",
		dir:                           "cannot read the discovery file",
		empty:                         "lists no identities",
		bad:                           "bad:2",
	} {
		_, err := readNodesFile(path)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != ExitFailure || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want exit %d and %q", path, err, ExitFailure, want)
		}
	}
}

// fakeSession is a session with a config and no broker, enough for the
// discovery methods that do not broadcast.
func fakeSession(raw map[string]string) *session {
	return &session{cfg: &config.Config{DirectAddressing: true, Raw: raw},
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestDiscoverLists(t *testing.T) {
	dir := t.TempDir()
	nodes := filepath.Join(dir, "nodes")
	os.WriteFile(nodes, []byte("node3\nnode1\nghost\nnode2\n"), 0o644)
	cases := []struct {
		name   string
		f      filterFlags
		d      discoveryFlags
		raw    map[string]string
		want   []string
		method string
		code   int
	}{
		{name: "nodes file", d: discoveryFlags{nodes: nodes}, want: []string{"ghost", "node1", "node2", "node3"}, method: methodFlatfile},
		{name: "flatfile --do", d: discoveryFlags{method: "flatfile", options: []string{nodes}}, want: []string{"ghost", "node1", "node2", "node3"}, method: methodFlatfile},
		{name: "default method from config", d: discoveryFlags{options: []string{nodes}}, raw: map[string]string{"default_discovery_method": "flatfile"},
			want: []string{"ghost", "node1", "node2", "node3"}, method: methodFlatfile},
		{name: "identity regex", f: filterFlags{identities: []string{"/^node[12]$/"}}, d: discoveryFlags{nodes: nodes}, want: []string{"node1", "node2"}, method: methodFlatfile},
		{name: "identity names", f: filterFlags{identities: []string{"ghost", "nope"}}, d: discoveryFlags{nodes: nodes}, want: []string{"ghost"}, method: methodFlatfile},
		{name: "agent filters are ignored", f: filterFlags{agents: []string{"x"}}, d: discoveryFlags{nodes: nodes}, want: []string{"ghost", "node1", "node2", "node3"}, method: methodFlatfile},
		{name: "limit first", d: discoveryFlags{nodes: nodes, limit: "2"}, want: []string{"node1", "node3"}, method: methodFlatfile},
		{name: "limit seeded", d: discoveryFlags{nodes: nodes, limit: "50%", seed: optionalInt{value: 1, set: true}}, want: []string{"ghost", "node1"}, method: methodFlatfile},
		{name: "stdin json", d: discoveryFlags{method: "stdin", stdin: strings.NewReader(`[{"sender":"b"},{"sender":"a"}]`)}, want: []string{"a", "b"}, method: methodStdin},
		{name: "stdin text typed", d: discoveryFlags{method: "stdin", options: []string{"text"}, stdin: strings.NewReader("b\na\n")}, want: []string{"a", "b"}, method: methodStdin},
		{name: "fact filter refused", f: filterFlags{facts: []string{"a=b"}}, d: discoveryFlags{nodes: nodes}, code: ExitUsage},
		{name: "class filter refused", f: filterFlags{classes: []string{"base"}}, d: discoveryFlags{method: "stdin", stdin: strings.NewReader("a")}, code: ExitUsage},
		{name: "no file for flatfile", d: discoveryFlags{method: "flatfile"}, code: ExitUsage},
		{name: "nodes with another method", d: discoveryFlags{nodes: nodes, method: "stdin"}, code: ExitUsage},
		{name: "nodes with --do", d: discoveryFlags{nodes: nodes, options: []string{"x"}}, code: ExitUsage},
		{name: "unknown method", d: discoveryFlags{method: "puppetdb"}, code: ExitUsage},
		{name: "unknown default method", d: discoveryFlags{}, raw: map[string]string{"default_discovery_method": "puppetdb"}, code: ExitFailure},
		{name: "bad limit", d: discoveryFlags{nodes: nodes, limit: "many"}, code: ExitUsage},
		{name: "missing file", d: discoveryFlags{nodes: filepath.Join(dir, "none")}, code: ExitFailure},
		{name: "bad -S", f: filterFlags{compound: []string{"a and"}}, d: discoveryFlags{nodes: nodes}, code: ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opened := false
			open := func() (*session, error) { opened = true; return fakeSession(c.raw), nil }
			d := c.d
			got, err := discover(context.Background(), open, &commonFlags{}, &c.f, &d, "rpcutil")
			if c.code != 0 {
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Code != c.code {
					t.Fatalf("err = %v, want exit %d", err, c.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.nodes, c.want) || got.method != c.method || !got.ran || !opened {
				t.Fatalf("got %+v, want %v by %s", got, c.want, c.method)
			}
			if d.method != c.method {
				t.Errorf("recorded method %q, want %q", d.method, c.method)
			}
			if d.stdin == nil {
				// discovering again with the same flags gives the same nodes
				again, err := discover(context.Background(), open, &commonFlags{}, &c.f, &d, "rpcutil")
				if err != nil || !reflect.DeepEqual(again.nodes, got.nodes) {
					t.Errorf("second discovery: %+v, %v", again, err)
				}
			}
		})
	}
}

func TestLiteralIdentitiesSkipDiscovery(t *testing.T) {
	open := func() (*session, error) { return nil, errors.New("no broker needed") }
	d := discoveryFlags{limit: "1"}
	got, err := discover(context.Background(), open, &commonFlags{}, &filterFlags{identities: []string{"b", "a"}}, &d, "")
	if err != nil || got.ran || !reflect.DeepEqual(got.nodes, []string{"b"}) {
		t.Fatalf("got %+v, %v", got, err)
	}
	// -S, --dm or --nodes need a discovery round
	for _, f := range []filterFlags{{identities: []string{"a"}, compound: []string{"x=1"}}} {
		if _, err := discover(context.Background(), open, &commonFlags{}, &f, &discoveryFlags{}, ""); err == nil {
			t.Errorf("%+v skipped discovery", f)
		}
	}
	if _, err := discover(context.Background(), open, &commonFlags{}, &filterFlags{identities: []string{"a"}}, &discoveryFlags{method: "stdin"}, ""); err == nil {
		t.Error("--dm stdin skipped discovery")
	}
	if got, err := discover(context.Background(), open, &commonFlags{}, &filterFlags{identities: []string{"a"}}, &discoveryFlags{method: "mc"}, ""); err != nil || got.ran {
		t.Errorf("--dm mc -I a: %+v, %v; Ruby takes literal identities with mc", got, err)
	}
}

func TestCompoundUsageErrors(t *testing.T) {
	cases := []struct {
		expr string
		want string
	}{
		{"role=web and and country=de", "-S: parse error \"and\" at column 14\n    role=web and and country=de\n                 ^^^"},
		{"(role=web", "-S: missing parenthesis \"(\" at column 1\n    (role=web\n    ^"},
		{"a=1 or", "-S: parse error \"or\" at column 5\n    a=1 or\n        ^^"},
		{"role=web )", "missing parenthesis \")\" at column 10"},
		{"foo=bar baz", "parse error \"baz\" at column 9"},
		{"fstat('/x').size>", "malformed token"},
		{"agent('rpcutil')", "needs a comparison"},
	}
	for _, c := range cases {
		_, err := (&filterFlags{compound: []string{c.expr}}).build()
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-S %q: %v\nwant exit %d containing %q", c.expr, err, ExitUsage, c.want)
		}
	}
	f, err := (&filterFlags{compound: []string{"(role=web or not roles::db) and fstat('/etc/hosts').size>0", "x=1"}}).build()
	if err != nil || len(f.Compound) != 2 || len(f.Compound[0]) != 8 {
		t.Fatalf("good -S = %+v, %v", f.Compound, err)
	}
	if got := dataTimeout(f); got.Seconds() != 1 {
		t.Errorf("data plugin timeout = %v, want 1s", got)
	}
}

func TestCheckDataCalls(t *testing.T) {
	cases := []struct {
		expr string
		want string // "" for accepted
	}{
		{"fstat('/etc/hosts').size>0", ""},
		{"fact('os.family').value=debian and agent('rpcutil').timeout>1", ""},
		{"Fstat_data('/etc/hosts').present=1", ""},
		{"collective('mcollective').member=true", ""},
		{"nosuch('x').y=1", "unknown data plugin nosuch()"},
		{"fstat('/etc/hosts').bogus=1", "data plugin 'fstat()' does not return a 'bogus' value"},
		{"agent('not valid!').version=1", "agent(\"not valid!\")"},
		{"fstat('').size>0", "fstat(\"\")"},
	}
	for _, c := range cases {
		_, err := (&filterFlags{compound: []string{c.expr}}).build()
		if c.want == "" {
			if err != nil {
				t.Errorf("-S %q: %v", c.expr, err)
			}
			continue
		}
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-S %q: %v, want exit %d with %q", c.expr, err, ExitUsage, c.want)
		}
	}
}

func TestApplyLimit(t *testing.T) {
	nodes := []string{"c", "a", "d", "b"}
	d := discoveryFlags{limit: "2"}
	if got, _ := d.applyLimit(nodes, ""); !reflect.DeepEqual(got, []string{"c", "a"}) {
		t.Errorf("first = %v", got)
	}
	if got, _ := d.applyLimit(nodes, "random"); len(got) != 2 {
		t.Errorf("random = %v", got)
	}
	d.seed = optionalInt{value: 3, set: true}
	a, _ := d.applyLimit(nodes, "first")
	b, _ := d.applyLimit(nodes, "random")
	if !reflect.DeepEqual(a, b) || len(a) != 2 {
		t.Errorf("a seed picks at random whatever the method: %v, %v", a, b)
	}
	if n, ok := (&discoveryFlags{limit: "3"}).firstCount("first"); !ok || n != 3 {
		t.Errorf("firstCount(3) = %d, %v", n, ok)
	}
	for _, d := range []discoveryFlags{{limit: "30%"}, {limit: "3", seed: optionalInt{set: true}}, {}} {
		if _, ok := d.firstCount(""); ok {
			t.Errorf("firstCount(%+v) ends discovery early", d)
		}
	}
	var seed optionalInt
	if seed.Set("-12") != nil || !seed.set || seed.value != -12 || seed.Set("1.5") == nil {
		t.Errorf("--limit-seed parsing: %+v", seed)
	}
}
