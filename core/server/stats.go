package server

import (
	"sync/atomic"
	"time"
)

// Stats counts what the daemon did with the messages it received, as
// rpcutil's daemon_stats reports them.
type Stats struct {
	start       time.Time
	total       atomic.Int64
	validated   atomic.Int64
	unvalidated atomic.Int64
	filtered    atomic.Int64
	passed      atomic.Int64
	replies     atomic.Int64
	ttlExpired  atomic.Int64
}

// StatsSnapshot is a point-in-time copy of Stats.
type StatsSnapshot struct {
	StartTime   time.Time
	Total       int64
	Validated   int64
	Unvalidated int64
	Filtered    int64
	Passed      int64
	Replies     int64
	TTLExpired  int64
}

// Snapshot returns the current counts.
func (s *Stats) Snapshot() StatsSnapshot {
	return StatsSnapshot{
		StartTime:   s.start,
		Total:       s.total.Load(),
		Validated:   s.validated.Load(),
		Unvalidated: s.unvalidated.Load(),
		Filtered:    s.filtered.Load(),
		Passed:      s.passed.Load(),
		Replies:     s.replies.Load(),
		TTLExpired:  s.ttlExpired.Load(),
	}
}
