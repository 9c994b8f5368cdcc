package client

import (
	"context"
	"fmt"
	"time"

	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/transport"
)

// RPCCall is one SimpleRPC request: an action of an agent with its
// arguments, as Ruby's RPC::Client sends it.
type RPCCall struct {
	Agent  string
	Action string
	// Collective defaults to the client's.
	Collective string
	// Filter goes on the request envelope; a directed request normally
	// carries only the agent filter, as Ruby's does.
	Filter protocol.Filter
	// Data holds the arguments as plain Go values.
	Data map[string]any
	// Nodes, when set, sends the request to each node directly (one SEND
	// per node); otherwise it is broadcast.
	Nodes []string
	// Expect lists the nodes whose replies are awaited: the wait ends once
	// every one of them has answered, or at Timeout. With none, the wait
	// lasts until Timeout.
	Expect []string
	// Timeout bounds the wait for replies.
	Timeout time.Duration
	// TTL overrides the client's request time to live when positive.
	TTL time.Duration
	// RequestID reuses a request id (batches of one request share it, as
	// in Ruby); empty means a new one.
	RequestID string
}

// RPCResult is one verified reply to an RPC request.
type RPCResult struct {
	Sender     string
	StatusCode int
	StatusMsg  string
	// Data is the reply's :data as plain Go values (see protocol.Plain).
	Data map[string]any
	// Raw is the reply's :data as decoded, with Ruby's types kept
	// (Symbols, Hash key order) for display.
	Raw any
	// Elapsed is the time from sending to receipt.
	Elapsed time.Duration
}

// statusUnknownError is UnknownRPCError, given to a reply whose body is
// not an RPC reply at all.
const statusUnknownError = 5

// CallerID is the caller id the security provider puts on requests, which
// Ruby's RPC client also writes into the request body's :caller.
func (c *Client) CallerID() string {
	probe := &protocol.Request{}
	c.sec.SealRequest(probe)
	return probe.CallerID
}

// RPC sends call with :process_results true and passes each verified reply
// to fn as it arrives. It returns the request id once every expected node
// answered, at the timeout, or when ctx ends.
func (c *Client) RPC(ctx context.Context, call RPCCall, fn func(RPCResult)) (string, error) {
	req, env, replyTo, err := c.prepareRPC(call, true)
	if err != nil {
		return "", err
	}
	start := time.Now()
	ctx, cancel := context.WithDeadline(ctx, start.Add(call.Timeout))
	defer cancel()
	if err := c.publishRPC(ctx, call, replyTo, env); err != nil {
		return req.RequestID, err
	}
	return req.RequestID, c.collectRPC(ctx, req.RequestID, call.Expect, start, fn)
}

// SendRPC sends call with :process_results false and returns at once with
// the request id: the nodes run the action but do not reply.
func (c *Client) SendRPC(ctx context.Context, call RPCCall) (string, error) {
	req, env, replyTo, err := c.prepareRPC(call, false)
	if err != nil {
		return "", err
	}
	return req.RequestID, c.publishRPC(ctx, call, replyTo, env)
}

// prepareRPC builds and seals the request envelope and prepares the reply
// destination.
func (c *Client) prepareRPC(call RPCCall, process bool) (*protocol.Request, []byte, string, error) {
	if call.Collective == "" {
		call.Collective = c.opts.Collective
	}
	body, err := protocol.EncodeRPCRequest(&protocol.RPCRequest{Agent: call.Agent, Action: call.Action,
		Caller: c.CallerID(), Data: call.Data, ProcessResults: process})
	if err != nil {
		return nil, nil, "", err
	}
	id := call.RequestID
	if id == "" {
		id = NewRequestID()
	}
	req := &protocol.Request{Body: body, SenderID: c.opts.Identity, RequestID: id,
		Filter: call.Filter, Collective: call.Collective, Agent: call.Agent,
		TTL: int64(c.ttl(call) / time.Second), MsgTime: c.opts.Now().Unix()}
	c.sec.SealRequest(req)
	env, err := protocol.EncodeRequest(req)
	if err != nil {
		return nil, nil, "", err
	}
	replyTo, err := c.conn.SubscribeReplies(call.Collective, call.Agent)
	if err != nil {
		return nil, nil, "", fmt.Errorf("prepare replies: %w", err)
	}
	return req, env, replyTo, nil
}

func (c *Client) ttl(call RPCCall) time.Duration {
	if call.TTL > 0 {
		return call.TTL
	}
	return c.opts.TTL
}

// publishRPC sends the request once, broadcast, or once per node.
func (c *Client) publishRPC(ctx context.Context, call RPCCall, replyTo string, env []byte) error {
	collective := call.Collective
	if collective == "" {
		collective = c.opts.Collective
	}
	t := transport.RequestTarget{Collective: collective, Agent: call.Agent, ReplyTo: replyTo, TTL: c.ttl(call)}
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

// collectRPC passes replies to fn until every expected node has answered
// or ctx ends; a node answering twice or unasked is passed on all the same,
// as Ruby's client does.
func (c *Client) collectRPC(ctx context.Context, reqID string, expect []string, start time.Time, fn func(RPCResult)) error {
	pending := make(map[string]bool, len(expect))
	for _, n := range expect {
		pending[n] = true
	}
	inbox := c.conn.Inbox()
	for {
		select {
		case <-ctx.Done():
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
			res := rpcResult(resp)
			res.Elapsed = time.Since(start)
			fn(res)
			delete(pending, res.Sender)
			if len(expect) > 0 && len(pending) == 0 {
				return nil
			}
		}
	}
}

// rpcResult reads an RPC reply body; a body that is not one becomes an
// UnknownRPCError result naming the problem.
func rpcResult(resp Response) RPCResult {
	res := RPCResult{Sender: resp.Sender, Data: map[string]any{}}
	rep, err := protocol.DecodeRPCReply(resp.Body)
	if err != nil {
		res.StatusCode, res.StatusMsg = statusUnknownError, fmt.Sprintf("unreadable reply: %v", err)
		return res
	}
	res.StatusCode, res.StatusMsg, res.Data = rep.StatusCode, rep.StatusMsg, rep.Data
	if h, ok := resp.Body.(*marshal.Hash); ok {
		var ok bool
		if res.Raw, ok = h.Get(marshal.Symbol("data")); !ok {
			res.Raw, _ = h.Get("data")
		}
	}
	return res
}
