package daemon

import (
	"context"
	"runtime/debug"
	"time"
)

// trimQuiet is how long a node must go without a request after handling
// some before it hands its free memory back.
const trimQuiet = 10 * time.Second

// trimWhenIdle hands the Go heap's free memory back to the system once
// the node has handled requests and then received none for a whole
// period: work leaves the heap larger than an idle daemon needs, and the
// runtime's background scavenger keeps what the next collection's goal
// allows. handled counts the requests received; trimWhenIdle returns when
// ctx ends, and trim does the handing back (debug.FreeOSMemory).
func trimWhenIdle(ctx context.Context, handled func() int64, period time.Duration, trim func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	last := handled()
	trimmed := last
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n := handled()
		if n == last && n != trimmed {
			trim()
			trimmed = n
		}
		last = n
	}
}

// freeOSMemory is trimWhenIdle's trim in the daemon.
func freeOSMemory() { debug.FreeOSMemory() }
