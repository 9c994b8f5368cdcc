package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/child"
)

// Options configures a Process.
type Options struct {
	// Path is the plugin host executable (Find locates it).
	Path string
	// Host is what the daemon offers the plugins.
	Host agent.Host
	// IdleStop stops the host, and its plugins with it, once no call has
	// run for this long; the next call starts it again. Zero keeps it
	// running once started.
	IdleStop time.Duration
	// Log receives the host's records and output; nil discards.
	Log *slog.Logger
}

// Process is the plugin host process of one daemon, started on demand. It
// is safe for concurrent use.
type Process struct {
	opts Options
	log  *slog.Logger
	// ctx ends with Close, which abandons a start in progress.
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	spawner   *child.Spawner // started with the first host
	run       *instance      // the running host, nil when none
	starting  *attempt       // the start in progress, if any
	inflight  int
	idle      *time.Timer // stops an idle host; armed when inflight drops to 0
	idleSince time.Time   // when inflight last dropped to 0
	failures  int         // consecutive failed starts and crashes
	retryAt   time.Time   // no start before this after failures
	refs      int         // Agents not yet closed
	closed    bool
	lastID    uint64
}

// New returns a Process; nothing starts until the first call.
func New(opts Options) *Process {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Process{opts: opts, log: log, ctx: ctx, cancel: cancel}
}

var errClosed = errors.New("the plugin host is closed")

// acquire returns the running host, starting it if needed, and counts a
// call in flight on it; release must follow. It waits for a start no
// longer than ctx allows; the start goes on for the next caller.
func (p *Process) acquire(ctx context.Context) (*instance, uint64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		switch {
		case p.closed:
			return nil, 0, errClosed
		case p.run != nil && p.run.isDone():
			p.endedLocked(p.run) // before watch gets to it
			continue
		case p.run != nil:
			p.inflight++
			p.lastID++
			return p.run, p.lastID, nil
		case p.starting == nil:
			if wait := time.Until(p.retryAt); wait > 0 {
				return nil, 0, fmt.Errorf("the plugin host failed %d time(s) in a row; next start in %s", p.failures, wait.Round(time.Millisecond))
			}
			if p.spawner == nil {
				p.spawner = child.NewSpawner()
			}
			p.starting = &attempt{done: make(chan struct{})}
			go p.start(p.starting, p.spawner)
		}
		at := p.starting
		p.mu.Unlock()
		select {
		case <-at.done:
		case <-ctx.Done():
		}
		p.mu.Lock()
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if at.err != nil {
			return nil, 0, at.err
		}
	}
}

// attempt is one start of the host.
type attempt struct {
	done chan struct{} // closed when the start has ended
	err  error         // why it failed, set before done closes
}

// start starts a host for at.
func (p *Process) start(at *attempt, sp *child.Spawner) {
	in, err := start(p.ctx, sp, p.opts.Path, p.opts.Host, p.log)
	p.mu.Lock()
	defer p.mu.Unlock()
	defer close(at.done)
	p.starting = nil
	switch {
	case p.closed:
		at.err = errClosed
		if in != nil {
			in.kill()
		}
	case err != nil:
		at.err = err
		p.failedLocked()
		p.log.Error("cannot start the plugin host", "err", err)
	default:
		p.run = in
		p.log.Info("started the plugin host", "pid", in.pid, "path", p.opts.Path)
		go p.watch(in)
	}
}

// watch forgets in once it ends, unless it was stopped on purpose or
// acquire found it ended first.
func (p *Process) watch(in *instance) {
	<-in.done
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.run == in {
		p.endedLocked(in)
	}
}

// endedLocked forgets the running host, which ended without being asked
// to, and counts the failure.
func (p *Process) endedLocked(in *instance) {
	p.run = nil
	p.failedLocked()
	p.log.Error("the plugin host process ended", "pid", in.pid, "how", in.why)
}

// failedLocked counts a failed start or crash: the first is retried at
// once, the next after child.Backoff.
func (p *Process) failedLocked() {
	p.failures++
	p.retryAt = time.Now().Add(child.Backoff(p.failures - 1))
}

// release ends a call acquire counted; ok says the host answered it, which
// clears the failure count.
func (p *Process) release(ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if ok {
		p.failures = 0
		p.retryAt = time.Time{}
	}
	if p.inflight > 0 || p.opts.IdleStop <= 0 {
		return
	}
	p.idleSince = time.Now()
	if p.idle == nil {
		p.idle = time.AfterFunc(p.opts.IdleStop, p.idleStop)
	} else {
		p.idle.Reset(p.opts.IdleStop)
	}
}

// idleStop stops the host once no call has run for IdleStop; a timer
// that fires early (re-armed while it fired) waits out the rest.
func (p *Process) idleStop() {
	p.mu.Lock()
	in := p.run
	if p.inflight > 0 || in == nil || p.closed {
		p.mu.Unlock()
		return // the next release arms the timer again
	}
	if left := p.opts.IdleStop - time.Since(p.idleSince); left > 0 {
		p.idle.Reset(left)
		p.mu.Unlock()
		return
	}
	p.run = nil
	p.mu.Unlock()
	p.log.Info("stopping the idle plugin host", "pid", in.pid, "idle", p.opts.IdleStop)
	in.stop()
}

// Running returns the host's pid, or 0 when none runs.
func (p *Process) Running() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.run == nil {
		return 0
	}
	return p.run.pid
}

// Agent returns the agent.Agent for the plugin spec describes, served by
// this Process. Closing every Agent closes the Process.
func (p *Process) Agent(spec Spec) *Agent {
	p.mu.Lock()
	p.refs++
	p.mu.Unlock()
	return &Agent{p: p, spec: spec}
}

// unref drops one Agent's reference, closing the Process with the last.
func (p *Process) unref() error {
	p.mu.Lock()
	p.refs--
	last := p.refs <= 0
	p.mu.Unlock()
	if last {
		return p.Close()
	}
	return nil
}

// Close stops the host, answering the calls in flight with a failure, and
// refuses further calls.
func (p *Process) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.cancel()
	if p.idle != nil {
		p.idle.Stop()
	}
	in, starting := p.run, p.starting
	p.run = nil
	p.mu.Unlock()
	if starting != nil {
		<-starting.done // start sees closed and kills what it started
	}
	if in != nil {
		p.log.Info("stopping the plugin host", "pid", in.pid)
		in.stop()
	}
	p.mu.Lock()
	sp := p.spawner
	p.spawner = nil
	p.mu.Unlock()
	if sp != nil {
		sp.Stop()
	}
	return nil
}
