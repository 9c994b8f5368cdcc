package client

import (
	"context"
	"fmt"
	"time"

	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
)

// Action is one SimpleRPC request: an action of an agent with its
// arguments, broadcast under Filter or sent to Nodes one by one.
type Action struct {
	Agent  string
	Action string
	// Caller is the caller id put in the request body (uid=500, ...).
	Caller string
	// Data holds the arguments as plain Go values.
	Data   map[string]any
	Filter protocol.Filter
	// Nodes, when set, sends the request to each node directly.
	Nodes []string
	// Timeout bounds the wait for replies.
	Timeout time.Duration
	// Expect, when positive, ends the wait once that many replies came.
	Expect int
}

// ActionReply is one node's reply to an Action. Err is set, and Reply nil,
// when the body is not an RPC reply.
type ActionReply struct {
	Sender  string
	Reply   *protocol.RPCReply
	Elapsed time.Duration
	Err     error
}

// RunAction sends a and passes each reply to fn as it arrives, returning
// as Do does.
func (c *Client) RunAction(ctx context.Context, a Action, fn func(ActionReply)) (string, error) {
	body, err := protocol.EncodeRPCRequest(&protocol.RPCRequest{Agent: a.Agent, Action: a.Action,
		Caller: a.Caller, Data: a.Data, ProcessResults: true})
	if err != nil {
		return "", err
	}
	// Do marshals the message itself; the encoded request decodes to the
	// same value and re-encodes to the same bytes.
	msg, err := marshal.Unmarshal(body)
	if err != nil {
		return "", fmt.Errorf("encode rpc request: %w", err)
	}
	call := Call{Agent: a.Agent, Filter: a.Filter, Message: msg, Nodes: a.Nodes,
		Timeout: a.Timeout, Expect: a.Expect}
	return c.Do(ctx, call, func(r Response) {
		reply, err := protocol.DecodeRPCReply(r.Body)
		fn(ActionReply{Sender: r.Sender, Reply: reply, Elapsed: r.Elapsed, Err: err})
	})
}
