package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/marionette-mco/marionette/core/config"
)

// InboxSize is how many received messages Conn buffers for its reader.
// When the Inbox is full, delivery blocks: the STOMP connection stops
// reading, the broker's buffers fill and it slows down or (the embedded
// broker) drops this consumer after a while. Read the Inbox promptly.
const InboxSize = 256

// Defaults applied when the Connector leaves a field at zero; they are
// Ruby MCollective's.
const (
	DefaultPort                  = 61613
	DefaultVHost                 = "/"
	DefaultInitialReconnectDelay = 10 * time.Millisecond
	DefaultMaxReconnectDelay     = 30 * time.Second
	DefaultBackOffMultiplier     = 2
)

const (
	// connectTimeout bounds one TCP connect plus STOMP handshake.
	connectTimeout = 30 * time.Second
	// stableAfter is how long a connection must have lasted for the
	// reconnect backoff to start again from the initial delay.
	stableAfter = 5 * time.Second
	// disconnectTimeout bounds the wait for DISCONNECT's receipt.
	disconnectTimeout = 2 * time.Second
	// sendTimeout bounds the hand-over of one frame to go-stomp's writer.
	sendTimeout = 10 * time.Second
)

// ErrClosed is returned by Send and WaitConnected once Run has returned.
var ErrClosed = errors.New("transport: connection closed")

// Conn is a persistent STOMP connection to one broker of a pool. Create
// it with New, start Run in a goroutine, then Subscribe, Send and read
// Inbox. All methods are safe for concurrent use.
type Conn struct {
	cfg      config.Connector
	layout   Layout
	identity string
	log      *slog.Logger
	inbox    chan Message

	subMu   sync.Mutex // serialises subscription changes and their application
	subs    []Subscription
	byID    map[string]int
	replies map[string]string // collective "\x00" agent -> reply-to

	mu      sync.Mutex
	sess    *session      // nil while disconnected
	ready   chan struct{} // closed while sess != nil
	done    chan struct{} // closed when Run returns
	running bool
}

// New returns a Conn for cfg that will present itself as identity (the
// mc_sender of what it sends). Nothing is dialled until Run.
func New(cfg config.Connector, identity string, log *slog.Logger) (*Conn, error) {
	layout, err := NewLayout(cfg)
	if err != nil {
		return nil, err
	}
	if identity == "" {
		return nil, errors.New("transport: empty identity")
	}
	if len(cfg.Pool) == 0 {
		return nil, errors.New("transport: no brokers in the pool")
	}
	for i, h := range cfg.Pool {
		if h.Host == "" {
			return nil, fmt.Errorf("transport: pool host %d has no host name", i+1)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Conn{
		cfg:      cfg,
		layout:   layout,
		identity: identity,
		log:      log.With("component", "transport", "connector", cfg.Name),
		inbox:    make(chan Message, InboxSize),
		byID:     make(map[string]int),
		replies:  make(map[string]string),
		ready:    make(chan struct{}),
		done:     make(chan struct{}),
	}, nil
}

// Layout returns the destination layout the Conn uses.
func (c *Conn) Layout() Layout { return c.layout }

// Inbox delivers the messages of every subscription, in the order each
// subscription received them. It is never closed. See InboxSize for what
// happens when it is not read.
func (c *Conn) Inbox() <-chan Message { return c.inbox }

// Run connects to the pool's brokers in order and keeps a connection up
// until ctx is cancelled, reconnecting with backoff after any failure or
// loss (every registered subscription is re-applied). A broker that is
// down at start is retried like any other failure. Run returns nil after
// ctx is cancelled and the connection is closed with DISCONNECT, or an
// error once MaxReconnectAttempts consecutive attempts have failed.
func (c *Conn) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.running {
		c.mu.Unlock()
		return errors.New("transport: Run called twice")
	}
	c.running = true
	c.mu.Unlock()
	defer close(c.done)

	b := newBackoff(c.cfg)
	failures := 0
	for i := 0; ; i++ {
		host := c.cfg.Pool[i%len(c.cfg.Pool)]
		s, err := c.dial(ctx, host)
		switch {
		case ctx.Err() != nil:
			if s != nil {
				s.close(true)
			}
			return nil
		case err != nil:
			failures++
			c.log.Warn("connect failed", "broker", hostAddr(host), "attempt", failures, "err", err)
			if max := c.cfg.MaxReconnectAttempts; max > 0 && failures >= max {
				return fmt.Errorf("transport: giving up after %d failed connection attempts: %w", failures, err)
			}
		default:
			failures = 0
			if c.serve(ctx, s) {
				b.reset()
			}
			if ctx.Err() != nil {
				return nil
			}
		}
		if !sleep(ctx, b.next()) {
			return nil
		}
	}
}

// serve publishes s, waits for ctx or the loss of the connection and
// tears s down. It reports whether the connection lasted long enough to
// count as stable.
func (c *Conn) serve(ctx context.Context, s *session) bool {
	start := time.Now()
	c.attach(s)
	c.log.Info("connected", "broker", s.addr, "version", s.sc.Version())
	select {
	case <-ctx.Done():
		c.detach(s)
		s.close(true)
		c.log.Info("disconnected", "broker", s.addr)
	case <-s.wc.lost:
		c.detach(s)
		c.log.Warn("connection lost", "broker", s.addr, "reason", s.lossReason(),
			"after", time.Since(start).Round(time.Millisecond))
		s.close(false)
	}
	return time.Since(start) >= stableAfter
}

// attach applies every registered subscription to s and makes s the
// current session.
func (c *Conn) attach(s *session) {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	for _, sub := range c.subs {
		if err := s.subscribe(sub); err != nil {
			c.log.Warn("subscribe failed", "destination", sub.Destination, "err", err)
		}
	}
	c.mu.Lock()
	c.sess = s
	close(c.ready)
	c.mu.Unlock()
}

// detach makes the Conn disconnected again if s is current.
func (c *Conn) detach(s *session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == s {
		c.sess = nil
		c.ready = make(chan struct{})
	}
}

// dial connects to one broker and performs the STOMP handshake.
func (c *Conn) dial(ctx context.Context, host config.BrokerHost) (*session, error) {
	addr := hostAddr(host)
	dctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()

	var raw net.Conn
	var err error
	if host.SSL {
		d := tls.Dialer{Config: &tls.Config{ServerName: host.Host, MinVersion: tls.VersionTLS12}}
		raw, err = d.DialContext(dctx, "tcp", addr)
	} else {
		var d net.Dialer
		raw, err = d.DialContext(dctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", addr, err)
	}
	wc := newWatchedConn(raw)
	// go-stomp's handshake only honours the deadline; make cancellation
	// interrupt it too.
	stop := context.AfterFunc(dctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	sc, err := stomp.ConnectWithContext(dctx, wc, c.connectOptions(host)...)
	if !stop() {
		err = errors.Join(err, dctx.Err())
	}
	if err != nil {
		if sc != nil {
			_ = sc.MustDisconnect()
		}
		_ = wc.Close()
		return nil, fmt.Errorf("transport: connect to %s: %w", addr, err)
	}
	s := newSession(addr, sc, wc, c.deliver, c.log.With("broker", addr))
	if err := s.watch(); err != nil {
		s.close(false)
		return nil, err
	}
	return s, nil
}

// hostAddr is host's host:port, with the default port when none is set.
func hostAddr(host config.BrokerHost) string {
	port := host.Port
	if port == 0 {
		port = DefaultPort
	}
	return net.JoinHostPort(host.Host, strconv.Itoa(port))
}

func (c *Conn) connectOptions(host config.BrokerHost) []func(*stomp.Conn) error {
	vhost := c.cfg.VHost
	if vhost == "" {
		vhost = DefaultVHost
	}
	hb := c.cfg.Heartbeat
	if hb < 0 {
		hb = 0
	}
	opts := []func(*stomp.Conn) error{
		stomp.ConnOpt.Host(vhost),
		stomp.ConnOpt.HeartBeat(hb, hb),
		stomp.ConnOpt.Logger(stompLogger{c.log}),
		stomp.ConnOpt.DisconnectReceiptTimeout(disconnectTimeout),
		stomp.ConnOpt.MsgSendTimeout(sendTimeout),
	}
	if host.User != "" || host.Password != "" {
		opts = append(opts, stomp.ConnOpt.Login(host.User, host.Password))
	}
	return opts
}

// deliver hands one received message to the Inbox, unless s is being
// torn down.
func (c *Conn) deliver(s *session, sm *stomp.Message) {
	m, err := incoming(sm.Header, sm.Body, c.cfg.Base64)
	if err != nil {
		c.log.Warn("dropped malformed message", "destination", sm.Destination, "err", err)
		return
	}
	if !m.AddressedTo(c.identity) {
		c.log.Debug("dropped message for another node", "destination", m.Destination,
			"mc_identity", m.Headers[headerIdentity])
		return
	}
	if !c.enqueue(s, m) {
		c.log.Debug("dropped message received while disconnecting", "destination", m.Destination)
	}
}

// enqueue puts m in the Inbox, waiting for room, unless s is stopping.
// The usual case, room in the Inbox, costs no two-way select.
func (c *Conn) enqueue(s *session, m Message) bool {
	select {
	case <-s.stop:
		return false
	default:
	}
	select {
	case c.inbox <- m:
		return true
	default:
	}
	select {
	case c.inbox <- m:
		return true
	case <-s.stop:
		return false
	}
}

// backoff yields reconnect delays as Ruby's stomp gem does.
type backoff struct {
	initial, max, cur time.Duration
	mult              float64
	grow              bool
}

func newBackoff(cfg config.Connector) *backoff {
	b := &backoff{
		initial: cfg.InitialReconnectDelay,
		max:     cfg.MaxReconnectDelay,
		mult:    cfg.BackOffMultiplier,
		grow:    cfg.UseExponentialBackOff,
	}
	if b.initial <= 0 {
		b.initial = DefaultInitialReconnectDelay
	}
	if b.max <= 0 {
		b.max = DefaultMaxReconnectDelay
	}
	if b.max < b.initial {
		b.max = b.initial
	}
	if b.mult < 1 {
		b.mult = DefaultBackOffMultiplier
	}
	b.cur = b.initial
	return b
}

func (b *backoff) next() time.Duration {
	d := b.cur
	if b.grow {
		b.cur = min(time.Duration(float64(b.cur)*b.mult), b.max)
	}
	return d
}

func (b *backoff) reset() { b.cur = b.initial }

// sleep waits for d or ctx; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
