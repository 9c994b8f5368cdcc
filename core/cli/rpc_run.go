package cli

import (
	"fmt"
	"io"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/protocol"
)

// run discovers the nodes, sends the request, shows the replies and
// returns Ruby's halt code.
func (r *rpcRunner) run() error {
	ctx := r.cmd.Context()
	f, err := r.o.filter.build()
	if err != nil {
		return err
	}
	found, err := discover(ctx, r.open, &r.o.common, &r.o.filter, &r.o.discovery, r.inv.agent)
	if err != nil {
		return err
	}
	sess, err := r.open()
	if err != nil {
		return err
	}
	if found.ran && !r.o.jsonOutput() {
		discoveryLine(r.sio.Stderr, found.method, sess.discoveryTimeout(&r.o.common)+dataTimeout(f), len(found.nodes))
	}
	color := useColor(r.sio, sess.cfg)
	text := rpcText{color: color, verbose: r.o.common.verbose, display: r.o.forcedDisplay(), action: r.action()}
	if r.ddl == nil {
		text.action = nil
	}
	if len(found.nodes) == 0 {
		fmt.Fprintln(r.sio.Stderr, "\nNo request sent, we did not discover any nodes.")
		if err := r.print(text, &outcome{tally: &rpcTally{discoveryRan: found.ran}}); err != nil {
			return err
		}
		return halt((&rpcTally{discoveryRan: found.ran}).haltCode())
	}
	size, sleep, err := r.batchSettings(len(found.nodes))
	if err != nil {
		return err
	}
	plan, err := planRPC(sess.cfg, found, f, r.inv.agent, r.o.discovery.limit != "", size, sleep)
	if err != nil {
		return err
	}
	bar := newReplyProgress(r.sio, len(plan.nodes), !r.o.noProgress && !r.o.jsonOutput(), color)
	out, runErr := r.execute(ctx, plan, found, r.timeout(f), func(res client.RPCResult) {
		bar.add()
		if r.o.jsonLines {
			line, err := marshalJSON(newJSONResult(r.inv.agent, r.inv.action, res), false)
			if err == nil {
				fmt.Fprintf(r.sio.Stdout, "%s\n", line)
			}
		}
	})
	bar.done()
	if err := r.print(text, out); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	return halt(out.tally.haltCode())
}

// print writes the replies and, in text mode, the statistics.
func (r *rpcRunner) print(text rpcText, out *outcome) error {
	switch {
	case r.o.jsonLines:
		return nil
	case r.o.common.json:
		b, err := encodeResults(r.inv.agent, r.inv.action, out.results, isTerminal(r.sio.Stdout))
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("encode json: %w", err)}
		}
		_, err = fmt.Fprintf(r.sio.Stdout, "%s\n", b)
		return err
	}
	io.WriteString(r.sio.Stdout, text.results(out.results))
	if len(out.tally.discovered) == 0 {
		return nil
	}
	rep := rpcReport{tally: out.tally, caption: rpcCaption(r.inv), unexpected: out.unexpected()}
	if out.agg != nil {
		rep.summaries, rep.failures = out.agg.Summarize()
		for _, f := range rep.failures {
			fmt.Fprintf(r.sio.Stderr, "mco: aggregate %s(%s) of %s#%s: %v\n", f.Function, f.Output, r.inv.agent, r.inv.action, f.Err)
		}
	}
	_, err := io.WriteString(r.sio.Stdout, text.report(rep))
	return err
}

// sendOnly is --no-results: the request goes out with :process_results
// false and mco prints its id, waiting for nothing. As in Ruby, -I names
// are addressed directly and other filters broadcast without discovery;
// --limit-nodes and the flatfile and stdin methods discover first.
func (r *rpcRunner) sendOnly() error {
	ctx := r.cmd.Context()
	f, err := r.o.filter.build()
	if err != nil {
		return err
	}
	sess, err := r.open()
	if err != nil {
		return err
	}
	d := &r.o.discovery
	call := client.RPCCall{Agent: r.inv.agent, Action: r.inv.action, Filter: withAgent(f, r.inv.agent), Data: r.data, TTL: r.o.ttl}
	var nodes []string
	literal := literalIdentities(r.o.filter)
	switch {
	case d.limit != "" || d.nodes != "" || d.method != "" && d.method != methodMC:
		found, err := discover(ctx, r.open, &r.o.common, &r.o.filter, d, r.inv.agent)
		if err != nil {
			return err
		}
		if len(found.nodes) == 0 {
			fmt.Fprintln(r.sio.Stderr, "No request sent, we did not discover any nodes.")
			return halt(1)
		}
		nodes = found.nodes
	case literal != nil && len(f.Compound) == 0:
		nodes = sortedUnique(literal)
	}
	if nodes != nil && sess.cfg.DirectAddressing {
		call.Nodes, call.Filter = nodes, protocol.Filter{Agent: []string{r.inv.agent}}
	}
	id, err := sess.client.SendRPC(ctx, call)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	fmt.Fprintf(r.sio.Stdout, "Request sent with id: %s\n", id)
	return nil
}

// halt turns a halt code into the command's result.
func halt(code int) error {
	if code == 0 {
		return nil
	}
	return &ExitError{Code: code}
}
