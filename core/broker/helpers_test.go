package broker_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
	"github.com/marionette-mco/marionette/core/broker"
	"github.com/marionette-mco/marionette/core/config"
)

const (
	testUser = "mcollective"
	testPass = "secret"
	waitMax  = 5 * time.Second
)

// quiet drops go-stomp's client log lines (every test client logs its
// own disconnect).
type quiet struct{}

func (quiet) Debugf(string, ...interface{})   {}
func (quiet) Infof(string, ...interface{})    {}
func (quiet) Warningf(string, ...interface{}) {}
func (quiet) Errorf(string, ...interface{})   {}
func (quiet) Debug(string)                    {}
func (quiet) Info(string)                     {}
func (quiet) Warning(string)                  {}
func (quiet) Error(string)                    {}

// running is a broker started by startBroker.
type running struct {
	addr string
	stop func()
}

// startBroker runs a broker on listen (127.0.0.1:0 for any port) and
// stops it at the end of the test.
func startBroker(t testing.TB, listen string, user, pass string) *running {
	t.Helper()
	b, err := broker.New(config.Broker{Enable: true, Listen: listen, User: user, Password: pass}, nil)
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
	stopped := false
	r := &running{addr: addr.String()}
	r.stop = func() {
		t.Helper()
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("broker Run: %v", err)
			}
		case <-time.After(waitMax):
			t.Fatalf("broker did not stop within %v", waitMax)
		}
	}
	t.Cleanup(r.stop)
	return r
}

// dial connects a go-stomp client and closes it at the end of the test.
func dial(t testing.TB, addr string, opts ...func(*stomp.Conn) error) *stomp.Conn {
	t.Helper()
	opts = append([]func(*stomp.Conn) error{
		stomp.ConnOpt.Login(testUser, testPass),
		stomp.ConnOpt.HeartBeat(0, 0),
		stomp.ConnOpt.Logger(quiet{}),
	}, opts...)
	c, err := stomp.Dial("tcp", addr, opts...)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.MustDisconnect() })
	return c
}

func subscribe(t testing.TB, c *stomp.Conn, dest string, opts ...func(*frame.Frame) error) *stomp.Subscription {
	t.Helper()
	s, err := c.Subscribe(dest, stomp.AckAuto, opts...)
	if err != nil {
		t.Fatalf("subscribe %s: %v", dest, err)
	}
	return s
}

// settle gives the broker's request loop time to register subscriptions
// made by other connections (SUBSCRIBE has no receipt here).
func settle() { time.Sleep(50 * time.Millisecond) }

// receive returns the next message of s, failing after waitMax.
func receive(t testing.TB, s *stomp.Subscription) *stomp.Message {
	t.Helper()
	select {
	case m, ok := <-s.C:
		if !ok {
			t.Fatalf("subscription %s closed", s.Destination())
		}
		if m.Err != nil {
			t.Fatalf("subscription %s: %v", s.Destination(), m.Err)
		}
		return m
	case <-time.After(waitMax):
		t.Fatalf("nothing received on %s within %v", s.Destination(), waitMax)
	}
	return nil
}

// silent fails if s receives anything within d.
func silent(t testing.TB, s *stomp.Subscription, d time.Duration) {
	t.Helper()
	select {
	case m := <-s.C:
		t.Fatalf("%s received %q, want nothing", s.Destination(), m.Body)
	case <-time.After(d):
	}
}

// raw is a client speaking STOMP by hand, as Ruby's stomp gem does.
type raw struct {
	t    testing.TB
	conn net.Conn
	r    *frame.Reader
}

func dialRaw(t testing.TB, addr string) *raw {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, waitMax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &raw{t: t, conn: c, r: frame.NewReader(c)}
}

func (r *raw) write(b []byte) {
	r.t.Helper()
	if _, err := r.conn.Write(b); err != nil {
		r.t.Fatal(err)
	}
}

// read returns the next frame, skipping heart-beats.
func (r *raw) read() *frame.Frame {
	r.t.Helper()
	_ = r.conn.SetReadDeadline(time.Now().Add(waitMax))
	for {
		f, err := r.r.Read()
		if err != nil {
			r.t.Fatalf("read frame: %v", err)
		}
		if f != nil {
			return f
		}
	}
}

// closed reports whether the server closed r's connection within d,
// skipping whatever it sent before.
func (r *raw) closed(d time.Duration) bool {
	_ = r.conn.SetReadDeadline(time.Now().Add(d))
	for {
		if _, err := r.r.Read(); err != nil {
			var ne net.Error
			return !(errors.As(err, &ne) && ne.Timeout())
		}
	}
}

// vector returns a captured Ruby frame from testdata.
func vector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".stomp"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vectorFrame parses a captured frame.
func vectorFrame(t testing.TB, name string) *frame.Frame {
	t.Helper()
	f, err := frame.NewReader(bytes.NewReader(vector(t, name))).Read()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// waitGoroutines waits until at most n goroutines run.
func waitGoroutines(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(waitMax)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines, want <= %d:\n%s", runtime.NumGoroutine(), n, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
