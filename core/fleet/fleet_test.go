package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/broker"
	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/fleet"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

const (
	psk        = "a36cd839414370e10fd281b8a38a4f48"
	collective = "mcollective"
	prefix     = "vn-"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startBroker runs an embedded broker on a free port until the test ends
// and returns a connector for it.
func startBroker(t testing.TB) config.Connector {
	t.Helper()
	b, err := broker.New(config.Broker{Enable: true, Listen: "127.0.0.1:0", User: "mc", Password: "pw"}, discard())
	if err != nil {
		t.Fatal(err)
	}
	addr, err := b.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("broker: %v", err)
		}
	})
	host, port, _ := net.SplitHostPort(addr.String())
	p, _ := strconv.Atoi(port)
	return config.Connector{Name: transport.NameStomp, Pool: []config.BrokerHost{{Host: host, Port: p, User: "mc", Password: "pw"}}}
}

// startFleet runs a fleet of n nodes, perConn to a connection, until the
// test ends, and checks that it stops cleanly; opts adjust its Options.
func startFleet(t testing.TB, conn config.Connector, n, perConn int, opts ...func(*fleet.Options)) *fleet.Fleet {
	t.Helper()
	sec, err := security.NewPSK(config.Security{PSK: psk}, prefix+"fleet", nil)
	if err != nil {
		t.Fatal(err)
	}
	o := fleet.Options{N: n, Prefix: prefix, PerConn: perConn, Connector: conn,
		Collectives: []string{collective}, ShutdownGrace: 2 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	f, err := fleet.New(o, sec, discard())
	if err != nil {
		t.Fatal(err)
	}
	if want := (n + perConn - 1) / perConn; f.Connections() != want {
		t.Fatalf("connections = %d, want %d", f.Connections(), want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("fleet Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("fleet did not stop")
		}
	})
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := f.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	return f
}

// newClient connects an mco-side client to the broker.
func newClient(t testing.TB, conn config.Connector) *client.Client {
	t.Helper()
	tc, err := transport.New(conn, "bench-client", discard())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = tc.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := tc.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	sec, err := security.NewPSK(config.Security{PSK: psk}, "bench-client", nil)
	if err != nil {
		t.Fatal(err)
	}
	return client.New(client.Options{Identity: "bench-client", Collective: collective}, tc, sec, discard())
}

// identities returns the identities of nodes 0..n-1 for which keep holds.
func identities(n int, keep func(i int) bool) []string {
	var ids []string
	for i := range n {
		if keep(i) {
			ids = append(ids, fleet.Identity(prefix, i))
		}
	}
	slices.Sort(ids)
	return ids
}

// waitAll pings until every one of want answers (subscriptions reach the
// broker shortly after the connections are up) and returns who did.
func waitAll(t testing.TB, c *client.Client, want int) []string {
	t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for {
		got, err := c.Discover(context.Background(), client.Discovery{Timeout: time.Second, Expect: want})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= want || time.Now().After(deadline) {
			return got
		}
	}
}

func TestFleetAnswersPingAndFilters(t *testing.T) {
	const n = 50
	conn := startBroker(t)
	f := startFleet(t, conn, n, 20) // 3 connections, the last one partly filled
	c := newClient(t, conn)

	if got, want := waitAll(t, c, n), identities(n, func(int) bool { return true }); !reflect.DeepEqual(got, want) {
		t.Fatalf("ping answered by %d nodes %v, want all %d", len(got), got, n)
	}

	cases := []struct {
		facts   []string
		classes []string
		ids     []string
		keep    func(i int) bool
	}{
		{facts: []string{"role=web"}, keep: func(i int) bool { return i%3 == 0 }},
		{facts: []string{"role=db", "country=uk"}, keep: func(i int) bool { return i%3 == 1 && i%5 == 1 }},
		{facts: []string{"rank>=40"}, keep: func(i int) bool { return i >= 40 }},
		{facts: []string{"os.family=redhat"}, keep: func(i int) bool { return i%2 == 1 }},
		{classes: []string{"roles::cache"}, keep: func(i int) bool { return i%3 == 2 }},
		{ids: []string{"/^" + prefix + "1[0-9]$/"}, keep: func(i int) bool { return i >= 10 && i <= 19 }},
		{facts: []string{"country=xx"}, keep: func(int) bool { return false }},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.facts, tc.classes, tc.ids), func(t *testing.T) {
			var flt protocol.Filter
			for _, s := range tc.facts {
				term, err := filter.ParseFact(s)
				if err != nil {
					t.Fatal(err)
				}
				flt.Fact = append(flt.Fact, term)
			}
			flt.Class, flt.Identity = tc.classes, tc.ids
			got, err := c.Discover(context.Background(), client.Discovery{Filter: flt, Timeout: time.Second, Window: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if want := identities(n, tc.keep); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("find selected %v, want %v", got, want)
			}
		})
	}

	t.Run("directed", func(t *testing.T) {
		want := []string{fleet.Identity(prefix, 3), fleet.Identity(prefix, 47)}
		var got []string
		_, err := c.Do(context.Background(), client.Call{Agent: "discovery", Message: "ping", Nodes: want,
			Timeout: 3 * time.Second, Expect: len(want)}, func(r client.Response) { got = append(got, r.Sender) })
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("directed ping answered by %v, want %v", got, want)
		}
	})

	if s := f.Stats(); s.Replies == 0 || s.Filtered == 0 || s.Unvalidated != 0 {
		t.Errorf("fleet stats %+v", s)
	}
}

func TestFleetOneConnectionPerNode(t *testing.T) {
	const n = 6
	conn := startBroker(t)
	startFleet(t, conn, n, 1)
	c := newClient(t, conn)
	if got := waitAll(t, c, n); len(got) != n {
		t.Fatalf("ping answered by %v, want %d nodes", got, n)
	}
}

func TestActiveMQNeedsOwnConnections(t *testing.T) {
	conn := startBroker(t)
	conn.Name = transport.NameActiveMQ
	sec, _ := security.NewPSK(config.Security{PSK: psk}, "x", nil)
	if _, err := fleet.New(fleet.Options{N: 4, PerConn: 2, Connector: conn, Collectives: []string{collective}}, sec, nil); err == nil {
		t.Fatal("activemq with shared connections accepted")
	}
	if _, err := fleet.New(fleet.Options{N: 4, PerConn: 1, Connector: conn, Collectives: []string{collective}}, sec, nil); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyFleetRunsUntilCancelled(t *testing.T) {
	sec, _ := security.NewPSK(config.Security{PSK: psk}, "x", nil)
	f, err := fleet.New(fleet.Options{Collectives: []string{collective}}, sec, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("Run returned before its context ended: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := f.Run(context.Background()); err == nil {
		t.Fatal("second Run accepted")
	}
}

func TestHostSeesTheFleet(t *testing.T) {
	conn := startBroker(t)
	f := startFleet(t, conn, 5, 5)
	c := newClient(t, conn)
	waitAll(t, c, 5)
	reg := agent.NewRegistry()
	if err := reg.Register("discovery", agent.Discovery{}); err != nil {
		t.Fatal(err)
	}
	h := &fleet.Host{Name: "vn-fleet", Config: map[string]string{"ttl": "60"}, Agents: reg, Fleet: f}
	if h.Identity() != "vn-fleet" || len(h.Facts()) != 0 || h.Classes() != nil {
		t.Errorf("host identity %q facts %v classes %v", h.Identity(), h.Facts(), h.Classes())
	}
	if v, ok := h.ConfigItem("ttl"); !ok || v != "60" {
		t.Errorf("ConfigItem(ttl) = %q, %v", v, ok)
	}
	if _, err := h.DataQuery(context.Background(), "fact", "role"); !errors.Is(err, fleet.ErrNoNode) {
		t.Errorf("DataQuery err = %v", err)
	}
	stats := h.Stats()["stats"].(map[string]any)
	if stats["replies"].(int64) < 5 {
		t.Errorf("stats %v: want the replies of every node", stats)
	}
	if inv := h.Inventory(); len(inv.Agents) != 0 && inv.Agents[0].Agent != "discovery" {
		t.Errorf("inventory %+v", inv)
	}
}
