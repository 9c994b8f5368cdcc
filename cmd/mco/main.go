// Command mco is the Marionette client: MCollective's mco, with its
// applications and flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/marionette-mco/marionette/core/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}
