package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// testDDL is an agent exercising every input type, defaults and a
// validator.
const testDDL = `metadata :name => "echo", :description => "Echo", :author => "t", :license => "x",
         :version => "1", :url => "http://x", :timeout => 7

action "echo", :description => "Echo things" do
    display :ok
    input :msg, :prompt => "M", :description => "D", :type => :string,
          :validation => '^[a-z ]+$', :optional => false, :maxlength => 20
    input :count, :prompt => "C", :description => "D", :type => :integer, :optional => true, :default => 1
    input :ratio, :prompt => "R", :description => "D", :type => :float, :optional => true
    input :size, :prompt => "S", :description => "D", :type => :number, :optional => true
    input :loud, :prompt => "L", :description => "D", :type => :boolean, :optional => true
    input :level, :prompt => "L", :description => "D", :type => :list, :list => ["low", "high", 3], :optional => true
    input :opts, :prompt => "O", :description => "D", :type => :hash, :optional => true
    input :items, :prompt => "I", :description => "D", :type => :array, :optional => true
    input :mode, :prompt => "M", :description => "D", :type => :string, :validation => '^\w+$',
          :optional => false, :default => "plain", :maxlength => 10

    output :msg, :description => "D", :display_as => "Message"
    output :length, :description => "D", :display_as => "Length"

    summarize do
        aggregate summary(:msg)
        aggregate sum(:length, :format => "Total length: %d")
    end
end
`

func parseTestDDL(t *testing.T) *ddl.DDL {
	t.Helper()
	d, err := ddl.Parse("agent/echo.ddl", []byte(testDDL))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRPCParseInvocation(t *testing.T) {
	cases := []struct {
		name                string
		agent, action       string
		flagArgs, positonal []string
		want                invocation
		err                 string
	}{
		{"positional", "", "", nil, []string{"rpcutil", "get_fact", "fact=role"},
			invocation{"rpcutil", "get_fact", []rawArg{{"fact", "role"}}}, ""},
		{"flags", "rpcutil", "get_fact", []string{"fact=a=b"}, nil,
			invocation{"rpcutil", "get_fact", []rawArg{{"fact", "a=b"}}}, ""},
		{"agent flag, action positional", "rpcutil", "", nil, []string{"ping"},
			invocation{"rpcutil", "ping", nil}, ""},
		{"flag args before positional ones", "a", "b", []string{"x=1"}, []string{"y=2"},
			invocation{"a", "b", []rawArg{{"x", "1"}, {"y", "2"}}}, ""},
		{"no action", "", "", nil, []string{"rpcutil"}, invocation{}, "No agent, action and arguments specified"},
		{"nothing", "", "", nil, nil, invocation{}, "No agent, action and arguments specified"},
		{"not key=value", "", "", nil, []string{"a", "b", "novalue"}, invocation{}, "Could not parse --arg novalue"},
		{"empty value", "", "", nil, []string{"a", "b", "k="}, invocation{}, "Could not parse --arg k="},
		{"empty key", "", "", nil, []string{"a", "b", "=v"}, invocation{}, "Could not parse --arg =v"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseInvocation(c.agent, c.action, c.flagArgs, c.positonal)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || exitCode(err) != ExitUsage {
					t.Fatalf("err = %v, want usage error %q", err, c.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func exitCode(err error) int {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return -1
}

func TestRPCBuildArguments(t *testing.T) {
	d := parseTestDDL(t)
	cases := []struct {
		name   string
		action string
		args   []rawArg
		want   map[string]any
		err    string
	}{
		{"types converted, required default filled, optional default left out", "echo",
			[]rawArg{{"msg", "hi there"}, {"ratio", "0.5"}, {"size", "-3"}, {"loud", "yes"}, {"level", "3"},
				{"opts", `{"a":1,"b":[true]}`}, {"items", `[1,"x",2.5]`}},
			map[string]any{"msg": "hi there", "ratio": 0.5, "size": int64(-3), "loud": true, "level": int64(3),
				"opts": map[string]any{"a": int64(1), "b": []any{true}}, "items": []any{int64(1), "x", 2.5}, "mode": "plain"},
			""},
		{"given optional default kept", "echo", []rawArg{{"msg", "a"}, {"count", "5"}, {"mode", "fast"}},
			map[string]any{"msg": "a", "count": int64(5), "mode": "fast"}, ""},
		{"list value from the list", "echo", []rawArg{{"msg", "a"}, {"level", "low"}},
			map[string]any{"msg": "a", "level": "low", "mode": "plain"}, ""},
		{"undeclared input refused", "echo", []rawArg{{"msg", "a"}, {"extra", "5"}},
			nil, `action echo of agent echo takes no input "extra"`},
		{"missing required input", "echo", nil, nil, "Action echo needs a msg argument"},
		{"unknown action", "nosuch", nil, nil, "Attempted to call action nosuch for echo but it's not declared in the DDL"},
		{"failed validator", "echo", []rawArg{{"msg", "UPPER"}}, nil, "Cannot validate input msg: value should match ^[a-z ]+$"},
		{"too long", "echo", []rawArg{{"msg", strings.Repeat("a", 21)}}, nil, "Cannot validate input msg: Input string is longer than 20 character(s)"},
		{"not an integer", "echo", []rawArg{{"msg", "a"}, {"count", "many"}}, nil, "Cannot validate input count: many does not look like an integer"},
		{"not a boolean", "echo", []rawArg{{"msg", "a"}, {"loud", "maybe"}}, nil, "maybe does not look like a boolean argument"},
		{"not in the list", "echo", []rawArg{{"msg", "a"}, {"level", "mid"}}, nil, "value should be one of"},
		{"not a JSON object", "echo", []rawArg{{"msg", "a"}, {"opts", "[1]"}}, nil, "is not a JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := buildArguments(d, invocation{agent: "echo", action: c.action, args: c.args})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || exitCode(err) != ExitUsage {
					t.Fatalf("err = %v, want usage error %q", err, c.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v, %v\nwant %#v", got, err, c.want)
			}
		})
	}
	got, err := buildArguments(nil, invocation{agent: "x", action: "y", args: []rawArg{{"n", "5"}, {"b", "true"}}})
	if err != nil || !reflect.DeepEqual(got, map[string]any{"n": "5", "b": "true"}) {
		t.Fatalf("without a DDL: %#v, %v", got, err)
	}
}

// TestRPCRefusedBeforeSending runs mco rpc with a config whose broker
// does not exist: refusals must come (exit 64) without any connection
// attempt, which would end in exit 70.
func TestRPCRefusedBeforeSending(t *testing.T) {
	dir := t.TempDir()
	agentDir := filepath.Join(dir, "lib", "mcollective", "agent")
	if err := os.MkdirAll(agentDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(agentDir, "echo.ddl"), []byte(testDDL), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "client.cfg")
	err := os.WriteFile(cfg, []byte("libdir = lib\nsecurityprovider = psk\nplugin.psk = x\nconnector = stomp\n"+
		"plugin.stomp.host = 127.0.0.1\nplugin.stomp.port = 1\nlogger_type = console\nloglevel = error\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "MARIONETTE_LIBDIR" {
			return filepath.Join(dir, "none")
		}
		return ""
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"echo", "echo"}, "Action echo needs a msg argument"},
		{[]string{"echo", "shout", "msg=a"}, "not declared in the DDL"},
		{[]string{"echo", "echo", "msg=a", "count=x"}, "does not look like an integer"},
		{[]string{"echo", "echo", "msg=BAD"}, "Cannot validate input msg"},
		{[]string{"echo"}, "No agent, action and arguments specified"},
		{[]string{"--batch", "0%", "echo", "echo", "msg=a"}, "--batch 0%"},
		{[]string{"--display", "some", "echo", "echo", "msg=a"}, "--display"},
		{[]string{"--json", "--json-lines", "echo", "echo", "msg=a"}, "cannot be used together"},
		{[]string{"--nr", "--batch", "2", "echo", "echo", "msg=a"}, "batched"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			start := time.Now()
			code := Execute(context.Background(), IO{Stdout: &out, Stderr: &errb, Getenv: env},
				append(append([]string{"rpc"}, c.args...), "-c", cfg))
			if code != ExitUsage || !strings.Contains(errb.String(), c.want) || out.Len() > 0 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 64 and %q", code, out.String(), errb.String(), c.want)
			}
			if time.Since(start) > time.Second {
				t.Fatalf("took %s: did it try the broker?", time.Since(start))
			}
		})
	}
}

func TestRPCBatchSize(t *testing.T) {
	cases := []struct {
		spec  string
		total int
		want  int
		ok    bool
	}{
		{"", 10, 0, true}, {"0", 10, 0, true}, {"2", 10, 2, true}, {"20", 3, 20, true},
		{"50%", 3, 2, true}, {"10%", 3, 1, true}, {"100%", 7, 7, true}, {"34%", 3, 2, true},
		{"0%", 3, 0, false}, {"x", 3, 0, false}, {"-1", 3, 0, false}, {"2.5", 3, 0, false}, {"%", 3, 0, false},
	}
	for _, c := range cases {
		got, err := batchSize(c.spec, c.total)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("batchSize(%q, %d) = %d, %v; want %d (ok %v)", c.spec, c.total, got, err, c.want, c.ok)
		}
	}
}

func TestRPCChunk(t *testing.T) {
	nodes := []string{"a", "b", "c", "d", "e"}
	cases := []struct {
		size int
		want [][]string
	}{
		{0, [][]string{nodes}},
		{2, [][]string{{"a", "b"}, {"c", "d"}, {"e"}}},
		{1, [][]string{{"a"}, {"b"}, {"c"}, {"d"}, {"e"}}},
		{5, [][]string{nodes}},
		{9, [][]string{nodes}},
	}
	for _, c := range cases {
		if got := chunk(nodes, c.size); !reflect.DeepEqual(got, c.want) {
			t.Errorf("chunk(%d) = %v, want %v", c.size, got, c.want)
		}
	}
}

func TestRPCPlan(t *testing.T) {
	nodes := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, string(rune('a'+i)))
		}
		return out
	}
	da := &config.Config{DirectAddressing: true, DirectAddressingThreshold: 3}
	noDA := &config.Config{DirectAddressing: false, DirectAddressingThreshold: 3}
	user := protocol.Filter{Fact: []protocol.FactTerm{{Fact: "role", Operator: "==", Value: "web"}}}
	agentOnly := protocol.Filter{Agent: []string{"echo"}}
	broadcast := protocol.Filter{Fact: user.Fact, Agent: []string{"echo"}}
	cases := []struct {
		name    string
		cfg     *config.Config
		found   discovered
		limited bool
		batch   int
		direct  bool
		filter  protocol.Filter
		batches int
		err     bool
	}{
		{"mc under the threshold: direct", da, discovered{nodes: nodes(3), ran: true, method: "mc"}, false, 0, true, agentOnly, 1, false},
		{"mc over the threshold: broadcast", da, discovered{nodes: nodes(4), ran: true, method: "mc"}, false, 0, false, broadcast, 1, false},
		{"-I names over the threshold: direct", da, discovered{nodes: nodes(5)}, false, 0, true, agentOnly, 1, false},
		{"flatfile over the threshold: direct", da, discovered{nodes: nodes(5), ran: true, method: "flatfile"}, false, 0, true, agentOnly, 1, false},
		{"limited: direct", da, discovered{nodes: nodes(4), ran: true, method: "mc"}, true, 0, true, agentOnly, 1, false},
		{"batched: direct in batches", da, discovered{nodes: nodes(5), ran: true, method: "mc"}, false, 2, true, agentOnly, 3, false},
		{"no direct addressing: broadcast", noDA, discovered{nodes: nodes(2), ran: true, method: "mc"}, false, 0, false, broadcast, 1, false},
		{"no direct addressing, limited: identity regex", noDA, discovered{nodes: []string{"a.b", "c"}, ran: true, method: "mc"}, true, 0, false,
			protocol.Filter{Fact: user.Fact, Agent: []string{"echo"}, Identity: []string{`/^(a\.b|c)$/`}}, 1, false},
		{"no direct addressing, batched: refused", noDA, discovered{nodes: nodes(2), ran: true, method: "mc"}, false, 1, false, broadcast, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := planRPC(c.cfg, c.found, user, "echo", c.limited, c.batch, time.Second)
			if c.err {
				if err == nil || exitCode(err) != ExitUsage {
					t.Fatalf("err = %v, want usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.direct != c.direct || !reflect.DeepEqual(p.filter, c.filter) || len(p.batches) != c.batches {
				t.Fatalf("plan %+v; want direct %v filter %+v batches %d", p, c.direct, c.filter, c.batches)
			}
		})
	}
}

// TestRPCHaltCodes checks Ruby's halt codes from the replies mco counts.
func TestRPCHaltCodes(t *testing.T) {
	cases := []struct {
		name       string
		discovered []string
		ran        bool
		codes      []int // status codes of the replies, from node a on
		want       int
	}{
		{"all answered", []string{"a", "b"}, true, []int{0, 0}, 0},
		{"some answered", []string{"a", "b"}, true, []int{0}, 0},
		{"a reply failed", []string{"a", "b"}, true, []int{0, 1}, 2},
		{"an unknown action", []string{"a"}, true, []int{2}, 2},
		{"discovered, none answered", []string{"a", "b"}, true, nil, 3},
		{"-I names, none answered", []string{"a"}, false, nil, 4},
		{"-I names, one failed", []string{"a"}, false, []int{4}, 2},
		{"nothing discovered", nil, true, nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := &outcome{tally: &rpcTally{discovered: c.discovered, discoveryRan: c.ran}}
			for i, code := range c.codes {
				out.add(client.RPCResult{Sender: c.discovered[i], StatusCode: code})
			}
			if got := out.tally.haltCode(); got != c.want {
				t.Fatalf("halt code %d, want %d", got, c.want)
			}
		})
	}
}

func TestRPCUnexpected(t *testing.T) {
	out := &outcome{tally: &rpcTally{discovered: []string{"a", "b"}}}
	for _, s := range []string{"b", "z", "a", "y", "z"} {
		out.add(client.RPCResult{Sender: s})
	}
	if got := out.unexpected(); !reflect.DeepEqual(got, []string{"y", "z"}) {
		t.Fatalf("unexpected = %v", got)
	}
	if len(out.tally.responded) != 5 || out.tally.ok != 5 {
		t.Fatalf("tally %+v: every reply counts, as in Ruby", out.tally)
	}
}

func TestRPCDiscoveryLine(t *testing.T) {
	var b bytes.Buffer
	discoveryLine(&b, "mc", 2*time.Second, 3)
	discoveryLine(&b, "flatfile", 0, 2)
	want := "Discovering hosts using the mc method for 2 second(s) .... 3\nDiscovering hosts using the flatfile method .... 2\n"
	if b.String() != want {
		t.Fatalf("got %q", b.String())
	}
}
