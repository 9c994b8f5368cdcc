// Package client is the mco side of MCollective: it sends a request to the
// fleet, broadcast or directed, and collects the signed replies that belong
// to it, stopping at a deadline, an expected count or a quiet window.
package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// Transport is what the client needs of its broker connection.
type Transport interface {
	// SubscribeReplies prepares the reply destination for requests to
	// agent in collective and returns the reply-to value to send.
	SubscribeReplies(collective, agent string) (string, error)
	// PublishRequest sends a request, broadcast when t.Node is "", else
	// directed.
	PublishRequest(ctx context.Context, t transport.RequestTarget, body []byte) error
	// Inbox delivers replies.
	Inbox() <-chan transport.Message
}

// Options configures a Client.
type Options struct {
	Identity   string
	Collective string
	// TTL is put on every request; default 60 s.
	TTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Client sends requests and gathers replies. One Client runs one request
// at a time; replies to other requests are dropped.
type Client struct {
	opts Options
	conn Transport
	sec  security.Provider
	log  *slog.Logger
}

// New returns a Client.
func New(opts Options, conn Transport, sec security.Provider, log *slog.Logger) *Client {
	if opts.TTL <= 0 {
		opts.TTL = 60 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Client{opts: opts, conn: conn, sec: sec, log: log}
}

// Call is one request to the fleet.
type Call struct {
	Agent string
	// Collective defaults to the client's.
	Collective string
	Filter     protocol.Filter
	// Message is the inner message: a String such as "ping", or an
	// RPC request Hash; it is Marshal-encoded here.
	Message any
	// Nodes, when set, sends the request to each node directly.
	Nodes []string
	// Timeout bounds the wait for replies.
	Timeout time.Duration
	// Expect, when positive, ends the wait once that many replies came.
	Expect int
	// Window, when positive, ends the wait once no reply came for it
	// (after the first reply).
	Window time.Duration
}

// Response is one verified reply.
type Response struct {
	Sender string
	// Body is the decoded inner reply message.
	Body any
	// Elapsed is the time from sending to receipt.
	Elapsed time.Duration
}

// NewRequestID returns 32 random lower-case hex characters.
func NewRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Do sends call and passes each verified reply to fn as it arrives. It
// returns when the timeout, expected count or quiet window is reached, or
// ctx ends, with the request id it used.
func (c *Client) Do(ctx context.Context, call Call, fn func(Response)) (string, error) {
	inner, err := marshal.Marshal(call.Message)
	if err != nil {
		return "", fmt.Errorf("encode message: %w", err)
	}
	return c.send(ctx, outgoing{agent: call.Agent, collective: call.Collective, filter: call.Filter,
		body: inner, nodes: call.Nodes, ttl: c.opts.TTL, timeout: call.Timeout,
		until: until{replies: call.Expect, window: call.Window}}, fn)
}

// outgoing is one request as Do and RPC send it.
type outgoing struct {
	agent string
	// collective defaults to the client's.
	collective string
	filter     protocol.Filter
	// body is the Marshal-encoded inner message.
	body []byte
	// id is the request id; empty means a new one.
	id string
	// nodes, when set, sends the request to each node directly.
	nodes []string
	// ttl is the request's time to live; timeout bounds the wait for
	// replies, which until may end sooner.
	ttl, timeout time.Duration
	until        until
}

// until says what ends the wait for replies before the timeout.
type until struct {
	// replies, when positive: that many replies came, whoever sent them.
	replies int
	// nodes, when set: every one of them answered.
	nodes []string
	// window, when positive: no reply came for that long after the first.
	window time.Duration
}

// send seals and publishes o, then passes each verified reply to fn until
// o.until is met, at o.timeout, or when ctx ends. It returns the request
// id.
func (c *Client) send(ctx context.Context, o outgoing, fn func(Response)) (string, error) {
	req, env, replyTo, err := c.prepare(&o)
	if err != nil {
		return "", err
	}
	start := time.Now()
	ctx, cancel := context.WithDeadline(ctx, start.Add(o.timeout))
	defer cancel()
	if err := c.publish(ctx, o, replyTo, env); err != nil {
		return req.RequestID, err
	}
	return req.RequestID, c.collect(ctx, req.RequestID, o.until, start, fn)
}

// prepare fills in o's defaults, builds and seals its request envelope and
// prepares the reply destination.
func (c *Client) prepare(o *outgoing) (*protocol.Request, []byte, string, error) {
	if o.collective == "" {
		o.collective = c.opts.Collective
	}
	if o.id == "" {
		o.id = NewRequestID()
	}
	req := &protocol.Request{Body: o.body, SenderID: c.opts.Identity, RequestID: o.id,
		Filter: o.filter, Collective: o.collective, Agent: o.agent,
		TTL: int64(o.ttl / time.Second), MsgTime: c.opts.Now().Unix()}
	c.sec.SealRequest(req)
	env, err := protocol.EncodeRequest(req)
	if err != nil {
		return nil, nil, "", err
	}
	replyTo, err := c.conn.SubscribeReplies(o.collective, o.agent)
	if err != nil {
		return nil, nil, "", fmt.Errorf("prepare replies: %w", err)
	}
	return req, env, replyTo, nil
}

// publish sends the request once, broadcast, or once per node.
func (c *Client) publish(ctx context.Context, o outgoing, replyTo string, env []byte) error {
	t := transport.RequestTarget{Collective: o.collective, Agent: o.agent, ReplyTo: replyTo, TTL: o.ttl}
	if len(o.nodes) == 0 {
		if err := c.conn.PublishRequest(ctx, t, env); err != nil {
			return fmt.Errorf("publish request: %w", err)
		}
		return nil
	}
	for _, n := range o.nodes {
		t.Node = n
		if err := c.conn.PublishRequest(ctx, t, env); err != nil {
			return fmt.Errorf("publish request to %s: %w", n, err)
		}
	}
	return nil
}

// open decodes and verifies a reply for request reqID.
func (c *Client) open(msg transport.Message, reqID string) (Response, error) {
	rep, err := protocol.DecodeReply(msg.Body)
	if err != nil {
		return Response{}, err
	}
	if rep.RequestID != reqID {
		return Response{}, fmt.Errorf("reply to request %s, waiting for %s", rep.RequestID, reqID)
	}
	if err := c.sec.OpenReply(rep); err != nil {
		return Response{}, err
	}
	body, err := marshal.Unmarshal(rep.Body)
	if err != nil {
		return Response{}, fmt.Errorf("decode reply body: %w", err)
	}
	return Response{Sender: rep.SenderID, Body: body}, nil
}
