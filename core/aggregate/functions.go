package aggregate

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/rubytext"
)

// summary counts how often each value of an output was seen; an array
// value counts each of its elements, nil is not counted.
type summary struct {
	format string
	values []any
	counts []int
	index  map[string]int
}

func (s *summary) process(v any) error {
	if v == nil {
		return nil
	}
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			s.add(e)
		}
		return nil
	}
	s.add(v)
	return nil
}

func (s *summary) add(v any) {
	if s.index == nil {
		s.index = map[string]int{}
	}
	key := fmt.Sprintf("%T:%s", v, rubytext.Inspect(v))
	if i, ok := s.index[key]; ok {
		s.counts[i]++
		return
	}
	s.index[key] = len(s.values)
	s.values = append(s.values, v)
	s.counts = append(s.counts, 1)
}

// summarize writes one line a value, the most frequent first; ties, which
// Ruby leaves in no particular order, by value. Without a format the
// values are right-aligned to the longest, as "%Ns = %s".
func (s *summary) summarize() (string, error) {
	layout := s.format
	if layout == "" {
		width := 0
		for _, v := range s.values {
			width = max(width, rubyLength(v))
		}
		layout = "%" + strconv.Itoa(width) + "s = %s"
	}
	order := make([]int, len(s.values))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(s.counts[b], s.counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(rubytext.ToS(s.values[a]), rubytext.ToS(s.values[b]))
	})
	lines := make([]string, 0, len(order))
	for _, i := range order {
		line, err := format(layout, s.values[i], int64(s.counts[i]))
		if err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

// rubyLength is what Ruby's summary measures a value by: length for
// strings, symbols, arrays and hashes, else the length of to_s.
func rubyLength(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	case *marshal.Hash:
		return x.Len()
	}
	if s, ok := marshal.Text(v); ok {
		return utf8.RuneCountInString(s)
	}
	return utf8.RuneCountInString(rubytext.ToS(v))
}

// number accumulates integers exactly and turns to float at the first
// float, as Ruby's Integer + Float does.
type number struct {
	i     int64
	f     float64
	float bool
}

// errNotNumber is Ruby's TypeError for adding a non-number.
var errNotNumber = errors.New("value is not a number")

func (n *number) add(v any) error {
	switch x := v.(type) {
	case float64:
		if !n.float {
			n.f, n.float = float64(n.i), true
		}
		n.f += x
		return nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return n.add(f)
	case bool:
		return fmt.Errorf("%w: %v", errNotNumber, x)
	}
	i, ok := marshal.Int(v)
	if !ok {
		return fmt.Errorf("%w: %s", errNotNumber, rubytext.Inspect(v))
	}
	if n.float {
		n.f += float64(i)
	} else {
		n.i += i
	}
	return nil
}

func (n *number) value() any {
	if n.float {
		return n.f
	}
	return n.i
}

// sum adds the values of an output. Unlike Ruby, which gives up on the
// whole sum, a nil value (an output a failed reply left unset) is skipped.
type sum struct {
	format string
	total  number
}

func (s *sum) process(v any) error {
	if v == nil {
		return nil
	}
	return s.total.add(v)
}

func (s *sum) summarize() (string, error) { return format(s.format, s.total.value()) }

// average is the mean of the values of an output; nil values are skipped
// as in sum. Unlike Ruby, whose mean of integers is an integer division,
// the mean is always a float.
type average struct {
	format string
	total  number
	count  int
}

func (a *average) process(v any) error {
	if v == nil {
		return nil
	}
	if err := a.total.add(v); err != nil {
		return err
	}
	a.count++
	return nil
}

func (a *average) summarize() (string, error) {
	if a.count == 0 {
		return "", errors.New("divided by 0: no values to average")
	}
	total := a.total.f
	if !a.total.float {
		total = float64(a.total.i)
	}
	return format(a.format, total/float64(a.count))
}
