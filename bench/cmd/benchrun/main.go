// Command benchrun is the fleet benchmark behind `make bench-quick` and
// `make bench` (bench/bench.mk). It starts an embedded broker (bin/mcfleet
// -n 0), then for each N a fleet of N virtual nodes (bin/mcfleet) and the
// raw go-stomp floor with as many responders (bin/floor serve), and times
// rounds of the real client (bin/mco ping --expect N) against rounds of
// the floor's ping, interleaved. It also times mco find with a discovery
// window against the fixed discovery timeout, measures memory, and, for
// the full bench, RabbitMQ and Ruby MCollective. Results go to
// <out>/results.json, results.md and results.png.
//
//	go run ./bench/cmd/benchrun -quick   # N = 10, 100, 1000; under a minute
//	go run ./bench/cmd/benchrun          # N up to 50000, RabbitMQ, Ruby
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	quick   bool
	out     string
	bin     string
	rounds  int
	sizes   []int
	perConn int
	profile string
	rabbit  string
	peers   string
	keep    bool
}

func parseFlags() options {
	o := options{}
	var sizes string
	flag.BoolVar(&o.quick, "quick", false, "the quick bench: N up to 1000, no RabbitMQ or Ruby (under a minute)")
	flag.StringVar(&o.out, "out", "bench", "directory for results.json, results.md and results.png")
	flag.StringVar(&o.bin, "bin", "bin", "directory holding mco, mcollectived, mcfleet and floor")
	flag.IntVar(&o.rounds, "rounds", 0, "timed rounds per case (default 25; at most 5 for N ≥ 10000 and rpc, 3 for find)")
	flag.StringVar(&sizes, "sizes", "", "comma-separated fleet sizes (default 10,100,1000 quick; 10,100,1000,10000,50000 full)")
	flag.IntVar(&o.perConn, "per-conn", 500, "virtual nodes (and floor responders) per broker connection")
	flag.StringVar(&o.profile, "profile", "", "write CPU profiles of the broker and each fleet to this directory")
	flag.StringVar(&o.rabbit, "rabbitmq", rabbitDefault(), "RabbitMQ STOMP host:port for the full bench (empty: skip)")
	flag.StringVar(&o.peers, "peers", "../shared/peers/rubymc-peer.sh", "Ruby MCollective peer script for the full bench")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (configs, logs)")
	flag.Parse()
	if o.rounds <= 0 {
		// On two shared cores single rounds vary by half; 25 give a
		// median that holds from run to run.
		o.rounds = 25
	}
	if sizes == "" {
		sizes = "10,100,1000,10000,50000"
		if o.quick {
			sizes = "10,100,1000"
		}
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			log.Fatalf("benchrun: bad size %q", s)
		}
		o.sizes = append(o.sizes, n)
	}
	return o
}

// rabbitDefault is MARIONETTE_RABBITMQ, else 127.0.0.1:61613 when
// something listens there.
func rabbitDefault() string {
	if v := os.Getenv("MARIONETTE_RABBITMQ"); v != "" {
		return v
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:61613", 300*time.Millisecond); err == nil {
		c.Close()
		return "127.0.0.1:61613"
	}
	return ""
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("benchrun: ")
	o := parseFlags()
	b, err := newBench(o)
	if err != nil {
		log.Fatal(err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		log.Print("interrupted; stopping everything")
		b.cleanup()
		os.Exit(130)
	}()
	err = b.run()
	b.cleanup()
	if err != nil {
		log.Fatal(err)
	}
}

// bench is one run's state.
type bench struct {
	opts    options
	bin     string
	repo    string
	work    string
	port    int
	broker  *proc
	procs   []*proc
	stops   []func()
	results Results
	// fleetBaseKB is the RSS of an mcfleet running one node.
	fleetBaseKB int
}

func newBench(o options) (*bench, error) {
	repo, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"mco", "mcollectived", "mcfleet", "floor"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return nil, fmt.Errorf("%s missing in %s: build it first (make -f bench/bench.mk bench-bins, or make bench-quick)", name, bin)
		}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "marionette-bench-")
	if err != nil {
		return nil, err
	}
	mode := "full"
	if o.quick {
		mode = "quick"
	}
	return &bench{opts: o, bin: bin, repo: repo, work: work,
		results: Results{Mode: mode, Started: time.Now(), Machine: machine()}}, nil
}

func (b *bench) exe(name string) string { return filepath.Join(b.bin, name) }

// startProc starts a long-running process and remembers it for cleanup.
func (b *bench) startProc(name, bin string, args ...string) (*proc, error) {
	p, err := start(b.work, name, bin, args...)
	if err != nil {
		return nil, err
	}
	b.procs = append(b.procs, p)
	return p, nil
}

func (b *bench) cleanup() {
	for i := len(b.stops) - 1; i >= 0; i-- {
		b.stops[i]()
	}
	b.stops = nil
	for i := len(b.procs) - 1; i >= 0; i-- {
		b.procs[i].stop()
	}
	b.procs = nil
	if !b.opts.keep {
		os.RemoveAll(b.work)
	} else {
		log.Printf("work directory kept: %s", b.work)
	}
}

func (b *bench) add(c Case) {
	b.results.Cases = append(b.results.Cases, c)
	log.Printf("%-28s n=%-6d %s %s", c.Name, c.N, c.result(), strings.TrimSpace(ratio(c.Ratio)+" "+c.notes()))
}

func (b *bench) run() error {
	log.Printf("work directory %s; machine: %d CPUs, load %s", b.work, b.results.Machine.CPUs, b.results.Machine.LoadStart)
	if err := b.startBroker(); err != nil {
		return err
	}
	if err := b.measureFleetBase(); err != nil {
		return err
	}
	b.idleDaemon()
	for _, n := range b.opts.sizes {
		if err := b.pingCase(n); err != nil {
			return err
		}
	}
	b.derived()
	if !b.opts.quick {
		b.rabbitCases()
		b.rubyCases()
	}
	return b.write()
}

// startBroker runs the embedded broker alone in an mcfleet process.
func (b *bench) startBroker() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	b.port = port
	if err := b.writeConfigs(); err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"-c", b.cfg("fleet.cfg"), "-n", "0", "--broker", addr}
	if b.opts.profile != "" {
		args = append(args, "--cpuprofile", b.profilePath("broker.cpu"))
	}
	b.broker, err = b.startProc("broker", b.exe("mcfleet"), args...)
	if err != nil {
		return err
	}
	return waitListening(addr, 10*time.Second)
}

func (b *bench) profilePath(name string) string {
	p, _ := filepath.Abs(filepath.Join(b.opts.profile, name))
	_ = os.MkdirAll(filepath.Dir(p), 0o755)
	return p
}

func (b *bench) cfg(name string) string { return filepath.Join(b.work, name) }

// measureFleetBase measures an mcfleet of one node that has answered a
// ping (its agents loaded, its connection up), the base of the per-node
// memory figures: what a fleet costs whatever its size.
func (b *bench) measureFleetBase() error {
	p, err := b.startProc("fleet-base", b.exe("mcfleet"), "-c", b.cfg("fleet.cfg"), "-n", "1", "--prefix", "base-")
	if err != nil {
		return err
	}
	defer p.stop()
	if _, err := waitReady(b.mcoPing(b.cfg("client.cfg"), "-I", "base-0"), 1, p); err != nil {
		return err
	}
	if err := syscall.Kill(p.pid(), syscall.SIGUSR1); err != nil {
		return err
	}
	time.Sleep(time.Second)
	b.fleetBaseKB, err = rssKB(p.pid())
	return err
}

func (b *bench) write() error {
	b.results.Duration = time.Since(b.results.Started).Seconds()
	b.results.Machine.LoadEnd = loadavg()
	var errs []error
	errs = append(errs, writeJSON(filepath.Join(b.opts.out, "results.json"), &b.results))
	errs = append(errs, writeMarkdown(filepath.Join(b.opts.out, "results.md"), &b.results))
	if err := writePlot(filepath.Join(b.opts.out, "results.png"), &b.results); err != nil {
		log.Printf("no plot: %v", err)
	}
	log.Printf("wrote %s/results.json, results.md, results.png in %.0f s", b.opts.out, b.results.Duration)
	return errors.Join(errs...)
}
