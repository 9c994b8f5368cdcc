package transport_test

import (
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/marionette-mco/marionette/core/transport"
)

// fakeBroker is a hand-written STOMP server for misbehaviour the real
// brokers will not produce on demand. It answers CONNECT, then calls
// handle with the connection's number (from 1).
type fakeBroker struct {
	addr  string
	conns atomic.Int32
}

func startFake(t *testing.T, handle func(n int, c net.Conn, r *frame.Reader)) *fakeBroker {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fb := &fakeBroker{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open = append(open, c)
			mu.Unlock()
			n := int(fb.conns.Add(1))
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				r := frame.NewReader(c)
				if f, err := r.Read(); err != nil || f == nil || f.Command != frame.CONNECT {
					return
				}
				if _, err := c.Write([]byte("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\x00")); err != nil {
					return
				}
				handle(n, c, r)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range open {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return fb
}

// readUntil reads frames until one has the command; false on error.
func readUntil(r *frame.Reader, command string) (*frame.Frame, bool) {
	for {
		f, err := r.Read()
		if err != nil {
			return nil, false
		}
		if f != nil && f.Command == command {
			return f, true
		}
	}
}

// answerDisconnect waits for DISCONNECT, acknowledges it and returns it
// (nil if the connection ends first).
func answerDisconnect(c net.Conn, r *frame.Reader) *frame.Frame {
	f, ok := readUntil(r, frame.DISCONNECT)
	if !ok {
		return nil
	}
	_, _ = c.Write([]byte("RECEIPT\nreceipt-id:" + f.Header.Get(frame.Receipt) + "\n\n\x00"))
	return f
}

// TestMalformedFrames feeds the Conn bad or unexpected frames. Some make
// go-stomp drop the connection (the Conn must reconnect), others are
// ignored (the connection must live on); either way the next good
// message arrives and nothing crashes.
func TestMalformedFrames(t *testing.T) {
	cases := []struct {
		name      string
		payload   string
		reconnect bool
	}{
		{"unknown command", "BOGUS\nx:y\n\n\x00", true},
		{"bad content-length", "MESSAGE\ndestination:/topic/x\nsubscription:/topic/x\ncontent-length:zz\n\n\x00", true},
		{"ERROR frame", "ERROR\nmessage:boom\n\nsomething broke\x00", true},
		{"RECEIPT without receipt-id", "RECEIPT\n\n\x00", true},
		{"garbage bytes", "\x01\x02\x03\xff\n\n\x00", true},
		{"MESSAGE for an unknown subscription", "MESSAGE\ndestination:/topic/y\nsubscription:nope\nmessage-id:0\n\nlost\x00", false},
		{"MESSAGE without subscription", "MESSAGE\ndestination:/topic/x\nmessage-id:0\n\nlost\x00", false},
		{"RECEIPT for nothing", "RECEIPT\nreceipt-id:77\n\n\x00", false},
		{"second CONNECTED", "CONNECTED\nversion:1.2\n\n\x00", false},
		{"heart-beats", "\n\n\r\n", false},
	}
	const good = "MESSAGE\ndestination:/topic/x\nsubscription:/topic/x\nmessage-id:1\n\nok\x00"
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fb := startFake(t, func(n int, c net.Conn, r *frame.Reader) {
				if _, ok := readUntil(r, frame.SUBSCRIBE); !ok {
					return
				}
				if n == 1 {
					if _, err := c.Write([]byte(tc.payload)); err != nil {
						return
					}
				}
				if _, err := c.Write([]byte(good)); err != nil {
					return
				}
				answerDisconnect(c, r) // hold the connection until the client leaves
			})
			c := run(t, connector(t, transport.NameStomp, fb.addr), "c1")
			if err := c.Subscribe(transport.Subscription{Destination: "/topic/x"}); err != nil {
				t.Fatal(err)
			}
			m := c.next(t)
			if string(m.Body) != "ok" {
				t.Errorf("got %q, want ok", m.Body)
			}
			if got, want := fb.conns.Load(), map[bool]int32{true: 2, false: 1}[tc.reconnect]; got != want {
				t.Errorf("%d connections, want %d", got, want)
			}
		})
	}
}

// TestCancelDisconnects checks that Run says DISCONNECT on the way out
// and leaves no goroutine behind.
func TestCancelDisconnects(t *testing.T) {
	got := make(chan *frame.Frame, 1)
	fb := startFake(t, func(_ int, c net.Conn, r *frame.Reader) {
		if f := answerDisconnect(c, r); f != nil {
			got <- f
		}
	})
	base := runtime.NumGoroutine()
	c := run(t, connector(t, transport.NameStomp, fb.addr), "c1")
	if err := c.Subscribe(transport.Subscription{Destination: "/topic/x"}); err != nil {
		t.Fatal(err)
	}
	c.waitConnected(t)
	start := time.Now()
	if err := c.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v to return after cancel", d)
	}
	select {
	case <-got:
	case <-time.After(waitMax):
		t.Fatal("no DISCONNECT received")
	}
	deadline := time.Now().Add(waitMax)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want <= %d:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
