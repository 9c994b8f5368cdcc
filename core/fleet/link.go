package fleet

import (
	"context"
	"time"

	"github.com/marionette-mco/marionette/core/server"
	"github.com/marionette-mco/marionette/core/transport"
)

// maxChunk is the most nodes one job hands a worker.
const maxChunk = 64

// headerSubscription is the STOMP header naming the subscription a
// MESSAGE was delivered for.
const headerSubscription = "subscription"

// link is one broker connection and the nodes on it.
type link struct {
	conn *transport.Conn
	// routes maps a subscription id to the nodes that registered it:
	// every node of the link for a broadcast subscription, one node for
	// a directed one. Written by New only.
	routes map[string][]*server.Server
}

// add records that srv registered sub.
func (l *link) add(sub transport.Subscription, srv *server.Server) {
	id := sub.ID
	if id == "" {
		id = sub.Destination
	}
	l.routes[id] = append(l.routes[id], srv)
}

// route returns the nodes a received message is for: those of its
// subscription id, else of its destination.
func (l *link) route(msg transport.Message) []*server.Server {
	if nodes, ok := l.routes[msg.Headers[headerSubscription]]; ok {
		return nodes
	}
	return l.routes[msg.Destination]
}

// dispatch hands every message of the connection to the workers, split
// in chunks of nodes, until ctx ends. Unless decodeEach is set, the
// message's envelope is decoded here, once for all of them (see
// server.Decoded).
func (l *link) dispatch(ctx context.Context, jobs chan<- job, workers int, decodeEach bool) {
	inbox := l.conn.Inbox()
	for {
		select {
		case <-ctx.Done():
			return
		case msg := <-inbox:
			nodes := l.route(msg)
			if len(nodes) == 0 {
				continue
			}
			j := job{msg: msg}
			if !decodeEach {
				j.decoded = server.Decode(msg)
			}
			size := min(max((len(nodes)+workers-1)/workers, 1), maxChunk)
			for len(nodes) > 0 {
				n := min(size, len(nodes))
				j.nodes = nodes[:n]
				select {
				case jobs <- j:
				case <-ctx.Done():
					return
				}
				nodes = nodes[n:]
			}
		}
	}
}

// job is one message for some nodes of a link.
type job struct {
	msg transport.Message
	// decoded is msg decoded once for all nodes; nil when each node
	// decodes it.
	decoded *server.Decoded
	nodes   []*server.Server
}

// run passes the message through each node's pipeline in turn, under
// one context bounded by the request's deadline for all of them.
func (j job) run(ctx context.Context) {
	if j.decoded != nil {
		if dl, ok := j.decoded.Deadline(time.Now()); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, dl)
			defer cancel()
		}
	}
	for _, n := range j.nodes {
		if j.decoded != nil {
			n.HandleDecoded(ctx, j.decoded)
		} else {
			n.Handle(ctx, j.msg)
		}
	}
}
