package broker_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
)

// BenchmarkFanOut measures one broadcast to many subscribers, each on
// its own connection (a node), with a 600-byte body (a typical
// MCollective request). "sequential" waits for every copy before the next
// broadcast (ns/op = latency of one broadcast); "burst" sends 100
// broadcasts back to back (ns/op per broadcast, under load). Run with:
//
//	go test -run '^$' -bench FanOut -benchtime 20x ./core/broker/
func BenchmarkFanOut(b *testing.B) {
	for _, subs := range []int{10, 100, 1000} {
		for _, burst := range []int{1, 100} {
			name := fmt.Sprintf("subscribers=%d/sequential", subs)
			if burst > 1 {
				name = fmt.Sprintf("subscribers=%d/burst=%d", subs, burst)
			}
			b.Run(name, func(b *testing.B) { benchFanOut(b, subs, burst) })
		}
	}
}

func benchFanOut(b *testing.B, subscribers, burst int) {
	br := startBroker(b, "127.0.0.1:0", testUser, testPass)
	const dest = "/topic/mcollective.rpcutil.command"
	got := make(chan struct{}, 4096)
	var wg sync.WaitGroup
	var conns []*stomp.Conn
	for range subscribers {
		c := dial(b, br.addr)
		conns = append(conns, c)
		s := subscribe(b, c, dest)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range s.C {
				if m.Err != nil {
					return
				}
				got <- struct{}{}
			}
		}()
	}
	b.Cleanup(func() {
		for _, c := range conns {
			_ = c.MustDisconnect()
		}
		wg.Wait()
	})
	time.Sleep(200 * time.Millisecond) // let the broker register every SUBSCRIBE
	pub := dial(b, br.addr)
	body := bytes.Repeat([]byte("m"), 600)

	b.ResetTimer()
	for range b.N {
		for range burst {
			if err := pub.Send(dest, "", body); err != nil {
				b.Fatal(err)
			}
		}
		for i := range subscribers * burst {
			select {
			case <-got:
			case <-time.After(30 * time.Second):
				b.Fatalf("only %d of %d copies arrived", i, subscribers*burst)
			}
		}
	}
	b.StopTimer()
	perBroadcast := b.Elapsed() / time.Duration(b.N*burst)
	b.ReportMetric(float64(perBroadcast.Microseconds()), "µs/broadcast")
	b.ReportMetric(float64(subscribers*burst*b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
