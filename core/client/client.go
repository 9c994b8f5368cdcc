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
	if call.Collective == "" {
		call.Collective = c.opts.Collective
	}
	inner, err := marshal.Marshal(call.Message)
	if err != nil {
		return "", fmt.Errorf("encode message: %w", err)
	}
	req := &protocol.Request{Body: inner, SenderID: c.opts.Identity, RequestID: NewRequestID(),
		Filter: call.Filter, Collective: call.Collective, Agent: call.Agent,
		TTL: int64(c.opts.TTL / time.Second), MsgTime: c.opts.Now().Unix()}
	c.sec.SealRequest(req)
	env, err := protocol.EncodeRequest(req)
	if err != nil {
		return "", err
	}
	replyTo, err := c.conn.SubscribeReplies(call.Collective, call.Agent)
	if err != nil {
		return "", fmt.Errorf("prepare replies: %w", err)
	}
	start := time.Now()
	deadline := start.Add(call.Timeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if err := c.publish(ctx, call, replyTo, env); err != nil {
		return req.RequestID, err
	}
	return req.RequestID, c.collect(ctx, req.RequestID, call, start, fn)
}

func (c *Client) publish(ctx context.Context, call Call, replyTo string, env []byte) error {
	t := transport.RequestTarget{Collective: call.Collective, Agent: call.Agent, ReplyTo: replyTo, TTL: c.opts.TTL}
	if len(call.Nodes) == 0 {
		if err := c.conn.PublishRequest(ctx, t, env); err != nil {
			return fmt.Errorf("publish request: %w", err)
		}
		return nil
	}
	for _, n := range call.Nodes {
		t.Node = n
		if err := c.conn.PublishRequest(ctx, t, env); err != nil {
			return fmt.Errorf("publish request to %s: %w", n, err)
		}
	}
	return nil
}

func (c *Client) collect(ctx context.Context, reqID string, call Call, start time.Time, fn func(Response)) error {
	inbox := c.conn.Inbox()
	got := 0
	var quiet <-chan time.Time
	var timer *time.Timer
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-quiet:
			return nil
		case msg, ok := <-inbox:
			if !ok {
				return fmt.Errorf("connection closed while waiting for replies")
			}
			resp, err := c.open(msg, reqID)
			if err != nil {
				c.log.Debug("reply dropped", "sender", msg.Sender, "err", err)
				continue
			}
			resp.Elapsed = time.Since(start)
			fn(resp)
			got++
			if call.Expect > 0 && got >= call.Expect {
				return nil
			}
			if call.Window > 0 {
				if timer == nil {
					timer = time.NewTimer(call.Window)
					defer timer.Stop()
					quiet = timer.C
				} else {
					timer.Reset(call.Window)
				}
			}
		}
	}
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
