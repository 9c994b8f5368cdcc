package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// Decoded is a received message with its request envelope decoded once,
// for several nodes that received the very same message (the virtual
// nodes of core/fleet that share a connection). Decoding is a pure
// function of the message body, so every node would have decoded the
// same Request or failed with the same error; everything after decoding
// (PSK digest and TTL check, collective, filter, dispatch, reply) stays
// with each node. Nodes do not share the Request: each opens a shallow
// copy, so a provider that replaces fields on opening (a decrypted Body)
// affects that node only; the bytes and the filter's lists underneath are
// shared and only ever read.
type Decoded struct {
	msg transport.Message
	req *protocol.Request
	err error
}

// Decode decodes msg's request envelope for HandleDecoded.
func Decode(msg transport.Message) *Decoded {
	req, err := protocol.DecodeRequest(msg.Body)
	return &Decoded{msg: msg, req: req, err: err}
}

// Deadline is when the decoded request expires, as HandleDecoded counts
// it, and false when it did not decode. A caller running the request on
// many nodes at once can bound ctx by it once for all of them.
func (d *Decoded) Deadline(now time.Time) (time.Time, bool) {
	if d.err != nil {
		return time.Time{}, false
	}
	return requestDeadline(d.req, now), true
}

// deadlineBy reports whether ctx ends no later than dl.
func deadlineBy(ctx context.Context, dl time.Time) bool {
	cur, ok := ctx.Deadline()
	return ok && !cur.After(dl)
}

// HandleDecoded is Handle for a message decoded by Decode: the same
// steps, counters and log lines, without decoding the envelope again.
func (s *Server) HandleDecoded(ctx context.Context, d *Decoded) {
	s.stats.total.Add(1)
	req, err := s.verify(d)
	if err != nil {
		s.log.Warn("dropped message", "destination", d.msg.Destination, "sender", d.msg.Sender, "err", err)
		return
	}
	if err := s.node.Match(ctx, req.Filter); err != nil {
		s.stats.filtered.Add(1)
		if s.log.Enabled(ctx, slog.LevelDebug) {
			requestLog(s.log, req).Debug("not targeted at us", "why", err)
		}
		return
	}
	s.stats.passed.Add(1)
	// One deadline, the request's, bounds both the agent and the wait for
	// a connection to reply on: a reply later than that is expired anyway.
	// A caller that already bounds ctx by it (Decoded.Deadline) saves the
	// context and timer per node.
	if dl := s.deadline(req); !deadlineBy(ctx, dl) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl)
		defer cancel()
	}
	body, err := s.dispatch(ctx, req)
	if err != nil {
		requestLog(s.log, req).Warn("request not answered", "err", err)
		return
	}
	if body == nil {
		return
	}
	if err := s.reply(ctx, d.msg, req, body); err != nil {
		requestLog(s.log, req).Warn("reply not sent", "err", err)
		return
	}
	s.stats.replies.Add(1)
}

// requestLog narrows log to a request. It is built only when a line is
// written: slog's With formats its attributes at once, which costs more
// than the rest of a filtered-out request.
func requestLog(log *slog.Logger, req *protocol.Request) *slog.Logger {
	return log.With("requestid", req.RequestID, "agent", req.Agent, "sender", req.SenderID)
}

// verify is open after decoding: this node's copy of the request, checked
// by its security provider and for its collectives.
func (s *Server) verify(d *Decoded) (*protocol.Request, error) {
	if d.err != nil {
		s.stats.unvalidated.Add(1)
		return nil, d.err
	}
	req := new(protocol.Request)
	*req = *d.req
	if err := s.sec.OpenRequest(req); err != nil {
		if errors.Is(err, security.ErrExpired) {
			s.stats.ttlExpired.Add(1)
		} else {
			s.stats.unvalidated.Add(1)
		}
		return nil, err
	}
	s.stats.validated.Add(1)
	if !slices.Contains(s.opts.Collectives, req.Collective) {
		return nil, fmt.Errorf("request %s for collective %q, which this node is not in", req.RequestID, req.Collective)
	}
	return req, nil
}
