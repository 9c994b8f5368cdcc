package broker_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
	"github.com/marionette-mco/marionette/core/broker"
	"github.com/marionette-mco/marionette/core/config"
)

func TestNewRejectsBadListen(t *testing.T) {
	for _, listen := range []string{"", "no-port", "1.2.3.4"} {
		if _, err := broker.New(config.Broker{Listen: listen}, nil); err == nil {
			t.Errorf("New(Listen %q) succeeded, want an error", listen)
		}
	}
}

func TestAuthentication(t *testing.T) {
	cases := []struct {
		name       string
		user, pass string // configured
		login, pw  string // presented
		ok         bool
	}{
		{"right credentials", testUser, testPass, testUser, testPass, true},
		{"wrong password", testUser, testPass, testUser, "nope", false},
		{"wrong user", testUser, testPass, "guest", testPass, false},
		{"no login", testUser, testPass, "", "", false},
		{"no user configured", "", "", "anyone", "anything", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := startBroker(t, "127.0.0.1:0", tc.user, tc.pass)
			c, err := stomp.Dial("tcp", b.addr, stomp.ConnOpt.Login(tc.login, tc.pw), stomp.ConnOpt.HeartBeat(0, 0), stomp.ConnOpt.Logger(quiet{}))
			if c != nil {
				defer c.MustDisconnect()
			}
			if tc.ok && err != nil {
				t.Fatalf("connect: %v", err)
			}
			if !tc.ok && err == nil {
				t.Fatal("connect succeeded, want authentication failure")
			}
		})
	}
}

func TestFanOut(t *testing.T) {
	cases := []struct {
		name string
		dest string
	}{
		{"topic", "/topic/mcollective.rpcutil.command"},
		{"exchange is a topic", "/exchange/mcollective_broadcast/rpcutil"},
		{"queue is a topic too", "/queue/mcollective.nodes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := startBroker(t, "127.0.0.1:0", testUser, testPass)
			var subs []*stomp.Subscription
			for range 4 {
				subs = append(subs, subscribe(t, dial(t, b.addr), tc.dest))
			}
			settle()
			pub := dial(t, b.addr)
			for i := range 3 {
				if err := pub.Send(tc.dest, "", []byte(fmt.Sprint(i))); err != nil {
					t.Fatal(err)
				}
			}
			for n, s := range subs {
				for i := range 3 {
					if got := string(receive(t, s).Body); got != fmt.Sprint(i) {
						t.Errorf("subscriber %d message %d = %q, want %d", n, i, got, i)
					}
				}
			}
		})
	}
}

func TestIdentitySelector(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0", testUser, testPass)
	const nodes = "/queue/mcollective.nodes"
	sel := func(id string) func(*frame.Frame) error {
		return stomp.SubscribeOpt.Header("selector", "mc_identity = '"+id+"'")
	}
	a := subscribe(t, dial(t, b.addr), nodes, sel("node-a"))
	bb := subscribe(t, dial(t, b.addr), nodes, sel("node-b"))
	all := subscribe(t, dial(t, b.addr), nodes)
	settle()

	pub := dial(t, b.addr)
	if err := pub.Send(nodes, "", []byte("for a"), stomp.SendOpt.Header("mc_identity", "node-a")); err != nil {
		t.Fatal(err)
	}
	m := receive(t, a)
	if string(m.Body) != "for a" || m.Destination != nodes {
		t.Errorf("node-a got %q on %q, want %q on %q", m.Body, m.Destination, "for a", nodes)
	}
	if got := string(receive(t, all).Body); got != "for a" {
		t.Errorf("unfiltered subscriber got %q", got)
	}
	silent(t, bb, 200*time.Millisecond)
}

// TestRubyDaemonSession replays a Ruby mcollectived's STOMP 1.0 session:
// CONNECT with accept-version 1.0 and SUBSCRIBE without id.
func TestRubyDaemonSession(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0", testUser, testPass)
	ruby := dialRaw(t, b.addr)
	ruby.write(vector(t, "session-daemon-1-CONNECT"))
	f := ruby.read()
	if f.Command != frame.CONNECTED || f.Header.Get(frame.Version) != "1.0" {
		t.Fatalf("got %s version %q, want CONNECTED version 1.0", f.Command, f.Header.Get(frame.Version))
	}
	ruby.write(vector(t, "session-daemon-3-SUBSCRIBE-1")) // /exchange/mcollective_directed/ruby1
	ruby.write(vector(t, "session-daemon-3-SUBSCRIBE-2")) // broadcast/discovery, with a stray reply-to
	settle()

	pub := dial(t, b.addr)
	for _, dest := range []string{"/exchange/mcollective_directed/ruby1", "/exchange/mcollective_broadcast/discovery"} {
		if err := pub.Send(dest, "", []byte("to "+dest), stomp.SendOpt.Header("mc_sender", "go")); err != nil {
			t.Fatal(err)
		}
		m := ruby.read()
		if m.Command != frame.MESSAGE || m.Header.Get(frame.Destination) != dest ||
			string(m.Body) != "to "+dest || m.Header.Get("mc_sender") != "go" {
			t.Errorf("got %s %v %q, want MESSAGE to %s", m.Command, m.Header, m.Body, dest)
		}
	}
}

// TestTempQueue replays Ruby mco's ping (SEND with reply-to a
// /temp-queue/, no SUBSCRIBE) and answers it as a daemon would.
func TestTempQueue(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0", testUser, testPass)
	dc := dial(t, b.addr)
	daemon := subscribe(t, dc, "/exchange/mcollective_broadcast/discovery")
	settle()

	mco := dialRaw(t, b.addr)
	mco.write(vector(t, "session-daemon-1-CONNECT"))
	if f := mco.read(); f.Command != frame.CONNECTED {
		t.Fatalf("got %s, want CONNECTED", f.Command)
	}
	mco.write(vector(t, "a-ping-request"))
	req := receive(t, daemon)
	want := vectorFrame(t, "a-ping-request")
	if string(req.Body) != string(want.Body) {
		t.Error("request body changed on the way")
	}
	replyTo := req.Header.Get("reply-to")
	if !strings.HasPrefix(replyTo, "/reply-queue/") {
		t.Fatalf("daemon got reply-to %q, want a /reply-queue/ destination", replyTo)
	}

	if err := dc.Send(replyTo, "", []byte("pong"), stomp.SendOpt.Header("expiration", "70000")); err != nil {
		t.Fatal(err)
	}
	m := mco.read()
	if m.Command != frame.MESSAGE || string(m.Body) != "pong" ||
		m.Header.Get(frame.Subscription) != "/temp-queue/mcollective_reply_discovery" {
		t.Errorf("client got %s %v %q, want the pong on subscription /temp-queue/mcollective_reply_discovery",
			m.Command, m.Header, m.Body)
	}

	// A second request reuses the same private queue.
	mco.write(vector(t, "a-ping-request"))
	if got := receive(t, daemon).Header.Get("reply-to"); got != replyTo {
		t.Errorf("second reply-to %q, want %q", got, replyTo)
	}
}

func TestHeartBeats(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0", testUser, testPass)
	var connected *frame.Header
	c := dial(t, b.addr, stomp.ConnOpt.HeartBeat(time.Second, time.Second),
		stomp.ConnOpt.HeartBeatError(500*time.Millisecond),
		stomp.ConnOpt.ResponseHeaders(func(h *frame.Header) { connected = h }))
	if got := connected.Get(frame.HeartBeat); got != "1000,1000" {
		t.Errorf("CONNECTED heart-beat %q, want 1000,1000", got)
	}
	s := subscribe(t, c, "/topic/idle")
	time.Sleep(3 * time.Second) // several heart-beat periods without traffic
	if err := c.Send("/topic/idle", "", []byte("still here")); err != nil {
		t.Fatal(err)
	}
	if got := string(receive(t, s).Body); got != "still here" {
		t.Errorf("got %q after idling", got)
	}
}

func TestShutdownClosesEverything(t *testing.T) {
	base := runtime.NumGoroutine()
	b := startBroker(t, "127.0.0.1:0", testUser, testPass)
	var subs []*stomp.Subscription
	var conns []*stomp.Conn
	for i := range 3 {
		c := dial(t, b.addr)
		conns = append(conns, c)
		dest := fmt.Sprint("/topic/t", i)
		s := subscribe(t, c, dest)
		if err := c.Send(dest, "", []byte("live")); err != nil { // see TestRestartOnSamePort
			t.Fatal(err)
		}
		receive(t, s)
		subs = append(subs, s)
	}
	ruby := dialRaw(t, b.addr)
	ruby.write(vector(t, "session-daemon-1-CONNECT"))
	ruby.read()
	settle()

	b.stop()
	if !ruby.closed(waitMax) {
		t.Error("raw client still connected after shutdown")
	}
	for _, s := range subs {
		deadline := time.After(waitMax)
	drain:
		for {
			select {
			case _, ok := <-s.C:
				if !ok {
					break drain
				}
			case <-deadline:
				t.Fatalf("subscription %s still open after shutdown", s.Destination())
			}
		}
	}
	for _, c := range conns {
		_ = c.MustDisconnect()
	}
	_ = ruby.conn.Close()
	waitGoroutines(t, base)
}

func TestRestartOnSamePort(t *testing.T) {
	first := startBroker(t, "127.0.0.1:0", testUser, testPass)
	addr := first.addr
	c1 := dial(t, addr)
	s := subscribe(t, c1, "/topic/x")
	// A message back proves the SUBSCRIBE went out: go-stomp's client
	// never ends a subscription still queued when the connection dies.
	if err := c1.Send("/topic/x", "", []byte("before")); err != nil {
		t.Fatal(err)
	}
	receive(t, s)
	first.stop()
	select {
	case <-s.C: // the subscription ends with the connection
	case <-time.After(waitMax):
		t.Fatal("client not disconnected by shutdown")
	}

	second := startBroker(t, addr, testUser, testPass)
	if second.addr != addr {
		t.Fatalf("restarted on %s, want %s", second.addr, addr)
	}
	c := dial(t, addr)
	s2 := subscribe(t, c, "/topic/x")
	settle()
	if err := c.Send("/topic/x", "", []byte("again")); err != nil {
		t.Fatal(err)
	}
	if got := string(receive(t, s2).Body); got != "again" {
		t.Errorf("got %q", got)
	}
}
