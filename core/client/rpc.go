package client

import (
	"context"
	"fmt"
	"time"

	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
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
	// every one of them has answered, or at Timeout.
	Expect []string
	// ExpectReplies, when positive, ends the wait once that many replies
	// came, whoever sent them. With neither, the wait lasts until Timeout.
	ExpectReplies int
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
	// Err is set when the body is not an RPC reply; StatusCode is then
	// UnknownRPCError and StatusMsg names the problem.
	Err error
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
// to fn as it arrives. It returns the request id once the expected nodes
// or number of replies came (Expect, ExpectReplies), at the timeout, or
// when ctx ends.
func (c *Client) RPC(ctx context.Context, call RPCCall, fn func(RPCResult)) (string, error) {
	o, err := c.rpcRequest(call, true)
	if err != nil {
		return "", err
	}
	return c.send(ctx, o, func(r Response) { fn(rpcResult(r)) })
}

// SendRPC sends call with :process_results false and returns at once with
// the request id: the nodes run the action but do not reply.
func (c *Client) SendRPC(ctx context.Context, call RPCCall) (string, error) {
	o, err := c.rpcRequest(call, false)
	if err != nil {
		return "", err
	}
	req, env, replyTo, err := c.prepare(&o)
	if err != nil {
		return "", err
	}
	return req.RequestID, c.publish(ctx, o, replyTo, env)
}

// rpcRequest encodes call's RPC request body.
func (c *Client) rpcRequest(call RPCCall, process bool) (outgoing, error) {
	body, err := protocol.EncodeRPCRequest(&protocol.RPCRequest{Agent: call.Agent, Action: call.Action,
		Caller: c.CallerID(), Data: call.Data, ProcessResults: process})
	if err != nil {
		return outgoing{}, err
	}
	ttl := c.opts.TTL
	if call.TTL > 0 {
		ttl = call.TTL
	}
	return outgoing{agent: call.Agent, collective: call.Collective, filter: call.Filter, body: body,
		id: call.RequestID, nodes: call.Nodes, ttl: ttl, timeout: call.Timeout,
		until: until{replies: call.ExpectReplies, nodes: call.Expect}}, nil
}

// rpcResult reads an RPC reply body; a body that is not one becomes an
// UnknownRPCError result naming the problem.
func rpcResult(resp Response) RPCResult {
	res := RPCResult{Sender: resp.Sender, Data: map[string]any{}, Elapsed: resp.Elapsed}
	rep, err := protocol.DecodeRPCReply(resp.Body)
	if err != nil {
		res.StatusCode, res.StatusMsg = statusUnknownError, fmt.Sprintf("unreadable reply: %v", err)
		res.Err = err
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
