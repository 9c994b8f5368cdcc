package pluginhost

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/value"
)

// Opener opens the agent spec describes, with host as the daemon's
// services and log as its logger; cmd/mcollectived-plugins opens go-plugin
// agents.
type Opener func(spec Spec, host agent.Host, log *slog.Logger) (agent.Agent, error)

// Serve is the plugin host: it reads the daemon's messages from in, opens
// agents with open, runs calls concurrently and writes replies, host calls
// and log records to out, until in ends. Then it cancels the calls still
// running, waits for them, closes every agent it opened and returns nil;
// any other read error is returned after the same cleanup.
func Serve(ctx context.Context, in io.Reader, out io.Writer, open Opener) error {
	s := &session{out: newSender(out), open: open, agents: map[string]*served{},
		calls: map[uint64]context.CancelFunc{}, hostCalls: map[uint64]chan hostReply{}}
	s.log = slog.New(&logHandler{s: s.out})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := s.out.send(kindHello, 0, hello{Version: protocolVersion, PID: os.Getpid()}); err != nil {
		return err
	}
	err := s.loop(ctx, bufio.NewReaderSize(in, 64<<10))
	cancel()
	s.running.Wait()
	s.closeAgents()
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// session is one Serve.
type session struct {
	out     *sender
	open    Opener
	log     *slog.Logger
	running sync.WaitGroup

	mu        sync.Mutex
	agents    map[string]*served
	calls     map[uint64]context.CancelFunc
	hostCalls map[uint64]chan hostReply
	hostID    uint64
}

// served is an opened agent, or why it could not be opened.
type served struct {
	agent agent.Agent
	err   error
}

func (s *session) loop(ctx context.Context, r *bufio.Reader) error {
	for {
		m, err := receive(r)
		if err != nil {
			return err
		}
		switch m.Kind {
		case kindOpen:
			s.openAgent(m)
		case kindCall:
			s.startCall(ctx, m)
		case kindCancel:
			s.mu.Lock()
			if c := s.calls[m.ID]; c != nil {
				c()
			}
			s.mu.Unlock()
		case kindHostReply:
			s.hostReplied(m)
		default:
			s.log.Warn("plugin host: unknown message from the daemon", "kind", m.Kind)
		}
	}
}

// openAgent opens the agent an open message describes, once.
func (s *session) openAgent(m message) {
	var spec Spec
	if err := decodeBody(m, &spec); err != nil {
		s.log.Error("plugin host: bad open message", "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.agents[spec.Name]; ok {
		return
	}
	a, err := s.open(spec, remoteHost{s: s}, s.log)
	if err != nil {
		s.log.Error("plugin host: cannot open agent", "agent", spec.Name, "path", spec.Path, "err", err)
	}
	s.agents[spec.Name] = &served{agent: a, err: err}
}

// startCall runs a call message in its own goroutine.
func (s *session) startCall(ctx context.Context, m message) {
	var c call
	if err := decodeBody(m, &c); err != nil {
		s.sendReply(m.ID, agent.Fail(agent.UnknownError, "plugin host: %v", err))
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.Budget)
	s.mu.Lock()
	s.calls[m.ID] = cancel
	sv := s.agents[c.Agent]
	s.mu.Unlock()
	s.running.Go(func() {
		defer func() {
			s.mu.Lock()
			delete(s.calls, m.ID)
			s.mu.Unlock()
			cancel()
		}()
		s.sendReply(m.ID, s.run(ctx, sv, c))
	})
}

// run runs c on sv.
func (s *session) run(ctx context.Context, sv *served, c call) *agent.Reply {
	switch {
	case sv == nil:
		return agent.Fail(agent.UnknownError, "agent %s action %s: the plugin host was not told of this agent", c.Agent, c.Action)
	case sv.err != nil:
		return agent.Fail(agent.UnknownError, "agent %s action %s: %v", c.Agent, c.Action, sv.err)
	}
	data, err := value.DecodeObject(c.Data)
	if err != nil {
		return agent.Fail(agent.UnknownError, "agent %s action %s: inputs: %v", c.Agent, c.Action, err)
	}
	return sv.agent.Handle(ctx, &agent.Request{Agent: c.Agent, Action: c.Action, Data: data,
		CallerID: c.CallerID, SenderID: c.SenderID, RequestID: c.RequestID, Collective: c.Collective, TTL: c.TTL})
}

// sendReply writes r as the reply to call id. Reply data that cannot be
// encoded turns the reply into a failure that says so.
func (s *session) sendReply(id uint64, r *agent.Reply) {
	data, err := value.EncodeObject(r.Data)
	if err != nil {
		r = agent.Fail(agent.UnknownError, "the reply's data cannot be sent to the daemon: %v", err)
		data = []byte("{}")
	}
	if err := s.out.send(kindReply, id, reply{Status: int(r.StatusCode), Message: r.StatusMsg, Data: data}); err != nil {
		s.log.Error("plugin host: cannot send a reply", "err", err)
	}
}

// closeAgents closes every opened agent that can be closed.
func (s *session) closeAgents() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, sv := range s.agents {
		if c, ok := sv.agent.(io.Closer); ok {
			if err := c.Close(); err != nil {
				s.log.Warn("plugin host: closing agent", "agent", name, "err", err)
			}
		}
	}
}

// hostCallTimeout bounds a host call that has no context of its own.
const hostCallTimeout = 30 * time.Second

// callHost sends c to the daemon and waits for its answer, until ctx ends.
func (s *session) callHost(ctx context.Context, c hostCall) (hostReply, error) {
	ch := make(chan hostReply, 1)
	s.mu.Lock()
	s.hostID++
	id := s.hostID
	s.hostCalls[id] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.hostCalls, id)
		s.mu.Unlock()
	}()
	if err := s.out.send(kindHost, id, c); err != nil {
		return hostReply{}, err
	}
	select {
	case r := <-ch:
		if r.Error != "" {
			return r, errors.New(r.Error)
		}
		return r, nil
	case <-ctx.Done():
		return hostReply{}, fmt.Errorf("daemon %s: %w", c.Method, ctx.Err())
	}
}

// hostReplied delivers a hostreply message to the host call waiting for it.
func (s *session) hostReplied(m message) {
	var r hostReply
	if err := decodeBody(m, &r); err != nil {
		r = hostReply{Error: err.Error()}
	}
	s.mu.Lock()
	ch := s.hostCalls[m.ID]
	s.mu.Unlock()
	if ch != nil {
		ch <- r
	}
}
