package sdk

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/marionette-mco/marionette/sdk/plugin"
)

// parentPoll is how often a plugin checks that the process that started
// it (the daemon's plugin host) is still its parent.
const parentPoll = time.Second

// Serve serves the agent over go-plugin gRPC; a plugin's main calls it and
// nothing else. It returns when the daemon stops the plugin, and exits the
// process with status 1 if agent cannot be served or the executable was
// not started by the daemon.
//
// Serve runs the plugin on one processor (GOMAXPROCS=1) unless the
// environment sets GOMAXPROCS: a plugin serves a few calls at a time, and
// on one processor a call costs fewer thread wake-ups.
//
// Serve makes slog's default logger write JSON lines to the daemon, which
// logs them as its own with the plugin's name: agents log with slog. What
// an agent writes to stdout and stderr is logged by the daemon too.
//
// The plugin exits by itself when the process that started it (the
// daemon's plugin host, which dies with the daemon) goes away: it is
// started with a parent-death signal on Linux, and Serve also watches its
// parent process and exits when it changes.
func Serve(agent *Agent) {
	if err := agent.Check(); err != nil {
		fmt.Fprintf(os.Stderr, "marionette plugin: %v\n", err)
		os.Exit(1)
	}
	// A plugin serves a few calls at a time from one daemon: on one
	// processor the hand-offs between go-plugin's goroutines are cheap
	// run-queue operations instead of thread wake-ups.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	// go-plugin replaces os.Stderr with a pipe to the daemon's stdio
	// stream; log lines must go to the real stderr, which the daemon
	// parses as hclog JSON.
	stderr := os.Stderr
	slog.SetDefault(slog.New(newLogHandler(stderr))) // the daemon adds the agent's name

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go watchParent(ctx, os.Getppid(), os.Getppid, parentPoll, func() {
		slog.Error("the daemon that started this plugin went away; exiting")
		os.Exit(1)
	})

	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: plugin.Handshake,
		Plugins:         plugin.PluginSet(&plugin.AgentPlugin{Impl: newServer(agent)}),
		GRPCServer:      goplugin.DefaultGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:       agent.Name,
			Level:      hclog.Info,
			Output:     stderr,
			JSONFormat: true,
		}),
	})
}

// watchParent calls gone once getppid stops returning parent, checking
// every interval until ctx ends. A process whose parent dies is adopted by
// init or a subreaper, so its parent pid changes.
func watchParent(ctx context.Context, parent int, getppid func() int, interval time.Duration, gone func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if getppid() != parent {
				gone()
				return
			}
		}
	}
}

// newLogHandler returns a slog handler writing the JSON lines go-plugin's
// host parses as hclog output: @level, @message and @timestamp. Every
// level is written; the daemon's logger decides what it keeps.
func newLogHandler(w io.Writer) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: slog.LevelDebug - 4, // hclog's trace; the daemon's logger filters
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.TimeKey:
				return slog.String("@timestamp", a.Value.Time().Format("2006-01-02T15:04:05.000000Z07:00"))
			case slog.LevelKey:
				return slog.String("@level", hclogLevel(a.Value))
			case slog.MessageKey:
				return slog.Attr{Key: "@message", Value: a.Value}
			}
			return a
		},
	})
}

// hclogLevel names a slog level as hclog does.
func hclogLevel(v slog.Value) string {
	l, ok := v.Any().(slog.Level)
	if !ok {
		return "info"
	}
	switch {
	case l < slog.LevelDebug:
		return "trace"
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warn"
	}
	return "error"
}
