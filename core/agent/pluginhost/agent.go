package pluginhost

import (
	"context"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/value"
)

// DefaultTimeout bounds a call when the Spec gives no timeout: Ruby
// MCollective's timeout for an agent whose DDL gives none.
const DefaultTimeout = 10 * time.Second

// Agent is one plugin agent served by a Process. It is safe for concurrent
// use.
type Agent struct {
	p    *Process
	spec Spec
}

var _ agent.Agent = (*Agent)(nil)

// Handle runs one action in the plugin host, starting the host if needed.
// It never takes longer than the smaller of ctx's deadline and the Spec's
// timeout.
func (a *Agent) Handle(ctx context.Context, req *agent.Request) *agent.Reply {
	bound := a.spec.Timeout
	if bound <= 0 {
		bound = DefaultTimeout
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < bound {
		bound = time.Until(dl)
	}
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	data, err := value.EncodeObject(req.Data)
	if err != nil {
		return agent.Fail(agent.UnknownError, "agent %s action %s: the inputs cannot be sent to the plugin: %v", req.Agent, req.Action, err)
	}
	c := call{Agent: a.spec.Name, Action: req.Action, Data: data, CallerID: req.CallerID, SenderID: req.SenderID,
		RequestID: req.RequestID, Collective: req.Collective, TTL: req.TTL}
	// A host that ended an instant ago may still be the running one: one
	// more try finds a new host.
	for try := 0; ; try++ {
		rep, again := a.try(ctx, req, bound, c)
		if !again || try == 1 {
			return rep
		}
	}
}

// try sends c to the running host and waits for its reply; again says the
// host had already ended when the call was sent.
func (a *Agent) try(ctx context.Context, req *agent.Request, bound time.Duration, c call) (*agent.Reply, bool) {
	in, id, err := a.p.acquire(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return a.ctxReply(ctx, req, bound, " starting the plugin host"), false
		}
		return agent.Fail(agent.UnknownError, "agent %s action %s: %v", a.spec.Name, req.Action, err), false
	}
	answered := false
	defer func() { a.p.release(answered) }()
	ch := make(chan outcome, 1)
	if !in.expect(id, ch) {
		return agent.Fail(agent.UnknownError, "agent %s action %s: the plugin host ended: %s", a.spec.Name, req.Action, in.why), true
	}
	if dl, ok := ctx.Deadline(); ok {
		c.Budget = time.Until(dl)
	}
	if err := in.call(a.spec, id, c); err != nil {
		in.forget(id)
		// The host is going; its reader will notice and reap it.
		return agent.Fail(agent.UnknownError, "agent %s action %s: %v", a.spec.Name, req.Action, err), false
	}
	select {
	case out := <-ch:
		answered = out.answered // a host that died does not clear the failures
		if out.answered && out.rep.StatusCode != agent.OK && agent.Expired(ctx) {
			// The host's copy of the deadline ended the action first.
			return a.ctxReply(ctx, req, bound, ""), false
		}
		return out.rep, false
	case <-ctx.Done():
		in.forget(id)
		_ = in.out.send(kindCancel, id, nil)
		return a.ctxReply(ctx, req, bound, ""), false
	}
}

// ctxReply is the reply to a call whose context ended (agent.Interrupted).
func (a *Agent) ctxReply(ctx context.Context, req *agent.Request, bound time.Duration, during string) *agent.Reply {
	return agent.Interrupted(ctx, a.spec.Name, req.Action, bound, during)
}

// Close releases the agent's share of its Process; the last Close stops
// the host.
func (a *Agent) Close() error { return a.p.unref() }
