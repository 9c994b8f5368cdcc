package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/logging"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// session is one mco run's connection to the fleet.
type session struct {
	cfg        *config.Config
	client     *client.Client
	collective string
	log        *slog.Logger
	logClose   io.Closer
	cancel     context.CancelFunc
	done       chan struct{}
}

// openSession loads the client config, connects to the broker and builds
// the client. The connection attempt is bounded by the command's timeout.
func openSession(ctx context.Context, sio IO, c *commonFlags) (*session, error) {
	path := c.config
	if path == "" {
		path = config.DefaultClientPath()
	}
	cfg, err := config.Load(path, config.LoadOptions{Env: sio.Getenv})
	if err != nil {
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	logCfg := cfg.Logging
	if logCfg.Type == "" || logCfg.Type == "file" && logCfg.File == "" {
		logCfg.Type = "console"
	}
	if c.verbose && logging.Level(logCfg.Level) > slog.LevelInfo {
		logCfg.Level = "info"
	}
	log, closer, err := logging.New(logCfg, sio.Stderr)
	if err != nil {
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	collective := cfg.MainCollective
	if c.target != "" {
		collective = c.target
	}
	sec, err := security.New(cfg.Security, cfg.Identity, nil)
	if err != nil {
		closer.Close()
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	conn, err := transport.New(cfg.Connector, cfg.Identity, log)
	if err != nil {
		closer.Close()
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &session{cfg: cfg, collective: collective, log: log, logClose: closer, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if err := conn.Run(runCtx); err != nil {
			log.Debug("connection ended", "err", err)
		}
	}()
	wait := c.timeout + s.discoveryTimeout(c)
	if wait < 2*time.Second {
		wait = 2 * time.Second
	}
	wctx, wcancel := context.WithTimeout(ctx, wait)
	defer wcancel()
	if err := conn.WaitConnected(wctx); err != nil {
		s.Close()
		return nil, &ExitError{Code: ExitFailure, Err: fmt.Errorf("cannot connect to the broker (%s) within %s", brokers(cfg.Connector), wait)}
	}
	ttl := cfg.TTL
	s.client = client.New(client.Options{Identity: cfg.Identity, Collective: collective, TTL: ttl}, conn, sec, log)
	return s, nil
}

// lazySession opens a run's session on first use: discovery from a
// flatfile or stdin needs no broker, and a run that ends there never
// connects.
type lazySession struct {
	ctx    context.Context
	sio    IO
	common *commonFlags
	sess   *session
}

// open returns the session, connecting on the first call.
func (l *lazySession) open() (*session, error) {
	if l.sess != nil {
		return l.sess, nil
	}
	s, err := openSession(l.ctx, l.sio, l.common)
	if err != nil {
		return nil, err
	}
	l.sess = s
	return s, nil
}

// Close closes the session if one was opened.
func (l *lazySession) Close() {
	if l.sess != nil {
		l.sess.Close()
	}
}

// discoveryTimeout is --dt, else the config's discovery_timeout.
func (s *session) discoveryTimeout(c *commonFlags) time.Duration {
	if c.discoveryTimeout > 0 {
		return c.discoveryTimeout
	}
	if s != nil && s.cfg.DiscoveryTimeout > 0 {
		return s.cfg.DiscoveryTimeout
	}
	return 2 * time.Second
}

// Close disconnects from the broker.
func (s *session) Close() {
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
	}
	s.logClose.Close()
}

func brokers(c config.Connector) string {
	hosts := make([]string, 0, len(c.Pool))
	for _, h := range c.Pool {
		hosts = append(hosts, fmt.Sprintf("%s:%d", h.Host, h.Port))
	}
	if len(hosts) == 0 {
		return "no broker configured"
	}
	return strings.Join(hosts, ", ")
}
