//go:build integration

package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// rpcReply is one object of mco rpc --json, Ruby's RPC::Result#to_json.
type rpcReply struct {
	Agent      string         `json:"agent"`
	Action     string         `json:"action"`
	Sender     string         `json:"sender"`
	StatusCode int            `json:"statuscode"`
	StatusMsg  string         `json:"statusmsg"`
	Data       map[string]any `json:"data"`
}

func parseReplies(t *testing.T, out string) []rpcReply {
	t.Helper()
	var rs []rpcReply
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("stdout is not a JSON array of replies: %v\n%s", err, out)
	}
	return rs
}

// senderLines are the identities heading the nodes' blocks in mco rpc's
// text output ("%-40s %s" lines).
func senderLines(out string) []string {
	var ids []string
	for _, l := range strings.Split(out, "\n") {
		if len(l) < 41 || l[40] != ' ' || l[0] == ' ' || strings.Contains(l, ":") {
			continue
		}
		if id := strings.TrimSpace(l[:40]); !strings.Contains(id, " ") {
			ids = append(ids, strings.TrimSpace(l[:40]))
		}
	}
	return sorted(ids)
}

var finished = regexp.MustCompile(`(?m)^Finished processing (\d+) / (\d+) hosts in [\d.]+ ms$`)

func requireFinished(t *testing.T, r result, responses, discovered string) {
	t.Helper()
	m := finished.FindStringSubmatch(r.stdout)
	if m == nil || m[1] != responses || m[2] != discovered {
		t.Fatalf("want \"Finished processing %s / %s hosts\", got exit %d\nstdout:\n%s\nstderr:\n%s", responses, discovered, r.code, r.stdout, r.stderr)
	}
}

func TestRPCEmbeddedFleet(t *testing.T) {
	cfg, _ := embeddedFleet(t)
	all := []string{"node1", "node2", "node3"}

	t.Run("rpcutil ping", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "rpcutil", "ping")
		requireFinished(t, r, "3", "3")
		if r.code != 0 || strings.Count(r.stdout, "Timestamp: ") != 3 || !reflect.DeepEqual(senderLines(r.stdout), all) {
			t.Fatalf("exit %d\n%s", r.code, r.stdout)
		}
		if !strings.Contains(r.stderr, "Discovering hosts using the mc method for 1 second(s) .... 3") {
			t.Errorf("stderr lacks the discovery line: %s", r.stderr)
		}
	})

	t.Run("get_fact with a fact filter and its summary", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "rpcutil", "get_fact", "fact=role", "-F", "role=web")
		requireFinished(t, r, "2", "2")
		if r.code != 0 || !reflect.DeepEqual(senderLines(r.stdout), []string{"node1", "node3"}) ||
			strings.Count(r.stdout, "   Value: web\n") != 2 || !strings.Contains(r.stdout, "Summary of Value:\n\n   web = 2\n") {
			t.Fatalf("exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("the --agent --action --arg form", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "--agent", "rpcutil", "--action", "get_fact", "--arg", "fact=country", "-I", "node2")
		requireFinished(t, r, "1", "1")
		if r.code != 0 || !strings.Contains(r.stdout, "   Value: uk\n") {
			t.Fatalf("exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("a missing input is refused before anything is sent", func(t *testing.T) {
		start := time.Now()
		r := mco(t, cfg, "rpc", "rpcutil", "get_fact")
		if r.code != 64 || r.stdout != "" || !strings.Contains(r.stderr, "Action get_fact needs a fact argument") ||
			strings.Contains(r.stderr, "Discovering") || time.Since(start) > 5*time.Second {
			t.Fatalf("exit %d in %s\nstdout %q\nstderr %q", r.code, time.Since(start), r.stdout, r.stderr)
		}
		r = mco(t, cfg, "rpc", "rpcutil", "no_such_action")
		if r.code != 64 || !strings.Contains(r.stderr, "not declared in the DDL") {
			t.Fatalf("unknown action: exit %d, %q", r.code, r.stderr)
		}
		r = mco(t, cfg, "rpc", "nettest", "ping", "fqdn=localhost", "timeout=soon")
		if r.code != 64 || !strings.Contains(r.stderr, "soon does not look like an integer") {
			t.Fatalf("bad integer: exit %d, %q", r.code, r.stderr)
		}
	})

	t.Run("DDL aggregates", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "process", "check", "pattern=mcollectived")
		requireFinished(t, r, "3", "3")
		if r.code != 0 || !strings.Contains(r.stdout, "Summary of Running:\n\n   true = 3\n") ||
			!regexp.MustCompile(`Summary of Matched:\n\n   Matching processes: \d+\n`).MatchString(r.stdout) {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("--json is the replies and nothing else", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "--json", "rpcutil", "get_fact", "fact=country")
		rs := parseReplies(t, r.stdout)
		got := map[string]any{}
		for _, x := range rs {
			if x.Agent != "rpcutil" || x.Action != "get_fact" || x.StatusCode != 0 || x.StatusMsg != "OK" {
				t.Errorf("reply %+v", x)
			}
			got[x.Sender] = x.Data["value"]
		}
		want := map[string]any{"node1": "de", "node2": "uk", "node3": "us"}
		if r.code != 0 || len(rs) != 3 || !reflect.DeepEqual(got, want) {
			t.Fatalf("exit %d, %d replies %v", r.code, len(rs), got)
		}
	})

	t.Run("--json-lines streams one object a line", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "--json-lines", "rpcutil", "ping")
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if r.code != 0 || len(lines) != 3 {
			t.Fatalf("exit %d\n%s", r.code, r.stdout)
		}
		for _, l := range lines {
			var x rpcReply
			if err := json.Unmarshal([]byte(l), &x); err != nil || x.Data["pong"] == nil {
				t.Fatalf("line %q: %v", l, err)
			}
		}
	})

	t.Run("failed replies exit 2", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "rpcutil", "get_config_item", "item=no_such_item")
		requireFinished(t, r, "3", "3")
		if r.code != 2 || strings.Count(r.stdout, "Request Aborted") != 3 {
			t.Fatalf("exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("discovered nodes that do not answer exit 3", func(t *testing.T) {
		nodes := filepath.Join(t.TempDir(), "nodes.txt")
		write(t, nodes, "node2\nghost\n")
		r := mco(t, cfg, "rpc", "--nodes", nodes, "-t", "1", "rpcutil", "ping")
		requireFinished(t, r, "1", "2")
		if r.code != 0 || !strings.Contains(r.stdout, "No response from:\n\n    ghost ") {
			t.Fatalf("one of two answered: exit %d\n%s", r.code, r.stdout)
		}
		write(t, nodes, "ghost\nphantom\n")
		r = mco(t, cfg, "rpc", "--nodes", nodes, "-t", "1", "rpcutil", "ping")
		requireFinished(t, r, "0", "2")
		if r.code != 3 {
			t.Fatalf("exit %d, want 3\n%s", r.code, r.stdout)
		}
	})

	t.Run("-I names nobody answers exit 4", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "-I", "ghost", "-t", "1", "rpcutil", "ping")
		if r.code != 4 || strings.Contains(r.stderr, "Discovering") {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("nothing discovered exits 1", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "-F", "role=none", "rpcutil", "ping")
		if r.code != 1 || !strings.Contains(r.stderr, "No request sent, we did not discover any nodes.") {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("--batch 1", func(t *testing.T) {
		start := time.Now()
		r := mco(t, cfg, "rpc", "--batch", "1", "--batch-sleep", "0.3", "rpcutil", "get_fact", "fact=role")
		requireFinished(t, r, "3", "3")
		if r.code != 0 || time.Since(start) < 600*time.Millisecond {
			t.Fatalf("exit %d after %s\n%s", r.code, time.Since(start), r.stdout)
		}
	})

	t.Run("--ln 1", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "--ln", "1", "rpcutil", "ping")
		requireFinished(t, r, "1", "1")
		if got := senderLines(r.stdout); r.code != 0 || len(got) != 1 {
			t.Fatalf("exit %d, senders %v\n%s", r.code, got, r.stdout)
		}
		r = mco(t, cfg, "rpc", "--limit-nodes", "67%", "--limit-seed", "5", "rpcutil", "ping")
		requireFinished(t, r, "2", "2")
	})

	t.Run("--no-results sends and exits", func(t *testing.T) {
		r := mco(t, cfg, "rpc", "--nr", "rpcutil", "ping")
		if r.code != 0 || !regexp.MustCompile(`^Request sent with id: [0-9a-f]{32}\n$`).MatchString(r.stdout) {
			t.Fatalf("exit %d %q %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("broadcast without direct addressing", func(t *testing.T) {
		b, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		bcast := filepath.Join(t.TempDir(), "client.cfg")
		write(t, bcast, string(b)+"direct_addressing = 0\n")
		r := mco(t, bcast, "rpc", "rpcutil", "get_fact", "fact=role", "-C", "roles::web")
		requireFinished(t, r, "2", "2")
		r = mco(t, bcast, "rpc", "--ln", "1", "rpcutil", "ping")
		requireFinished(t, r, "1", "1")
	})
}

// TestRPCRubyInterop compares Marionette's mco rpc with Ruby's own mco on
// a mixed fleet over RabbitMQ, and runs Ruby's mco rpc against Marionette
// daemons.
func TestRPCRubyInterop(t *testing.T) {
	peerDir, cfg := mixedFleet(t)
	ours := func(t *testing.T, args ...string) map[string]map[string]any {
		t.Helper()
		r := mco(t, cfg, append([]string{"rpc", "--json"}, args...)...)
		return bySender(t, parseReplies(t, r.stdout))
	}
	theirs := func(t *testing.T, args ...string) map[string]map[string]any {
		t.Helper()
		r := rubyMco(t, peerDir, append([]string{"rpc", "--json"}, args...)...)
		return bySender(t, parseReplies(t, r.stdout))
	}
	all := []string{"go1", "go2", "ruby1", "ruby2"}

	t.Run("get_fact country", func(t *testing.T) {
		a, b := ours(t, "rpcutil", "get_fact", "fact=country"), theirs(t, "rpcutil", "get_fact", "fact=country")
		want := map[string]any{"go1": "fr", "go2": "de", "ruby1": "de", "ruby2": "uk"}
		for _, n := range all {
			if a[n]["value"] != want[n] || b[n]["value"] != want[n] {
				t.Errorf("%s: marionette %v, ruby %v, want %v", n, a[n], b[n], want[n])
			}
		}
	})

	t.Run("inventory", func(t *testing.T) {
		a, b := ours(t, "rpcutil", "inventory"), theirs(t, "rpcutil", "inventory")
		for _, n := range all {
			if a[n] == nil || !reflect.DeepEqual(a[n], b[n]) {
				t.Errorf("%s:\nmarionette %v\nruby       %v", n, a[n], b[n])
			}
		}
	})

	t.Run("ping", func(t *testing.T) {
		now := float64(time.Now().Unix())
		a, b := ours(t, "rpcutil", "ping"), theirs(t, "rpcutil", "ping")
		for _, n := range all {
			for who, got := range map[string]map[string]any{"marionette": a[n], "ruby": b[n]} {
				pong, ok := got["pong"].(float64)
				if !ok || len(got) != 1 || pong < now-60 || pong > now+60 {
					t.Errorf("%s via %s mco: %v", n, who, got)
				}
			}
		}
	})

	t.Run("text output matches ruby's", func(t *testing.T) {
		args := []string{"rpc", "rpcutil", "get_fact", "fact=role", "-I", "/^(go|ruby)[12]$/"}
		a := mco(t, cfg, args...)
		b := rubyMco(t, peerDir, append(args, "--np")...)
		ours, rubys := textBlocks(a.stdout), textBlocks(b.stdout)
		if a.code != 0 || b.code != 0 || !reflect.DeepEqual(ours.nodes, rubys.nodes) {
			t.Fatalf("node blocks differ\nmarionette (exit %d):\n%s\nruby (exit %d):\n%s", a.code, a.stdout, b.code, b.stdout)
		}
		// Nodes of other fleets sharing the broker under the same names
		// change the counts; compare the summary when nobody else answered.
		if ours.finished == "4 / 4" && rubys.finished == "4 / 4" && !reflect.DeepEqual(ours.summary, rubys.summary) {
			t.Fatalf("summaries differ: %q, ruby %q", ours.summary, rubys.summary)
		}
	})

	t.Run("ruby mco rpc selects marionette nodes", func(t *testing.T) {
		r := rubyMco(t, peerDir, "rpc", "--np", "rpcutil", "get_fact", "fact=role", "-F", "role=web")
		got := senderLines(r.stdout)
		if r.code != 0 || !contains(got, "go1") || contains(got, "go2") || !strings.Contains(r.stdout, "   Value: web\n") {
			t.Fatalf("exit %d, senders %v\n%s\n%s", r.code, got, r.stdout, r.stderr)
		}
		r = rubyMco(t, peerDir, "rpc", "--np", "rpcutil", "ping", "-I", "go2")
		if r.code != 0 || !reflect.DeepEqual(senderLines(r.stdout), []string{"go2"}) {
			t.Fatalf("ruby directed to go2: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})
}

// rpcText is mco rpc's text output taken apart: the distinct node
// blocks, the summary lines (sorted, as ties may come in any order) and
// the counts of the statistics line.
type rpcText struct {
	nodes, summary []string
	finished       string
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func textBlocks(out string) rpcText {
	var t rpcText
	out = ansi.ReplaceAllString(out, "")
	if m := finished.FindStringSubmatch(out); m != nil {
		t.finished = m[1] + " / " + m[2]
	}
	seen := map[string]bool{}
	for _, block := range strings.Split(out, "\n\n") {
		block = strings.Trim(block, "\n")
		switch {
		case block == "" || strings.HasPrefix(block, "Finished processing"):
		case strings.HasPrefix(block, "   "):
			t.summary = append(t.summary, lines(block)...)
		case strings.HasPrefix(block, "Summary of "):
			t.summary = append(t.summary, block)
		case !seen[block]:
			seen[block] = true
			t.nodes = append(t.nodes, block)
		}
	}
	t.nodes, t.summary = sorted(t.nodes), sorted(t.summary)
	return t
}

// bySender indexes replies' data by sender, requiring each to be OK.
func bySender(t *testing.T, rs []rpcReply) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range rs {
		if r.StatusCode != 0 {
			t.Errorf("%s: status %d %s", r.Sender, r.StatusCode, r.StatusMsg)
		}
		out[r.Sender] = r.Data
	}
	return out
}

func contains(ss []string, s string) bool {
	i := sort.SearchStrings(ss, s)
	return i < len(ss) && ss[i] == s
}
