package broker

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/go-stomp/stomp/v3/server/client"
)

const (
	headerReplyTo  = "reply-to"
	headerSelector = "selector"
	tempQueue      = "/temp-queue/"
	replyQueue     = "/reply-queue/"
)

// identitySelector matches the only selector MCollective's activemq
// connector uses.
var identitySelector = regexp.MustCompile(`^\s*mc_identity\s*=\s*'([^']*)'\s*$`)

// clientConn is the socket of one client as go-stomp's server code sees
// it, plus what the broker adds around go-stomp. Frames the client sends
// are parsed and rewritten before go-stomp reads them (STOMP 1.0,
// temp-queues, selectors: see the package doc); MESSAGE frames for the
// client go through its outbox (outbound.go). Every write has a
// deadline, so a client that stops reading is eventually dropped.
//
// Read is only called by go-stomp's read goroutine; Write by its process
// goroutine and writeFrame by sendLoop, both under wmu.
type clientConn struct {
	net.Conn
	b     *Broker
	token string // names this connection's private reply destinations

	// read side
	r    *frameReader
	out  bytes.Buffer  // rewritten bytes waiting for go-stomp
	w    *frame.Writer // encodes into out
	temp map[string]bool
	v10  atomic.Bool // the client speaks STOMP 1.0

	// go-stomp's requests for this connection (see forward)
	reqs chan client.Request

	// write side
	wmu       sync.Mutex
	bw        *bufio.Writer // batches MESSAGE frames to the socket
	fw        *frame.Writer // encodes MESSAGE frames into bw
	outbox    *outbox
	first     []byte // a 1.0 client's first answer, until complete
	firstDone bool

	gone      chan struct{} // closed by Close
	closeOnce sync.Once
}

func newClientConn(raw net.Conn, b *Broker) (*clientConn, error) {
	tok := make([]byte, 8)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("broker: connection token: %w", err)
	}
	c := &clientConn{
		Conn:   raw,
		b:      b,
		token:  hex.EncodeToString(tok),
		r:      newFrameReader(raw),
		temp:   make(map[string]bool),
		reqs:   make(chan client.Request, 16),
		bw:     bufio.NewWriterSize(raw, 64<<10),
		outbox: newOutbox(),
		gone:   make(chan struct{}),
	}
	c.w = frame.NewWriter(&c.out)
	c.fw = frame.NewWriter(c.bw)
	b.track(c)
	return c, nil
}

// Read returns the client's frames, rewritten.
func (c *clientConn) Read(p []byte) (int, error) {
	for c.out.Len() == 0 {
		f, err := c.r.read()
		if err != nil {
			var ne net.Error
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !(errors.As(err, &ne) && ne.Timeout()) {
				c.b.log.Warn("bad frame from client; disconnecting", "remote", c.RemoteAddr().String(), "err", err)
			}
			return 0, err
		}
		if f == nil { // heart-beat
			c.out.WriteByte('\n')
			break
		}
		if err := c.rewrite(f); err != nil {
			return 0, err
		}
	}
	return c.out.Read(p)
}

// rewrite encodes f, adapted, into c.out, preceded by any frame it implies.
func (c *clientConn) rewrite(f *frame.Frame) error {
	switch f.Command {
	case frame.CONNECT, frame.STOMP:
		if !speaks11(f.Header.Get(frame.AcceptVersion)) {
			// go-stomp refuses 1.0; 1.1 is 1.0 plus what a 1.0 client
			// never sends. The answer is relabelled 1.0 in Write.
			c.v10.Store(true)
			f.Header.Set(frame.AcceptVersion, "1.1")
			f.Header.Del(frame.HeartBeat)
		}
	case frame.SUBSCRIBE:
		defaultID(f)
		if sel, ok := f.Header.Contains(headerSelector); ok {
			c.selector(f, sel)
		}
	case frame.UNSUBSCRIBE:
		defaultID(f)
	case frame.SEND:
		if rt := f.Header.Get(headerReplyTo); strings.HasPrefix(rt, tempQueue) {
			priv := replyQueue + c.token + "." + strings.TrimPrefix(rt, tempQueue)
			if !c.temp[rt] {
				c.temp[rt] = true
				sub := frame.New(frame.SUBSCRIBE,
					frame.Destination, priv, frame.Id, rt, frame.Ack, frame.AckAuto)
				if err := c.w.Write(sub); err != nil {
					return err
				}
			}
			f.Header.Set(headerReplyTo, priv)
		}
	}
	return c.w.Write(f)
}

// selector turns an "mc_identity = '<node>'" subscription into one on the
// filtered topic the router feeds; other selectors are ignored.
func (c *clientConn) selector(f *frame.Frame, sel string) {
	m := identitySelector.FindStringSubmatch(sel)
	if m == nil {
		c.b.log.Warn("unsupported selector ignored", "selector", sel,
			"destination", f.Header.Get(frame.Destination), "remote", c.RemoteAddr().String())
		return
	}
	f.Header.Set(frame.Destination, f.Header.Get(frame.Destination)+identityMark+m[1])
}

// defaultID gives a STOMP 1.0 (UN)SUBSCRIBE its destination as id.
func defaultID(f *frame.Frame) {
	if _, ok := f.Header.Contains(frame.Id); !ok {
		f.Header.Set(frame.Id, f.Header.Get(frame.Destination))
	}
}

// speaks11 reports whether an accept-version header offers 1.1 or 1.2.
func speaks11(accept string) bool {
	for _, v := range strings.Split(accept, ",") {
		if v = strings.TrimSpace(v); v == "1.1" || v == "1.2" {
			return true
		}
	}
	return false
}

// Close closes the socket and forgets the connection.
func (c *clientConn) Close() error {
	c.closeOnce.Do(func() {
		c.b.untrack(c)
		close(c.gone)
	})
	return c.Conn.Close()
}
