package sdk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sort"

	"github.com/marionette-mco/marionette/sdk/plugin"
)

// Action runs one action of an agent: it reads req, sets outputs on reply
// and fails it with reply.Fail or FailCode. A returned error fails the reply
// with UnknownError (5) and the error's message, unless the action already
// failed it. ctx carries the action's deadline, the smaller of the
// request's and the DDL's timeout; an action that outlives it is answered
// for with a timeout and its reply is dropped.
type Action func(ctx context.Context, req *Request, reply *Reply) error

// Agent is a named set of actions, as its DDL declares them.
type Agent struct {
	// Name is the agent's name, the name of its DDL and executable.
	Name string
	// Actions maps action names to their implementations.
	Actions map[string]Action
}

// Check reports an agent that cannot be served: no name or no actions.
func (a *Agent) Check() error {
	if a == nil || a.Name == "" {
		return errors.New("agent has no name")
	}
	if len(a.Actions) == 0 {
		return fmt.Errorf("agent %s has no actions", a.Name)
	}
	for name, fn := range a.Actions {
		if fn == nil {
			return fmt.Errorf("agent %s: action %s is nil", a.Name, name)
		}
	}
	return nil
}

// ActionNames returns the names of the agent's actions, sorted.
func (a *Agent) ActionNames() []string {
	names := make([]string, 0, len(a.Actions))
	for n := range a.Actions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Handle runs the request's action and returns its reply. An action the
// agent lacks is UnknownAction (2), as Ruby answers it; a returned error or
// a panic is UnknownError (5). It does not validate inputs: the daemon (or
// sdk/agenttest) does that against the DDL first. req.Host must be set
// when the action uses it.
func (a *Agent) Handle(ctx context.Context, req *Request) (reply *Reply) {
	reply = NewReply()
	fn, ok := a.Actions[req.Action]
	if !ok {
		reply.FailCode(UnknownAction, fmt.Sprintf("Unknown action '%s' for agent '%s'", req.Action, a.Name))
		return reply
	}
	if req.Data == nil {
		req.Data = map[string]any{}
	}
	defer func() {
		if p := recover(); p != nil {
			slog.Error("action panicked", "action", req.Action, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			reply.FailCode(UnknownError, fmt.Sprintf("action %s panicked: %v", req.Action, p))
		}
	}()
	if err := fn(ctx, req, reply); err != nil && !reply.Failed() {
		reply.FailCode(UnknownError, err.Error())
	}
	return reply
}

// server adapts an Agent to the plugin.Server a plugin process serves.
type server struct {
	agent   *Agent
	actions []string
}

var _ plugin.Server = (*server)(nil)

func newServer(a *Agent) *server {
	return &server{agent: a, actions: a.ActionNames()}
}

func (s *server) Name() string { return s.agent.Name }

func (s *server) Actions() []string { return slices.Clone(s.actions) }

func (s *server) Handle(ctx context.Context, host plugin.Host, req *plugin.Request) *plugin.Reply {
	rep := s.agent.Handle(ctx, &Request{
		Agent:      req.Agent,
		Action:     req.Action,
		Data:       req.Data,
		CallerID:   req.CallerID,
		SenderID:   req.SenderID,
		RequestID:  req.RequestID,
		Collective: req.Collective,
		TTL:        req.TTL,
		Host:       host,
	})
	return &plugin.Reply{StatusCode: int(rep.StatusCode), StatusMsg: rep.StatusMsg, Data: rep.Data}
}
