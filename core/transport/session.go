package transport

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
)

// drainGrace is how long a closing session lets its pumps hand messages
// already received to the Inbox before it drops them.
const drainGrace = time.Second

// closeFlush bounds how long closing a connection waits for its queued
// writes.
const closeFlush = time.Second

// session is one established STOMP connection and the goroutines ("pumps",
// one per subscription) that move its messages to the Inbox. It is owned
// by Conn.Run, which closes it before dialling again.
type session struct {
	addr    string
	sc      *stomp.Conn
	wc      *watchedConn
	deliver func(*session, *stomp.Message)
	log     *slog.Logger

	stop    chan struct{} // closed: pumps drop instead of delivering
	abandon chan struct{} // closed: pumps return at once

	reasonOnce sync.Once
	reasonSet  chan struct{} // closed once reason is set
	reason     string        // why the connection ended, as go-stomp saw it

	mu      sync.Mutex // guards closing and wg.Add
	closing bool
	wg      sync.WaitGroup
}

func newSession(addr string, sc *stomp.Conn, wc *watchedConn, deliver func(*session, *stomp.Message), log *slog.Logger) *session {
	return &session{
		addr:      addr,
		sc:        sc,
		wc:        wc,
		deliver:   deliver,
		log:       log,
		stop:      make(chan struct{}),
		abandon:   make(chan struct{}),
		reasonSet: make(chan struct{}),
	}
}

// watchID names the local channel of watch; no broker subscription has it.
const watchID = "marionette-watch"

// watch learns why the connection ends. go-stomp hands every ERROR, the
// broker's or its own ("connection closed", "read timeout"), to each of
// its channels; this one is registered with go-stomp's reply-to trick,
// so no SUBSCRIBE goes to the broker.
func (s *session) watch() error {
	ss, err := s.sc.Subscribe(watchID, stomp.AckAuto, stomp.SubscribeOpt.Header(stomp.ReplyToHeader, watchID))
	if err != nil {
		return fmt.Errorf("transport: watch connection: %w", err)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			select {
			case m, ok := <-ss.C:
				if !ok {
					return
				}
				if m.Err != nil {
					s.setReason(m.Err)
				}
			case <-s.abandon:
				return
			}
		}
	}()
	return nil
}

func (s *session) setReason(err error) {
	s.reasonOnce.Do(func() {
		s.reason = err.Error()
		if f := errorFrame(err); f != nil && len(f.Body) > 0 {
			body := strings.TrimSpace(string(f.Body))
			if len(body) > 200 {
				body = body[:200] + "..."
			}
			s.reason += ": " + body
		}
		close(s.reasonSet)
	})
}

// errorFrame returns the ERROR frame behind a go-stomp error, if any.
func errorFrame(err error) *frame.Frame {
	var pe *stomp.Error
	if errors.As(err, &pe) && pe != nil {
		return pe.Frame
	}
	var se stomp.Error
	if errors.As(err, &se) {
		return se.Frame
	}
	return nil
}

// lossReason waits a little for go-stomp to say why the connection ended.
func (s *session) lossReason() string {
	t := time.NewTimer(200 * time.Millisecond)
	defer t.Stop()
	select {
	case <-s.reasonSet:
		return s.reason
	case <-t.C:
		return "unknown"
	}
}

// subscribe applies sub on this connection and starts its pump.
func (s *session) subscribe(sub Subscription) error {
	opts := []func(*frame.Frame) error{stomp.SubscribeOpt.Id(sub.id())}
	keys := make([]string, 0, len(sub.Headers))
	for k := range sub.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		opts = append(opts, stomp.SubscribeOpt.Header(k, sub.Headers[k]))
	}
	if sub.Temporary {
		// go-stomp registers the local channel under this name and sends
		// no SUBSCRIBE; RabbitMQ's MESSAGE frames carry it as their
		// subscription header.
		opts = append(opts, stomp.SubscribeOpt.Header(stomp.ReplyToHeader, sub.Destination))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return fmt.Errorf("transport: subscribe %s: %w", sub.Destination, stomp.ErrAlreadyClosed)
	}
	ss, err := s.sc.Subscribe(sub.Destination, stomp.AckAuto, opts...)
	if err != nil {
		return fmt.Errorf("transport: subscribe %s: %w", sub.Destination, err)
	}
	s.wg.Add(1)
	go s.pump(ss)
	return nil
}

// pump moves one subscription's messages to the Inbox until go-stomp
// closes the subscription (it does when the connection ends) or the
// session abandons it.
func (s *session) pump(sub *stomp.Subscription) {
	defer s.wg.Done()
	for {
		select {
		case m, ok := <-sub.C:
			if !ok {
				return
			}
			if m.Err != nil {
				s.log.Debug("subscription ended", "destination", sub.Destination(), "err", m.Err)
				continue
			}
			s.deliver(s, m)
		case <-s.abandon:
			return
		}
	}
}

// close ends the connection: gracefully (DISCONNECT, messages in flight
// dropped) when the Conn is stopping, or after a loss, when messages
// already received are still delivered for up to drainGrace. It returns
// once every pump has stopped.
func (s *session) close(graceful bool) {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()

	if graceful {
		close(s.stop)
		s.disconnect()
	}
	_ = s.wc.Close()
	if !waitFor(&s.wg, drainGrace) {
		s.log.Debug("pumps still busy after the connection closed; dropping their messages")
	}
	if !graceful {
		close(s.stop)
	}
	close(s.abandon)
	s.wg.Wait()
}

// disconnect sends DISCONNECT and waits (bounded) for its receipt.
func (s *session) disconnect() {
	done := make(chan error, 1)
	go func() { done <- s.sc.Disconnect() }()
	t := time.NewTimer(disconnectTimeout + time.Second)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil && !isClosed(err) {
			s.log.Debug("disconnect", "err", err)
		}
	case <-t.C:
		s.log.Warn("disconnect timed out; closing the socket")
	}
}

// waitFor waits for wg up to d; it reports whether wg finished.
func waitFor(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// isClosed reports whether err is go-stomp saying the connection is gone.
func isClosed(err error) bool {
	return errors.Is(err, stomp.ErrAlreadyClosed) || errors.Is(err, stomp.ErrClosedUnexpectedly)
}

// watchedConn tells when go-stomp's connection is over: go-stomp closes
// the socket on every failure (read error, bad frame, ERROR frame,
// heart-beat timeout) but reports it to nobody.
type watchedConn struct {
	net.Conn
	out  *coalescer // go-stomp's writes, batched
	once sync.Once
	lost chan struct{}
}

func newWatchedConn(conn net.Conn) *watchedConn {
	return &watchedConn{Conn: conn, out: newCoalescer(conn), lost: make(chan struct{})}
}

// Write queues p for the socket (see coalescer); a write error marks the
// connection lost.
func (w *watchedConn) Write(p []byte) (int, error) {
	n, err := w.out.Write(p)
	if err != nil {
		w.markLost()
	}
	return n, err
}

func (w *watchedConn) markLost() { w.once.Do(func() { close(w.lost) }) }

// Read reports any read error as a lost connection.
func (w *watchedConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if err != nil {
		w.markLost()
	}
	return n, err
}

// Close sends what is still queued (go-stomp's DISCONNECT), bounded by
// closeFlush, marks the connection lost and closes the socket.
func (w *watchedConn) Close() error {
	_ = w.Conn.SetWriteDeadline(time.Now().Add(closeFlush))
	_ = w.out.drain()
	w.out.close()
	w.markLost()
	return w.Conn.Close()
}
