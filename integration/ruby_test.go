//go:build integration

package integration

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// peerScript returns the shared Ruby MCollective peer script.
func peerScript(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MARIONETTE_PEER_SCRIPT"); p != "" {
		return p
	}
	p, _ := filepath.Abs("../../shared/peers/rubymc-peer.sh")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Ruby peer script missing: %v", err)
		}
		t.Skipf("Ruby peer script missing: %v", err)
	}
	return p
}

// mixedFleet starts two Ruby peers and two Marionette daemons on RabbitMQ
// and returns the directory of the Ruby peers and a Marionette client
// config.
func mixedFleet(t *testing.T) (peerDir, clientCfg string) {
	t.Helper()
	return mixedFleetWith(t, "")
}

// mixedFleetWith is mixedFleet with extra config lines for the Marionette
// daemons.
func mixedFleetWith(t *testing.T, extra string) (peerDir, clientCfg string) {
	t.Helper()
	addr := requireService(t, "MARIONETTE_RABBITMQ")
	script := peerScript(t)
	peerDir = t.TempDir()
	r := run(t, 120*time.Second, "bash", script, "start", "2", peerDir)
	if r.code != 0 {
		t.Fatalf("start Ruby peers: %s\n%s", r.stdout, r.stderr)
	}
	t.Cleanup(func() { run(t, 30*time.Second, "bash", script, "stop", peerDir) })
	base := rabbitCfg(addr)
	startNode(t, base, nodeSpec{identity: "go1", classes: []string{"roles::web", "base"},
		facts: "role: web\ncountry: fr\nosfamily: debian\nrank: 11\n", extra: extra})
	startNode(t, base, nodeSpec{identity: "go2", classes: []string{"roles::db", "base"},
		facts: "role: db\ncountry: de\nosfamily: redhat\nrank: 12\n", extra: extra})
	clientCfg = filepath.Join(t.TempDir(), "client.cfg")
	write(t, clientCfg, base+"logger_type = console\nloglevel = warn\ndiscovery_timeout = 2\n")
	waitPing(t, clientCfg, 4)
	return peerDir, clientCfg
}

func rubyMco(t *testing.T, peerDir string, args ...string) result {
	t.Helper()
	return run(t, 90*time.Second, "bash", append([]string{peerScript(t), "mco", peerDir}, args...)...)
}

func TestMixedRubyFleet(t *testing.T) {
	peerDir, cfg := mixedFleet(t)
	all := []string{"go1", "go2", "ruby1", "ruby2"}
	t.Run("marionette mco sees everyone", func(t *testing.T) {
		cases := []struct {
			args []string
			want []string
		}{
			{nil, all},
			{[]string{"-F", "role=web"}, []string{"go1", "ruby1"}},
			{[]string{"-F", "country=de"}, []string{"go2", "ruby1"}},
			{[]string{"-F", "rank>=2"}, []string{"go1", "go2", "ruby2"}},
			{[]string{"-C", "roles::db"}, []string{"go2", "ruby2"}},
			{[]string{"-C", "/web/"}, []string{"go1", "ruby1"}},
			{[]string{"-I", "/^(go1|ruby2)$/"}, []string{"go1", "ruby2"}},
			{[]string{"-W", "base osfamily=debian"}, []string{"go1", "ruby1", "ruby2"}},
		}
		for _, c := range cases {
			t.Run(strings.Join(c.args, " "), func(t *testing.T) {
				if got := lines(mco(t, cfg, append([]string{"find"}, c.args...)...).stdout); !reflect.DeepEqual(got, c.want) {
					t.Errorf("find = %v, want %v", got, c.want)
				}
				if got := pingers(mco(t, cfg, append([]string{"ping", "-t", "2"}, c.args...)...).stdout); !reflect.DeepEqual(got, c.want) {
					t.Errorf("ping = %v, want %v", got, c.want)
				}
			})
		}
	})
	t.Run("ruby mco ping sees marionette", func(t *testing.T) {
		r := rubyMco(t, peerDir, "ping")
		if got := pingers(r.stdout); !reflect.DeepEqual(got, all) {
			t.Fatalf("ruby ping = %v, want %v\n%s", got, all, r.stderr)
		}
		r = rubyMco(t, peerDir, "ping", "-I", "/go/")
		if got := pingers(r.stdout); !reflect.DeepEqual(got, []string{"go1", "go2"}) {
			t.Fatalf("ruby ping -I /go/ = %v", got)
		}
	})
	t.Run("ruby mco find sees marionette", func(t *testing.T) {
		// Ruby's find discovers for the rpcutil agent, so the filter also
		// carries agent=rpcutil.
		cases := []struct {
			args []string
			want []string
		}{
			{[]string{"-F", "role=web"}, []string{"go1", "ruby1"}},
			{[]string{"-C", "roles::db"}, []string{"go2", "ruby2"}},
			{[]string{"-I", "/^go/"}, []string{"go1", "go2"}},
			{[]string{"-F", "country=de", "-C", "base"}, []string{"go2", "ruby1"}},
		}
		for _, c := range cases {
			t.Run(strings.Join(c.args, " "), func(t *testing.T) {
				r := rubyMco(t, peerDir, append([]string{"find"}, c.args...)...)
				if got := lines(r.stdout); !reflect.DeepEqual(got, c.want) {
					t.Errorf("ruby find = %v, want %v\n%s", got, c.want, r.stderr)
				}
			})
		}
	})
}
