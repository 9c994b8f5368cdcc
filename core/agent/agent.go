// Package agent is the daemon's side of agents: the one interface every
// agent satisfies whatever hosts it, the registry of agents a node serves,
// and MCollective's RPC status codes.
package agent

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// StatusCode is an MCollective RPC status code.
type StatusCode int

// MCollective's RPC status codes (rpc/reply.rb).
const (
	OK            StatusCode = 0 // the action ran
	Aborted       StatusCode = 1 // the action failed (reply.fail)
	UnknownAction StatusCode = 2 // no such action
	MissingData   StatusCode = 3 // a required input is missing
	InvalidData   StatusCode = 4 // an input failed validation
	UnknownError  StatusCode = 5 // any other error
)

// Request is one action call as an agent receives it.
type Request struct {
	Agent  string
	Action string
	// Data holds the inputs as plain Go values.
	Data       map[string]any
	CallerID   string
	SenderID   string
	RequestID  string
	Collective string
	// TTL is the request's time to live.
	TTL time.Duration
}

// Reply is an action's result.
type Reply struct {
	StatusCode StatusCode
	StatusMsg  string
	Data       map[string]any
}

// Fail returns a reply with code and message and no data.
func Fail(code StatusCode, format string, args ...any) *Reply {
	return &Reply{StatusCode: code, StatusMsg: fmt.Sprintf(format, args...), Data: map[string]any{}}
}

// Agent runs actions. The daemon reaches every agent, built in, Go plugin
// or Lua script, through this interface alone. Handle must honour ctx's
// deadline and must not panic; errors are replies with a status code.
type Agent interface {
	Handle(ctx context.Context, req *Request) *Reply
}

// Func adapts a function to Agent.
type Func func(ctx context.Context, req *Request) *Reply

// Handle implements Agent.
func (f Func) Handle(ctx context.Context, req *Request) *Reply { return f(ctx, req) }

// Registry holds the agents a node serves, by name. It is safe for
// concurrent use.
type Registry struct {
	mu     sync.RWMutex
	agents map[string]Agent
	// names is agents' keys, sorted; replaced, never changed in place, by
	// Register, so Names can hand it out on every request without copying.
	names []string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{agents: map[string]Agent{}} }

// Register adds an agent; a duplicate name is an error.
func (r *Registry) Register(name string, a Agent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.agents[name]; dup {
		return fmt.Errorf("register agent %q: already registered", name)
	}
	r.agents[name] = a
	i, _ := slices.BinarySearch(r.names, name)
	r.names = slices.Insert(slices.Clone(r.names), i, name)
	return nil
}

// Get returns the named agent.
func (r *Registry) Get(name string) (Agent, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.agents[name]
	return a, ok
}

// Names returns the registered agent names, sorted. The slice is shared:
// callers must not modify it.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.names
}

// Has reports whether the named agent is registered.
func (r *Registry) Has(name string) bool {
	_, ok := r.Get(name)
	return ok
}

// Dispatch runs req on its agent, turning a missing agent into an
// UnknownError reply and a panic into an UnknownError reply.
func (r *Registry) Dispatch(ctx context.Context, req *Request) (rep *Reply) {
	a, ok := r.Get(req.Agent)
	if !ok {
		return Fail(UnknownError, "unknown agent %q", req.Agent)
	}
	defer func() {
		if p := recover(); p != nil {
			rep = Fail(UnknownError, "agent %s action %s panicked: %v", req.Agent, req.Action, p)
		}
	}()
	rep = a.Handle(ctx, req)
	if rep == nil {
		return Fail(UnknownError, "agent %s action %s returned no reply", req.Agent, req.Action)
	}
	if rep.Data == nil {
		rep.Data = map[string]any{}
	}
	return rep
}

// Meta returns the named agent's metadata: its DDL's when it has one
// (see Described), else just its name.
func (r *Registry) Meta(name string) (Meta, bool) {
	a, ok := r.Get(name)
	if !ok {
		return Meta{}, false
	}
	if m, ok := a.(interface{ Meta() Meta }); ok {
		return m.Meta(), true
	}
	return Meta{Agent: name, Name: name}, true
}

// Close closes every agent that holds resources (plugin processes) and
// returns the first error.
func (r *Registry) Close() error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var first error
	for _, a := range r.agents {
		if c, ok := a.(interface{ Close() error }); ok {
			if err := c.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}
