//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// mcoInput runs our mco with a client config and stdin as standard input.
func mcoInput(t *testing.T, cfg, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "mco"), append(args, "-c", cfg)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader(stdin)
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ctx.Err() != nil {
		t.Fatalf("mco %v: timed out\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("mco %v: %v", args, err)
	}
	return r
}

// compoundCases are -S filters over embeddedFleet's nodes:
// node1 web/de/rank 1/debian roles::web base; node2 db/uk/2/redhat
// roles::db base; node3 web/us/10/debian roles::web monitoring.
var compoundCases = []struct {
	args []string
	want []string
}{
	{[]string{"-S", "role=web and country=de"}, []string{"node1"}},
	{[]string{"-S", "role=db or country=us"}, []string{"node2", "node3"}},
	{[]string{"-S", "not role=web"}, []string{"node2"}},
	{[]string{"-S", "!role=web"}, []string{"node2"}},
	{[]string{"-S", "(role=web and rank>5) or roles::db"}, []string{"node2", "node3"}},
	{[]string{"-S", "role=web and (country=de or country=uk)"}, []string{"node1"}},
	{[]string{"-S", "/roles::w/ and not monitoring"}, []string{"node1"}},
	{[]string{"-S", "/^roles::/ and base"}, []string{"node1", "node2"}},
	{[]string{"-S", "rank>=2 and rank<10"}, []string{"node2"}},
	{[]string{"-S", "os.family=debian"}, []string{"node1", "node3"}},
	{[]string{"-S", "fact('role').value=web"}, []string{"node1", "node3"}},
	{[]string{"-S", "fact('country').value=/^u/ and not roles::db"}, []string{"node3"}},
	{[]string{"-S", "agent('rpcutil').agent=rpcutil"}, []string{"node1", "node2", "node3"}},
	{[]string{"-S", "agent('nosuchagent').agent=nosuchagent"}, nil},
	{[]string{"-S", "fstat('/etc/hosts').size>0 and role=db"}, []string{"node2"}},
	{[]string{"-S", "fstat('/nonexistent/file').present=1"}, nil},
	{[]string{"-S", "collective('mcollective').member=true and rank<2"}, []string{"node1"}},
	{[]string{"-S", "role=web", "-S", "country=us"}, []string{"node3"}},
	{[]string{"-S", "role=web", "-F", "rank>5"}, []string{"node3"}},
	{[]string{"-S", "base or monitoring", "-I", "/node[23]/"}, []string{"node2", "node3"}},
}

func TestCompoundFilters(t *testing.T) {
	cfg, _ := embeddedFleet(t)
	for _, c := range compoundCases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			find := mco(t, cfg, append([]string{"find"}, c.args...)...)
			if got := lines(find.stdout); !reflect.DeepEqual(got, c.want) {
				t.Errorf("find = %v, want %v (stderr %s)", got, c.want, find.stderr)
			}
			if want := map[bool]int{true: 1, false: 0}[len(c.want) == 0]; find.code != want {
				t.Errorf("find exit = %d, want %d", find.code, want)
			}
			ping := mco(t, cfg, append([]string{"ping", "-t", "2"}, c.args...)...)
			if got := pingers(ping.stdout); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ping = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCompoundFilterErrors(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "client.cfg")
	write(t, cfg, stompCfg(freePort(t), psk)+"logger_type = console\nloglevel = error\n")
	cases := []struct{ expr, token string }{
		{"role=web and and country=de", `parse error "and" at column 14`},
		{"(role=web or role=db", `missing parenthesis "(" at column 1`},
		{"role=web)", `missing parenthesis ")"`},
		{"role=web country=de", `parse error "country=de"`},
		{"fstat('/etc/hosts').size>", "malformed token"},
		{"fstat('/etc/hosts').bogus>0", "does not return a 'bogus' value"},
		{"nosuch('x').y=1", "unknown data plugin nosuch()"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			// the expression is refused before the (absent) broker is tried
			for _, cmd := range []string{"find", "ping", "facts"} {
				args := []string{cmd, "-S", c.expr}
				if cmd == "facts" {
					args = append(args, "role")
				}
				r := mco(t, cfg, args...)
				if r.code != 64 || !strings.Contains(r.stderr, c.token) {
					t.Errorf("%s: exit %d, stderr %q; want 64 naming %s", cmd, r.code, r.stderr, c.token)
				}
			}
		})
	}
}

func TestFlatfileAndStdinDiscovery(t *testing.T) {
	cfg, _ := embeddedFleet(t)
	dir := t.TempDir()
	nodes := filepath.Join(dir, "nodes.txt")
	write(t, nodes, "node1\n# a comment\n  node3  \n\nghost\n")
	t.Run("flatfile lists the file", func(t *testing.T) {
		for _, args := range [][]string{{"--nodes", nodes}, {"--dm", "flatfile", "--do", nodes}} {
			r := mco(t, cfg, append([]string{"find"}, args...)...)
			if got := lines(r.stdout); !reflect.DeepEqual(got, []string{"ghost", "node1", "node3"}) || r.code != 0 {
				t.Errorf("find %v = %v (exit %d, stderr %s)", args, got, r.code, r.stderr)
			}
		}
	})
	t.Run("flatfile applies identity filters", func(t *testing.T) {
		r := mco(t, cfg, "find", "--nodes", nodes, "-I", "/^node/")
		if got := lines(r.stdout); !reflect.DeepEqual(got, []string{"node1", "node3"}) {
			t.Errorf("find = %v, stderr %s", got, r.stderr)
		}
		r = mco(t, cfg, "find", "--nodes", nodes, "-I", "ghost", "-I", "node3")
		if got := lines(r.stdout); !reflect.DeepEqual(got, []string{"ghost", "node3"}) {
			t.Errorf("find = %v, stderr %s", got, r.stderr)
		}
	})
	t.Run("flatfile refuses fact and class filters", func(t *testing.T) {
		for _, f := range [][]string{{"-F", "role=web"}, {"-C", "base"}} {
			r := mco(t, cfg, append([]string{"find", "--nodes", nodes}, f...)...)
			if r.code != 64 || !strings.Contains(r.stderr, "'flatfile' discovery method") {
				t.Errorf("find %v: exit %d, stderr %q", f, r.code, r.stderr)
			}
		}
	})
	t.Run("compound filters switch to mc", func(t *testing.T) {
		r := mco(t, cfg, "find", "--nodes", nodes, "-S", "role=db")
		if got := lines(r.stdout); !reflect.DeepEqual(got, []string{"node2"}) {
			t.Errorf("find = %v, stderr %s", got, r.stderr)
		}
	})
	t.Run("facts over a flatfile", func(t *testing.T) {
		r := mco(t, cfg, "facts", "role", "--nodes", nodes, "-t", "3")
		if !strings.Contains(r.stdout, "Finished processing 2 / 3 hosts") || !strings.Contains(r.stdout, "No response from:") ||
			!strings.Contains(r.stdout, "ghost") || !regexp.MustCompile(`web +found 2 times`).MatchString(r.stdout) {
			t.Errorf("facts over flatfile:\n%s\nstderr %s", r.stdout, r.stderr)
		}
		if r.code != 0 {
			t.Errorf("exit %d", r.code)
		}
	})
	t.Run("bad nodes files", func(t *testing.T) {
		empty := filepath.Join(dir, "empty.txt")
		write(t, empty, "\n# nothing\n")
		bad := filepath.Join(dir, "bad.txt")
		write(t, bad, "node1\nnot a node\n")
		cases := []struct{ path, want string }{
			{filepath.Join(dir, "missing.txt"), "cannot read the discovery file"},
			{dir, "cannot read the discovery file"},
			{empty, "lists no identities"},
			{bad, "bad.txt:2"},
		}
		for _, c := range cases {
			r := mco(t, cfg, "find", "--nodes", c.path)
			if r.code != 70 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("--nodes %s: exit %d, stderr %q, want 70 and %q", c.path, r.code, r.stderr, c.want)
			}
		}
		if r := mco(t, cfg, "find", "--nodes", nodes, "--dm", "mc"); r.code != 64 {
			t.Errorf("--nodes with --dm mc: exit %d, stderr %q", r.code, r.stderr)
		}
	})
	rpcJSON, _ := json.Marshal([]map[string]any{
		{"sender": "node1", "statuscode": 0, "statusmsg": "OK", "data": map[string]any{"pong": 1}, "agent": "rpcutil", "action": "ping"},
		{"sender": "node2", "statuscode": 0, "statusmsg": "OK", "data": map[string]any{"pong": 1}, "agent": "rpcutil", "action": "ping"},
	})
	t.Run("stdin takes mco rpc --json output", func(t *testing.T) {
		r := mcoInput(t, cfg, string(rpcJSON), "find", "--dm", "stdin")
		if got := lines(r.stdout); !reflect.DeepEqual(got, []string{"node1", "node2"}) || r.code != 0 {
			t.Errorf("find = %v (exit %d), stderr %s", got, r.code, r.stderr)
		}
		r = mcoInput(t, cfg, string(rpcJSON), "facts", "country", "--dm", "stdin")
		if !regexp.MustCompile(`de +found 1 times`).MatchString(r.stdout) || !regexp.MustCompile(`uk +found 1 times`).MatchString(r.stdout) ||
			strings.Contains(r.stdout, "us ") || !strings.Contains(r.stdout, "Finished processing 2 / 2 hosts") {
			t.Errorf("facts over stdin:\n%s\nstderr %s", r.stdout, r.stderr)
		}
	})
	t.Run("stdin takes identities a line", func(t *testing.T) {
		r := mcoInput(t, cfg, "node3\nnode2\n", "find", "--dm", "stdin", "-I", "node3")
		if got := lines(r.stdout); !reflect.DeepEqual(got, []string{"node3"}) {
			t.Errorf("find = %v, stderr %s", got, r.stderr)
		}
		r = mcoInput(t, cfg, "[]", "find", "--dm", "stdin", "--do", "text")
		if r.code != 70 {
			t.Errorf("[] as text: exit %d, stderr %s", r.code, r.stderr)
		}
		r = mcoInput(t, cfg, "  \n", "find", "--dm", "stdin")
		if r.code != 70 || !strings.Contains(r.stderr, "only whitespace") {
			t.Errorf("blank stdin: exit %d, stderr %s", r.code, r.stderr)
		}
	})
	t.Run("mco does not read stdin unless asked", func(t *testing.T) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer pr.Close()
		defer pw.Close() // held open: a read would block until the timeout
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "mco"), "find", "-c", cfg)
		cmd.Stdin = pr
		out, err := cmd.Output()
		if ctx.Err() != nil || err != nil || len(lines(string(out))) != 3 {
			t.Errorf("find with an open stdin: %v %v %q", ctx.Err(), err, out)
		}
	})
}

func TestLimitNodes(t *testing.T) {
	cfg, _ := embeddedFleet(t)
	count := func(args ...string) []string {
		t.Helper()
		r := mco(t, cfg, append([]string{"find"}, args...)...)
		if r.code != 0 {
			t.Fatalf("find %v: exit %d, stderr %s", args, r.code, r.stderr)
		}
		return lines(r.stdout)
	}
	if got := count("--limit-nodes", "2"); len(got) != 2 {
		t.Errorf("--limit-nodes 2 = %v", got)
	}
	if got := count("--ln", "50%"); len(got) != 1 {
		t.Errorf("--ln 50%% = %v", got)
	}
	if got := count("-1", "-F", "role=web"); len(got) != 1 || got[0] == "node2" {
		t.Errorf("-1 -F role=web = %v", got)
	}
	// Ruby 3.1: srand(7); sorted [node1 node2 node3]; picks via rand(3), rand(2)
	seeded := count("--ln", "2", "--limit-seed", "7")
	for range 3 {
		if got := count("--ln", "2", "--limit-seed", "7"); !reflect.DeepEqual(got, seeded) {
			t.Fatalf("--limit-seed 7 picked %v then %v", seeded, got)
		}
	}
	if len(seeded) != 2 {
		t.Errorf("--ln 2 --limit-seed 7 = %v", seeded)
	}
	if got := count("-I", "node1", "-I", "node2", "-I", "node3", "--ln", "1"); !reflect.DeepEqual(got, []string{"node1"}) {
		t.Errorf("literal identities limited to 1 = %v", got)
	}
	for _, bad := range []string{"0", "x", "-2", "1.5"} {
		if r := mco(t, cfg, "find", "--ln", bad); r.code != 64 {
			t.Errorf("--ln %s: exit %d, stderr %s", bad, r.code, r.stderr)
		}
	}
	r := mco(t, cfg, "facts", "role", "--ln", "1")
	if !strings.Contains(r.stdout, "Finished processing 1 / 1 hosts") {
		t.Errorf("facts --ln 1:\n%s", r.stdout)
	}
}

func TestFactsAndInventory(t *testing.T) {
	cfg, _ := embeddedFleet(t)
	t.Run("facts", func(t *testing.T) {
		r := mco(t, cfg, "facts", "role")
		want := regexp.MustCompile(`(?s)^Report for fact: role\n\n {8}db {39}found 1 times\n {8}web {38}found 2 times\n\nFinished processing 3 / 3 hosts in [0-9.]+ ms\n\n$`)
		if !want.MatchString(r.stdout) || r.code != 0 {
			t.Errorf("facts role (exit %d):\n%q\nstderr %s", r.code, r.stdout, r.stderr)
		}
		r = mco(t, cfg, "facts", "country", "-v", "-F", "role=web")
		for _, s := range []string{"de", "us", "            node1\n", "            node3\n", "---- rpc stats ----", "Nodes: 2 / 2", "Pass / Fail: 2 / 0"} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("facts -v lacks %q:\n%s", s, r.stdout)
			}
		}
		r = mco(t, cfg, "facts", "nosuchfact")
		if !strings.HasPrefix(r.stdout, "No values found for fact nosuchfact\n") || r.code != 0 {
			t.Errorf("facts nosuchfact (exit %d):\n%s", r.code, r.stdout)
		}
		r = mco(t, cfg, "facts", "role", "-F", "role=nothing")
		if r.code != 1 || !strings.Contains(r.stderr, "No request sent, we did not discover any nodes.") ||
			!strings.Contains(r.stdout, "Finished processing 0 / 0 hosts") {
			t.Errorf("facts with nothing discovered: exit %d\n%s\nstderr %s", r.code, r.stdout, r.stderr)
		}
		r = mco(t, cfg, "facts", "role", "-I", "ghost", "-t", "1")
		if r.code != 4 || !strings.Contains(r.stdout, "No response from:") {
			t.Errorf("facts -I ghost: exit %d\n%s", r.code, r.stdout)
		}
		r = mco(t, cfg, "facts", "role", "--json")
		var report struct {
			Fact   string              `json:"fact"`
			Values map[string][]string `json:"values"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &report); err != nil || report.Fact != "role" ||
			!reflect.DeepEqual(report.Values, map[string][]string{"db": {"node2"}, "web": {"node1", "node3"}}) {
			t.Errorf("facts --json: %v %q", err, r.stdout)
		}
		if r = mco(t, cfg, "facts"); r.code != 64 {
			t.Errorf("facts without a fact: exit %d", r.code)
		}
	})
	t.Run("inventory", func(t *testing.T) {
		r := mco(t, cfg, "inventory", "node1")
		for _, s := range []string{"Inventory for node1:\n\n   Server Statistics:\n", "Version: 2.12.5",
			"Main Collective: mcollective", "Replies Sent:", "   Agents:\n      discovery       nettest         process        \n      rpcutil",
			"   Data Plugins:\n      agent           collective      fact           \n      fstat",
			"   Configuration Management Classes:\n    base                           roles::web",
			"   Facts:\n      country => de\n      os => {\"family\"=>\"debian\"}\n      rank => 1\n      role => web\n"} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("inventory lacks %q:\n%s", s, r.stdout)
			}
		}
		if r.code != 0 {
			t.Errorf("inventory exit %d, stderr %s", r.code, r.stderr)
		}
		r = mco(t, cfg, "inventory", "/^node3$/")
		if r.code != 0 || !strings.Contains(r.stdout, "Inventory for node3:") || !strings.Contains(r.stdout, "monitoring") {
			t.Errorf("inventory /^node3$/ (exit %d):\n%s\nstderr %s", r.code, r.stdout, r.stderr)
		}
		r = mco(t, cfg, "inventory", "node2", "--json")
		var inv struct {
			Sender    string         `json:"sender"`
			Stats     map[string]any `json:"stats"`
			Inventory map[string]any `json:"inventory"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &inv); err != nil || inv.Sender != "node2" ||
			inv.Stats["version"] == nil || !reflect.DeepEqual(inv.Inventory["classes"], []any{"roles::db", "base"}) {
			t.Errorf("inventory --json: %v %q", err, r.stdout)
		}
		r = mco(t, cfg, "inventory", "ghost", "-t", "1")
		if r.code != 1 || !strings.Contains(r.stderr, "Did not receive any results from node ghost") {
			t.Errorf("inventory ghost: exit %d, stderr %s", r.code, r.stderr)
		}
		if r = mco(t, cfg, "inventory"); r.code != 64 {
			t.Errorf("inventory without a node: exit %d", r.code)
		}
	})
}

func TestHelpPluginDocCompletion(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "client.cfg")
	write(t, cfg, stompCfg(freePort(t), psk))
	r := mco(t, cfg, "help")
	for _, s := range []string{"The Marionette Collective version", "  facts           Reports on usage for a specific fact",
		"  inventory ", "  find ", "  plugin ", "  completion "} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("help lacks %q:\n%s", s, r.stdout)
		}
	}
	help := mco(t, cfg, "help", "rpcutil")
	doc := mco(t, cfg, "plugin", "doc", "agent/rpcutil")
	plain := mco(t, cfg, "plugin", "doc", "rpcutil")
	if help.code != 0 || !strings.HasPrefix(help.stdout, "rpcutil\n=======\n") || !strings.Contains(help.stdout, "get_fact action:") {
		t.Errorf("help rpcutil (exit %d):\n%s\n%s", help.code, help.stdout, help.stderr)
	}
	if doc.stdout != help.stdout || plain.stdout != help.stdout {
		t.Errorf("plugin doc agent/rpcutil differs from help rpcutil:\n%s", doc.stdout)
	}
	r = mco(t, cfg, "plugin", "doc")
	for _, s := range []string{"Please specify a plugin. Available plugins are:", "Agents:\n", "  rpcutil ",
		"Data Queries:\n", "  fstat                     Retrieve file stat data for a given file", "Discovery Methods:\n", "  flatfile "} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("plugin doc lacks %q:\n%s", s, r.stdout)
		}
	}
	r = mco(t, cfg, "plugin", "doc", "data/fstat")
	if !strings.Contains(r.stdout, "QUERY FUNCTION OUTPUT:") || !strings.Contains(r.stdout, "size:") {
		t.Errorf("plugin doc data/fstat:\n%s", r.stdout)
	}
	if r = mco(t, cfg, "plugin", "doc", "agent/nosuch"); r.code == 0 || !strings.Contains(r.stderr, "nosuch") {
		t.Errorf("plugin doc agent/nosuch: exit %d, stderr %s", r.code, r.stderr)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r = run(t, 30*time.Second, filepath.Join(bin, "mco"), "completion", shell)
		if r.code != 0 || len(r.stdout) < 1000 || !strings.Contains(r.stdout, "mco") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, r.code, len(r.stdout))
		}
	}
	// the completion scripts ask mco for candidates: agent names come
	// from the DDLs
	r = run(t, 30*time.Second, filepath.Join(bin, "mco"), "__complete", "help", "")
	if !strings.Contains(r.stdout, "rpcutil") || !strings.Contains(r.stdout, "inventory") {
		t.Errorf("__complete help:\n%s", r.stdout)
	}
}

// unique drops repeated elements of a sorted list.
func unique(ss []string) []string {
	var out []string
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// interopCompound are -S filters over mixedFleet's nodes: go1 web/fr/11/
// debian roles::web base; go2 db/de/12/redhat roles::db base; ruby1
// web/de/1/debian roles::web base; ruby2 db/uk/2/debian roles::db base.
var interopCompound = []struct {
	expr string
	want []string
}{
	{"role=web and country=de", []string{"ruby1"}},
	{"role=db or osfamily=redhat", []string{"go2", "ruby2"}},
	{"not role=web", []string{"go2", "ruby2"}},
	{"(roles::web or roles::db) and rank>10", []string{"go1", "go2"}},
	{"/roles::w/ and !country=de", []string{"go1"}},
	{"fact('country').value=de", []string{"go2", "ruby1"}},
	{"fstat('/etc/hosts').size>0 and role=db", []string{"go2", "ruby2"}},
	{"agent('rpcutil').timeout>=1 and not osfamily=debian", []string{"go2"}},
	{"collective('mcollective').member=true and rank<2", []string{"ruby1"}},
}

func TestMixedFleetCompound(t *testing.T) {
	peerDir, cfg := mixedFleet(t)
	for _, c := range interopCompound {
		t.Run(c.expr, func(t *testing.T) {
			ours := mco(t, cfg, "find", "-S", c.expr)
			if got := lines(ours.stdout); !reflect.DeepEqual(got, c.want) {
				t.Errorf("marionette find = %v, want %v (stderr %s)", got, c.want, ours.stderr)
			}
			// Ruby's lists are compared as sets: a fleet started by a
			// concurrent run on the same broker repeats the identities.
			theirs := rubyMco(t, peerDir, "find", "-S", c.expr)
			if got := unique(lines(theirs.stdout)); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ruby find = %v, want %v\n%s", got, c.want, theirs.stderr)
			}
			rpc := rubyMco(t, peerDir, "rpc", "--np", "-j", "-S", c.expr, "rpcutil", "ping")
			var replies []struct {
				Sender     string `json:"sender"`
				Statuscode int    `json:"statuscode"`
			}
			if err := json.Unmarshal([]byte(rpc.stdout), &replies); err != nil {
				t.Fatalf("ruby rpc -j: %v\n%s\n%s", err, rpc.stdout, rpc.stderr)
			}
			var senders []string
			for _, r := range replies {
				if r.Statuscode == 0 {
					senders = append(senders, r.Sender)
				}
			}
			if got := unique(sorted(senders)); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ruby rpc -S rpcutil ping answered by %v, want %v", got, c.want)
			}
		})
	}
	t.Run("facts and inventory against ruby nodes", func(t *testing.T) {
		r := mco(t, cfg, "facts", "role")
		if !regexp.MustCompile(`db +found 2 times`).MatchString(r.stdout) || !regexp.MustCompile(`web +found 2 times`).MatchString(r.stdout) {
			t.Errorf("facts role over the mixed fleet:\n%s\nstderr %s", r.stdout, r.stderr)
		}
		// the report itself is Ruby's, line for line
		theirs := rubyMco(t, peerDir, "facts", "role", "-v")
		ansi := regexp.MustCompile("\x1b\\[[0-9;]*m")
		report := func(s string) string {
			s = ansi.ReplaceAllString(s, "")
			s, _, _ = strings.Cut(s, "\n---- rpc stats ----")
			return s
		}
		ours := mco(t, cfg, "facts", "role", "-v")
		if report(ours.stdout) != report(theirs.stdout) {
			t.Errorf("facts role -v differs from Ruby's:\n--- ours ---\n%s\n--- Ruby's ---\n%s", ours.stdout, theirs.stdout)
		}
		r = mco(t, cfg, "inventory", "ruby1")
		if r.code != 0 || !strings.Contains(r.stdout, "Inventory for ruby1:") || !strings.Contains(r.stdout, "rpcutil") ||
			!strings.Contains(r.stdout, "role => web") {
			t.Errorf("inventory ruby1 (exit %d):\n%s\nstderr %s", r.code, r.stdout, r.stderr)
		}
	})
}
