// Command mco is the Marionette client: MCollective's mco, with its
// applications and flags.
//
// Two runtime settings suit a client that receives one stream of replies,
// each overridden by its environment variable:
//
//   - GOMAXPROCS 1: a reply passes through a chain of goroutines (go-stomp's
//     reader and dispatchers, the transport's pump, the client); on one P
//     each hand-off is a run-queue operation, not the wake-up of another
//     thread, and the reader takes the socket's bytes in larger reads.
//     A ping burst costs about a fifth less CPU.
//   - GOGC 400 rather than Go's 100: a run is short, and a burst of replies
//     is garbage that would otherwise be collected while they arrive.
//
// With MARIONETTE_CPUPROFILE set, mco writes a CPU profile of its whole
// run to that file, for `go tool pprof`; a "%p" in the name is replaced by
// the process id, so that many runs (one mco ping is a few milliseconds of
// CPU, a sample or two at pprof's 100 Hz) can be profiled and read
// together: `go tool pprof -top bin/mco dir/*.cpu`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"

	"github.com/marionette-mco/marionette/core/cli"
)

// profileEnv names the file mco writes a CPU profile to.
const profileEnv = "MARIONETTE_CPUPROFILE"

// mco's runtime settings unless the environment sets GOGC or GOMAXPROCS
// (see the package documentation).
const (
	gcPercent = 400
	maxProcs  = 1
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(maxProcs)
	}
	stopProfile, err := startProfile(os.Getenv(profileEnv))
	if err != nil {
		fmt.Fprintf(os.Stderr, "mco: %s: %v\n", profileEnv, err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	stopProfile()
	os.Exit(code)
}

// startProfile starts a CPU profile written to path ("%p" replaced by the
// process id) and returns the function that ends it. An empty path
// profiles nothing.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	path = strings.ReplaceAll(path, "%p", strconv.Itoa(os.Getpid()))
	out, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create profile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, fmt.Errorf("start profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close()
	}, nil
}
