package cli

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marionette-mco/marionette/core/client"
)

type pingOptions struct {
	common commonFlags
	filter filterFlags
	graph  bool
	expect int
	window time.Duration
}

func newPingCommand(sio IO) *cobra.Command {
	o := &pingOptions{}
	cmd := &cobra.Command{
		Use:   "ping",
		Short: "Ping all nodes matching a filter and report their response times",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPing(cmd, sio, o)
		},
	}
	o.common.register(cmd.Flags(), 5*time.Second)
	o.filter.register(cmd.Flags())
	cmd.Flags().BoolVarP(&o.graph, "graph", "g", false, "show a graph of the ping distribution")
	cmd.Flags().IntVar(&o.expect, "expect", 0, "stop waiting once this many nodes answered")
	cmd.Flags().Var((*seconds)(&o.window), "discovery-window", "stop waiting once no reply came for this long (seconds or a duration)")
	return cmd
}

func runPing(cmd *cobra.Command, sio IO, o *pingOptions) error {
	f, err := o.filter.build()
	if err != nil {
		return err
	}
	sess, err := openSession(cmd.Context(), sio, &o.common)
	if err != nil {
		return err
	}
	defer sess.Close()
	timeout := o.common.timeout
	if !cmd.Flags().Changed("timeout") {
		// As Ruby's ping: the default timeout includes discovery's.
		timeout += sess.discoveryTimeout(&o.common)
	}
	out := lineWriter(sio.Stdout)
	defer out.Flush()
	// Room for the expected replies (within reason): no copying while
	// they arrive.
	room := min(max(o.expect, 0), maxPresized)
	times := make([]float64, 0, room)
	var replies []pingReply
	if o.common.json {
		replies = make([]pingReply, 0, room)
	}
	err = sess.client.Ping(cmd.Context(), client.Discovery{Filter: f, Timeout: timeout, Expect: o.expect, Window: o.window},
		func(r client.Response) {
			ms := float64(r.Elapsed) / float64(time.Millisecond)
			times = append(times, ms)
			if o.common.json {
				replies = append(replies, pingReply{Sender: r.Sender, TimeMS: ms})
				return
			}
			fmt.Fprintf(out, "%-40s time=%.2f ms\n", r.Sender, ms)
			out.replyDone()
		})
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	if o.common.json {
		if _, err := out.Write(appendPingJSON(nil, replies)); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
	} else {
		printPingStats(out, times, o.graph)
	}
	if len(times) == 0 {
		// Ruby's halt code: no discovery ran and nobody answered.
		return &ExitError{Code: 4}
	}
	return nil
}

// maxPresized bounds the replies ping makes room for in advance.
const maxPresized = 1 << 16

type pingReply struct {
	Sender string  `json:"sender"`
	TimeMS float64 `json:"time_ms"`
}

func printPingStats(w io.Writer, times []float64, graph bool) {
	fmt.Fprint(w, "\n\n---- ping statistics ----\n")
	if len(times) == 0 {
		fmt.Fprintln(w, "No responses received")
		return
	}
	maxT, minT, sum := math.Inf(-1), math.Inf(1), 0.0
	for _, t := range times {
		maxT, minT, sum = math.Max(maxT, t), math.Min(minT, t), sum+t
	}
	spark := ""
	if graph {
		spark = sparkline(times)
	}
	fmt.Fprintf(w, "%d replies max: %.2f min: %.2f avg: %.2f %s\n", len(times), maxT, minT, sum/float64(len(times)), spark)
}

// sparkline draws the distribution of times in 50 ms buckets, as Ruby's
// ping --graph does.
func sparkline(times []float64) string {
	ticks := []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇"}
	histo := map[int]int{}
	lo, hi := math.MaxInt, math.MinInt
	for _, t := range times {
		b := int(t + 50 - math.Mod(t, 50))
		histo[b]++
		lo, hi = min(lo, b), max(hi, b)
	}
	var counts []int
	top := 0
	for b := lo; b <= hi; b += 50 {
		counts = append(counts, histo[b])
		top = max(top, histo[b])
	}
	distance := float64(top) / float64(len(ticks)-1)
	var sb strings.Builder
	for _, c := range counts {
		i := int(math.Round(float64(c) / distance))
		sb.WriteString(ticks[min(max(i, 0), len(ticks)-1)])
	}
	return sb.String()
}

// bufferedOutput is a command's standard output, buffered: a terminal sees
// each reply's line as it arrives (replyDone flushes it), a pipe or file
// gets the whole output in as few writes as possible.
type bufferedOutput struct {
	*bufio.Writer
	tty bool
}

// lineWriter buffers w, flushing after each reply when w is a terminal.
func lineWriter(w io.Writer) *bufferedOutput {
	return &bufferedOutput{Writer: bufio.NewWriterSize(w, 32<<10), tty: isTerminal(w)}
}

// replyDone ends one reply's output: it is written at once on a terminal.
func (b *bufferedOutput) replyDone() {
	if b.tty {
		_ = b.Flush()
	}
}
