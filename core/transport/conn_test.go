package transport_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/transport"
)

// roundTrip runs two nodes and a client on cfg's broker: a broadcast
// reaches both nodes, a directed request only its node, and the node's
// reply reaches the client.
func roundTrip(t *testing.T, cfg config.Connector, collective string) {
	agent := unique("agent")
	idA, idB, idClient := unique("node-a"), unique("node-b"), unique("client")
	a, b, client := run(t, cfg, idA), run(t, cfg, idB), run(t, cfg, idClient)
	for _, n := range []*node{a, b} {
		if err := n.SubscribeNode([]string{collective}, []string{agent}); err != nil {
			t.Fatal(err)
		}
		n.waitConnected(t)
		n.barrier(t)
	}
	const ttl = 60 * time.Second
	ctx := ctxFor(t, waitMax)

	check := func(who string, m transport.Message, body, sender string) {
		t.Helper()
		if string(m.Body) != body || m.Sender != sender || m.Expiration != ttl+10*time.Second {
			t.Errorf("%s got body %q from %q expiring in %v, want %q from %q in 70s",
				who, m.Body, m.Sender, m.Expiration, body, sender)
		}
	}

	target := transport.RequestTarget{Collective: collective, Agent: agent, TTL: ttl}
	if err := client.PublishRequest(ctx, target, []byte("to all")); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]*node{"node a": a, "node b": b} {
		m := n.next(t)
		check(name, m, "to all", idClient)
		if m.ReplyTo == "" {
			t.Errorf("%s: request without reply-to", name)
		}
	}

	target.Node = idA
	if err := client.PublishRequest(ctx, target, []byte("to a")); err != nil {
		t.Fatal(err)
	}
	req := a.next(t)
	check("node a", req, "to a", idClient)
	b.nothing(t, 200*time.Millisecond)

	if err := a.Reply(ctx, req, ttl, []byte("pong")); err != nil {
		t.Fatal(err)
	}
	check("client", client.next(t), "pong", idA)
}

func TestRoundTrip(t *testing.T) {
	for _, name := range []string{transport.NameStomp, transport.NameRabbitMQ, transport.NameActiveMQ} {
		t.Run(name, func(t *testing.T) {
			br := startBroker(t, "127.0.0.1:0")
			roundTrip(t, connector(t, name, br.addr), "mcollective")
		})
	}
}

func TestDropsMessagesForOtherNodes(t *testing.T) {
	br := startBroker(t, "127.0.0.1:0")
	n := run(t, connector(t, transport.NameActiveMQ, br.addr), "n1")
	const dest = "/topic/shared"
	if err := n.Subscribe(transport.Subscription{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t, waitMax)
	for _, m := range []transport.Message{
		{Body: []byte("for n2"), Headers: map[string]string{"mc_identity": "n2"}},
		{Body: []byte("for n1"), Headers: map[string]string{"mc_identity": "n1"}},
		{Body: []byte("for anyone")},
	} {
		if err := n.Send(ctx, dest, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"for n1", "for anyone"} {
		if got := string(n.next(t).Body); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestReconnectResubscribes(t *testing.T) {
	br := startBroker(t, "127.0.0.1:0")
	cfg := connector(t, transport.NameStomp, br.addr)
	n, client := run(t, cfg, "n1"), run(t, cfg, "client")
	if err := n.SubscribeNode([]string{"mcollective"}, []string{"rpcutil"}); err != nil {
		t.Fatal(err)
	}
	n.waitConnected(t)
	n.barrier(t)
	client.waitConnected(t)

	br.stop()
	n.log.wait(t, "connection lost", 1)
	client.log.wait(t, "connection lost", 1)
	br.restart()
	n.log.wait(t, "connected", 2)
	n.barrier(t) // behind the re-applied subscriptions

	target := transport.RequestTarget{Collective: "mcollective", Agent: "rpcutil", TTL: time.Minute}
	if err := client.PublishRequest(ctxFor(t, waitMax), target, []byte("after restart")); err != nil {
		t.Fatal(err)
	}
	if got := string(n.next(t).Body); got != "after restart" {
		t.Errorf("got %q", got)
	}
}

func TestSendWhileDisconnected(t *testing.T) {
	br := startBroker(t, "127.0.0.1:0")
	c := run(t, connector(t, transport.NameStomp, br.addr), "c1")
	const dest = "/topic/later"
	if err := c.Subscribe(transport.Subscription{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	c.waitConnected(t)
	br.stop()
	c.log.wait(t, "connection lost", 1)

	sent := make(chan error, 1)
	go func() {
		sent <- c.Send(ctxFor(t, 2*waitMax), dest, transport.Message{Body: []byte("kept")})
	}()
	select {
	case err := <-sent:
		t.Fatalf("Send returned %v while disconnected, want it to wait", err)
	case <-time.After(300 * time.Millisecond):
	}
	br.restart()
	select {
	case err := <-sent:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * waitMax):
		t.Fatal("Send did not complete after the broker came back")
	}
	if got := string(c.next(t).Body); got != "kept" {
		t.Errorf("got %q", got)
	}
}

func TestWaitingFailsWithContext(t *testing.T) {
	c := run(t, connector(t, transport.NameStomp, freeAddr(t)), "c1")
	cases := []struct {
		name string
		call func(context.Context) error
	}{
		{"Send", func(ctx context.Context) error { return c.Send(ctx, "/topic/x", transport.Message{}) }},
		{"WaitConnected", c.WaitConnected},
		{"PublishRequest", func(ctx context.Context) error {
			return c.PublishRequest(ctx, transport.RequestTarget{Collective: "c", Agent: "a"}, nil)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			if err := tc.call(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got %v, want a deadline error", err)
			}
		})
	}
}

func TestDeadBrokerAtStart(t *testing.T) {
	addr := freeAddr(t)
	c := run(t, connector(t, transport.NameStomp, addr), "c1")
	c.log.wait(t, "connect failed", 2)
	startBroker(t, addr)
	c.waitConnected(t)
}

func TestPoolRotation(t *testing.T) {
	br := startBroker(t, "127.0.0.1:0")
	cfg := connector(t, transport.NameStomp, br.addr)
	dead := connector(t, transport.NameStomp, freeAddr(t)).Pool[0]
	cfg.Pool = append([]config.BrokerHost{dead}, cfg.Pool...)
	c := run(t, cfg, "c1")
	c.waitConnected(t)
	if got := c.log.count("connect failed"); got != 1 {
		t.Errorf("%d failed attempts before the second host, want 1", got)
	}
}

func TestMaxReconnectAttempts(t *testing.T) {
	cfg := connector(t, transport.NameStomp, freeAddr(t))
	cfg.MaxReconnectAttempts = 3
	c, err := transport.New(cfg, "c1", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t, waitMax)
	if err := c.Run(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("Run = %v (ctx %v), want it to give up", err, ctx.Err())
	}
	if err := c.Send(ctx, "/topic/x", transport.Message{}); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Send after Run returned: %v, want ErrClosed", err)
	}
	if err := c.Run(ctx); err == nil {
		t.Error("second Run succeeded, want an error")
	}
}

func TestHeartbeat(t *testing.T) {
	br := startBroker(t, "127.0.0.1:0")
	cfg := connector(t, transport.NameStomp, br.addr)
	cfg.Heartbeat = time.Second
	c := run(t, cfg, "c1")
	if err := c.Subscribe(transport.Subscription{Destination: "/topic/hb"}); err != nil {
		t.Fatal(err)
	}
	c.waitConnected(t)
	time.Sleep(3 * time.Second) // idle for several heart-beat periods
	if err := c.Send(ctxFor(t, waitMax), "/topic/hb", transport.Message{Body: []byte("alive")}); err != nil {
		t.Fatal(err)
	}
	if got := string(c.next(t).Body); got != "alive" {
		t.Errorf("got %q", got)
	}
	if n := c.log.count("connection lost"); n != 0 {
		t.Errorf("connection lost %d times while idle", n)
	}
}

func TestBase64OnTheWire(t *testing.T) {
	br := startBroker(t, "127.0.0.1:0")
	cfg := connector(t, transport.NameStomp, br.addr)
	plain := run(t, cfg, "plain")
	cfg.Base64 = true
	b64 := run(t, cfg, "b64")
	const dest = "/topic/b64"
	for _, n := range []*node{plain, b64} {
		if err := n.Subscribe(transport.Subscription{Destination: dest}); err != nil {
			t.Fatal(err)
		}
		n.barrier(t)
	}
	if err := b64.Send(ctxFor(t, waitMax), dest, transport.Message{Body: []byte("\x04\x08bin")}); err != nil {
		t.Fatal(err)
	}
	if got := string(b64.next(t).Body); got != "\x04\x08bin" {
		t.Errorf("base64 peer got %q", got)
	}
	if got := string(plain.next(t).Body); got != "BAhiaW4=" {
		t.Errorf("on the wire %q, want BAhiaW4=", got)
	}
}

func TestSubscribeIDs(t *testing.T) {
	c, err := transport.New(connector(t, transport.NameStomp, "127.0.0.1:1"), "c1", nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		sub transport.Subscription
		ok  bool
	}{
		{transport.Subscription{Destination: "/topic/a", ID: "x"}, true},
		{transport.Subscription{Destination: "/topic/a", ID: "x"}, true}, // again: no-op
		{transport.Subscription{Destination: "/topic/b", ID: "x"}, false},
		{transport.Subscription{Destination: "/topic/a"}, true}, // id defaults to the destination
		{transport.Subscription{}, false},
	}
	for i, tc := range cases {
		if err := c.Subscribe(tc.sub); (err == nil) != tc.ok {
			t.Errorf("%d: Subscribe(%+v) = %v, want ok %v", i, tc.sub, err, tc.ok)
		}
	}
}

// TestStopWithUnreadInbox checks that a consumer that stopped reading
// does not keep Run from returning.
func TestStopWithUnreadInbox(t *testing.T) {
	br := startBroker(t, "127.0.0.1:0")
	cfg := connector(t, transport.NameStomp, br.addr)
	slow, fast := run(t, cfg, "slow"), run(t, cfg, "fast")
	const dest = "/topic/flood"
	if err := slow.Subscribe(transport.Subscription{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	slow.barrier(t)
	ctx := ctxFor(t, waitMax)
	for i := range transport.InboxSize + 100 {
		if err := fast.Send(ctx, dest, transport.Message{Body: []byte(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := slow.stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > waitMax {
		t.Errorf("Run took %v to return", d)
	}
}
