package lua

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	glua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// Defaults for Options.
const (
	// DefaultPoolSize is how many Lua states an agent keeps, and so how many
	// of its calls run at once, when Options.PoolSize is 0.
	DefaultPoolSize = 4
	// DefaultMemoryLimit is how far the Go heap may grow during one call
	// when Options.MemoryLimit is 0.
	DefaultMemoryLimit = 256 << 20
	// DefaultTimeout bounds a call whose context has no deadline when the
	// DDL gives no timeout, as Ruby MCollective's default agent timeout.
	DefaultTimeout = 10 * time.Second
)

const (
	// loadTimeout bounds running the script's main chunk in New.
	loadTimeout = 10 * time.Second
	// stuckGrace is how long Handle waits, once a call's context is done,
	// for the call to notice before returning without it.
	stuckGrace = 500 * time.Millisecond
)

// Options configure a Lua agent.
type Options struct {
	// Name is the agent's name in logs and messages; it defaults to the
	// script's file name without its extension.
	Name string
	// Path is the script.
	Path string
	// DDL is the agent's DDL, or nil. It supplies the timeout for calls
	// without a deadline and the declared output types, and New warns about
	// actions it declares that the script lacks.
	DDL *ddl.DDL
	// Host is what the mco module reports; with a nil Host, mco functions
	// that need it raise an error.
	Host agent.Host
	// PoolSize bounds the Lua states, and so the agent's concurrent calls;
	// states are made as calls need them. DefaultPoolSize when 0.
	PoolSize int
	// MemoryLimit is how many bytes the Go heap may grow by during one
	// call before the call is stopped. DefaultMemoryLimit when 0; negative
	// turns the check off.
	MemoryLimit int64
	// Log receives print output, mco.log messages and warnings; nil
	// discards them.
	Log *slog.Logger
}

// Agent is a Lua script serving as an agent. It is safe for concurrent use.
type Agent struct {
	name    string
	file    string // the script's base name, its chunk name
	proto   *glua.FunctionProto
	host    agent.Host
	log     *slog.Logger
	timeout time.Duration
	heap    *heapSampler                   // nil when the memory limit is off
	outputs map[string]map[string]ddl.Type // action -> output -> declared type
	pool    *pool
	closed  atomic.Bool
}

var _ agent.Agent = (*Agent)(nil)

// New compiles the script at opts.Path, runs it once to check that it
// returns a table of actions, and returns the agent. A syntax error names
// the file, line and column.
func New(opts Options) (*Agent, error) {
	return load(opts, loadTimeout)
}

// load is New with the time the script's main chunk may take.
func load(opts Options, timeout time.Duration) (*Agent, error) {
	a, err := newAgent(opts)
	if err != nil {
		return nil, err
	}
	if a.proto, err = compile(opts.Path); err != nil {
		return nil, fmt.Errorf("lua agent %s: %w", a.name, err)
	}
	// New has no caller context (loading happens at daemon start); the
	// script's main chunk is bounded by timeout instead.
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := a.newState(ctx)
	if err != nil {
		return nil, fmt.Errorf("lua agent %s: %w", a.name, err)
	}
	a.checkActions(s.module, opts.DDL)
	go s.serve()
	a.pool.add(s)
	return a, nil
}

func newAgent(opts Options) (*Agent, error) {
	if opts.Path == "" {
		return nil, errors.New("lua agent: no script path")
	}
	file := filepath.Base(opts.Path)
	name := opts.Name
	if name == "" {
		name = strings.TrimSuffix(file, filepath.Ext(file))
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	size := opts.PoolSize
	if size <= 0 {
		size = DefaultPoolSize
	}
	a := &Agent{
		name:    name,
		file:    file,
		host:    opts.Host,
		log:     log.With("agent", name),
		timeout: DefaultTimeout,
		pool:    newPool(size),
	}
	switch {
	case opts.MemoryLimit == 0:
		a.heap = newHeapSampler(DefaultMemoryLimit)
	case opts.MemoryLimit > 0:
		a.heap = newHeapSampler(uint64(opts.MemoryLimit))
	}
	if d := opts.DDL; d != nil {
		if d.Metadata.Timeout > 0 {
			a.timeout = time.Duration(d.Metadata.Timeout) * time.Second
		}
		a.outputs = outputTypes(d)
	}
	return a, nil
}

// compile parses and compiles the script once; every state runs the same
// FunctionProto.
func compile(path string) (*glua.FunctionProto, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read script: %w", err)
	}
	defer f.Close()
	file := filepath.Base(path)
	chunk, err := parse.Parse(io.Reader(f), file)
	if err != nil {
		var perr *parse.Error
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("syntax error: %s:%d:%d: %s near '%s'", file, perr.Pos.Line, perr.Pos.Column, strings.TrimSpace(perr.Message), perr.Token)
		}
		return nil, fmt.Errorf("syntax error: %s: %s", file, strings.TrimSpace(err.Error()))
	}
	proto, err := glua.Compile(chunk, file)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", file, err)
	}
	return proto, nil
}

// outputTypes indexes the DDL's declared output types by action.
func outputTypes(d *ddl.DDL) map[string]map[string]ddl.Type {
	m := make(map[string]map[string]ddl.Type, len(d.Actions))
	for _, act := range d.Actions {
		types := make(map[string]ddl.Type, len(act.Outputs))
		for _, out := range act.Outputs {
			if out.Type != "" {
				types[out.Name] = out.Type
			}
		}
		m[act.Name] = types
	}
	return m
}

// checkActions warns about DDL actions the script lacks (calls to them are
// Unknown action) and script functions the DDL does not declare (the daemon
// refuses calls to them).
func (a *Agent) checkActions(module *glua.LTable, d *ddl.DDL) {
	if d == nil {
		return
	}
	for _, act := range d.Actions {
		if _, ok := module.RawGetString(act.Name).(*glua.LFunction); !ok {
			a.log.Warn("DDL declares an action the script does not define", "action", act.Name)
		}
	}
	var extra []string
	module.ForEach(func(k, v glua.LValue) {
		name, ok := k.(glua.LString)
		if _, fn := v.(*glua.LFunction); ok && fn && d.Action(string(name)) == nil {
			extra = append(extra, string(name))
		}
	})
	sort.Strings(extra)
	for _, name := range extra {
		a.log.Warn("script defines an action the DDL does not declare", "action", name)
	}
}

// Handle implements agent.Agent: it runs the request's action in a pooled
// state, within ctx's deadline and the memory limit.
func (a *Agent) Handle(ctx context.Context, req *agent.Request) *agent.Reply {
	if a.closed.Load() {
		return agent.Fail(agent.UnknownError, "lua agent %s is closed", a.name)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.timeout)
		defer cancel()
	}
	if err := a.pool.acquire(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return agent.Fail(agent.UnknownError, "%s timed out waiting for a free Lua state", a.what(req))
		}
		return agent.Fail(agent.UnknownError, "%s cancelled waiting for a free Lua state", a.what(req))
	}
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if a.heap != nil {
		defer a.heap.done(a.heap.watch(stop))
	}
	done := make(chan *agent.Reply, 1)
	a.start(job{ctx: ctx, req: req, done: done})
	return a.wait(ctx, req, done)
}

// job is one call handed to a state's goroutine.
type job struct {
	ctx  context.Context
	req  *agent.Request
	done chan<- *agent.Reply
}

// start hands j to an idle state's goroutine or, when there is none, to
// a new state and its goroutine. It owns the pool slot acquired by Handle,
// which run gives back when the call ends. Each state keeps its goroutine
// (and the stack the Lua interpreter grew) for as long as it is pooled.
func (a *Agent) start(j job) {
	if s := a.pool.take(); s != nil {
		s.jobs <- j
		return
	}
	go func() {
		defer func() {
			if p := recover(); p != nil { // in newState: serve's calls recover in run
				j.done <- agent.Fail(agent.UnknownError, "%s panicked: %v", a.what(j.req), p)
				a.pool.release(nil, false)
			}
		}()
		s, err := a.newState(j.ctx)
		if err != nil {
			j.done <- a.failure(j.ctx, j.req, err)
			a.pool.release(nil, false)
			return
		}
		s.jobs <- j
		s.serve()
	}()
}

// run runs one call on s and sends its reply, then gives s and the pool
// slot back: s goes back to idle when the call ended cleanly, else it is
// closed.
func (a *Agent) run(s *state, j job) {
	keep := false
	defer func() {
		if p := recover(); p != nil {
			keep = false
			j.done <- agent.Fail(agent.UnknownError, "%s panicked: %v", a.what(j.req), p)
		}
		a.pool.release(s, keep)
	}()
	rep, clean := s.call(j.ctx, j.req)
	keep = clean && j.ctx.Err() == nil
	j.done <- rep
}

// wait returns the call's reply (the agent's heapSampler stops the call,
// through ctx, when it outgrows the memory limit). Once ctx is done it
// gives the call stuckGrace to notice before replying without it.
func (a *Agent) wait(ctx context.Context, req *agent.Request, done <-chan *agent.Reply) *agent.Reply {
	select {
	case rep := <-done:
		return rep
	case <-ctx.Done():
	}
	grace := time.NewTimer(stuckGrace)
	defer grace.Stop()
	select {
	case rep := <-done:
		return rep
	case <-grace.C:
		a.log.Warn("action did not stop when cancelled; its state stays busy until it does", "action", req.Action)
		return a.failure(ctx, req, context.Cause(ctx))
	}
}

// failure is the reply for a call that ended with err: timed out, over
// the memory limit or cancelled when ctx is done, else err's message.
func (a *Agent) failure(ctx context.Context, req *agent.Request, err error) *agent.Reply {
	if ctx.Err() != nil {
		cause := context.Cause(ctx)
		switch {
		case errors.Is(cause, errMemoryLimit):
			return agent.Fail(agent.UnknownError, "%s stopped: %v", a.what(req), cause)
		case errors.Is(cause, context.DeadlineExceeded):
			return agent.Fail(agent.UnknownError, "%s timed out", a.what(req))
		}
		return agent.Fail(agent.UnknownError, "%s cancelled", a.what(req))
	}
	return agent.Fail(agent.UnknownError, "%s: %v", a.what(req), err)
}

// what names a call in messages: agent#action.
func (a *Agent) what(req *agent.Request) string {
	return a.name + "#" + req.Action
}

// Close discards the idle states; calls in flight discard theirs when they
// end, and later calls fail.
func (a *Agent) Close() error {
	a.closed.Store(true)
	a.pool.close()
	return nil
}
