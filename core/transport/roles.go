package transport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// expiryGrace is what both Ruby connectors add to a request's TTL for the
// broker-side expiry of requests and replies.
const expiryGrace = 10 * time.Second

// replySeq numbers reply destinations within the process, like Ruby's
// Client.request_sequence.
var replySeq atomic.Int64

// SubscribeNode subscribes a node to the broadcast requests for each of
// its agents and to the requests directed at it, in every collective. It
// may be called again with more agents.
func (c *Conn) SubscribeNode(collectives, agents []string) error {
	if len(collectives) == 0 {
		return errors.New("transport: subscribe node: no collectives")
	}
	for _, sub := range c.layout.NodeSubscriptions(collectives, c.identity, agents) {
		if err := c.Subscribe(sub); err != nil {
			return err
		}
	}
	return nil
}

// SubscribeReplies makes sure the client receives replies to its requests
// for agent in collective, and returns the reply-to to put on them. The
// destination is made (and subscribed) once per collective and agent and
// shared by every later request: replies are told apart by the request id
// inside the body, as in Ruby MCollective.
func (c *Conn) SubscribeReplies(collective, agent string) (string, error) {
	if collective == "" || agent == "" {
		return "", errors.New("transport: subscribe replies: empty collective or agent")
	}
	c.subMu.Lock()
	defer c.subMu.Unlock()
	key := collective + "\x00" + agent
	if r, ok := c.replies[key]; ok {
		return r, nil
	}
	clientID := fmt.Sprintf("%s_%d_%d", c.identity, os.Getpid(), replySeq.Add(1))
	sub := c.layout.Replies(collective, agent, clientID)
	if err := c.subscribeLocked(sub); err != nil {
		return "", err
	}
	c.replies[key] = sub.Destination
	return sub.Destination, nil
}

// RequestTarget says where a request goes.
type RequestTarget struct {
	// Collective and Agent address the request.
	Collective string
	Agent      string
	// Node is the identity of the one node a directed request is for;
	// empty broadcasts to every node with Agent.
	Node string
	// ReplyTo is where replies go; empty means this Conn's own reply
	// destination for Collective and Agent (see SubscribeReplies).
	ReplyTo string
	// TTL is the request's time to live; the broker may drop the
	// request TTL+10s after it was sent.
	TTL time.Duration
}

// PublishRequest sends one request (one SEND; a client sends a directed
// request once per node). It waits for a connection as Send does.
func (c *Conn) PublishRequest(ctx context.Context, t RequestTarget, body []byte) error {
	if t.Collective == "" || t.Agent == "" {
		return errors.New("transport: publish request: empty collective or agent")
	}
	if t.ReplyTo == "" {
		var err error
		if t.ReplyTo, err = c.SubscribeReplies(t.Collective, t.Agent); err != nil {
			return err
		}
	}
	dest, m := c.request(t, body)
	return c.Send(ctx, dest, m)
}

// request builds the SEND of a request to t.
func (c *Conn) request(t RequestTarget, body []byte) (string, Message) {
	route := c.layout.Broadcast(t.Collective, t.Agent)
	if t.Node != "" {
		route = c.layout.Directed(t.Collective, t.Agent, t.Node)
	}
	return route.Destination, Message{
		ReplyTo:    t.ReplyTo,
		Sender:     c.identity,
		Expiration: t.TTL + expiryGrace,
		Headers:    route.Headers,
		Body:       body,
	}
}

// Reply sends body to the reply-to of the request req, verbatim, with the
// expiry derived from the request's ttl.
func (c *Conn) Reply(ctx context.Context, req Message, ttl time.Duration, body []byte) error {
	if req.ReplyTo == "" {
		return fmt.Errorf("transport: reply to message from %q on %s: no reply-to", req.Sender, req.Destination)
	}
	return c.Send(ctx, req.ReplyTo, c.reply(ttl, body))
}

// reply builds the SEND of a reply.
func (c *Conn) reply(ttl time.Duration, body []byte) Message {
	return Message{Sender: c.identity, Expiration: ttl + expiryGrace, Body: body}
}
