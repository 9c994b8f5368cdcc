package cli

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/marionette-mco/marionette/sdk/ddl"
)

// rpcOptions are mco rpc's flags.
type rpcOptions struct {
	common    commonFlags
	filter    filterFlags
	discovery discoveryFlags
	// agent and action are --agent and --action; else the first two
	// positional arguments.
	agent, action string
	// args are --arg key=value.
	args []string
	// noResults is --no-results: send and do not wait.
	noResults bool
	// noProgress is --no-progress.
	noProgress bool
	// batch is --batch: a number of nodes or a percentage; "" or "0" is
	// off.
	batch string
	// batchSleep is --batch-sleep.
	batchSleep time.Duration
	// ttl is --ttl; 0 keeps the config's.
	ttl time.Duration
	// jsonLines is --json-lines.
	jsonLines bool
	// display is --display: ok, all or failed.
	display string
}

func newRPCCommand(sio IO) *cobra.Command {
	o := &rpcOptions{}
	cmd := &cobra.Command{
		Use:   "rpc [flags] AGENT ACTION [key=value ...]",
		Short: "Call an action of an agent on the nodes matching a filter",
		Long: `Call an action of an agent on the nodes matching a filter, as Ruby MCollective's
mco rpc does. Arguments are converted to the types the agent's DDL declares and
checked before anything is sent; replies are shown as the DDL asks, followed by
its aggregate summaries and the request's statistics.

  mco rpc [options] [filters] AGENT ACTION [key=value ...]
  mco rpc [options] [filters] --agent AGENT --action ACTION [--arg key=value ...]

Exit codes are Ruby's: 0 all answered, 1 nothing discovered, 2 some replies
failed, 3 nodes were discovered but none answered, 4 no discovery ran (-I
names) and none answered; 64 a usage error, 70 a failure to run.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRPC(cmd, sio, o, args)
		},
	}
	fs := cmd.Flags()
	o.common.register(fs, 5*time.Second)
	o.filter.register(fs)
	o.discovery.register(fs)
	fs.StringVarP(&o.agent, "agent", "a", "", "agent to call")
	fs.StringVar(&o.action, "action", "", "action to call")
	fs.StringArrayVar(&o.args, "arg", nil, "argument to pass to the agent, key=value (repeatable)")
	fs.StringArrayVar(&o.args, "argument", nil, "same as --arg")
	fs.BoolVar(&o.noResults, "no-results", false, "send the request and exit without waiting for replies")
	fs.BoolVar(&o.noResults, "nr", false, "same as --no-results")
	fs.BoolVar(&o.noProgress, "no-progress", false, "do not show the progress bar")
	fs.BoolVar(&o.noProgress, "np", false, "same as --no-progress")
	fs.StringVar(&o.batch, "batch", "", "send to this many nodes at a time, a number or a percentage")
	fs.Var((*seconds)(&o.batchSleep), "batch-sleep", "seconds to sleep between batches (default: default_batch_sleep_time from the config, 1)")
	fs.Var((*seconds)(&o.ttl), "ttl", "time to live of the request in seconds (default: ttl from the config)")
	fs.BoolVar(&o.jsonLines, "json-lines", false, "print each reply as one JSON object a line as it arrives")
	fs.StringVar(&o.display, "display", "", "which replies to show: ok, all or failed (default: as the DDL says)")
	return cmd
}

// batchSpec is what --batch accepts: a count, or a percentage above 0.
var batchSpec = regexp.MustCompile(`^(\d+)(%?)$`)

// check refuses flag values and combinations Ruby refuses.
func (o *rpcOptions) check() error {
	switch o.display {
	case "", "ok", "all", "failed":
	default:
		return usageErr(fmt.Errorf("--display has to be one of 'ok', 'all' or 'failed'"))
	}
	if _, err := batchSize(o.batch, 1); err != nil {
		return usageErr(err)
	}
	if o.common.json && o.jsonLines {
		return usageErr(errors.New("--json and --json-lines cannot be used together"))
	}
	if o.noResults && o.batching() {
		return usageErr(errors.New("cannot bypass result processing for batched requests"))
	}
	return nil
}

// batchSize is the number of nodes a batch holds out of total: "N" is N,
// "P%" is P percent of total rounded up; 0 (or "") means no batches.
func batchSize(spec string, total int) (int, error) {
	if spec == "" {
		return 0, nil
	}
	m := batchSpec.FindStringSubmatch(spec)
	if m == nil {
		return 0, fmt.Errorf("invalid argument: --batch %s (a number of nodes or a percentage such as 10%%)", spec)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, fmt.Errorf("invalid argument: --batch %s: %w", spec, err)
	}
	if m[2] == "" {
		return n, nil
	}
	if n == 0 {
		return 0, fmt.Errorf("invalid argument: --batch %s (a percentage above 0)", spec)
	}
	// Ruby computes (total / 100.0 * n).ceil, which float rounding makes
	// one too many at times (100% of 7 is 8); this is exact.
	return (total*n + 99) / 100, nil
}

// batching reports whether --batch asks for batches.
func (o *rpcOptions) batching() bool {
	n, err := batchSize(o.batch, 1)
	return err == nil && n > 0
}

// jsonOutput reports whether stdout carries JSON.
func (o *rpcOptions) jsonOutput() bool { return o.common.json || o.jsonLines }

// forcedDisplay is --display as a DDL display policy.
func (o *rpcOptions) forcedDisplay() ddl.Display {
	switch o.display {
	case "ok":
		return ddl.DisplayOK
	case "all":
		return ddl.DisplayAlways
	case "failed":
		return ddl.DisplayFailed
	}
	return ""
}

func runRPC(cmd *cobra.Command, sio IO, o *rpcOptions, positional []string) error {
	inv, err := parseInvocation(o.agent, o.action, o.args, positional)
	if err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	agentDDL, err := findAgentDDL(sio, o.common.config, inv.agent, sio.Stderr)
	if err != nil {
		return err
	}
	if agentDDL == nil {
		fmt.Fprintf(sio.Stderr, "mco: warning: no DDL found for agent %s: arguments are sent as strings and every output is shown\n", inv.agent)
	}
	data, err := buildArguments(agentDDL, inv)
	if err != nil {
		return err
	}
	r := &rpcRunner{cmd: cmd, sio: sio, o: o, inv: inv, ddl: agentDDL, data: data,
		lazySession: lazySession{ctx: cmd.Context(), sio: sio, common: &o.common}}
	defer r.Close()
	if o.noResults {
		return r.sendOnly()
	}
	return r.run()
}

// discoveryLine is what Ruby's rpc application prints on standard error
// after discovery: the method, its timeout and the number of nodes.
func discoveryLine(w io.Writer, method string, timeout time.Duration, found int) {
	if method == "" {
		method = methodMC
	}
	if method == methodMC && timeout > 0 {
		fmt.Fprintf(w, "Discovering hosts using the %s method for %s second(s) .... %d\n", method, strconv.Itoa(int(timeout/time.Second)), found)
		return
	}
	fmt.Fprintf(w, "Discovering hosts using the %s method .... %d\n", method, found)
}

// rpcCaption is the caption of -v's statistics block.
func rpcCaption(inv invocation) string { return inv.agent + "#" + inv.action + " call stats" }
