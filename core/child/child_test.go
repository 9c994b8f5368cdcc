package child

import (
	"errors"
	"syscall"
	"testing"
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
