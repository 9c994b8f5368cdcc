// Command mcollectived is the Marionette daemon: it joins the broker,
// answers requests that match its facts, and runs agents.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/daemon"
	"github.com/marionette-mco/marionette/core/logging"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("mcollectived", flag.ContinueOnError)
	cfgPath := fs.String("config", config.DefaultServerPath(), "server configuration file")
	fs.StringVar(cfgPath, "c", config.DefaultServerPath(), "server configuration file (short)")
	pidfile := fs.String("pidfile", "", "write the daemon's pid to this file")
	noDaemon := fs.Bool("no-daemonize", false, "stay in the foreground whatever daemonize says")
	strict := fs.Bool("strict", false, "treat unknown configuration keys as errors")
	brokerOnly := fs.Bool("broker-only", false, "run only the embedded STOMP broker (plugin.broker.*), no node")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 64
	}
	cfg, err := config.Load(*cfgPath, config.LoadOptions{Strict: *strict})
	if err != nil {
		fmt.Fprintf(os.Stderr, "mcollectived: %v\n", err)
		return 1
	}
	// A node daemon answers a few requests at a time: one processor spares
	// the node's CPUs and the wake-ups between threads. The embedded
	// broker, which serves a whole fleet, keeps them all; GOMAXPROCS in
	// the environment wins.
	if os.Getenv("GOMAXPROCS") == "" && !cfg.Broker.Enable && !*brokerOnly {
		if err := daemon.OneProcessor(); err != nil {
			fmt.Fprintf(os.Stderr, "mcollectived: %v; setting it in this process\n", err)
			runtime.GOMAXPROCS(1)
		}
	}
	for _, u := range cfg.Unknown {
		fmt.Fprintf(os.Stderr, "mcollectived: %s:%d: unknown configuration key %q\n", u.File, u.Line, u.Key)
	}
	if cfg.Daemonize && !*noDaemon && !daemon.Detached(os.Getenv) {
		if _, err := daemon.Detach(*pidfile, 10*time.Second); err != nil {
			fmt.Fprintf(os.Stderr, "mcollectived: %v\n", err)
			return 1
		}
		return 0
	}
	log, closer, err := logging.New(cfg.Logging, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mcollectived: %v\n", err)
		return 1
	}
	defer closer.Close()
	if *pidfile != "" {
		if err := daemon.WritePID(*pidfile); err != nil {
			log.Error("cannot start", "err", err)
			return 1
		}
		defer daemon.RemovePID(*pidfile)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runner := daemon.Run
	if *brokerOnly {
		runner = daemon.RunBroker
	}
	if err := runner(ctx, cfg, log); err != nil {
		log.Error("daemon stopped", "err", err)
		return 1
	}
	return 0
}
