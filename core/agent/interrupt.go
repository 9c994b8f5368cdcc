package agent

import (
	"context"
	"errors"
	"time"
)

// Interrupted is the reply to a call of agent's action whose context
// ended: a timeout after bound, or a cancellation. during says what the
// call was doing when it ended (" starting the plugin"), "" for the action
// itself.
func Interrupted(ctx context.Context, agent, action string, bound time.Duration, during string) *Reply {
	if errors.Is(ctx.Err(), context.Canceled) {
		return Fail(UnknownError, "agent %s action %s: cancelled%s", agent, action, during)
	}
	return Fail(UnknownError, "agent %s action %s timed out after %s%s", agent, action, RoundDuration(bound), during)
}

// Expired reports whether ctx has ended or its deadline has passed: an
// agent in another process, given the same deadline, may answer before
// ctx's own timer has fired.
func Expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// RoundDuration keeps a duration readable in messages: 10s, 1.5s, 250ms.
func RoundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}
