package cli

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/protocol"
)

// discoveryFlags choose how nodes are discovered.
type discoveryFlags struct {
	// method is --dm: mc (broadcast, the default).
	method string
	// window is --discovery-window: end mc discovery once no new reply
	// came for this long.
	window time.Duration
	// expect is --expect: end discovery once this many nodes answered.
	expect int
}

func (d *discoveryFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.method, "dm", "mc", "discovery method")
	fs.StringVar(&d.method, "disc-method", "mc", "same as --dm")
	fs.Var((*seconds)(&d.window), "discovery-window", "end discovery once no new reply came for this long (seconds or a duration)")
	fs.IntVar(&d.expect, "expect", 0, "end discovery once this many nodes answered")
}

// discovered is the outcome of discovery.
type discovered struct {
	// nodes are the discovered identities, sorted.
	nodes []string
	// ran is false when no discovery round ran (literal -I identities).
	ran bool
	// elapsed is how long discovery took.
	elapsed time.Duration
}

// discover finds the nodes that f selects for agent ("" for none): literal
// -I identities are taken as they are, as Ruby does; otherwise the chosen
// method runs. For mc discovery agent is added to the filter's agents, as
// Ruby's RPC client does. open is called only when the broker is needed.
func discover(ctx context.Context, open func() (*session, error), c *commonFlags, ff *filterFlags, d *discoveryFlags, agent string) (discovered, error) {
	start := time.Now()
	f, err := ff.build()
	if err != nil {
		return discovered{}, err
	}
	if literal := literalIdentities(*ff); literal != nil {
		return discovered{nodes: sortedUnique(literal), elapsed: time.Since(start)}, nil
	}
	switch d.method {
	case "", "mc":
	default:
		return discovered{}, usageErr(fmt.Errorf("unknown discovery method %q", d.method))
	}
	sess, err := open()
	if err != nil {
		return discovered{}, err
	}
	nodes, err := mcDiscover(ctx, sess, c, d, withAgent(f, agent))
	return discovered{nodes: nodes, ran: true, elapsed: time.Since(start)}, err
}

func mcDiscover(ctx context.Context, sess *session, c *commonFlags, d *discoveryFlags, f protocol.Filter) ([]string, error) {
	window := d.window
	if window == 0 {
		window = sess.cfg.DiscoveryWindow
	}
	nodes, err := sess.client.Discover(ctx, client.Discovery{Filter: f,
		Timeout: sess.discoveryTimeout(c), Window: window, Expect: d.expect})
	if err != nil {
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	return nodes, nil
}

// withAgent adds agent to the filter's agents unless it is empty or there.
func withAgent(f protocol.Filter, agent string) protocol.Filter {
	if agent != "" && !slices.Contains(f.Agent, agent) {
		f.Agent = append(slices.Clone(f.Agent), agent)
	}
	return f
}

func sortedUnique(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}
