package goplugin

import (
	"context"
	"fmt"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/child"
)

// acquire returns the running plugin process, starting it if needed, and
// counts the caller in flight; release must follow.
func (a *Agent) acquire(ctx context.Context) (*process, error) {
	for {
		a.mu.Lock()
		if a.closed {
			a.mu.Unlock()
			return nil, errClosed
		}
		if p := a.proc; p != nil && p.client.Exited() {
			a.log.Warn("plugin process exited between calls; starting another", "pid", p.pid)
			a.drop(p)
		}
		if p := a.proc; p != nil {
			a.inflight++
			if a.idle != nil {
				a.idle.Stop()
				a.idle = nil
			}
			a.mu.Unlock()
			return p, nil
		}
		a.mu.Unlock()
		if err := a.start(ctx); err != nil {
			return nil, err
		}
	}
}

// start starts the plugin process unless another caller did meanwhile,
// first waiting out the backoff of earlier failures. It fails at once when
// the backoff outlasts ctx, so a plugin that cannot start is not retried
// in a loop.
func (a *Agent) start(ctx context.Context) error {
	select {
	case a.startSlot <- struct{}{}:
		defer func() { <-a.startSlot }()
	case <-ctx.Done():
		return ctx.Err()
	}
	a.mu.Lock()
	if a.proc != nil || a.closed {
		a.mu.Unlock()
		return nil
	}
	wait, failures := time.Until(a.retryAt), a.failures
	a.mu.Unlock()

	if wait > 0 {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("the plugin failed %d times in a row; next start in %s", failures, agent.RoundDuration(wait))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}

	p, err := a.spawn(ctx)
	a.mu.Lock()
	if err != nil {
		a.failed()
		a.mu.Unlock()
		a.log.Error("plugin did not start", "path", a.opts.Path, "error", err, "failures", failures+1)
		return err
	}
	if a.closed {
		a.mu.Unlock()
		p.kill()
		return errClosed
	}
	a.proc = p
	a.mu.Unlock()
	return nil
}

// release counts a call out. crashed says the call lost its process: the
// process is dropped, killed in the background, and the next call starts
// another after a backoff. A call that completed resets the backoff.
// When nothing is left in flight the idle timer starts.
func (a *Agent) release(p *process, crashed bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inflight--
	if crashed {
		if a.proc == p {
			a.drop(p)
		}
	} else {
		a.failures = 0
	}
	a.armIdle()
}

// drop forgets the current process p after a failure and kills it in the
// background; a.mu is held.
func (a *Agent) drop(p *process) {
	a.proc = nil
	a.failed()
	a.stops.Add(1)
	go func() {
		defer a.stops.Done()
		p.kill()
	}()
}

// failed counts a failure and sets the time of the next start; a.mu is held.
func (a *Agent) failed() {
	a.failures++
	a.retryAt = time.Now().Add(child.Backoff(a.failures))
}

// armIdle starts the idle timer when the process is running and no call is
// in flight; a.mu is held.
func (a *Agent) armIdle() {
	if a.opts.IdleStop <= 0 || a.proc == nil || a.inflight > 0 || a.closed || a.idle != nil {
		return
	}
	a.idleGen++
	p, gen := a.proc, a.idleGen
	a.idle = time.AfterFunc(a.opts.IdleStop, func() { a.idleStop(p, gen) })
}

// idleStop stops p if it is still the process, still idle and gen is the
// latest timer: a timer that fired while a call was starting is stale.
func (a *Agent) idleStop(p *process, gen uint64) {
	a.mu.Lock()
	if a.proc != p || a.inflight > 0 || a.closed || a.idleGen != gen {
		a.mu.Unlock()
		return
	}
	a.proc = nil
	a.idle = nil
	a.stops.Add(1)
	a.mu.Unlock()
	defer a.stops.Done()
	a.log.Info("stopping idle plugin", "pid", p.pid, "idle", a.opts.IdleStop)
	p.kill()
}
