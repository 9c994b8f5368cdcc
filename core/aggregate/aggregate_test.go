package aggregate

import (
	"errors"
	"reflect"
	"testing"

	"github.com/marionette-mco/marionette/sdk/ddl"
)

// run feeds values of one output to one function and returns its text, or
// the stage it failed at.
func run(t *testing.T, spec ddl.Aggregate, values ...any) (string, *Failure) {
	t.Helper()
	s := New([]ddl.Aggregate{spec}, func(string) bool { return true })
	for _, v := range values {
		s.Add(map[string]any{spec.Output: v})
	}
	sums, failed := s.Summarize()
	if len(failed) > 0 {
		return "", &failed[0]
	}
	if len(sums) != 1 {
		t.Fatalf("%d summaries", len(sums))
	}
	return sums[0].Text, nil
}

// The expected texts are what Ruby MCollective 2.12.5's aggregate plugins
// print for the same values, except where a case says otherwise.
func TestFunctions(t *testing.T) {
	summary := ddl.Aggregate{Function: "summary", Output: "value"}
	sum := ddl.Aggregate{Function: "sum", Output: "count"}
	avg := ddl.Aggregate{Function: "average", Output: "rtt"}
	cases := []struct {
		name   string
		spec   ddl.Aggregate
		values []any
		want   string
		stage  Stage // when failing
		fails  bool
	}{
		{"summary counts, most first, aligned", summary, []any{"web", "db", "web"}, "web = 2\n db = 1", 0, false},
		{"summary ties by value", summary, []any{"web", "db", "web", "db", "de"}, " db = 2\nweb = 2\n de = 1", 0, false},
		{"summary of arrays counts elements", summary, []any{[]any{"a", "b"}, []any{"a"}, "c"}, "a = 2\nb = 1\nc = 1", 0, false},
		{"summary of mixed types", summary, []any{int64(1), int64(22), int64(1), true}, "   1 = 2\n  22 = 1\ntrue = 1", 0, false},
		{"summary with format", ddl.Aggregate{Function: "summary", Output: "value", Format: "%s: %d"}, []any{"web", "db"}, "db: 1\nweb: 1", 0, false},
		{"summary of nothing", summary, nil, "", 0, false},
		{"summary skips nil", summary, []any{nil, "x"}, "x = 1", 0, false},
		{"summary keeps 1 and \"1\" apart", summary, []any{int64(1), "1"}, "1 = 1\n1 = 1", 0, false},
		{"sum of integers", sum, []any{int64(1), int64(2), int64(3)}, "Sum of count: 6.000000", 0, false},
		{"sum turns float", sum, []any{int64(1), 2.5}, "Sum of count: 3.500000", 0, false},
		{"sum with format", ddl.Aggregate{Function: "sum", Output: "count", Format: "Matching processes: %d"}, []any{int64(1), int64(2)}, "Matching processes: 3", 0, false},
		{"sum of nothing", sum, nil, "Sum of count: 0.000000", 0, false},
		// Ruby fails the whole sum on a nil (a failed reply's unset output).
		{"sum skips nil", sum, []any{int64(1), nil}, "Sum of count: 1.000000", 0, false},
		{"sum of a string fails", sum, []any{int64(1), "2"}, "", StageProcess, true},
		{"sum of a bool fails", sum, []any{true}, "", StageProcess, true},
		// Ruby divides integers as integers: 1.000000.
		{"average is a float", avg, []any{int64(1), int64(2)}, "Average of rtt: 1.500000", 0, false},
		{"average with format", ddl.Aggregate{Function: "average", Output: "rtt", Format: "Average RTT: %.3f ms"}, []any{1.0, 2.0}, "Average RTT: 1.500 ms", 0, false},
		{"average of nothing fails", avg, nil, "", StageSummarize, true},
		{"bad format fails at summarize", ddl.Aggregate{Function: "sum", Output: "count", Format: "%d %d"}, []any{int64(1)}, "", StageSummarize, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, failed := run(t, c.spec, c.values...)
			if c.fails {
				if failed == nil || failed.Stage != c.stage {
					t.Fatalf("got %q, %+v; want failure at %v", got, failed, c.stage)
				}
				return
			}
			if failed != nil {
				t.Fatalf("failed: %+v", failed)
			}
			if got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestSetOrderAndFailures(t *testing.T) {
	specs := []ddl.Aggregate{
		{Function: "sum", Output: "count", Format: "Matching processes: %d"},
		{Function: "summary", Output: "running"},
		{Function: "median", Output: "count"},
		{Function: "summary", Output: "nosuch"},
	}
	s := New(specs, func(o string) bool { return o != "nosuch" })
	s.Add(map[string]any{"count": int64(2), "running": true})
	s.Add(map[string]any{"count": int64(3), "running": false})
	s.Add(map[string]any{"count": "x", "running": true})
	sums, failed := s.Summarize()
	want := []Summary{{Output: "running", Function: "summary", Text: " true = 2\nfalse = 1"}}
	if !reflect.DeepEqual(sums, want) {
		t.Fatalf("summaries %+v, want %+v", sums, want)
	}
	var stages []Stage
	for _, f := range failed {
		stages = append(stages, f.Stage)
	}
	if !reflect.DeepEqual(stages, []Stage{StageStartup, StageCreate, StageProcess}) {
		t.Fatalf("failures %+v", failed)
	}
	if !errors.Is(failed[0].Err, ErrUnknownFunction) {
		t.Errorf("unknown function error = %v", failed[0].Err)
	}
	if failed[1].Reason() != "unspecified output 'nosuch' for the action" ||
		failed[2].Reason() != "exception raised while processing result data" {
		t.Errorf("reasons %q, %q", failed[1].Reason(), failed[2].Reason())
	}
}
