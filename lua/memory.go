package lua

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"sync"
	"time"
)

// memoryPoll is how often the heap is sampled while calls run.
const memoryPoll = 10 * time.Millisecond

// errMemoryLimit is the cause of a call cancelled for its heap growth.
var errMemoryLimit = errors.New("memory limit exceeded")

// The runtime metrics a heapSampler reads. Reading them does not stop the
// world, unlike runtime.ReadMemStats.
var heapMetrics = []string{
	"/memory/classes/heap/objects:bytes", // heap objects, live or not yet swept
	"/gc/heap/live:bytes",                // live heap as of the last collection
	"/gc/heap/goal:bytes",                // heap size that triggers the next one
}

// heapSampler measures how far the Go heap grows while an agent's calls
// run. gopher-lua cannot account memory per state, so this is the
// process's heap. One goroutine samples it every memoryPoll for all the
// calls in flight, and stops once a sample finds none; a call starting
// while it runs takes the latest sample (at most memoryPoll old) as its
// baseline instead of reading the heap again.
type heapSampler struct {
	limit uint64 // the configured limit

	mu      sync.Mutex
	calls   map[*heapCall]struct{} // the calls in flight
	running bool                   // the sampling goroutine is running
	sample  []metrics.Sample       // the latest reading
}

// heapCall is one call's share of a heapSampler. Its baseline is the
// lowest the heap has been since the call began. Garbage counts until it
// is swept, so the heap may grow by the garbage the collector allowed when
// the call began (its goal less the live heap) before growth counts
// against the limit; no collection is forced.
type heapCall struct {
	base  uint64
	slack uint64 // garbage allowed at the start
	stop  context.CancelCauseFunc
}

func newHeapSampler(limit uint64) *heapSampler {
	h := &heapSampler{limit: limit, calls: map[*heapCall]struct{}{}, sample: make([]metrics.Sample, len(heapMetrics))}
	for i, name := range heapMetrics {
		h.sample[i].Name = name
	}
	return h
}

// watch starts watching a call; stop cancels it, with a cause wrapping
// errMemoryLimit, when the heap grows by more than the limit. The caller
// must call done when the call ends.
func (h *heapSampler) watch(stop context.CancelCauseFunc) *heapCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.running {
		metrics.Read(h.sample)
		h.running = true
		go h.run()
	}
	heap, live, goal := h.value(0), h.value(1), h.value(2)
	c := &heapCall{base: heap, stop: stop}
	if goal > live {
		c.slack = goal - live
	}
	h.calls[c] = struct{}{}
	return c
}

// done ends watching c.
func (h *heapSampler) done(c *heapCall) {
	h.mu.Lock()
	delete(h.calls, c)
	h.mu.Unlock()
}

// run samples the heap until a sample finds no calls in flight.
func (h *heapSampler) run() {
	t := time.NewTicker(memoryPoll)
	defer t.Stop()
	for range t.C {
		if !h.check() {
			return
		}
	}
}

// check reads the heap and stops the calls that grew it past the limit.
// It reports whether to keep sampling: with no calls in flight it marks
// the sampler stopped and returns false.
func (h *heapSampler) check() bool {
	type over struct {
		stop context.CancelCauseFunc
		err  error
	}
	var stopped []over
	h.mu.Lock()
	if len(h.calls) == 0 {
		h.running = false
		h.mu.Unlock()
		return false
	}
	metrics.Read(h.sample)
	heap := h.value(0)
	for c := range h.calls {
		if err := c.check(heap, h.limit); err != nil {
			stopped = append(stopped, over{c.stop, err})
			delete(h.calls, c)
		}
	}
	h.mu.Unlock()
	for _, o := range stopped {
		o.stop(o.err)
	}
	return true
}

// value is the latest reading of heapMetrics[i]; h.mu must be held.
func (h *heapSampler) value(i int) uint64 {
	if h.sample[i].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return h.sample[i].Value.Uint64()
}

// check returns an error wrapping errMemoryLimit when the heap has grown
// by more than limit since c began.
func (c *heapCall) check(heap, limit uint64) error {
	if heap < c.base {
		c.base = heap
		return nil
	}
	if heap-c.base <= limit+c.slack {
		return nil
	}
	return fmt.Errorf("%w: the heap grew by %s during the call, over the limit of %s", errMemoryLimit, size(heap-c.base), size(limit))
}

// size formats a byte count in MiB.
func size(n uint64) string {
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
