package broker

import (
	"bytes"
	"strconv"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/go-stomp/stomp/v3/server/client"
)

// This file is the client-bound half of clientConn. go-stomp's server
// hands MESSAGE frames to a connection through a 16-slot channel that its
// single request loop fills with a blocking send; once that connection's
// goroutine has exited nobody empties it, and the whole broker hangs for
// good (a subscriber dying during a burst is enough). Here the router
// never blocks: it drops MESSAGE frames into the connection's outbox and
// the connection's own sendLoop writes them. go-stomp still writes its
// own frames (CONNECTED, RECEIPT, ERROR, heart-beats) through Write; the
// write lock keeps the two apart. go-stomp writes each of those frames in
// one Write call (they are far below its 4 KiB buffer).

// forward tags each request of this connection's go-stomp goroutines
// with the connection and passes it to the request loop, until the
// connection's last request (DisconnectedOp).
func (c *clientConn) forward(to chan<- routed) {
	defer c.b.wg.Done()
	for req := range c.reqs {
		to <- routed{conn: c, req: req}
		if req.Op == client.DisconnectedOp {
			return
		}
	}
}

// deliver queues f for the client without blocking. A client whose
// outbox is full is too slow: it is disconnected (it will reconnect and
// resubscribe) rather than allowed to hold up the others.
func (c *clientConn) deliver(f *frame.Frame) {
	select {
	case <-c.gone:
		return
	default:
	}
	if !c.outbox.push(f) {
		c.b.log.Warn("slow consumer disconnected", "remote", c.RemoteAddr().String(), "pending", c.outbox.pending())
		_ = c.Close()
	}
}

// sendLoop writes queued MESSAGE frames until the connection closes,
// everything queued at once in one batch with one flush.
func (c *clientConn) sendLoop() {
	defer c.b.wg.Done()
	var id uint64
	for {
		select {
		case <-c.outbox.ready:
			if err := c.writeFrames(c.outbox.take(), &id); err != nil {
				c.b.log.Debug("write failed", "remote", c.RemoteAddr().String(), "err", err)
				_ = c.Close()
				return
			}
		case <-c.gone:
			return
		}
	}
}

func (c *clientConn) writeFrames(frames []*frame.Frame, id *uint64) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.b.writeTimeout)); err != nil {
		return err
	}
	for _, f := range frames {
		*id++
		f.Header.Set(frame.MessageId, strconv.FormatUint(*id, 10))
		if err := c.fw.Write(f); err != nil {
			return err
		}
	}
	return c.bw.Flush()
}

// Write sends go-stomp's bytes to the client; a 1.0 client's CONNECTED
// frame is relabelled version 1.0.
func (c *clientConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.b.writeTimeout)); err != nil {
		return 0, err
	}
	if c.firstDone || !c.v10.Load() {
		c.firstDone = true
		return c.Conn.Write(p)
	}
	c.first = append(c.first, p...)
	end := bytes.IndexByte(c.first, 0)
	if end < 0 {
		return len(p), nil
	}
	out := append(relabel10(c.first[:end+1]), c.first[end+1:]...)
	c.first, c.firstDone = nil, true
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// relabel10 returns a CONNECTED frame's bytes with version 1.0; anything
// else comes back unchanged.
func relabel10(b []byte) []byte {
	f, err := frame.NewReader(bytes.NewReader(b)).Read()
	if err != nil || f == nil || f.Command != frame.CONNECTED {
		return b
	}
	f.Header.Set(frame.Version, "1.0")
	var buf bytes.Buffer
	if err := frame.NewWriter(&buf).Write(f); err != nil {
		return b
	}
	return buf.Bytes()
}
