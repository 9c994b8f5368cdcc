package lua

import (
	"context"
	"sync"
)

// pool bounds an agent's Lua states. A call holds one of size slots while
// it runs; it takes an idle state or, when there is none, makes one, so
// there are never more than size states. A state goes back to idle only
// when its call ended cleanly.
type pool struct {
	slots chan struct{} // a token per call that may run
	idle  chan *state   // never more than size, so sends never block

	mu     sync.Mutex // orders release against close
	closed bool
}

func newPool(size int) *pool {
	p := &pool{slots: make(chan struct{}, size), idle: make(chan *state, size)}
	for range size {
		p.slots <- struct{}{}
	}
	return p
}

// acquire waits for a free slot until ctx is done.
func (p *pool) acquire(ctx context.Context) error {
	select {
	case <-p.slots:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// take returns an idle state, or nil when the caller should make one.
func (p *pool) take() *state {
	select {
	case s := <-p.idle:
		return s
	default:
		return nil
	}
}

// add puts a new state in idle without a call having held a slot.
func (p *pool) add(s *state) { p.idle <- s }

// release ends a call: s (which may be nil) goes back to idle when keep is
// set and the pool is open, else it is closed; then the slot is freed.
func (p *pool) release(s *state, keep bool) {
	if s != nil {
		p.mu.Lock()
		if keep && !p.closed {
			p.idle <- s
		} else {
			s.close()
		}
		p.mu.Unlock()
	}
	p.slots <- struct{}{}
}

// close closes the idle states; states in use are closed on release.
func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for {
		select {
		case s := <-p.idle:
			s.close()
		default:
			return
		}
	}
}
