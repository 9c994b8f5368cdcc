package child

import "time"

// Bounds of Backoff.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// Backoff is how long to wait before starting a child again after n
// consecutive failures (starts that failed, or crashes): 100 ms after
// one, doubling with each more, up to 30 s; nothing for n < 1.
func Backoff(n int) time.Duration {
	if n < 1 {
		return 0
	}
	d := minBackoff
	for ; n > 1 && d < maxBackoff; n-- {
		d *= 2
	}
	return min(d, maxBackoff)
}
