package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/protocol"
)

// rpcutilTimeout is rpcutil's DDL timeout, to which Ruby adds the
// discovery timeout when no -t is given.
const rpcutilTimeout = 10 * time.Second

// rpcTally counts one request's replies as Ruby's RPC::Stats does, for
// the statistics line and the halt code.
type rpcTally struct {
	// discovered are the nodes the request was meant for.
	discovered []string
	// discoveryRan is false when no discovery round ran (literal -I).
	discoveryRan bool
	// responded are the nodes that answered, in arrival order.
	responded  []string
	ok, failed int
	start      time.Time
	// discoveryTime and agentTime are how long discovery and the request
	// took.
	discoveryTime, agentTime time.Duration
}

// haltCode is Ruby's Application#halt_code: 4 when no discovery ran and
// nobody answered, 3 when nodes were discovered and none answered, 2 when
// some replies failed, 1 when nothing was discovered, else 0.
func (t *rpcTally) haltCode() int {
	switch {
	case !t.discoveryRan && len(t.responded) == 0:
		return 4
	case len(t.discovered) > 0 && len(t.responded) == 0:
		return 3
	case len(t.discovered) > 0 && t.failed > 0:
		return 2
	case len(t.discovered) == 0 && len(t.responded) == 0:
		return 1
	}
	return 0
}

// noResponse lists the discovered nodes that did not answer, sorted.
func (t *rpcTally) noResponse() []string {
	var out []string
	for _, n := range t.discovered {
		if !slices.Contains(t.responded, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// report writes Ruby's printrpcstats text: the statistics line (or, when
// verbose, the "rpc stats" block) and the nodes that did not answer.
func (t *rpcTally) report(w io.Writer, verbose bool) {
	var b strings.Builder
	b.WriteString("\n")
	if verbose {
		b.WriteString("---- rpc stats ----\n")
		fmt.Fprintf(&b, "           Nodes: %d / %d\n", len(t.discovered), len(t.responded))
		fmt.Fprintf(&b, "     Pass / Fail: %d / %d\n", t.ok, t.failed)
		fmt.Fprintf(&b, "      Start Time: %s\n", t.start.Format("2006-01-02 15:04:05 -0700"))
		fmt.Fprintf(&b, "  Discovery Time: %.2fms\n", ms(t.discoveryTime))
		fmt.Fprintf(&b, "      Agent Time: %.2fms\n", ms(t.agentTime))
		fmt.Fprintf(&b, "      Total Time: %.2fms\n", ms(t.discoveryTime+t.agentTime))
	} else {
		fmt.Fprintf(&b, "Finished processing %d / %d hosts in %.2f ms\n", len(t.responded), len(t.discovered), ms(t.agentTime))
	}
	b.WriteString("\n")
	if missing := t.noResponse(); len(missing) > 0 {
		b.WriteString("\nNo response from:\n\n")
		writeColumns(&b, missing, 30)
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}

// writeColumns lays names out as Ruby's reports do: columns as wide as the
// longest name (at least minWidth), as many as fit in 90 characters, each
// line starting with three blanks.
func writeColumns(b *strings.Builder, names []string, minWidth int) {
	width := minWidth
	for _, n := range names {
		width = max(width, utf8.RuneCountInString(n))
	}
	perLine := max(90/width, 1)
	for i := 0; i < len(names); i += perLine {
		b.WriteString("   ")
		for j := i; j < i+perLine; j++ {
			name := ""
			if j < len(names) {
				name = names[j]
			}
			fmt.Fprintf(b, " %-*s", width, name)
		}
		b.WriteString("\n")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rpcutilRequest is one rpcutil action sent to discovered nodes.
type rpcutilRequest struct {
	action string
	data   map[string]any
	filter protocol.Filter
	nodes  discovered
	// timeout bounds the wait for replies.
	timeout time.Duration
	// broadcast sends under the filter even when direct addressing
	// would send to each node.
	broadcast bool
}

// callRPCUtil sends req as Ruby's RPC client does: directly to each
// discovered node when direct addressing allows it (always when discovery
// did not broadcast), else broadcast under the filter; the wait ends once
// as many replies came as nodes were discovered, or at the timeout. fn
// sees each node's first reply.
func callRPCUtil(ctx context.Context, sess *session, req rpcutilRequest, fn func(client.RPCResult)) (*rpcTally, error) {
	tally := &rpcTally{discovered: req.nodes.nodes, discoveryRan: req.nodes.ran,
		discoveryTime: req.nodes.elapsed, start: time.Now()}
	if len(req.nodes.nodes) == 0 {
		return tally, nil
	}
	call := client.RPCCall{Agent: "rpcutil", Action: req.action, Data: req.data,
		Filter: withAgent(req.filter, "rpcutil"), Timeout: req.timeout, ExpectReplies: len(req.nodes.nodes)}
	forced := !req.nodes.ran || req.nodes.method != methodMC
	if !req.broadcast && sess.cfg.DirectAddressing && (forced || len(req.nodes.nodes) <= sess.cfg.DirectAddressingThreshold) {
		call.Nodes = req.nodes.nodes
	}
	_, err := sess.client.RPC(ctx, call, func(r client.RPCResult) {
		if slices.Contains(tally.responded, r.Sender) {
			return
		}
		tally.responded = append(tally.responded, r.Sender)
		if r.StatusCode != 0 {
			tally.failed++
		} else {
			tally.ok++
		}
		fn(r)
	})
	tally.agentTime = time.Since(tally.start)
	if err != nil {
		return tally, failure(err)
	}
	return tally, nil
}

// rpcTimeout is -t when given, else rpcutil's timeout plus discovery's,
// as Ruby computes it.
func rpcTimeout(c *commonFlags, sess *session) time.Duration {
	if c.timeout > 0 {
		return c.timeout
	}
	return rpcutilTimeout + sess.discoveryTimeout(c)
}
