package transport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
)

// Subscribe registers a persistent subscription: it is applied now if the
// Conn is connected, and again after every reconnect. Subscribing twice
// to the same subscription id is a no-op; reusing an id for a different
// subscription is an error.
func (c *Conn) Subscribe(sub Subscription) error {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	return c.subscribeLocked(sub)
}

func (c *Conn) subscribeLocked(sub Subscription) error {
	if sub.Destination == "" {
		return errors.New("transport: subscribe: empty destination")
	}
	if i, ok := c.byID[sub.id()]; ok {
		if c.subs[i].equal(sub) {
			return nil
		}
		return fmt.Errorf("transport: subscribe %s: id %q already names %s",
			sub.Destination, sub.id(), c.subs[i].Destination)
	}
	c.byID[sub.id()] = len(c.subs)
	c.subs = append(c.subs, sub)

	c.mu.Lock()
	s := c.sess
	c.mu.Unlock()
	if s != nil {
		// On failure the connection is going down; the next one applies it.
		if err := s.subscribe(sub); err != nil {
			c.log.Warn("subscribe failed, will retry after reconnecting", "destination", sub.Destination, "err", err)
		}
	}
	c.log.Debug("subscribed", "destination", sub.Destination, "id", sub.id(), "temporary", sub.Temporary)
	return nil
}

// Send publishes m to dest. While the Conn is disconnected it waits for
// the next connection, as long as ctx allows; it fails when ctx ends first
// or once Run has returned. Once connected, handing the frame to the
// connection's writer may take up to 10 s more if the socket is stuck
// (go-stomp takes no context); then Send fails. Expiration is written as
// the layout's expiry headers, the body is base64-encoded when the
// connector says so.
func (c *Conn) Send(ctx context.Context, dest string, m Message) error {
	if dest == "" {
		return errors.New("transport: send: empty destination")
	}
	body, hdrs := outgoing(c.layout, m, c.cfg.Base64, time.Now())
	// One option adds every header, as SendOpt.Header does for one.
	addHeaders := func(f *frame.Frame) error {
		for i := 0; i < len(hdrs); i += 2 {
			f.Header.Add(hdrs[i], hdrs[i+1])
		}
		return nil
	}
	for {
		s, err := c.current(ctx)
		if err != nil {
			return fmt.Errorf("transport: send to %s: %w", dest, err)
		}
		err = s.sc.Send(dest, contentType, body, addHeaders)
		if err == nil {
			return nil
		}
		if !isClosed(err) {
			return fmt.Errorf("transport: send to %s: %w", dest, err)
		}
		// The connection went away under us: wait for the next one.
		select {
		case <-s.wc.lost:
		case <-ctx.Done():
			return fmt.Errorf("transport: send to %s: %w", dest, ctx.Err())
		}
	}
}

// WaitConnected waits until the Conn is connected to a broker. It fails
// when ctx ends first or once Run has returned.
func (c *Conn) WaitConnected(ctx context.Context) error {
	if _, err := c.current(ctx); err != nil {
		return fmt.Errorf("transport: wait for connection: %w", err)
	}
	return nil
}

// current returns the live session, waiting for one if necessary.
func (c *Conn) current(ctx context.Context) (*session, error) {
	for {
		c.mu.Lock()
		s, ready := c.sess, c.ready
		c.mu.Unlock()
		if s != nil {
			return s, nil
		}
		select {
		case <-ready:
		case <-c.done:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
