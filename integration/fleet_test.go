//go:build integration

package integration

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// embeddedFleet starts three daemons on a fresh embedded broker hosted by
// node1 and returns a client config for them.
func embeddedFleet(t *testing.T) (clientCfg string, port int) {
	t.Helper()
	port = freePort(t)
	base := stompCfg(port, psk)
	startNode(t, base, nodeSpec{identity: "node1", classes: []string{"roles::web", "base"},
		facts: "role: web\ncountry: de\nrank: 1\nos:\n  family: debian\n", extra: "plugin.broker.enable = 1\n"})
	startNode(t, base, nodeSpec{identity: "node2", classes: []string{"roles::db", "base"},
		facts: "role: db\ncountry: uk\nrank: 2\nos:\n  family: redhat\n"})
	startNode(t, base, nodeSpec{identity: "node3", classes: []string{"roles::web", "monitoring"},
		facts: "role: web\ncountry: us\nrank: 10\nos:\n  family: debian\n"})
	clientCfg = filepath.Join(t.TempDir(), "client.cfg")
	write(t, clientCfg, base+"logger_type = console\nloglevel = warn\ndiscovery_timeout = 1\n")
	waitPing(t, clientCfg, 3)
	return clientCfg, port
}

func TestEmbeddedFleetFilters(t *testing.T) {
	cfg, _ := embeddedFleet(t)
	all := []string{"node1", "node2", "node3"}
	cases := []struct {
		args []string
		want []string
	}{
		{nil, all},
		{[]string{"-F", "role=web"}, []string{"node1", "node3"}},
		{[]string{"--wf", "role=/^w/"}, []string{"node1", "node3"}},
		{[]string{"-F", "rank>1"}, []string{"node2", "node3"}},
		{[]string{"-F", "rank<=2"}, []string{"node1", "node2"}},
		{[]string{"-F", "rank!=2"}, []string{"node1", "node3"}},
		{[]string{"-F", "os.family=redhat"}, []string{"node2"}},
		{[]string{"-F", "role=web", "-F", "country=de"}, []string{"node1"}},
		{[]string{"-F", "country=fr"}, nil},
		{[]string{"-C", "roles::db"}, []string{"node2"}},
		{[]string{"--wc", "/roles::web/"}, []string{"node1", "node3"}},
		{[]string{"-C", "base", "-C", "roles::web"}, []string{"node1"}},
		{[]string{"-I", "/node[12]/"}, []string{"node1", "node2"}},
		{[]string{"-A", "discovery"}, all},
		{[]string{"-A", "nosuchagent"}, nil},
		{[]string{"-W", "role=web monitoring"}, []string{"node3"}},
		{[]string{"--with", "base rank>=2"}, []string{"node2"}},
	}
	for _, c := range cases {
		name := strings.Join(c.args, " ")
		if name == "" {
			name = "no filter"
		}
		t.Run(name, func(t *testing.T) {
			find := mco(t, cfg, append([]string{"find"}, c.args...)...)
			if got := lines(find.stdout); !reflect.DeepEqual(got, c.want) {
				t.Errorf("find = %v, want %v (stderr %s)", got, c.want, find.stderr)
			}
			wantCode := 0
			if len(c.want) == 0 {
				wantCode = 1
			}
			if find.code != wantCode {
				t.Errorf("find exit = %d, want %d", find.code, wantCode)
			}
			ping := mco(t, cfg, append([]string{"ping", "-t", "1"}, c.args...)...)
			if got := pingers(ping.stdout); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ping = %v, want %v", got, c.want)
			}
			if !strings.Contains(ping.stdout, "---- ping statistics ----") {
				t.Errorf("ping output lacks statistics:\n%s", ping.stdout)
			}
			if len(c.want) > 0 && !strings.Contains(ping.stdout, fmt.Sprintf("%d replies max:", len(c.want))) {
				t.Errorf("ping summary wrong:\n%s", ping.stdout)
			}
			if len(c.want) == 0 && (ping.code != 4 || !strings.Contains(ping.stdout, "No responses received")) {
				t.Errorf("ping with no replies: exit %d, output %s", ping.code, ping.stdout)
			}
		})
	}
}

func TestLiteralIdentityNeedsNoDiscovery(t *testing.T) {
	// As Ruby, identities alone are taken as discovered: no broker needed.
	cfg := filepath.Join(t.TempDir(), "client.cfg")
	write(t, cfg, stompCfg(freePort(t), psk))
	r := mco(t, cfg, "find", "-I", "web1", "-I", "web2")
	if got := lines(r.stdout); !reflect.DeepEqual(got, []string{"web1", "web2"}) || r.code != 0 {
		t.Fatalf("find -I = %v (exit %d), stderr %s", got, r.code, r.stderr)
	}
}

func TestWrongPSKGetsNoReplies(t *testing.T) {
	cfg, port := embeddedFleet(t)
	bad := filepath.Join(t.TempDir(), "bad.cfg")
	write(t, bad, stompCfg(port, "not-the-fleet-key")+"logger_type = console\nloglevel = warn\n")
	r := mco(t, bad, "ping", "-t", "1")
	if got := pingers(r.stdout); len(got) != 0 || r.code != 4 {
		t.Fatalf("wrong psk got replies %v (exit %d)", got, r.code)
	}
	if got := waitPing(t, cfg, 3); len(got) != 3 {
		t.Fatalf("after wrong psk, ping = %v", got)
	}
}

func TestJSONOutput(t *testing.T) {
	cfg, _ := embeddedFleet(t)
	r := mco(t, cfg, "find", "--json", "-F", "role=web")
	if strings.TrimSpace(r.stdout) != `["node1","node3"]` {
		t.Fatalf("find --json = %q", r.stdout)
	}
	r = mco(t, cfg, "ping", "--json", "-t", "1", "-I", "node2")
	if !strings.Contains(r.stdout, `"sender": "node2"`) || strings.Contains(r.stdout, "statistics") {
		t.Fatalf("ping --json = %q", r.stdout)
	}
}

func TestUnreachableBrokerFailsFast(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "client.cfg")
	write(t, cfg, stompCfg(freePort(t), psk)+"logger_type = console\nloglevel = error\n")
	r := mco(t, cfg, "ping", "-t", "1", "--dt", "1")
	if r.code == 0 || !strings.Contains(r.stderr, "cannot connect to the broker") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}
