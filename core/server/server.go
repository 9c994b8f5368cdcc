// Package server is the mcollectived pipeline: receive a message, decode
// its envelope, verify it, match the filter, dispatch to the agent and
// send the reply. Every step is one call into the package that owns it;
// this package only knows their order.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// Transport is what the server needs of its broker connection.
type Transport interface {
	// Inbox delivers every message of the node's subscriptions.
	Inbox() <-chan transport.Message
	// Reply sends body to the reply-to of the request message.
	Reply(ctx context.Context, to transport.Message, ttl time.Duration, body []byte) error
}

// Options configures a Server.
type Options struct {
	Identity    string
	Collectives []string
	// Concurrency bounds the requests handled at once; default 64.
	Concurrency int
	// ShutdownGrace bounds how long Run waits for in-flight requests
	// after its context ends; default 10 s.
	ShutdownGrace time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Server is one node's request pipeline.
type Server struct {
	opts   Options
	conn   Transport
	sec    security.Provider
	node   *Node
	agents *agent.Registry
	stats  *Stats
	log    *slog.Logger
}

// New builds a Server from its collaborators.
func New(opts Options, conn Transport, sec security.Provider, node *Node, agents *agent.Registry, log *slog.Logger) *Server {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 64
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Server{opts: opts, conn: conn, sec: sec, node: node, agents: agents,
		stats: &Stats{start: opts.Now()}, log: log}
}

// Stats returns the server's counters.
func (s *Server) Stats() *Stats { return s.stats }

// Run handles messages until ctx ends, then waits up to ShutdownGrace for
// in-flight requests to finish.
func (s *Server) Run(ctx context.Context) error {
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	sem := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	inbox := s.conn.Inbox()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case msg, ok := <-inbox:
			if !ok {
				break loop
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				break loop
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				s.Handle(work, msg)
			}()
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.opts.ShutdownGrace):
		s.log.Warn("shutdown grace over, cancelling in-flight requests")
		cancelWork()
		<-done
	}
	return nil
}

// Handle runs one received message through the pipeline: decode →
// verify (PSK, TTL, collective) → filter → dispatch → reply. Messages that
// fail a check are logged and dropped, as MCollective does.
func (s *Server) Handle(ctx context.Context, msg transport.Message) {
	s.HandleDecoded(ctx, Decode(msg))
}

// deadline is when req expires (see requestDeadline).
func (s *Server) deadline(req *protocol.Request) time.Time {
	return requestDeadline(req, s.opts.Now())
}

// requestDeadline is when req expires: its msgtime plus its ttl, but at
// least a second after now.
func requestDeadline(req *protocol.Request, now time.Time) time.Time {
	deadline := time.Unix(req.MsgTime+req.TTL, 0)
	if deadline.Before(now.Add(time.Second)) {
		deadline = now.Add(time.Second)
	}
	return deadline
}

// dispatch decodes the inner body, runs the agent under ctx, which
// carries the request's deadline, and encodes the reply body. A nil body
// means no reply is due.
func (s *Server) dispatch(ctx context.Context, req *protocol.Request) ([]byte, error) {
	if !s.agents.Has(req.Agent) {
		return nil, fmt.Errorf("no agent %q on this node", req.Agent)
	}
	inner, err := marshal.Unmarshal(req.Body)
	if err != nil {
		return nil, fmt.Errorf("decode body: %w", err)
	}
	call := &agent.Request{Agent: req.Agent, CallerID: req.CallerID, SenderID: req.SenderID,
		RequestID: req.RequestID, Collective: req.Collective, TTL: time.Duration(req.TTL) * time.Second}
	if text, ok := marshal.Text(inner); ok {
		// A String body is a plain message such as discovery's "ping".
		call.Action, call.Data = text, map[string]any{}
		rep := s.agents.Dispatch(ctx, call)
		if rep.StatusCode == agent.OK && text == "ping" {
			return marshal.Marshal("pong")
		}
		return marshal.Marshal("unknown request")
	}
	rpc, err := protocol.DecodeRPCRequest(inner)
	if err != nil {
		return nil, err
	}
	call.Action, call.Data = rpc.Action, rpc.Data
	rep := s.agents.Dispatch(ctx, call)
	if !rpc.ProcessResults {
		return nil, nil
	}
	return protocol.EncodeRPCReply(&protocol.RPCReply{
		StatusCode: int(rep.StatusCode), StatusMsg: rep.StatusMsg, Data: rep.Data})
}

// reply seals body into a reply envelope and sends it to the requester;
// ctx (the request's deadline) bounds the wait for a connection.
func (s *Server) reply(ctx context.Context, msg transport.Message, req *protocol.Request, body []byte) error {
	rep := &protocol.Reply{Body: body, SenderID: s.opts.Identity, RequestID: req.RequestID,
		SenderAgent: req.Agent, MsgTime: s.opts.Now().Unix()}
	s.sec.SealReply(rep)
	env, err := protocol.EncodeReply(rep)
	if err != nil {
		return err
	}
	return s.conn.Reply(ctx, msg, time.Duration(req.TTL)*time.Second, env)
}
