package broker_test

import (
	"bytes"
	"testing"
	"time"
)

// stuckSubscriber subscribes to dest by hand and then never reads.
func stuckSubscriber(t *testing.T, addr, dest string) *raw {
	t.Helper()
	r := dialRaw(t, addr)
	r.write(vector(t, "session-daemon-1-CONNECT"))
	r.read()
	r.write([]byte("SUBSCRIBE\ndestination:" + dest + "\n\n\x00"))
	return r
}

// TestDeadSubscriberDuringBurst: a subscriber that stops reading and
// then vanishes in the middle of a burst must not hang the broker (it
// hangs go-stomp's own server for good).
func TestDeadSubscriberDuringBurst(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0", testUser, testPass)
	stuck := stuckSubscriber(t, b.addr, "/topic/burst")
	settle()
	pub := dial(t, b.addr)
	body := bytes.Repeat([]byte("x"), 64<<10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 400 {
			if err := pub.Send("/topic/burst", "", body); err != nil {
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	_ = stuck.conn.Close()
	select {
	case <-done:
	case <-time.After(2 * waitMax):
		t.Fatal("publisher blocked")
	}

	c := dial(t, b.addr)
	s := subscribe(t, c, "/topic/after")
	settle()
	if err := c.Send("/topic/after", "", []byte("alive")); err != nil {
		t.Fatal(err)
	}
	receive(t, s)
}

// TestSlowConsumer: a subscriber that never reads does not hold up the
// others, and is eventually disconnected.
func TestSlowConsumer(t *testing.T) {
	b := startBroker(t, "127.0.0.1:0", testUser, testPass)
	const dest = "/topic/busy"
	stuck := stuckSubscriber(t, b.addr, dest)
	healthy := subscribe(t, dial(t, b.addr), dest)
	settle()

	pub := dial(t, b.addr)
	// 3000 x 32 KiB is more than outboxLimit: the stuck subscriber's
	// outbox overflows.
	body := bytes.Repeat([]byte("y"), 32<<10)
	const n = 3000
	go func() {
		for range n {
			if pub.Send(dest, "", body) != nil {
				return
			}
		}
	}()
	start := time.Now()
	for i := range n {
		select {
		case m := <-healthy.C:
			if m.Err != nil {
				t.Fatalf("message %d: %v", i, m.Err)
			}
		case <-time.After(waitMax):
			t.Fatalf("healthy subscriber stalled after %d of %d messages", i, n)
		}
	}
	t.Logf("healthy subscriber got %d x 32 KiB in %v", n, time.Since(start))
	if !stuck.closed(waitMax) {
		t.Error("the subscriber that never reads is still connected")
	}
}
