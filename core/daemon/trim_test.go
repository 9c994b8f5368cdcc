package daemon

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestTrimWhenIdle(t *testing.T) {
	var handled, trims atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go trimWhenIdle(ctx, handled.Load, 5*time.Millisecond, func() { trims.Add(1) })
	time.Sleep(50 * time.Millisecond)
	if n := trims.Load(); n != 0 {
		t.Fatalf("trimmed %d times before any request", n)
	}
	handled.Add(3)
	deadline := time.Now().Add(5 * time.Second)
	for trims.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := trims.Load(); n != 1 {
		t.Fatalf("trimmed %d times after one burst and a quiet period, want 1", n)
	}
}
