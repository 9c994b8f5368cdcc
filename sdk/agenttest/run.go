// Package agenttest runs a Go agent's actions in-process the way the daemon
// runs them, so an agent author can test an action without a daemon, a
// broker or a plugin process: inputs are validated against the agent's DDL
// first, values make the same JSON round trip they make between daemon and
// plugin, and the DDL's output defaults are filled in afterwards.
package agenttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/sdk"
	"github.com/marionette-mco/marionette/sdk/ddl"
	"github.com/marionette-mco/marionette/sdk/value"
)

// defaultTimeout is Ruby MCollective's timeout for a DDL that gives none.
const defaultTimeout = 10 * time.Second

// Option changes how Run calls an action.
type Option func(*call)

type call struct {
	host    *Host
	timeout time.Duration
	ctx     context.Context
	request func(*sdk.Request)
}

// WithHost runs the action with h as its host; by default it gets a fresh
// NewHost().
func WithHost(h *Host) Option { return func(c *call) { c.host = h } }

// WithContext runs the action under ctx (still bounded by the DDL timeout).
func WithContext(ctx context.Context) Option { return func(c *call) { c.ctx = ctx } }

// WithTimeout bounds the action by d instead of the DDL's timeout.
func WithTimeout(d time.Duration) Option { return func(c *call) { c.timeout = d } }

// WithRequest lets fn change the request (caller, sender, TTL) before the
// action runs; it sees the validated inputs in Data.
func WithRequest(fn func(*sdk.Request)) Option { return func(c *call) { c.request = fn } }

// Run calls action of agent with inputs as the daemon would and returns the
// reply the daemon would send.
//
// The DDL at ddlPath is parsed (a parse error fails the test) and must
// describe agent. Inputs are validated against it with package sdk/ddl: a
// request the DDL refuses is not run, and the reply carries the status code
// and message the daemon sends (see ddl.ValidationError and
// ddl.UnknownActionError) and, as Ruby's, the output defaults of a
// declared action. Otherwise the validated inputs, input defaults
// applied, make the JSON round trip to the agent and the action runs under
// the DDL's timeout; an action still running at the deadline gets the
// daemon's timeout reply (UnknownError). The action's Host is the fake
// Host, whose facts, statistics and data plugin results make the same
// round trip. The reply data travels back (data that cannot fails the
// test), and outputs the action left unset get the DDL's defaults. Outputs
// the DDL does not declare are logged.
func Run(t testing.TB, agent *sdk.Agent, ddlPath, action string, inputs map[string]any, opts ...Option) *sdk.Reply {
	t.Helper()
	c := call{ctx: context.Background()}
	for _, o := range opts {
		o(&c)
	}
	if c.host == nil {
		c.host = NewHost()
	}
	d, err := ddl.ParseFile(ddlPath)
	if err != nil {
		t.Fatalf("agenttest: %v", err)
	}
	if d.Kind != ddl.KindAgent {
		t.Fatalf("agenttest: %s describes a %s plugin, not an agent", ddlPath, d.Kind)
	}
	if err := agent.Check(); err != nil {
		t.Fatalf("agenttest: %v", err)
	}
	if d.Plugin != agent.Name {
		t.Errorf("agenttest: agent %q is described by %s, which names %q: the daemon would not pair them", agent.Name, ddlPath, d.Plugin)
	}

	data, err := d.ValidateRequest(action, inputs, nil)
	if err != nil {
		rep := refused(t, err)
		if act := d.Action(action); act != nil {
			act.FillDefaults(rep.Data) // Ruby's reply holds them from the start
		}
		return rep
	}
	if data, err = roundTrip(data); err != nil {
		t.Fatalf("agenttest: inputs of %s#%s: %v", agent.Name, action, err)
	}
	req := newRequest(t, c.host, agent.Name, action, data)
	if c.request != nil {
		c.request(req)
	}

	timeout := c.timeout
	if timeout <= 0 && d.Metadata.Timeout > 0 {
		timeout = time.Duration(d.Metadata.Timeout) * time.Second
	}
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	ctx, cancel := context.WithTimeout(c.ctx, timeout)
	defer cancel()
	rep := agent.Handle(ctx, req)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// The daemon stops waiting at the deadline and drops the reply.
		return failed(sdk.UnknownError, fmt.Sprintf("agent %s action %s timed out after %s", agent.Name, action, timeout))
	}

	if rep.Data, err = roundTrip(rep.Data); err != nil {
		t.Errorf("agenttest: reply of %s#%s cannot be sent to the daemon: %v", agent.Name, action, err)
		rep.Data = map[string]any{}
	}
	act := d.Action(action)
	if extra := act.CheckOutputs(rep.Data); len(extra) > 0 {
		t.Logf("agenttest: %s#%s set outputs its DDL does not declare: %v", agent.Name, action, extra)
	}
	act.FillDefaults(rep.Data)
	return rep
}

// refused is the reply to a request the DDL refuses.
func refused(t testing.TB, err error) *sdk.Reply {
	t.Helper()
	var ve *ddl.ValidationError
	var ue *ddl.UnknownActionError
	switch {
	case errors.As(err, &ve):
		return failed(sdk.StatusCode(ve.Code), err.Error())
	case errors.As(err, &ue):
		return failed(sdk.StatusCode(ue.Code), err.Error())
	}
	t.Fatalf("agenttest: validating the request: %v", err)
	return nil
}

func failed(code sdk.StatusCode, msg string) *sdk.Reply {
	r := sdk.NewReply()
	r.FailCode(code, msg)
	return r
}

// roundTrip sends data through the codec the daemon and plugins use.
func roundTrip(data map[string]any) (map[string]any, error) {
	b, err := value.EncodeObject(data)
	if err != nil {
		return nil, err
	}
	return value.DecodeObject(b)
}

func newRequest(t testing.TB, host *Host, agent, action string, data map[string]any) *sdk.Request {
	id, err := host.Identity(context.Background())
	if err != nil {
		t.Fatalf("agenttest: %v", err)
	}
	var rid [16]byte
	_, _ = rand.Read(rid[:])
	return &sdk.Request{
		Agent:      agent,
		Action:     action,
		Data:       data,
		CallerID:   "cert=agenttest",
		SenderID:   id,
		RequestID:  hex.EncodeToString(rid[:]),
		Collective: "mcollective",
		TTL:        60 * time.Second,
		Host:       wireHost{h: host},
	}
}
