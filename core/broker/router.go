package broker

import (
	"log/slog"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/go-stomp/stomp/v3/server/client"
)

// identityMark joins a destination and the node named by an
// "mc_identity = '<node>'" selector into the name of the filtered topic
// (see clientConn). It contains a byte no real destination has.
const identityMark = "\x1fmc_identity="

// headerIdentity is the header activemq-style directed requests carry.
const headerIdentity = "mc_identity"

// router owns the broker's state: which connection subscribes to what.
// Only the request loop in Run touches it.
type router struct {
	topics map[string][]*client.Subscription
	log    *slog.Logger
}

func newRouter(log *slog.Logger) *router {
	return &router{topics: make(map[string][]*client.Subscription), log: log}
}

// handle applies one request from a client connection.
func (r *router) handle(req client.Request) {
	switch req.Op {
	case client.SubscribeOp:
		r.subscribe(req.Sub)
	case client.UnsubscribeOp:
		r.unsubscribe(req.Sub)
	case client.EnqueueOp:
		r.publish(req.Frame)
	case client.RequeueOp, client.ConnectedOp:
		// Requeues only concern queue frames, which this broker never
		// hands out: every destination is a topic.
	}
}

func (r *router) subscribe(s *client.Subscription) {
	subs := r.topics[s.Destination()]
	for _, o := range subs {
		if o == s {
			return
		}
	}
	r.topics[s.Destination()] = append(subs, s)
}

func (r *router) unsubscribe(s *client.Subscription) {
	dest := s.Destination()
	subs := r.topics[dest]
	for i, o := range subs {
		if o == s {
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
// subscribed with a selector naming its mc_identity. A subscriber whose
// connection is not keeping up blocks this until that connection's write
// times out.
func (r *router) publish(f *frame.Frame) {
	dest := f.Header.Get(frame.Destination)
	subs := r.topics[dest]
	if id, ok := f.Header.Contains(headerIdentity); ok {
		if filtered := r.topics[dest+identityMark+id]; len(filtered) > 0 {
			subs = append(append([]*client.Subscription(nil), subs...), filtered...)
		}
	}
	for i, s := range subs {
		g := f
		if i < len(subs)-1 {
			// Each copy needs its own headers (subscription, message-id);
			// the body is only ever read.
			g = &frame.Frame{Command: f.Command, Header: f.Header.Clone(), Body: f.Body}
		}
		s.SendTopicFrame(g)
	}
}
