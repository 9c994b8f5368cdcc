package floor_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/bench/floor"
	"github.com/marionette-mco/marionette/core/broker"
	"github.com/marionette-mco/marionette/core/config"
)

// startBroker runs an embedded broker on a free port until the test ends.
func startBroker(t testing.TB) floor.Broker {
	t.Helper()
	b, err := broker.New(config.Broker{Enable: true, Listen: "127.0.0.1:0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := b.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return floor.Broker{Addr: addr.String()}
}

// startResponders runs n responders until the test ends and waits until
// they all answer.
func startResponders(t testing.TB, b floor.Broker, n, perConn int) floor.Ping {
	t.Helper()
	const dest = "/topic/floor.test.command"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	r := floor.Responders{Broker: b, N: n, PerConn: perConn, Destination: dest, ReplyBytes: 193, Prefix: "f-"}
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("responders: %v", err)
		}
	})
	p := floor.Ping{Broker: b, Destination: dest, ReplyTo: "/topic/floor.test.reply", RequestBytes: 337, N: n, Timeout: time.Second}
	for deadline := time.Now().Add(5 * time.Second); ; {
		res, err := p.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if res.Got == n {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d responders answer", res.Got, n)
		}
	}
}

func TestFloor(t *testing.T) {
	b := startBroker(t)
	p := startResponders(t, b, 25, 10)
	res, err := p.Run(context.Background())
	if err != nil || res.Got != 25 || res.Last < res.First {
		t.Fatalf("ping = %+v, %v", res, err)
	}
	p.ReplyTo = "/temp-queue/floor_test"
	if res, err := p.Run(context.Background()); err != nil || res.Got != 25 {
		t.Fatalf("ping with a temp-queue reply-to = %+v, %v", res, err)
	}
}

// BenchmarkFloor is core/fleet's BenchmarkPing without Marionette: ns/op
// is the time from send to last reply, cpu-µs/reply the CPU of broker,
// responders and pinger together.
func BenchmarkFloor(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			p := startResponders(b, startBroker(b), n, 500)
			p.Timeout = 10 * time.Second
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				if res, err := p.Run(context.Background()); err != nil || res.Got != n {
					b.Fatalf("ping = %+v, %v", res, err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*n), "cpu-µs/reply")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
