package cli

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// limitSpec matches what Ruby's --limit-nodes accepts: a count or a
// percentage (Ruby's /^\d+%*$/).
var limitSpec = regexp.MustCompile(`^\d+%*$`)

// limitCount turns a --limit-nodes spec into a node count for total
// discovered nodes, as Ruby's RPC client does: "N" is N, "P%" is P percent
// of total rounded down but at least 1.
func limitCount(spec string, total int) (int, error) {
	if !limitSpec.MatchString(spec) {
		return 0, fmt.Errorf("invalid limit %q: a number of nodes or a percentage such as 10%%", spec)
	}
	digits := strings.TrimRight(spec, "%")
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("invalid limit %q: %w", spec, err)
	}
	if digits == spec {
		if n == 0 {
			return 0, fmt.Errorf("invalid limit %q: at least one node must be kept", spec)
		}
		return n, nil
	}
	count := int(float64(total) * (float64(n) / 100))
	return max(count, 1), nil
}

// limitFirst keeps the first nodes of the list that spec allows, as Ruby's
// default rpclimitmethod "first" does.
func limitFirst(nodes []string, spec string) ([]string, error) {
	count, err := limitCount(spec, len(nodes))
	if err != nil {
		return nil, err
	}
	if len(nodes) <= count {
		return nodes, nil
	}
	return slices.Clone(nodes[:count]), nil
}

// limitNodes picks at random the nodes that a --limit-nodes spec (a count
// or a percentage) keeps, exactly as Ruby's RPC client does with
// rpclimitmethod "random" and --limit-seed seed: the nodes are sorted, Ruby's
// generator (MT19937) is seeded with seed, and one node at a time is drawn
// with rand(remaining) and removed. The same seed therefore picks the same
// nodes from the same fleet as Ruby's mco. A spec that keeps every node
// returns nodes unchanged.
func limitNodes(nodes []string, spec string, seed int64) ([]string, error) {
	count, err := limitCount(spec, len(nodes))
	if err != nil {
		return nil, err
	}
	if len(nodes) <= count {
		return nodes, nil
	}
	haystack := slices.Sorted(slices.Values(nodes))
	mt := newRubyRand(seed)
	picked := make([]string, 0, count)
	for range count {
		i := mt.intn(len(haystack))
		picked = append(picked, haystack[i])
		haystack = slices.Delete(haystack, i, i+1)
	}
	return picked, nil
}

// rubyRand is Ruby's default random number generator: MT19937 seeded the
// way Kernel#srand seeds it.
type rubyRand struct {
	state [624]uint32
	index int
}

// newRubyRand seeds the generator as srand(seed) does in Ruby 3: the
// absolute value of seed split into 32-bit words, least significant first;
// one word goes to init_genrand, several to init_by_array.
func newRubyRand(seed int64) *rubyRand {
	u := uint64(seed)
	if seed < 0 {
		u = uint64(-seed)
	}
	r := &rubyRand{}
	if hi := uint32(u >> 32); hi != 0 {
		r.initByArray([]uint32{uint32(u), hi})
	} else {
		r.initGenrand(uint32(u))
	}
	return r
}

func (r *rubyRand) initGenrand(s uint32) {
	r.state[0] = s
	for i := 1; i < len(r.state); i++ {
		prev := r.state[i-1]
		r.state[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	r.index = len(r.state)
}

func (r *rubyRand) initByArray(key []uint32) {
	const n = len(r.state)
	r.initGenrand(19650218)
	i, j := 1, 0
	for k := max(n, len(key)); k > 0; k-- {
		prev := r.state[i-1]
		r.state[i] = (r.state[i] ^ ((prev ^ (prev >> 30)) * 1664525)) + key[j] + uint32(j)
		i, j = i+1, j+1
		if i >= n {
			r.state[0] = r.state[n-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := n - 1; k > 0; k-- {
		prev := r.state[i-1]
		r.state[i] = (r.state[i] ^ ((prev ^ (prev >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= n {
			r.state[0] = r.state[n-1]
			i = 1
		}
	}
	r.state[0] = 0x80000000
	r.index = n
}

func (r *rubyRand) uint32() uint32 {
	const n, m = 624, 397
	if r.index >= n {
		for k := range n {
			y := r.state[k]&0x80000000 | r.state[(k+1)%n]&0x7fffffff
			next := r.state[(k+m)%n] ^ (y >> 1)
			if y&1 != 0 {
				next ^= 0x9908b0df
			}
			r.state[k] = next
		}
		r.index = 0
	}
	y := r.state[r.index]
	r.index++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// intn is Ruby's rand(n) for 0 < n <= 2^32: a masked draw, retried while
// it exceeds n-1 (random.c's limited_rand).
func (r *rubyRand) intn(n int) int {
	limit := uint32(n - 1)
	if limit == 0 {
		return 0
	}
	mask := limit
	for s := 1; s < 32; s *= 2 {
		mask |= mask >> s
	}
	for {
		if v := r.uint32() & mask; v <= limit {
			return int(v)
		}
	}
}
