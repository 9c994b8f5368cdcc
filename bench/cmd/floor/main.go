// Command floor runs the fleet benchmark's raw go-stomp floor (package
// bench/floor) by hand or from the bench driver:
//
//	floor serve -addr 127.0.0.1:61613 -n 1000 [-per-conn 500] [-dest D] [-reply-bytes B]
//	floor ping  -addr 127.0.0.1:61613 -n 1000 [-dest D] [-reply-to R] [-request-bytes B] [-timeout 10s]
//
// ping prints one JSON object, {"got":N,"first_ns":...,"last_ns":...},
// even when the connection fails half way (exit status 1); it exits 4
// when fewer than -n replies came before the timeout.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/marionette-mco/marionette/bench/floor"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	if len(args) == 0 || (args[0] != "serve" && args[0] != "ping") {
		fmt.Fprintln(os.Stderr, "usage: floor serve|ping [flags]")
		return 64
	}
	fs := flag.NewFlagSet("floor "+args[0], flag.ContinueOnError)
	var b floor.Broker
	fs.StringVar(&b.Addr, "addr", "127.0.0.1:61613", "broker host:port")
	fs.StringVar(&b.Login, "user", "mcollective", "STOMP login")
	fs.StringVar(&b.Passcode, "password", "secret", "STOMP passcode")
	fs.StringVar(&b.VHost, "vhost", "/", "STOMP host header")
	n := fs.Int("n", 100, "virtual subscribers (serve) or replies awaited (ping)")
	dest := fs.String("dest", "/topic/floor.bench.command", "broadcast destination")
	perConn := fs.Int("per-conn", 500, "subscribers per connection (serve)")
	replyBytes := fs.Int("reply-bytes", 300, "body size of each reply (serve)")
	prefix := fs.String("prefix", "floor-", "mc_sender prefix of replies (serve)")
	replyTo := fs.String("reply-to", "", "reply destination (ping; default /topic/floor.reply.<pid>)")
	requestBytes := fs.Int("request-bytes", 400, "body size of the broadcast (ping)")
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for the replies (ping)")
	if err := fs.Parse(args[1:]); err != nil {
		return 64
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if args[0] == "serve" {
		r := floor.Responders{Broker: b, N: *n, PerConn: *perConn, Destination: *dest, ReplyBytes: *replyBytes, Prefix: *prefix}
		if err := r.Run(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "floor serve: %v\n", err)
			return 1
		}
		return 0
	}
	if *replyTo == "" {
		*replyTo = "/topic/floor.reply." + strconv.Itoa(os.Getpid())
	}
	p := floor.Ping{Broker: b, Destination: *dest, ReplyTo: *replyTo, RequestBytes: *requestBytes, N: *n, Timeout: *timeout}
	res, err := p.Run(ctx)
	if jerr := json.NewEncoder(os.Stdout).Encode(res); jerr != nil {
		return 1
	}
	switch {
	case err != nil:
		// What arrived before the failure is printed all the same.
		fmt.Fprintf(os.Stderr, "floor ping: %v\n", err)
		return 1
	case res.Got < *n:
		return 4
	}
	return 0
}
