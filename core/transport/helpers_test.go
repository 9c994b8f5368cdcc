package transport_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/broker"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/transport"
)

const (
	testUser = "mcollective"
	testPass = "secret"
	waitMax  = 5 * time.Second
)

// recorder is a slog.Handler that counts log messages, so tests can wait
// for "connected" or "connection lost".
type recorder struct {
	mu     sync.Mutex
	counts map[string]int
	t      testing.TB
}

func newRecorder(t testing.TB) *recorder { return &recorder{counts: map[string]int{}, t: t} }

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.counts[rec.Message]++
	r.mu.Unlock()
	if testing.Verbose() {
		attrs := ""
		rec.Attrs(func(a slog.Attr) bool { attrs += " " + a.String(); return true })
		r.t.Logf("%s %s%s", rec.Level, rec.Message, attrs)
	}
	return nil
}

func (r *recorder) count(msg string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[msg]
}

// wait waits until msg has been logged at least n times.
func (r *recorder) wait(t testing.TB, msg string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitMax)
	for r.count(msg) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%q logged %d times within %v, want %d", msg, r.count(msg), waitMax, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testBroker is an embedded broker that tests can stop and restart on
// the same address.
type testBroker struct {
	t      testing.TB
	addr   string
	cancel context.CancelFunc
	done   chan error
}

func startBroker(t testing.TB, listen string) *testBroker {
	t.Helper()
	b, err := broker.New(config.Broker{Enable: true, Listen: listen, User: testUser, Password: testPass}, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := b.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tb := &testBroker{t: t, addr: addr.String(), cancel: cancel, done: make(chan error, 1)}
	go func() { tb.done <- b.Run(ctx) }()
	t.Cleanup(tb.stop)
	return tb
}

func (b *testBroker) stop() {
	b.t.Helper()
	if b.cancel == nil {
		return
	}
	b.cancel()
	b.cancel = nil
	select {
	case err := <-b.done:
		if err != nil {
			b.t.Errorf("broker: %v", err)
		}
	case <-time.After(waitMax):
		b.t.Fatal("broker did not stop")
	}
}

func (b *testBroker) restart() *testBroker { return startBroker(b.t, b.addr) }

// connector is a Connector for one broker at addr with fast reconnects.
func connector(t testing.TB, name, addr string) config.Connector {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return config.Connector{
		Name:                  name,
		Pool:                  []config.BrokerHost{{Host: host, Port: p, User: testUser, Password: testPass}},
		InitialReconnectDelay: 20 * time.Millisecond,
		MaxReconnectDelay:     200 * time.Millisecond,
		BackOffMultiplier:     2,
		UseExponentialBackOff: true,
	}
}

// node is a running Conn.
type node struct {
	*transport.Conn
	log  *recorder
	stop func() error
}

// run starts a Conn; its Run must return nil when the test ends.
func run(t testing.TB, cfg config.Connector, identity string) *node {
	t.Helper()
	rec := newRecorder(t)
	c, err := transport.New(cfg, identity, slog.New(rec))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	var runErr error
	n := &node{Conn: c, log: rec}
	n.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(2 * waitMax):
				t.Errorf("%s: Run did not return", identity)
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := n.stop(); err != nil {
			t.Errorf("%s: Run: %v", identity, err)
		}
	})
	return n
}

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func (n *node) waitConnected(t testing.TB) {
	t.Helper()
	if err := n.WaitConnected(ctxFor(t, waitMax)); err != nil {
		t.Fatal(err)
	}
}

// barrier returns once the broker has applied every subscription n made
// so far: it sends a probe on n's own connection, behind them.
func (n *node) barrier(t testing.TB) {
	t.Helper()
	dest := "/topic/barrier." + unique("b")
	if err := n.Subscribe(transport.Subscription{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	if err := n.Send(ctxFor(t, waitMax), dest, transport.Message{Body: []byte("barrier")}); err != nil {
		t.Fatal(err)
	}
	if m := n.next(t); m.Destination != dest {
		t.Fatalf("got %q on %s while waiting for the barrier", m.Body, m.Destination)
	}
}

// next returns n's next message.
func (n *node) next(t testing.TB) transport.Message {
	t.Helper()
	select {
	case m := <-n.Inbox():
		return m
	case <-time.After(waitMax):
		t.Fatalf("no message within %v", waitMax)
	}
	return transport.Message{}
}

// nothing fails if n receives a message within d.
func (n *node) nothing(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case m := <-n.Inbox():
		t.Fatalf("got %q on %s, want nothing", m.Body, m.Destination)
	case <-time.After(d):
	}
}

func unique(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
