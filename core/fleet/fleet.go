package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/server"
	"github.com/marionette-mco/marionette/core/transport"
)

// Defaults applied when Options leaves a field at zero.
const (
	DefaultPerConn       = 500
	DefaultShutdownGrace = 10 * time.Second
)

// Options configures a Fleet.
type Options struct {
	// N is the number of virtual nodes; 0 runs none.
	N int
	// First is the index of the first node, so that several fleets can
	// share a broker with distinct identities.
	First int
	// Prefix starts every identity: node i is Prefix + i.
	Prefix string
	// PerConn is how many nodes share one broker connection (default
	// DefaultPerConn); 1 gives each node a connection of its own.
	PerConn int
	// Workers bounds the requests handled at once across the fleet;
	// default 4 × GOMAXPROCS.
	Workers int
	// Connector is the broker connection and destination layout.
	Connector config.Connector
	// Collectives every node belongs to.
	Collectives []string
	// Facts returns node i's facts; default Facts.
	Facts func(i int) *facts.Snapshot
	// Agents are served by every node; default the discovery agent.
	Agents *agent.Registry
	// DecodeEach makes every node decode each request envelope itself
	// (server.Server.Handle) instead of once per connection
	// (server.Decode, then HandleDecoded); for comparison, slower.
	DecodeEach bool
	// ShutdownGrace bounds the wait for in-flight requests once Run's
	// context ends; default DefaultShutdownGrace.
	ShutdownGrace time.Duration
}

// Fleet is a set of virtual nodes and the connections they share.
type Fleet struct {
	opts  Options
	links []*link
	nodes []*server.Server
	log   *slog.Logger

	mu      sync.Mutex
	running bool
}

// New builds the fleet's nodes and connections and registers every
// node's subscriptions; nothing is dialled until Run. sec checks
// requests and signs replies for every node (the PSK provider holds no
// per-node state: one instance serves all).
func New(opts Options, sec security.Provider, log *slog.Logger) (*Fleet, error) {
	if err := opts.withDefaults(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Fleet{opts: opts, log: log.With("component", "fleet"), nodes: make([]*server.Server, 0, opts.N)}
	names := opts.Agents.Names()
	for k := 0; k*opts.PerConn < opts.N; k++ {
		first := opts.First + k*opts.PerConn
		count := min(opts.PerConn, opts.N-k*opts.PerConn)
		l, err := f.newLink(k, first)
		if err != nil {
			return nil, err
		}
		for i := first; i < first+count; i++ {
			if err := f.addNode(l, i, sec, names); err != nil {
				return nil, err
			}
		}
		f.links = append(f.links, l)
	}
	return f, nil
}

func (o *Options) withDefaults() error {
	if o.N < 0 || o.First < 0 {
		return fmt.Errorf("fleet: negative node count %d or first index %d", o.N, o.First)
	}
	if len(o.Collectives) == 0 {
		return errors.New("fleet: no collectives")
	}
	if o.PerConn <= 0 {
		o.PerConn = DefaultPerConn
	}
	if o.Connector.Name == transport.NameActiveMQ && o.PerConn > 1 {
		return errors.New("fleet: the activemq layout gives every node's directed subscription the same id; it needs one connection per node (PerConn = 1)")
	}
	if o.Workers <= 0 {
		o.Workers = 4 * runtime.GOMAXPROCS(0)
	}
	if o.Facts == nil {
		o.Facts = Facts
	}
	if o.Agents == nil {
		o.Agents = agent.NewRegistry()
		if err := o.Agents.Register("discovery", agent.Discovery{}); err != nil {
			return err
		}
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = DefaultShutdownGrace
	}
	return nil
}

// newLink makes connection k, whose first node has index first. A
// connection of its own presents the node's identity, as mcollectived.
func (f *Fleet) newLink(k, first int) (*link, error) {
	id := f.opts.Prefix + "conn" + strconv.Itoa(k)
	if f.opts.PerConn == 1 {
		id = Identity(f.opts.Prefix, first)
	}
	conn, err := transport.New(f.opts.Connector, id, f.log.With("conn", id))
	if err != nil {
		return nil, fmt.Errorf("fleet: connection %d: %w", k, err)
	}
	return &link{conn: conn, routes: map[string][]*server.Server{}}, nil
}

// addNode builds node i on l: its pipeline and its subscriptions.
func (f *Fleet) addNode(l *link, i int, sec security.Provider, agentNames []string) error {
	id := Identity(f.opts.Prefix, i)
	node := server.NewNode(id, staticFacts{f.opts.Facts(i)}, f.opts.Agents, f.opts.Collectives)
	srv := server.New(server.Options{Identity: id, Collectives: f.opts.Collectives},
		l.conn, sec, node, f.opts.Agents, f.log.With("identity", id))
	for _, sub := range l.conn.Layout().NodeSubscriptions(f.opts.Collectives, id, agentNames) {
		if err := l.conn.Subscribe(sub); err != nil {
			return fmt.Errorf("fleet: node %s: %w", id, err)
		}
		l.add(sub, srv)
	}
	f.nodes = append(f.nodes, srv)
	return nil
}

// Connections returns how many broker connections the fleet uses.
func (f *Fleet) Connections() int { return len(f.links) }

// Run connects every connection, handles requests until ctx ends, then
// shuts down as mcollectived does: stop taking messages, let the requests
// already taken finish (ShutdownGrace at most) while the connections are
// still up, then disconnect. It returns an error when a connection gives
// up reconnecting (which stops the whole fleet).
func (f *Fleet) Run(ctx context.Context) error {
	f.mu.Lock()
	if f.running {
		f.mu.Unlock()
		return errors.New("fleet: Run called twice")
	}
	f.running = true
	f.mu.Unlock()

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	connCtx, stopConns := context.WithCancel(context.WithoutCancel(ctx))
	defer stopConns()
	var conns sync.WaitGroup
	errs := make(chan error, len(f.links))
	for _, l := range f.links {
		conns.Go(func() {
			if err := l.conn.Run(connCtx); err != nil {
				errs <- err
				stop()
			}
		})
	}

	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	jobs := make(chan job, 2*f.opts.Workers)
	var workers sync.WaitGroup
	for range f.opts.Workers {
		workers.Go(func() {
			for j := range jobs {
				j.run(work)
			}
		})
	}
	var dispatchers sync.WaitGroup
	for _, l := range f.links {
		dispatchers.Go(func() { l.dispatch(runCtx, jobs, f.opts.Workers, f.opts.DecodeEach) })
	}
	f.log.Info("fleet running", "nodes", len(f.nodes), "connections", len(f.links), "workers", f.opts.Workers)

	<-runCtx.Done()
	dispatchers.Wait()
	close(jobs)
	grace := time.AfterFunc(f.opts.ShutdownGrace, func() {
		f.log.Warn("shutdown grace over, cancelling in-flight requests")
		cancelWork()
	})
	workers.Wait()
	grace.Stop()
	stopConns()
	conns.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// WaitConnected waits until every connection is up.
func (f *Fleet) WaitConnected(ctx context.Context) error {
	for _, l := range f.links {
		if err := l.conn.WaitConnected(ctx); err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
	}
	return nil
}

// Stats returns the counters of every node added up.
func (f *Fleet) Stats() server.StatsSnapshot {
	var t server.StatsSnapshot
	for _, n := range f.nodes {
		s := n.Stats().Snapshot()
		t.Total += s.Total
		t.Validated += s.Validated
		t.Unvalidated += s.Unvalidated
		t.Filtered += s.Filtered
		t.Passed += s.Passed
		t.Replies += s.Replies
		t.TTLExpired += s.TTLExpired
	}
	return t
}
