// Package goplugin hosts agents built as separate executables with package
// sdk (sdk.Serve) and run with hashicorp/go-plugin over gRPC. It runs in
// the plugin host process (cmd/mcollectived-plugins, package pluginhost),
// which keeps gRPC out of the daemon; mcfleet and tests may use it
// directly. An *Agent satisfies agent.Agent: it starts its plugin process
// on first use, serves the given agent.Host (the daemon's, relayed by the
// plugin host) back to it over go-plugin's broker, bounds every
// call by a timeout and a concurrency limit, answers for a plugin that
// crashes, restarts it with backoff, and stops it when idle so that idle
// agents cost no memory.
//
// No plugin process outlives the process that started it: plugins are
// killed on Close, get SIGKILL from the kernel when it dies (Linux
// parent-death signal), and exit by themselves when their parent changes
// (sdk.Serve).
package goplugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/child"
	"github.com/marionette-mco/marionette/sdk/plugin"
)

// Defaults for Options left zero.
const (
	// DefaultTimeout is Ruby MCollective's timeout for an agent whose DDL
	// gives none.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxConcurrent bounds the calls one agent runs at once.
	DefaultMaxConcurrent = 8
)

const (
	// maxStartTimeout bounds how long a plugin may take to start and
	// complete the handshake.
	maxStartTimeout = 10 * time.Second
)

// Options configures an Agent.
type Options struct {
	// Name is the agent's name; the plugin must serve an agent of that name.
	Name string
	// Path is the plugin executable, normally
	// <libdir>/mcollective/agent/<Name>.
	Path string
	// Host is what the daemon offers the plugin.
	Host agent.Host
	// Timeout bounds each call, normally the DDL's timeout; a request's
	// own deadline, if sooner, wins. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxConcurrent bounds the calls running at once; further calls wait
	// for a slot within their timeout. Zero means DefaultMaxConcurrent.
	MaxConcurrent int
	// IdleStop stops the plugin process once no call has run for this
	// long; the next call starts it again. Zero keeps it running.
	IdleStop time.Duration
	// Log receives the host's and the plugin's log lines; nil discards.
	Log *slog.Logger
}

// Agent is a Go plugin agent. It is safe for concurrent use.
type Agent struct {
	opts      Options
	log       *slog.Logger
	host      plugin.Host
	slots     chan struct{} // call semaphore
	startSlot chan struct{} // one start at a time
	spawner   *child.Spawner

	mu       sync.Mutex
	proc     *process // nil when not running
	inflight int
	idle     *time.Timer
	idleGen  uint64    // which idle timer is current
	failures int       // consecutive start failures and crashes
	retryAt  time.Time // no start before this after failures
	closed   bool

	stops sync.WaitGroup // process kills running in the background
}

var _ agent.Agent = (*Agent)(nil)

var errClosed = errors.New("agent closed")

// New returns an Agent for the plugin at opts.Path. The process is not
// started until the first call.
func New(opts Options) (*Agent, error) {
	switch {
	case opts.Name == "":
		return nil, errors.New("go plugin agent: no name")
	case opts.Path == "":
		return nil, fmt.Errorf("go plugin agent %s: no executable path", opts.Name)
	case opts.Host == nil:
		return nil, fmt.Errorf("go plugin agent %s: no host", opts.Name)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Agent{
		opts:      opts,
		log:       log.With("agent", opts.Name),
		host:      hostAdapter{h: opts.Host},
		slots:     make(chan struct{}, opts.MaxConcurrent),
		startSlot: make(chan struct{}, 1),
		spawner:   child.NewSpawner(),
	}, nil
}

// Handle runs one action in the plugin, starting it if needed. It never
// takes longer than the smaller of ctx's deadline and Options.Timeout.
func (a *Agent) Handle(ctx context.Context, req *agent.Request) *agent.Reply {
	bound := a.opts.Timeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < bound {
		bound = time.Until(dl)
	}
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()

	select {
	case a.slots <- struct{}{}:
		defer func() { <-a.slots }()
	case <-ctx.Done():
		return a.ctxReply(ctx, req, bound, fmt.Sprintf(" waiting for one of its %d call slots", a.opts.MaxConcurrent))
	}
	p, err := a.acquire(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return a.ctxReply(ctx, req, bound, " starting the plugin")
		}
		return agent.Fail(agent.UnknownError, "agent %s action %s: %v", a.opts.Name, req.Action, err)
	}
	rep, err := p.agent.Handle(ctx, toWire(req))
	switch {
	case err == nil:
		a.release(p, false)
		if rep.StatusCode != int(agent.OK) && agent.Expired(ctx) {
			// The action failed because its deadline passed.
			return a.ctxReply(ctx, req, bound, "")
		}
		return fromWire(rep)
	case agent.Expired(ctx):
		a.release(p, false)
		return a.ctxReply(ctx, req, bound, "")
	case !p.lost(err):
		a.release(p, false)
		return agent.Fail(agent.UnknownError, "agent %s action %s: %v", a.opts.Name, req.Action, err)
	}
	a.release(p, true)
	if a.isClosed() {
		return agent.Fail(agent.UnknownError, "agent %s action %s: the agent was closed during the call", a.opts.Name, req.Action)
	}
	msg := p.crashReport(ctx, err)
	a.log.Error("plugin process died during a call", "action", req.Action, "pid", p.pid, "error", msg)
	return agent.Fail(agent.UnknownError, "agent %s action %s: %s", a.opts.Name, req.Action, msg)
}

// ctxReply is the reply to a call whose context ended (agent.Interrupted).
func (a *Agent) ctxReply(ctx context.Context, req *agent.Request, bound time.Duration, during string) *agent.Reply {
	return agent.Interrupted(ctx, a.opts.Name, req.Action, bound, during)
}

// Close stops the plugin process, waits for background stops to finish and
// refuses further calls. Calls in flight are answered with UnknownError.
func (a *Agent) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	p := a.proc
	a.proc = nil
	if a.idle != nil {
		a.idle.Stop()
		a.idle = nil
	}
	a.mu.Unlock()
	if p != nil {
		a.log.Info("stopping plugin", "pid", p.pid)
		p.kill()
	}
	// A start in progress finishes (and kills what it started, seeing
	// closed) before the spawner goes.
	a.startSlot <- struct{}{}
	a.spawner.Stop()
	<-a.startSlot
	a.stops.Wait()
	return nil
}

func (a *Agent) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}

func toWire(r *agent.Request) *plugin.Request {
	return &plugin.Request{
		Agent:      r.Agent,
		Action:     r.Action,
		Data:       r.Data,
		CallerID:   r.CallerID,
		SenderID:   r.SenderID,
		RequestID:  r.RequestID,
		Collective: r.Collective,
		TTL:        r.TTL,
	}
}

func fromWire(r *plugin.Reply) *agent.Reply {
	data := r.Data
	if data == nil {
		data = map[string]any{}
	}
	return &agent.Reply{StatusCode: agent.StatusCode(r.StatusCode), StatusMsg: r.StatusMsg, Data: data}
}
