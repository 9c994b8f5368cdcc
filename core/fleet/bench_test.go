package fleet_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/fleet"
)

// BenchmarkPing is one mco ping of the whole fleet, broker, fleet and
// client in this process: ns/op is the time from send to last reply. For
// a profile of all three:
//
//	go test -run '^$' -bench Ping -benchtime 200x -cpuprofile cpu.out ./core/fleet/
func BenchmarkPing(b *testing.B) {
	for _, n := range []int{100, 1000} {
		for _, each := range []bool{false, true} {
			b.Run(fmt.Sprintf("n=%d/decode-each=%v", n, each), func(b *testing.B) {
				benchPing(b, n, 500, each)
			})
		}
	}
}

func benchPing(b *testing.B, n, perConn int, decodeEach bool) {
	conn := startBroker(b)
	startFleet(b, conn, n, perConn, func(o *fleet.Options) { o.DecodeEach = decodeEach })
	c := newClient(b, conn)
	if got := waitAll(b, c, n); len(got) != n {
		b.Fatalf("only %d of %d nodes answer", len(got), n)
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		got := 0
		err := c.Ping(context.Background(), client.Discovery{Timeout: 10 * time.Second, Expect: n},
			func(client.Response) { got++ })
		if err != nil || got != n {
			b.Fatalf("ping: %d replies, err %v", got, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "replies/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*n), "cpu-µs/reply")
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
