// Package broker is Marionette's embedded STOMP broker, for small sites
// that run no RabbitMQ or ActiveMQ. It is go-stomp's server (its
// per-connection protocol code, server/client) driven by Marionette's own
// request loop, which adds what MCollective needs and go-stomp lacks:
//
//   - a real shutdown: cancelling Run's context closes the listener and
//     every client connection and waits for their goroutines to report
//     back, so a broker can be stopped and started again on the same port;
//   - STOMP 1.0 clients (Ruby MCollective's stomp gem): CONNECT without
//     1.1/1.2 is accepted and answered as 1.0, and SUBSCRIBE or
//     UNSUBSCRIBE without an id uses the destination as id;
//   - RabbitMQ's /temp-queue/ replies: a SEND with reply-to:/temp-queue/X
//     subscribes its connection to a private destination (id
//     /temp-queue/X) and rewrites the reply-to to it, as RabbitMQ does;
//   - ActiveMQ's one selector MCollective uses, "mc_identity = '<node>'":
//     such a subscription only receives messages whose mc_identity header
//     names <node> (other selectors are ignored, with a warning);
//   - slow consumers: a client that does not read for writeTimeout, or
//     falls outboxLimit bytes behind, is disconnected instead of
//     stalling every other client (go-stomp's own request loop blocks on
//     a slow client and hangs for good on one that dies mid-burst).
//
// Every destination, /queue/ ones included, is a topic: a message goes to
// the clients subscribed at that moment and nothing is stored. MCollective
// traffic carries a TTL and is useless to a node that was not listening.
//
// Heart-beats follow go-stomp's server: the broker honours a client's
// heart-beat request, with a floor of minHeartBeat.
package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3/server/client"
	"github.com/marionette-mco/marionette/core/config"
)

const (
	// minHeartBeat is the shortest heart-beat interval the broker agrees to.
	minHeartBeat = time.Second
	// writeTimeout is how long a write to one client may block before
	// that client is dropped as a slow consumer.
	writeTimeout = 10 * time.Second
	// requestQueue is the capacity of the channel feeding the request loop.
	requestQueue = 128
)

// Broker is an embedded STOMP broker. Create it with New, optionally call
// Listen to learn the address, then Run it.
type Broker struct {
	cfg config.Broker
	log *slog.Logger

	writeTimeout time.Duration  // see the writeTimeout constant
	wg           sync.WaitGroup // per-connection goroutines: forward, sendLoop

	mu      sync.Mutex
	ln      net.Listener
	conns   map[*clientConn]struct{}
	running bool
}

// New returns a broker for cfg. cfg.Listen must be a host:port (port 0
// picks a free port); when cfg.User is empty every login is accepted.
func New(cfg config.Broker, log *slog.Logger) (*Broker, error) {
	if cfg.Listen == "" {
		return nil, errors.New("broker: no listen address")
	}
	if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
		return nil, fmt.Errorf("broker: listen address %q: %w", cfg.Listen, err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Broker{
		cfg:          cfg,
		log:          log.With("component", "broker"),
		writeTimeout: writeTimeout,
		conns:        make(map[*clientConn]struct{}),
	}, nil
}

// Listen binds the listening socket and returns its address. Run calls it
// if it has not been called.
func (b *Broker) Listen() (net.Addr, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ln != nil {
		return b.ln.Addr(), nil
	}
	ln, err := net.Listen("tcp", b.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("broker: listen: %w", err)
	}
	b.ln = ln
	return ln.Addr(), nil
}

// Run serves clients until ctx is cancelled, then closes the listener and
// every connection and returns nil once all of them are gone. A Broker
// runs once; start a new one to serve again.
func (b *Broker) Run(ctx context.Context) error {
	b.mu.Lock()
	if b.running {
		b.mu.Unlock()
		return errors.New("broker: Run called twice")
	}
	b.running = true
	b.mu.Unlock()
	if _, err := b.Listen(); err != nil {
		return err
	}
	ln := b.ln
	b.log.Info("listening", "addr", ln.Addr().String())

	reqs := make(chan routed, requestQueue)
	acceptDone := make(chan int64, 1)
	go func() { acceptDone <- b.accept(ln, reqs) }()

	r := newRouter()
	var (
		ctxDone      = ctx.Done()
		stopping     bool
		accepted     int64 = -1 // known once the accept loop has ended
		disconnected int64
	)
	for accepted != disconnected {
		select {
		case <-ctxDone:
			ctxDone = nil
			stopping = true
			_ = ln.Close()
		case n := <-acceptDone:
			acceptDone = nil
			accepted = n
			stopping = true
			b.closeConns()
		case rt := <-reqs:
			switch {
			case rt.req.Op == client.DisconnectedOp:
				disconnected++
				_ = rt.conn.Close() // go-stomp has, but to be sure sendLoop ends
			case !stopping:
				r.handle(rt)
			}
		}
	}
	b.wg.Wait()
	b.log.Info("stopped", "addr", ln.Addr().String())
	return nil
}

// accept hands every accepted connection to go-stomp until ln is closed,
// and returns how many it accepted. Each of them reports back with one
// DisconnectedOp on reqs.
func (b *Broker) accept(ln net.Listener, reqs chan<- routed) int64 {
	var n int64
	cfg := serverConfig{auth: b.authenticate, log: stompLogger{b.log}}
	delay := 5 * time.Millisecond
	for {
		raw, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return n
			}
			b.log.Warn("accept failed", "err", err, "retry_in", delay)
			time.Sleep(delay)
			delay = min(2*delay, time.Second)
			continue
		}
		delay = 5 * time.Millisecond
		cc, err := newClientConn(raw, b)
		if err != nil {
			b.log.Warn("dropped connection", "remote", raw.RemoteAddr().String(), "err", err)
			_ = raw.Close()
			continue
		}
		n++
		b.wg.Add(2)
		go cc.forward(reqs)
		go cc.sendLoop()
		_ = client.NewConn(cfg, cc, cc.reqs)
	}
}

// track and untrack keep the set of open client connections.
func (b *Broker) track(c *clientConn) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.conns[c] = struct{}{}
}

func (b *Broker) untrack(c *clientConn) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.conns, c)
}

// closeConns closes every client socket; go-stomp's goroutines for each
// then fail, clean up and report DisconnectedOp.
func (b *Broker) closeConns() {
	b.mu.Lock()
	conns := make([]*clientConn, 0, len(b.conns))
	for c := range b.conns {
		conns = append(conns, c)
	}
	b.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}
