package lua

import (
	"context"
	"errors"
	"fmt"

	glua "github.com/yuin/gopher-lua"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// state is one sandboxed Lua state with the script loaded. It runs one
// call at a time.
type state struct {
	agent  *Agent
	L      *glua.LState
	module *glua.LTable // what the script returned: its actions
	// jobs feeds serve the calls this state runs; close closes it.
	jobs chan job

	arrayMeta   *glua.LTable // marks tables made by mco.array
	requestMeta *glua.LTable
	replyMeta   *glua.LTable

	// The call in progress.
	req    *agent.Request
	status agent.StatusCode
	msg    string
}

// newState builds a sandboxed state and runs the script's main chunk in it,
// within ctx.
func (a *Agent) newState(ctx context.Context) (*state, error) {
	s := &state{agent: a, L: newLState(), jobs: make(chan job, 1)}
	s.arrayMeta = s.L.CreateTable(0, 0)
	if err := s.sandbox(); err != nil {
		s.close()
		return nil, fmt.Errorf("build sandbox: %w", err)
	}
	s.requestMeta = s.methods(map[string]glua.LGFunction{
		"caller":     s.requestField(func(r *agent.Request) string { return r.CallerID }),
		"sender":     s.requestField(func(r *agent.Request) string { return r.SenderID }),
		"id":         s.requestField(func(r *agent.Request) string { return r.RequestID }),
		"collective": s.requestField(func(r *agent.Request) string { return r.Collective }),
	})
	s.replyMeta = s.methods(map[string]glua.LGFunction{"fail": s.fail})

	L := s.L
	L.SetContext(ctx)
	defer L.RemoveContext()
	if err := L.CallByParam(glua.P{Fn: L.NewFunctionFromProto(a.proto), NRet: 1, Protect: true}); err != nil {
		s.close()
		return nil, fmt.Errorf("load script: %s", luaMessage(err))
	}
	ret := L.Get(-1)
	L.Pop(1)
	mod, ok := ret.(*glua.LTable)
	if !ok {
		s.close()
		return nil, fmt.Errorf("load script: %s must return a table of action functions, not %s", a.file, ret.Type())
	}
	s.module = mod
	return s, nil
}

// methods returns a metatable whose __index holds fns.
func (s *state) methods(fns map[string]glua.LGFunction) *glua.LTable {
	mt := s.L.CreateTable(0, 1)
	mt.RawSetString("__index", s.L.SetFuncs(s.L.CreateTable(0, len(fns)), fns))
	return mt
}

// close closes the Lua state and ends serve.
func (s *state) close() {
	s.L.Close()
	close(s.jobs)
}

// serve runs the calls handed to s until s is closed: when a call did not
// end cleanly, or when the pool closes s while it is idle. A state is
// handed one call at a time (it is in the pool's idle list or running),
// so the send to jobs never blocks.
func (s *state) serve() {
	for j := range s.jobs {
		s.agent.run(s, j)
	}
}

// call runs req's action. It reports whether the state is clean enough to
// reuse: the action returned, even through reply:fail, and its reply
// converted.
func (s *state) call(ctx context.Context, req *agent.Request) (*agent.Reply, bool) {
	a := s.agent
	fn, ok := s.module.RawGetString(req.Action).(*glua.LFunction)
	if !ok {
		name := req.Agent
		if name == "" {
			name = a.name
		}
		return agent.Fail(agent.UnknownAction, "Unknown action '%s' for agent '%s'", req.Action, name), true
	}
	s.req, s.status, s.msg = req, agent.OK, "OK"
	defer func() { s.req = nil }()

	L := s.L
	request := s.toLuaTable(req.Data)
	L.SetMetatable(request, s.requestMeta)
	reply := L.CreateTable(0, len(a.outputs[req.Action]))
	L.SetMetatable(reply, s.replyMeta)

	L.SetContext(ctx)
	err := L.CallByParam(glua.P{Fn: fn, NRet: 0, Protect: true}, request, reply)
	L.RemoveContext()

	data, cerr := s.replyData(reply, a.outputs[req.Action])
	switch {
	case err != nil:
		var apiErr *glua.ApiError
		if errors.As(err, &apiErr) && apiErr.StackTrace != "" {
			a.log.Debug("action raised an error", "action", req.Action, "error", luaMessage(err), "traceback", apiErr.StackTrace)
		}
		rep := agent.Fail(agent.UnknownError, "%s", luaMessage(err)) // Ruby replies with the bare message
		if ctx.Err() != nil {
			rep = a.failure(ctx, req, err)
		}
		rep.Data = data
		return rep, false
	case cerr != nil:
		return agent.Fail(agent.UnknownError, "%s: reply %v", a.what(req), cerr), true
	}
	return &agent.Reply{StatusCode: s.status, StatusMsg: s.msg, Data: data}, true
}

// replyData converts the reply table; on a conversion error it returns
// what converted along with the error.
func (s *state) replyData(reply *glua.LTable, types map[string]ddl.Type) (map[string]any, error) {
	data := map[string]any{}
	var first error
	reply.ForEach(func(k, v glua.LValue) {
		key, ok := k.(glua.LString)
		if !ok {
			if first == nil {
				first = fmt.Errorf("key %s is not a string", k)
			}
			return
		}
		val, err := s.toGo(v, types[string(key)])
		if err != nil {
			if first == nil {
				first = fmt.Errorf("%s: %w", key, err)
			}
			return
		}
		data[string(key)] = val
	})
	return data, first
}

// fail is reply:fail(msg [, code]).
func (s *state) fail(L *glua.LState) int {
	L.CheckTable(1)
	msg := L.CheckString(2)
	code := L.OptInt(3, int(agent.Aborted))
	if code < int(agent.Aborted) || code > int(agent.UnknownError) {
		L.ArgError(3, fmt.Sprintf("status code must be 1 to 5, not %d", code))
	}
	if s.req == nil {
		L.RaiseError("reply:fail called outside an action")
	}
	s.status, s.msg = agent.StatusCode(code), msg
	return 0
}

// requestField makes a request method returning one field of the request.
func (s *state) requestField(field func(*agent.Request) string) glua.LGFunction {
	return func(L *glua.LState) int {
		if s.req == nil {
			L.RaiseError("request methods work only during an action")
		}
		L.Push(glua.LString(field(s.req)))
		return 1
	}
}

// luaMessage is a Lua error's message without its traceback.
func luaMessage(err error) string {
	var apiErr *glua.ApiError
	if errors.As(err, &apiErr) && apiErr.Object != nil {
		return apiErr.Object.String()
	}
	return err.Error()
}
