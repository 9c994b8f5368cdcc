package transport

import (
	"errors"
	"net"
	"sync"
)

// maxPending bounds what a coalescer holds before Write waits for the
// socket: the back-pressure go-stomp's own writes had.
const maxPending = 4 << 20

// maxSpare is the largest buffer a coalescer keeps for the next burst.
const maxSpare = 256 << 10

// coalescer is the socket as go-stomp writes to it. go-stomp flushes
// every frame with its own write system call from its one writing
// goroutine; the coalescer queues the bytes instead and sends them from a
// goroutine of its own, so that frames made while one write is in flight
// (a node fleet's burst of replies on a shared connection) leave together
// in the next. A write to an idle socket goes out at once: nothing waits
// for company.
type coalescer struct {
	conn net.Conn

	mu      sync.Mutex
	cond    *sync.Cond // signalled when pending drains or an error occurs
	pending []byte
	spare   []byte
	busy    bool  // a flush goroutine runs
	err     error // the first write error, returned from then on
}

func newCoalescer(conn net.Conn) *coalescer {
	c := &coalescer{conn: conn}
	c.cond = sync.NewCond(&c.mu)
	return c
}

var errCoalescerClosed = errors.New("transport: connection closed")

// Write queues p for the socket and returns; a failed earlier write is
// reported instead. It waits while maxPending bytes are queued.
func (c *coalescer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.err == nil && len(c.pending) >= maxPending {
		c.cond.Wait()
	}
	if c.err != nil {
		return 0, c.err
	}
	c.pending = append(c.pending, p...)
	if !c.busy {
		c.busy = true
		go c.flush()
	}
	return len(p), nil
}

// flush writes what is queued until nothing is.
func (c *coalescer) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.pending) > 0 && c.err == nil {
		buf := c.pending
		c.pending, c.spare = c.spare[:0], nil
		c.mu.Unlock()
		_, err := c.conn.Write(buf)
		c.mu.Lock()
		if cap(buf) <= maxSpare { // a burst's big buffer is not kept for good
			c.spare = buf[:0]
		}
		if err != nil && c.err == nil {
			c.err = err
		}
		c.cond.Broadcast()
	}
	c.busy = false
	c.cond.Broadcast()
}

// drain waits until everything queued was written or failed, and returns
// the error if one did.
func (c *coalescer) drain() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.busy && c.err == nil {
		c.cond.Wait()
	}
	return c.err
}

// close refuses further writes and wakes writers waiting for room.
func (c *coalescer) close() {
	c.mu.Lock()
	if c.err == nil {
		c.err = errCoalescerClosed
	}
	c.cond.Broadcast()
	c.mu.Unlock()
}
