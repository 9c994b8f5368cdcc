package cli

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marionette-mco/marionette/core/aggregate"
	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// rpcRunner carries one mco rpc run from discovery to exit code.
type rpcRunner struct {
	cmd  *cobra.Command
	sio  IO
	o    *rpcOptions
	inv  invocation
	ddl  *ddl.DDL
	data map[string]any
	// lazySession holds the session, opened by discovery or the request.
	lazySession
}

// plan is how one request reaches its nodes.
type rpcPlan struct {
	// nodes are the nodes the request is for (discovered, limited).
	nodes []string
	// direct sends one copy to each node instead of a broadcast.
	direct bool
	// filter goes on the envelope: only the agent when direct.
	filter protocol.Filter
	// batches split nodes; one batch unless --batch.
	batches [][]string
	// sleep is the pause between batches.
	sleep time.Duration
}

// planRPC chooses between direct and broadcast requests exactly as Ruby's
// RPC client does: with direct_addressing on, nodes are addressed one by
// one when they were not found by a broadcast (-I names, flatfile, stdin),
// when --limit-nodes or --batch picked them, or when there are no more than
// direct_addressing_threshold of them; otherwise the request is broadcast
// with the filter and the agent. Batches need direct addressing.
func planRPC(cfg *config.Config, found discovered, f protocol.Filter, agent string, limited bool, batch int, sleep time.Duration) (rpcPlan, error) {
	p := rpcPlan{nodes: found.nodes, filter: withAgent(f, agent), sleep: sleep}
	forced := !found.ran || found.method != "" && found.method != methodMC
	if batch > 0 && !cfg.DirectAddressing {
		return p, usageErr(errors.New("batched requests require direct addressing (direct_addressing = 1)"))
	}
	if cfg.DirectAddressing && (forced || limited || batch > 0 || len(p.nodes) <= cfg.DirectAddressingThreshold) {
		p.direct = true
		p.filter = protocol.Filter{Agent: []string{agent}}
	} else if limited {
		// Ruby's custom_request: broadcast to exactly the picked nodes.
		quoted := make([]string, len(p.nodes))
		for i, n := range p.nodes {
			quoted[i] = regexp.QuoteMeta(n)
		}
		p.filter.Identity = []string{"/^(" + strings.Join(quoted, "|") + ")$/"}
	}
	p.batches = chunk(p.nodes, batch)
	return p, nil
}

// chunk splits nodes into groups of size (one group when size is 0), as
// Ruby's in_groups_of without the padding.
func chunk(nodes []string, size int) [][]string {
	if size <= 0 || size >= len(nodes) {
		return [][]string{nodes}
	}
	var out [][]string
	for start := 0; start < len(nodes); start += size {
		out = append(out, nodes[start:min(start+size, len(nodes))])
	}
	return out
}

// outcome is what a request brought back.
type outcome struct {
	results []client.RPCResult
	tally   *rpcTally
	agg     *aggregate.Set
}

// execute sends the request batch by batch, waiting for each batch's
// nodes, and hands each reply to onReply as it arrives.
func (r *rpcRunner) execute(ctx context.Context, p rpcPlan, found discovered, timeout time.Duration, onReply func(client.RPCResult)) (*outcome, error) {
	out := &outcome{tally: &rpcTally{discovered: p.nodes, discoveryRan: found.ran, start: time.Now()}}
	if found.ran {
		out.tally.discoveryTime = found.elapsed
	}
	if act := r.action(); act != nil && len(act.Aggregates) > 0 {
		out.agg = aggregate.New(act.Aggregates, func(o string) bool { return act.Output(o) != nil })
	}
	act := r.action()
	requestID := ""
	for i, batch := range p.batches {
		if i > 0 && p.sleep > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(p.sleep):
			}
		}
		if ctx.Err() != nil {
			break
		}
		call := client.RPCCall{Agent: r.inv.agent, Action: r.inv.action, Filter: p.filter, Data: r.data,
			Expect: batch, Timeout: timeout, TTL: r.o.ttl, RequestID: requestID}
		if p.direct {
			call.Nodes = batch
		}
		id, err := r.sess.client.RPC(ctx, call, func(res client.RPCResult) {
			r.checkOutputs(act, res)
			out.add(res)
			onReply(res)
		})
		requestID = id
		if err != nil {
			out.tally.agentTime = time.Since(out.tally.start)
			return out, &ExitError{Code: ExitFailure, Err: err}
		}
	}
	out.tally.agentTime = time.Since(out.tally.start)
	return out, nil
}

// checkOutputs reports on stderr a successful reply whose outputs the
// action's DDL does not declare: the agent and its DDL disagree.
func (r *rpcRunner) checkOutputs(act *ddl.Action, res client.RPCResult) {
	if act == nil || res.StatusCode != 0 {
		return
	}
	if extra := act.CheckOutputs(res.Data); len(extra) > 0 {
		slices.Sort(extra)
		fmt.Fprintf(r.sio.Stderr, "mco: warning: the reply from %s has outputs %s#%s does not declare: %s\n",
			res.Sender, r.inv.agent, r.inv.action, strings.Join(extra, ", "))
	}
}

// add counts one reply as Ruby's stats do: every reply is a response, a
// status other than 0 a failure.
func (o *outcome) add(res client.RPCResult) {
	o.results = append(o.results, res)
	o.tally.responded = append(o.tally.responded, res.Sender)
	if res.StatusCode == 0 {
		o.tally.ok++
	} else {
		o.tally.failed++
	}
	if o.agg != nil {
		o.agg.Add(res.Data)
	}
}

// unexpected lists, sorted, the nodes that answered without being asked.
func (o *outcome) unexpected() []string {
	var out []string
	for _, n := range o.tally.responded {
		if !slices.Contains(o.tally.discovered, n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// action is the called action's DDL, nil without one.
func (r *rpcRunner) action() *ddl.Action {
	if r.ddl == nil {
		return nil
	}
	return r.ddl.Action(r.inv.action)
}

// timeout is how long to wait for each batch's replies: -t if given,
// else the agent's DDL timeout (5 s without a DDL) plus the discovery
// timeout, as Ruby computes it, plus the data plugins' time of -S filters.
func (r *rpcRunner) timeout(f protocol.Filter) time.Duration {
	t := r.o.common.timeout
	if !r.cmd.Flags().Changed("timeout") {
		t = 5 * time.Second
		if r.ddl != nil && r.ddl.Metadata.Timeout > 0 {
			t = time.Duration(r.ddl.Metadata.Timeout) * time.Second
		}
		t += r.sess.discoveryTimeout(&r.o.common)
	}
	return t + dataTimeout(f)
}

// batchSettings are --batch and --batch-sleep, else the config's
// default_batch_size and default_batch_sleep_time.
func (r *rpcRunner) batchSettings(total int) (int, time.Duration, error) {
	spec := r.o.batch
	if spec == "" {
		spec = r.sess.cfg.Raw["default_batch_size"]
	}
	size, err := batchSize(spec, total)
	if err != nil {
		return 0, 0, usageErr(err)
	}
	sleep := time.Second
	if r.cmd.Flags().Changed("batch-sleep") {
		sleep = r.o.batchSleep
	} else if v := r.sess.cfg.Raw["default_batch_sleep_time"]; v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, 0, &ExitError{Code: ExitFailure, Err: fmt.Errorf("default_batch_sleep_time %q: %w", v, err)}
		}
		sleep = time.Duration(f * float64(time.Second))
	}
	return size, sleep, nil
}
