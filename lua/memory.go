package lua

import (
	"errors"
	"fmt"
	"runtime/metrics"
	"time"
)

// memoryPoll is how often a running call's heap growth is checked.
const memoryPoll = 10 * time.Millisecond

// errMemoryLimit is the cause of a call cancelled for its heap growth.
var errMemoryLimit = errors.New("memory limit exceeded")

// The runtime metrics a heapWatch reads. Reading them does not stop the
// world, unlike runtime.ReadMemStats.
var heapMetrics = []string{
	"/memory/classes/heap/objects:bytes", // heap objects, live or not yet swept
	"/gc/heap/live:bytes",                // live heap as of the last collection
	"/gc/heap/goal:bytes",                // heap size that triggers the next one
}

// heapWatch measures how far the Go heap grows while one call runs.
// gopher-lua cannot account memory per state, so this is the process's
// heap. The baseline is the lowest the heap has been since the call began.
// Garbage counts until it is swept, so the heap may grow by the garbage the
// collector allowed when the call began (its goal less the live heap)
// before growth counts against the limit; no collection is forced.
type heapWatch struct {
	limit  uint64 // the configured limit
	slack  uint64 // garbage allowed at the start
	base   uint64
	sample []metrics.Sample
}

func newHeapWatch(limit uint64) *heapWatch {
	w := &heapWatch{sample: make([]metrics.Sample, len(heapMetrics))}
	for i, name := range heapMetrics {
		w.sample[i].Name = name
	}
	heap, live, goal := w.read()
	w.base, w.limit = heap, limit
	if goal > live {
		w.slack = goal - live
	}
	return w
}

func (w *heapWatch) read() (heap, live, goal uint64) {
	metrics.Read(w.sample)
	value := func(i int) uint64 {
		if w.sample[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return w.sample[i].Value.Uint64()
	}
	return value(0), value(1), value(2)
}

// check returns an error wrapping errMemoryLimit when the heap has grown
// by more than the limit.
func (w *heapWatch) check() error {
	heap, _, _ := w.read()
	if heap < w.base {
		w.base = heap
		return nil
	}
	if heap-w.base <= w.limit+w.slack {
		return nil
	}
	return fmt.Errorf("%w: the heap grew by %s during the call, over the limit of %s", errMemoryLimit, size(heap-w.base), size(w.limit))
}

// size formats a byte count in MiB.
func size(n uint64) string {
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
