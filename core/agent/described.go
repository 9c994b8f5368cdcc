package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/marionette-mco/marionette/sdk/ddl"
)

// DefaultTimeout bounds an action whose DDL declares no timeout.
const DefaultTimeout = 10 * time.Second

// Described is an agent with its DDL: every request is checked against the
// DDL before the agent sees it, runs under the DDL's timeout, and has its
// declared output defaults filled in. Hosts (Go plugins, Lua) are wrapped
// in it by the loader, so no host validates on its own.
type Described struct {
	DDL   *ddl.DDL
	Agent Agent
	// Log receives warnings about replies with outputs the DDL does not
	// declare; nil discards them.
	Log *slog.Logger
}

var _ Agent = (*Described)(nil)

// Timeout is the DDL's action timeout.
func (d *Described) Timeout() time.Duration {
	if d.DDL.Metadata.Timeout > 0 {
		return time.Duration(d.DDL.Metadata.Timeout) * time.Second
	}
	return DefaultTimeout
}

// Meta returns the agent's DDL metadata.
func (d *Described) Meta() Meta {
	m := d.DDL.Metadata
	return Meta{Agent: d.DDL.Plugin, Name: m.Name, Description: m.Description, Author: m.Author,
		License: m.License, Version: m.Version, URL: m.URL, Timeout: m.Timeout}
}

// Handle implements Agent. An action the DDL does not declare is status 2,
// a missing required input 3, an input that fails its type or validation
// 4 — each with a message naming the action or input.
func (d *Described) Handle(ctx context.Context, req *Request) *Reply {
	inputs, err := d.DDL.ValidateRequest(req.Action, req.Data, nil)
	if err != nil {
		return Fail(validationCode(err), "%s", err.Error())
	}
	act := d.DDL.Action(req.Action)
	call := *req
	call.Data = inputs
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > d.Timeout() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout())
		defer cancel()
	}
	rep := d.Agent.Handle(ctx, &call)
	if rep == nil {
		rep = Fail(UnknownError, "agent %s action %s returned no reply", req.Agent, req.Action)
	}
	if rep.StatusCode == OK && ctx.Err() != nil && rep.StatusMsg == "" {
		rep = Fail(UnknownError, "agent %s action %s timed out after %s", req.Agent, req.Action, d.Timeout())
	}
	if rep.Data == nil {
		rep.Data = map[string]any{}
	}
	if extra := act.CheckOutputs(rep.Data); len(extra) > 0 && d.Log != nil {
		d.Log.Warn("reply has outputs the DDL does not declare", "agent", req.Agent, "action", req.Action, "outputs", extra)
	}
	act.FillDefaults(rep.Data)
	if rep.StatusMsg == "" && rep.StatusCode == OK {
		rep.StatusMsg = "OK"
	}
	return rep
}

// Close closes the wrapped agent when it holds resources.
func (d *Described) Close() error {
	if c, ok := d.Agent.(interface{ Close() error }); ok {
		if err := c.Close(); err != nil {
			return fmt.Errorf("close agent %s: %w", d.DDL.Plugin, err)
		}
	}
	return nil
}

// validationCode is the status code for a DDL validation error.
func validationCode(err error) StatusCode {
	var ve *ddl.ValidationError
	if errors.As(err, &ve) {
		return StatusCode(ve.Code)
	}
	var ue *ddl.UnknownActionError
	if errors.As(err, &ue) {
		return StatusCode(ue.Code)
	}
	return InvalidData
}
