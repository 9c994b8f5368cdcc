// Command mcollectived-plugins is the plugin host of mcollectived: it runs
// the node's Go plugin agents with hashicorp/go-plugin, so that the daemon
// itself links no gRPC. mcollectived starts it on the first call to a Go
// plugin agent, talks to it over file descriptors 3 and 4 (package
// core/agent/pluginhost) and stops it when its agents have been idle; it
// is not meant to be run by hand.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/agent/goplugin"
	"github.com/marionette-mco/marionette/core/agent/pluginhost"
)

func main() {
	var st syscall.Stat_t
	if syscall.Fstat(3, &st) != nil || syscall.Fstat(4, &st) != nil {
		fmt.Fprintln(os.Stderr, "mcollectived-plugins: mcollectived starts this program, with its pipes on file descriptors 3 and 4")
		os.Exit(64)
	}
	// The pipes are the daemon's alone: plugins must not inherit them, or
	// the daemon would not see this process end while they live.
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	// Non-blocking, the pipes are served by the runtime poller instead
	// of a thread blocked in read.
	syscall.SetNonblock(3, true)
	syscall.SetNonblock(4, true)
	// A terminal's Ctrl-C or a service manager's SIGTERM reaches the whole
	// process group; the daemon decides when this process stops (it
	// closes fd 3) and answers the calls in flight first.
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	// A relay needs one processor: with more, every message wakes a
	// second thread for nothing, which costs more than it brings.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	in, out := os.NewFile(3, "from-daemon"), os.NewFile(4, "to-daemon")
	if err := pluginhost.Serve(context.Background(), in, out, open); err != nil {
		fmt.Fprintf(os.Stderr, "mcollectived-plugins: %v\n", err)
		os.Exit(1)
	}
}

// open opens a go-plugin agent; its process starts on its first call.
func open(spec pluginhost.Spec, host agent.Host, log *slog.Logger) (agent.Agent, error) {
	return goplugin.New(goplugin.Options{Name: spec.Name, Path: spec.Path, Host: host, Timeout: spec.Timeout,
		MaxConcurrent: spec.MaxConcurrent, IdleStop: spec.IdleStop, Log: log})
}
