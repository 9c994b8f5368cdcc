package client

import (
	"context"
	"errors"
	"time"

	"github.com/marionette-mco/marionette/core/transport"
)

// collect passes the verified replies to request reqID to fn until u is
// met or ctx ends; a node answering twice or unasked is passed on all the
// same, as Ruby's client does.
func (c *Client) collect(ctx context.Context, reqID string, u until, start time.Time, fn func(Response)) error {
	pending := make(map[string]bool, len(u.nodes))
	for _, n := range u.nodes {
		pending[n] = true
	}
	inbox := c.conn.Inbox()
	quiet := quietWindow{window: u.window}
	defer quiet.stop()
	got := 0
	for {
		msg, w := next(ctx, inbox, quiet.C())
		switch w {
		case waitOver:
			return nil
		case inboxClosed:
			return errors.New("connection closed while waiting for replies")
		case quietFired:
			if quiet.passed(time.Since(start)) {
				return nil
			}
			continue
		}
		resp, err := c.open(msg, reqID)
		if err != nil {
			c.log.Debug("reply dropped", "sender", msg.Sender, "err", err)
			continue
		}
		resp.Elapsed = time.Since(start)
		fn(resp)
		got++
		if len(pending) > 0 {
			delete(pending, resp.Sender)
		}
		if u.replies > 0 && got >= u.replies || len(u.nodes) > 0 && len(pending) == 0 {
			return nil
		}
		quiet.replied(resp.Elapsed)
	}
}

// wake says why next returned.
type wake int

const (
	gotMessage wake = iota
	quietFired
	waitOver // ctx ended
	inboxClosed
)

// next waits for the next message of inbox, for quiet to fire or for ctx
// to end. A message already queued, the usual case in a burst of replies,
// is taken without the cost of a three-way select.
func next(ctx context.Context, inbox <-chan transport.Message, quiet <-chan time.Time) (transport.Message, wake) {
	if ctx.Err() == nil {
		select {
		case msg, ok := <-inbox:
			return msg, received(ok)
		default:
		}
	}
	select {
	case <-ctx.Done():
		return transport.Message{}, waitOver
	case <-quiet:
		return transport.Message{}, quietFired
	case msg, ok := <-inbox:
		return msg, received(ok)
	}
}

func received(ok bool) wake {
	if !ok {
		return inboxClosed
	}
	return gotMessage
}

// quietWindow ends a wait once no reply came for window after the first
// (never when window is not positive). Its timer is re-armed when it
// fires, not on every reply.
type quietWindow struct {
	window time.Duration
	timer  *time.Timer
	// last is when the last reply came, as time since the request.
	last time.Duration
}

// C fires when the window may have passed; nil until the first reply.
func (q *quietWindow) C() <-chan time.Time {
	if q.timer == nil {
		return nil
	}
	return q.timer.C
}

// replied records a reply that came at elapsed.
func (q *quietWindow) replied(elapsed time.Duration) {
	if q.window <= 0 {
		return
	}
	q.last = elapsed
	if q.timer == nil {
		q.timer = time.NewTimer(q.window)
	}
}

// passed reports, when C fired at elapsed, whether the window has passed;
// if not, it re-arms the timer for the rest of it.
func (q *quietWindow) passed(elapsed time.Duration) bool {
	rest := q.window - (elapsed - q.last)
	if rest <= 0 {
		return true
	}
	q.timer.Reset(rest)
	return false
}

func (q *quietWindow) stop() {
	if q.timer != nil {
		q.timer.Stop()
	}
}
