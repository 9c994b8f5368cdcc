// Command mcfleet runs many virtual mcollectived nodes in one process, for
// benchmarks and load tests. It reads a base server.cfg (connector,
// security, collectives, logging; identity and facts are generated) and
// runs N nodes named <prefix>0 ... <prefix>N-1 through the daemon's
// pipeline, sharing broker connections (see package core/fleet). With
// --broker (or plugin.broker.enable in the config) it also hosts the
// embedded broker; with -n 0 it is a broker alone.
//
//	mcfleet -c server.cfg -n 10000 [--prefix fleet-] [--first 0] [--per-conn 500]
//	        [--agents libdir|builtin] [--workers N] [--decode-each] [--gogc 400]
//	        [--broker 127.0.0.1:61613] [--cpuprofile FILE]
//
// The nodes serve the agents mcollectived would load from libdir (the
// base config's, then bin/libdir), each opened once for the whole fleet:
// one go-plugin process, one Lua state pool (see fleet.Host for what such
// a shared agent sees); --agents builtin serves the built-in discovery
// agent alone. SIGUSR1 makes it collect garbage and return free memory
// to the system (for memory measurements).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/daemon"
	"github.com/marionette-mco/marionette/core/fleet"
	"github.com/marionette-mco/marionette/core/logging"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// defaultGOGC is the fleet's garbage collector target. N virtual nodes
// share one heap, and every collection scans all of them (and their
// subscriptions' goroutine stacks), while N real daemons each collect a
// small heap of their own, rarely during one request: a higher target
// keeps the one process closer to that.
const defaultGOGC = 400

func main() {
	os.Exit(run())
}

type flags struct {
	config, prefix, brokerAddr, cpuprofile string
	agents                                 string
	n, first, perConn, workers, gogc       int
	decodeEach                             bool
}

func parse() (*flags, int) {
	f := &flags{}
	fs := flag.NewFlagSet("mcfleet", flag.ContinueOnError)
	fs.StringVar(&f.config, "c", config.DefaultServerPath(), "base server configuration file")
	fs.StringVar(&f.config, "config", config.DefaultServerPath(), "same as -c")
	fs.IntVar(&f.n, "n", 100, "number of virtual nodes")
	fs.IntVar(&f.first, "first", 0, "index of the first node")
	fs.StringVar(&f.prefix, "prefix", "fleet-", "identity prefix: nodes are <prefix><index>")
	fs.IntVar(&f.perConn, "per-conn", 0, fmt.Sprintf("nodes per broker connection; 1 = one connection per node (default %d, 1 for activemq)", fleet.DefaultPerConn))
	fs.IntVar(&f.workers, "workers", 0, "requests handled at once across the fleet (default 4 × GOMAXPROCS)")
	fs.StringVar(&f.agents, "agents", agentsLibdir, "agents the nodes serve: libdir (what mcollectived loads, one instance for the whole fleet) or builtin (the built-in discovery agent alone)")
	fs.BoolVar(&f.decodeEach, "decode-each", false, "every node decodes each request itself instead of once per connection (slower; for comparison)")
	fs.StringVar(&f.brokerAddr, "broker", "", "run the embedded broker on this host:port")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.IntVar(&f.gogc, "gogc", defaultGOGC, "garbage collector target percentage (GOGC); the environment's GOGC wins")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0
		}
		return nil, 64
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "mcfleet: unexpected arguments %v\n", fs.Args())
		return nil, 64
	}
	return f, -1
}

func run() int {
	f, code := parse()
	if f == nil {
		return code
	}
	cfg, err := config.Load(f.config, config.LoadOptions{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "mcfleet: %v\n", err)
		return 1
	}
	log, closer, err := logging.New(cfg.Logging, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mcfleet: %v\n", err)
		return 1
	}
	defer closer.Close()
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(f.gogc)
	}
	if f.cpuprofile != "" {
		stop, err := startProfile(f.cpuprofile)
		if err != nil {
			log.Error("cannot profile", "err", err)
			return 1
		}
		defer stop()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go freeOnSignal(ctx)
	if err := serve(ctx, f, cfg, log); err != nil {
		log.Error("mcfleet stopped", "err", err)
		return 1
	}
	return 0
}

// serve runs the embedded broker (if asked) and the fleet until ctx ends;
// the broker stops last.
func serve(ctx context.Context, f *flags, cfg *config.Config, log *slog.Logger) error {
	var bg sync.WaitGroup
	defer bg.Wait()
	brokerCtx, stopBroker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBroker()
	if f.brokerAddr != "" || cfg.Broker.Enable {
		bc := cfg.Broker
		if f.brokerAddr != "" {
			bc.Listen = f.brokerAddr
		}
		if err := daemon.StartBroker(brokerCtx, bc, log, &bg); err != nil {
			return err
		}
	}
	if f.n == 0 {
		<-ctx.Done()
		return nil
	}
	agents := agent.NewRegistry()
	defer agents.Close()
	host := &fleet.Host{Name: f.prefix + "fleet", Config: cfg.Raw, MainCollective: cfg.MainCollective,
		Collectives: cfg.Collectives, Agents: agents, Version: daemon.Version}
	if err := loadAgents(f.agents, cfg, host, agents, log); err != nil {
		return err
	}
	flt, err := newFleet(f, cfg, agents, log)
	if err != nil {
		return err
	}
	host.Fleet = flt
	log.Info("mcfleet starting", "nodes", f.n, "connections", flt.Connections(), "agents", agents.Names())
	return flt.Run(ctx)
}

// newFleet wires the fleet from the flags and the base config.
func newFleet(f *flags, cfg *config.Config, agents *agent.Registry, log *slog.Logger) (*fleet.Fleet, error) {
	sec, err := security.New(cfg.Security, f.prefix+"fleet", nil)
	if err != nil {
		return nil, err
	}
	perConn := f.perConn
	if perConn == 0 && cfg.Connector.Name == transport.NameActiveMQ {
		perConn = 1
	}
	return fleet.New(fleet.Options{N: f.n, First: f.first, Prefix: f.prefix, PerConn: perConn, Workers: f.workers,
		Connector: cfg.Connector, Collectives: cfg.Collectives, Agents: agents, DecodeEach: f.decodeEach}, sec, log)
}

// freeOnSignal collects garbage and returns free memory to the system on
// each SIGUSR1, until ctx ends, so that the fleet's RSS can be read
// without the garbage GOGC lets pile up.
func freeOnSignal(ctx context.Context) {
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)
	for {
		select {
		case <-usr1:
			debug.FreeOSMemory()
		case <-ctx.Done():
			return
		}
	}
}

func startProfile(path string) (func(), error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); out.Close() }, nil
}
