package child

import (
	"errors"
	"syscall"
	"testing"
	"time"
)

func TestSpawnerRunsEveryStartOnOneThread(t *testing.T) {
	s := NewSpawner()
	var tids []int
	for range 5 {
		if err := s.Run(func() error { tids = append(tids, syscall.Gettid()); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, tid := range tids[1:] {
		if tid != tids[0] {
			t.Fatalf("starts ran on threads %v", tids)
		}
	}
	boom := errors.New("boom")
	if err := s.Run(func() error { return boom }); err != boom {
		t.Errorf("Run returned %v, want the start's error", err)
	}
	s.Stop()
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{
		{0, 0}, {1, 100 * time.Millisecond}, {2, 200 * time.Millisecond}, {4, 800 * time.Millisecond},
		{9, 25600 * time.Millisecond}, {10, 30 * time.Second}, {1000, 30 * time.Second},
	} {
		if got := Backoff(tc.n); got != tc.want {
			t.Errorf("Backoff(%d) = %s, want %s", tc.n, got, tc.want)
		}
	}
}
