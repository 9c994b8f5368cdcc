package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/value"
)

// answer runs a host call message against h and sends the answer.
func (in *instance) answer(h agent.Host, m message) {
	var c hostCall
	r := hostReply{}
	err := decodeBody(m, &c)
	if err == nil {
		r, err = callHost(h, c)
	}
	if err != nil {
		r = hostReply{Error: err.Error()}
	}
	_ = in.out.send(kindHostReply, m.ID, r) // a send error means the host is gone
}

// callHost runs c against h.
func callHost(h agent.Host, c hostCall) (hostReply, error) {
	var v any
	found := true
	switch c.Method {
	case methodIdentity:
		v = h.Identity()
	case methodFact:
		v, found = h.Fact(c.Arg)
	case methodFacts:
		v = h.Facts()
	case methodClasses:
		v = h.Classes()
	case methodConfig:
		v, found = h.ConfigItem(c.Arg)
	case methodStats:
		v = h.Stats()
	case methodInventory:
		b, err := json.Marshal(h.Inventory())
		return hostReply{Value: b, Found: true}, err
	case methodDataQuery:
		ctx, cancel := context.WithTimeout(context.Background(), hostCallTimeout)
		defer cancel()
		m, err := h.DataQuery(ctx, c.Arg, c.Query)
		if err != nil {
			return hostReply{}, err
		}
		v = m
	default:
		return hostReply{}, fmt.Errorf("the daemon has no host method %q", c.Method)
	}
	b, err := value.Encode(v)
	if err != nil {
		return hostReply{}, fmt.Errorf("%s: %w", c.Method, err)
	}
	return hostReply{Value: b, Found: found}, nil
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }
