package agent

import (
	"context"
	"testing"
	"time"
)

func TestInterrupted(t *testing.T) {
	timedOut, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-timedOut.Done()
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		bound  time.Duration
		during string
		want   string
	}{
		{"timeout", timedOut, 1234 * time.Millisecond, "", "agent a action b timed out after 1.2s"},
		{"short timeout", timedOut, 250400 * time.Microsecond, " starting the plugin", "agent a action b timed out after 250ms starting the plugin"},
		{"cancelled", cancelled, time.Second, " waiting", "agent a action b: cancelled waiting"},
	} {
		rep := Interrupted(tc.ctx, "a", "b", tc.bound, tc.during)
		if rep.StatusCode != UnknownError || rep.StatusMsg != tc.want {
			t.Errorf("%s: %d %q, want %q", tc.name, rep.StatusCode, rep.StatusMsg, tc.want)
		}
	}
}

func TestExpired(t *testing.T) {
	past, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
	defer cancel()
	if Expired(past) || Expired(context.Background()) {
		t.Error("a live context counts as expired")
	}
	cancel()
	if !Expired(past) {
		t.Error("a cancelled context does not count as expired")
	}
}
