package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/protocol"
)

// The discovery methods, as Ruby MCollective names its discovery plugins.
const (
	methodMC       = "mc"
	methodFlatfile = "flatfile"
	methodStdin    = "stdin"
)

// discoveryFlags choose how nodes are discovered and how many of them are
// kept.
type discoveryFlags struct {
	// method is --dm: mc, flatfile or stdin; "" takes the config's
	// default_discovery_method. discover records the method it used here
	// (for mco find -v) and sets resolved.
	method   string
	resolved bool
	// options are --do values: the flatfile's path, stdin's input type.
	options []string
	// nodes is --nodes FILE: flatfile discovery from FILE.
	nodes string
	// window is --discovery-window: end mc discovery once no new reply
	// came for this long.
	window time.Duration
	// expect is --expect: end discovery once this many nodes answered.
	expect int
	// limit is --limit-nodes: a count or a percentage of the nodes.
	limit string
	// seed is --limit-seed: pick the limited nodes at random, as Ruby
	// does with this seed.
	seed optionalInt
	// stdin is read by stdin discovery; nil means the process's.
	stdin io.Reader
}

func (d *discoveryFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.method, "dm", "", "discovery method: mc, flatfile or stdin (default: default_discovery_method from the config, else mc)")
	fs.StringVar(&d.method, "disc-method", "", "same as --dm")
	fs.StringArrayVar(&d.options, "do", nil, "option for the discovery method: the file for flatfile; auto, text or json for stdin")
	fs.StringArrayVar(&d.options, "disc-option", nil, "same as --do")
	fs.StringVar(&d.nodes, "nodes", "", "discover the identities listed in `FILE`, one a line (flatfile discovery)")
	fs.Var((*seconds)(&d.window), "discovery-window", "end discovery once no new reply came for this long (seconds or a duration)")
	fs.IntVar(&d.expect, "expect", 0, "end discovery once this many nodes answered")
	fs.StringVar(&d.limit, "limit-nodes", "", "address only this many of the discovered nodes, or a percentage such as 10%")
	fs.StringVar(&d.limit, "ln", "", "same as --limit-nodes")
	fs.StringVar(&d.limit, "limit", "", "same as --limit-nodes")
	fs.Lookup("limit").Hidden = true
	fs.Var(&d.seed, "limit-seed", "pick the limited nodes at random with this seed, as Ruby's mco does")
	fs.BoolFuncP("one", "1", "address only one of the discovered nodes (--limit-nodes 1)", func(string) error {
		d.limit = "1"
		return nil
	})
}

// discovered is the outcome of discovery.
type discovered struct {
	// nodes are the discovered identities, sorted.
	nodes []string
	// ran is false when no discovery round ran (literal -I identities).
	ran bool
	// elapsed is how long discovery took.
	elapsed time.Duration
	// method is the discovery method used; "" when none ran.
	method string
}

// discover finds the nodes that f selects for agent ("" for none) and
// applies --limit-nodes. Literal -I identities alone are taken as they
// are, as Ruby does, unless --nodes or a --dm other than mc asks for a
// method (the config's default_discovery_method is not consulted then);
// otherwise
// the chosen method runs: mc broadcasts (agent is added to the filter's
// agents, as Ruby's RPC client does), flatfile reads --nodes/--do FILE and
// stdin reads standard input, both keeping the identities that the -I
// filters select. A -S filter switches flatfile and stdin to mc, as Ruby
// does. open is called when the broker or the client config is needed.
func discover(ctx context.Context, open func() (*session, error), c *commonFlags, ff *filterFlags, d *discoveryFlags, agent string) (discovered, error) {
	start := time.Now()
	f, err := ff.build()
	if err != nil {
		return discovered{}, err
	}
	if err := d.check(); err != nil {
		return discovered{}, err
	}
	if (d.method == "" || d.method == methodMC) && d.nodes == "" && len(f.Compound) == 0 {
		if literal := literalIdentities(*ff); literal != nil {
			nodes, err := d.applyLimit(literal, "")
			if err != nil {
				return discovered{}, err
			}
			d.method, d.resolved = methodMC, true // as Ruby reports it
			return discovered{nodes: sortedUnique(nodes), elapsed: time.Since(start)}, nil
		}
	}
	var listed []string
	if d.nodes != "" {
		// Read before connecting, so that a bad file is reported at once.
		if listed, err = readNodesFile(d.nodes); err != nil {
			return discovered{}, err
		}
	}
	sess, err := open()
	if err != nil {
		return discovered{}, err
	}
	method, err := d.resolve(sess, f)
	if err != nil {
		return discovered{}, err
	}
	d.method, d.resolved = method, true
	var nodes []string
	switch method {
	case methodMC:
		nodes, err = mcDiscover(ctx, sess, c, d, withAgent(f, agent))
	case methodFlatfile:
		nodes, err = flatfileDiscover(ctx, listed, d, f)
	case methodStdin:
		nodes, err = stdinDiscover(ctx, d, f)
	}
	if err != nil {
		return discovered{}, err
	}
	if nodes, err = d.applyLimit(nodes, sess.cfg.Raw["rpclimitmethod"]); err != nil {
		return discovered{}, err
	}
	return discovered{nodes: sortedUnique(nodes), ran: true, elapsed: time.Since(start), method: method}, nil
}

// check rejects flag combinations Ruby rejects, before anything is read.
func (d *discoveryFlags) check() error {
	if d.nodes != "" && !d.resolved && (d.method != "" && d.method != methodFlatfile || len(d.options) > 0) {
		return usageErr(fmt.Errorf("cannot mix --disc-method, --disc-option and --nodes"))
	}
	switch d.method {
	case "", methodMC, methodFlatfile, methodStdin:
	default:
		return usageErr(fmt.Errorf("unknown discovery method %q (known: mc, flatfile, stdin)", d.method))
	}
	if d.limit != "" {
		if _, err := limitCount(d.limit, 1); err != nil {
			return usageErr(err)
		}
	}
	return nil
}

// resolve picks the discovery method: --nodes means flatfile, then --dm,
// then the config's default_discovery_method, then mc. Compound filters
// need mc, which takes over as in Ruby; a method other than mc needs
// direct addressing.
func (d *discoveryFlags) resolve(sess *session, f protocol.Filter) (string, error) {
	method := d.method
	switch {
	case d.nodes != "":
		method = methodFlatfile
	case method == "":
		method = sess.cfg.Raw["default_discovery_method"]
	}
	switch method {
	case "", methodMC:
		return methodMC, nil
	case methodFlatfile, methodStdin:
	default:
		return "", &ExitError{Code: ExitFailure, Err: fmt.Errorf("unknown discovery method %q in default_discovery_method", method)}
	}
	if len(f.Compound) > 0 {
		sess.log.Info("Switching to mc discovery method because compound filters are used")
		return methodMC, nil
	}
	if !sess.cfg.DirectAddressing {
		return "", &ExitError{Code: ExitFailure, Err: fmt.Errorf("custom discovery methods require direct addressing mode (direct_addressing = 1)")}
	}
	if len(f.Class) > 0 {
		return "", usageErr(fmt.Errorf("cannot use class filters while using the '%s' discovery method", method))
	}
	if len(f.Fact) > 0 {
		return "", usageErr(fmt.Errorf("cannot use fact filters while using the '%s' discovery method", method))
	}
	return method, nil
}

// applyLimit keeps the nodes --limit-nodes allows: the first ones, as
// Ruby's default rpclimitmethod "first" does, or a random pick when
// rpclimitmethod is "random" or --limit-seed is given.
func (d *discoveryFlags) applyLimit(nodes []string, limitMethod string) ([]string, error) {
	if d.limit == "" {
		return nodes, nil
	}
	var out []string
	var err error
	switch {
	case d.seed.set:
		out, err = limitNodes(nodes, d.limit, d.seed.value)
	case limitMethod == "random":
		out, err = limitNodes(nodes, d.limit, time.Now().UnixNano())
	default:
		out, err = limitFirst(nodes, d.limit)
	}
	if err != nil {
		return nil, usageErr(err)
	}
	return out, nil
}

func mcDiscover(ctx context.Context, sess *session, c *commonFlags, d *discoveryFlags, f protocol.Filter) ([]string, error) {
	window := d.window
	if window == 0 {
		window = sess.cfg.DiscoveryWindow
	}
	expect := d.expect
	if n, ok := d.firstCount(sess.cfg.Raw["rpclimitmethod"]); ok && (expect == 0 || n < expect) {
		// As Ruby: a plain count with the "first" method ends discovery
		// once that many nodes answered.
		expect = n
	}
	nodes, err := sess.client.Discover(ctx, client.Discovery{Filter: f,
		Timeout: sess.discoveryTimeout(c) + dataTimeout(f), Window: window, Expect: expect})
	if err != nil {
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	return nodes, nil
}

// firstCount is the --limit-nodes count when it is a plain number and the
// nodes are kept in discovery order.
func (d *discoveryFlags) firstCount(limitMethod string) (int, bool) {
	if d.limit == "" || d.seed.set || limitMethod == "random" {
		return 0, false
	}
	n, err := limitCount(d.limit, 0)
	if err != nil || strconv.Itoa(n) != d.limit {
		return 0, false
	}
	return n, true
}

// dataTimeout is the time the data plugins of compound filters may add to
// discovery: Ruby adds each plugin's DDL timeout, 1 s for every shipped
// one, per call.
func dataTimeout(f protocol.Filter) time.Duration {
	var t time.Duration
	for _, stack := range f.Compound {
		for _, tok := range stack {
			if tok.Kind == protocol.TokenFStatement {
				t += time.Second
			}
		}
	}
	return t
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

// stdinReader is the input stdin discovery reads.
func (d *discoveryFlags) stdinReader() io.Reader {
	if d.stdin != nil {
		return d.stdin
	}
	return os.Stdin
}

// optionalInt is an integer flag that records whether it was given.
type optionalInt struct {
	value int64
	set   bool
}

func (o *optionalInt) String() string {
	if !o.set {
		return ""
	}
	return fmt.Sprint(o.value)
}

func (o *optionalInt) Type() string { return "int" }

func (o *optionalInt) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not an integer", v)
	}
	o.value, o.set = n, true
	return nil
}
