// Package logging builds the slog.Logger that MCollective's logger_type,
// logfile and loglevel keys describe.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"strings"

	"github.com/marionette-mco/marionette/core/config"
)

// Level maps an MCollective log level name to a slog level; fatal maps to
// error, an unknown name to info.
func Level(name string) slog.Level {
	switch strings.ToLower(name) {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error", "fatal":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// New returns a logger for cfg and a closer for its output. Console logs go
// to stderr; file logs are appended to cfg.File; syslog logs go to the
// local syslog daemon with the "mcollective" tag.
func New(cfg config.Logging, stderr io.Writer) (*slog.Logger, io.Closer, error) {
	opts := &slog.HandlerOptions{Level: Level(cfg.Level)}
	switch cfg.Type {
	case "", "console":
		return slog.New(slog.NewTextHandler(stderr, opts)), io.NopCloser(nil), nil
	case "file":
		if cfg.File == "" {
			return slog.New(slog.NewTextHandler(stderr, opts)), io.NopCloser(nil), nil
		}
		f, err := os.OpenFile(cfg.File, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
		if err != nil {
			return nil, nil, fmt.Errorf("open log file: %w", err)
		}
		return slog.New(slog.NewTextHandler(f, opts)), f, nil
	case "syslog":
		w, err := syslog.New(syslog.LOG_INFO|syslog.LOG_DAEMON, "mcollective")
		if err != nil {
			return nil, nil, fmt.Errorf("open syslog: %w", err)
		}
		return slog.New(slog.NewTextHandler(w, opts)), w, nil
	}
	return nil, nil, fmt.Errorf("logger_type %q: want console, file or syslog", cfg.Type)
}
