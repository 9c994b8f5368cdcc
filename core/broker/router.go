package broker

import (
	"github.com/go-stomp/stomp/v3/frame"
	"github.com/go-stomp/stomp/v3/server/client"
)

// identityMark joins a destination and the node named by an
// "mc_identity = '<node>'" selector into the name of the filtered topic
// (see clientConn). It contains a byte no real destination has.
const identityMark = "\x1fmc_identity="

// headerIdentity is the header activemq-style directed requests carry.
const headerIdentity = "mc_identity"

// routed is a request from go-stomp, tagged with its connection.
type routed struct {
	conn *clientConn
	req  client.Request
}

// target is one subscription of one connection.
type target struct {
	conn *clientConn
	sub  *client.Subscription
}

// router owns the broker's state: which connection subscribes to what.
// Only the request loop in Run touches it, and it never blocks.
type router struct {
	topics map[string][]target
}

func newRouter() *router {
	return &router{topics: make(map[string][]target)}
}

// handle applies one request from a client connection.
func (r *router) handle(rt routed) {
	switch rt.req.Op {
	case client.SubscribeOp:
		r.subscribe(target{conn: rt.conn, sub: rt.req.Sub})
	case client.UnsubscribeOp:
		r.unsubscribe(rt.req.Sub)
	case client.EnqueueOp:
		r.publish(rt.req.Frame)
	case client.RequeueOp, client.ConnectedOp, client.DisconnectedOp:
		// Requeues only concern queue frames, which this broker never
		// hands out: every destination is a topic. A connection's
		// subscriptions are gone (UnsubscribeOp) before it disconnects.
	}
}

func (r *router) subscribe(t target) {
	dest := t.sub.Destination()
	for _, o := range r.topics[dest] {
		if o.sub == t.sub {
			return
		}
	}
	r.topics[dest] = append(r.topics[dest], t)
}

func (r *router) unsubscribe(s *client.Subscription) {
	dest := s.Destination()
	subs := r.topics[dest]
	for i, o := range subs {
		if o.sub == s {
			subs = append(subs[:i], subs[i+1:]...)
			break
		}
	}
	if len(subs) == 0 {
		delete(r.topics, dest)
		return
	}
	r.topics[dest] = subs
}

// publish hands f to every subscriber of its destination, and to those
// subscribed with a selector naming its mc_identity.
func (r *router) publish(f *frame.Frame) {
	dest := f.Header.Get(frame.Destination)
	r.fanOut(f, r.topics[dest])
	if id, ok := f.Header.Contains(headerIdentity); ok {
		r.fanOut(f, r.topics[dest+identityMark+id])
	}
}

func (r *router) fanOut(f *frame.Frame, targets []target) {
	for _, t := range targets {
		// Each copy needs its own headers (subscription, message-id);
		// the body is only ever read.
		g := &frame.Frame{Command: frame.MESSAGE, Header: f.Header.Clone(), Body: f.Body}
		g.Header.Set(frame.Subscription, t.sub.Id())
		t.conn.deliver(g)
	}
}
