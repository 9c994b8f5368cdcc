package lua

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

// BenchmarkCall is one calc add call through Handle: pool, request and
// reply conversion, the Lua call and the heap watch.
func BenchmarkCall(b *testing.B) {
	a := start(b, "calc.lua")
	req := &agent.Request{Action: "add", Data: map[string]any{"a": int64(2), "b": int64(3)}}
	ctx, cancel := context.WithTimeout(b.Context(), time.Minute)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if rep := a.Handle(ctx, req); rep.StatusCode != agent.OK {
			b.Fatal(rep.StatusMsg)
		}
	}
}

// BenchmarkCallParallel is BenchmarkCall from GOMAXPROCS goroutines on a
// pool of as many states.
func BenchmarkCallParallel(b *testing.B) {
	a := start(b, "calc.lua", func(o *Options) { o.PoolSize = runtime.GOMAXPROCS(0) })
	ctx, cancel := context.WithTimeout(b.Context(), time.Minute)
	defer cancel()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := &agent.Request{Action: "add", Data: map[string]any{"a": int64(2), "b": int64(3)}}
		for pb.Next() {
			if rep := a.Handle(ctx, req); rep.StatusCode != agent.OK {
				b.Error(rep.StatusMsg)
				return
			}
		}
	})
}

// BenchmarkStateMemory reports the heap a pooled state holds: a sandbox
// with the calc script loaded and the mco module required. The states are
// left to the collector rather than closed, because Close returns call
// stack segments to a sync.Pool that the next states would reuse.
func BenchmarkStateMemory(b *testing.B) {
	a := start(b, "calc.lua")
	ctx, cancel := context.WithTimeout(b.Context(), time.Minute)
	defer cancel()
	const n = 100
	var total float64
	for b.Loop() {
		states := make([]*state, n)
		before := heapInUse()
		for i := range states {
			s, err := a.newState(ctx)
			if err != nil {
				b.Fatal(err)
			}
			states[i] = s
		}
		total += float64(heapInUse()-before) / n
		runtime.KeepAlive(states)
	}
	b.ReportMetric(total/float64(b.N), "B/state")
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
