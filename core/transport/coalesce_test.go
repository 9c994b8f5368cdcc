package transport

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

// countingConn is a net.Conn that records each write it is given.
type countingConn struct {
	net.Conn
	writes int
	delay  time.Duration
	buf    bytes.Buffer
	fail   error
}

func (c *countingConn) Write(p []byte) (int, error) {
	time.Sleep(c.delay)
	if c.fail != nil {
		return 0, c.fail
	}
	c.writes++
	return c.buf.Write(p)
}

func TestCoalescerKeepsOrderAndBatches(t *testing.T) {
	conn := &countingConn{delay: 2 * time.Millisecond}
	c := newCoalescer(conn)
	var want bytes.Buffer
	for i := range 200 {
		frame := fmt.Appendf(nil, "SEND\nn:%d\n\n\x00", i)
		want.Write(frame)
		if n, err := c.Write(frame); err != nil || n != len(frame) {
			t.Fatalf("write %d: %d %v", i, n, err)
		}
	}
	if err := c.drain(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(conn.buf.Bytes(), want.Bytes()) {
		t.Fatal("the socket got the frames out of order or incomplete")
	}
	if conn.writes < 1 || conn.writes >= 200 {
		t.Errorf("%d socket writes for 200 frames made during slow writes", conn.writes)
	}
}

func TestCoalescerReportsAWriteError(t *testing.T) {
	conn := &countingConn{fail: io.ErrClosedPipe}
	c := newCoalescer(conn)
	if _, err := c.Write([]byte("a")); err != nil {
		t.Fatalf("first write: %v (the error shows on the next)", err)
	}
	if err := c.drain(); err != io.ErrClosedPipe {
		t.Fatalf("drain: %v", err)
	}
	if _, err := c.Write([]byte("b")); err != io.ErrClosedPipe {
		t.Fatalf("write after the failure: %v", err)
	}
	c.close()
	if _, err := c.Write([]byte("c")); err == nil {
		t.Fatal("write after close succeeded")
	}
}

func TestCoalescerIdleWriteGoesOutAtOnce(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c := newCoalescer(a)
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 5)
	if _, err := io.ReadFull(b, got); err != nil || string(got) != "hello" {
		t.Fatalf("read %q %v", got, err)
	}
}
