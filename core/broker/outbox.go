package broker

import (
	"sync"

	"github.com/go-stomp/stomp/v3/frame"
)

// outboxLimit is how many bytes of MESSAGE frames may wait for one client
// before it counts as too slow. Bytes, not frames: a client collecting
// fifty thousand small replies at once is not slow, one that has stopped
// reading megabytes of bodies is.
const outboxLimit = 64 << 20

// frameOverhead approximates a MESSAGE frame's command and headers.
const frameOverhead = 256

// outbox queues MESSAGE frames for one client without ever blocking the
// broker's request loop.
type outbox struct {
	mu     sync.Mutex
	frames []*frame.Frame
	bytes  int
	ready  chan struct{} // holds a token while frames wait
}

func newOutbox() *outbox { return &outbox{ready: make(chan struct{}, 1)} }

// push queues f; it reports false, queuing nothing, when the client is
// already outboxLimit bytes behind.
func (o *outbox) push(f *frame.Frame) bool {
	size := len(f.Body) + frameOverhead
	o.mu.Lock()
	if o.bytes+size > outboxLimit && len(o.frames) > 0 {
		o.mu.Unlock()
		return false
	}
	o.frames = append(o.frames, f)
	o.bytes += size
	o.mu.Unlock()
	select {
	case o.ready <- struct{}{}:
	default:
	}
	return true
}

// take returns every queued frame, oldest first, and empties the queue.
func (o *outbox) take() []*frame.Frame {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.frames
	o.frames, o.bytes = nil, 0
	return out
}

// pending returns how many frames wait.
func (o *outbox) pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.frames)
}
