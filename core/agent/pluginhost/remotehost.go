package pluginhost

import (
	"context"
	"encoding/json"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/value"
)

// remoteHost is the daemon's agent.Host as the plugin host reaches it:
// every method is a host call over the pipe. Methods without a context
// wait at most hostCallTimeout; a failure is logged and gives the zero
// value, as agent.Host has no error for them.
type remoteHost struct {
	s *session
}

var _ agent.Host = remoteHost{}

// get runs a context-less host call and decodes its value with decode.
func (h remoteHost) get(c hostCall, decode func(json.RawMessage) error) bool {
	ctx, cancel := context.WithTimeout(context.Background(), hostCallTimeout)
	defer cancel()
	r, err := h.s.callHost(ctx, c)
	if err == nil && len(r.Value) > 0 {
		err = decode(r.Value)
	}
	if err != nil {
		h.s.log.Warn("plugin host: daemon call failed", "method", c.Method, "arg", c.Arg, "err", err)
		return false
	}
	return r.Found
}

func jsonInto(v any) func(json.RawMessage) error {
	return func(b json.RawMessage) error { return json.Unmarshal(b, v) }
}

func (h remoteHost) Identity() string {
	var id string
	h.get(hostCall{Method: methodIdentity}, jsonInto(&id))
	return id
}

func (h remoteHost) Fact(name string) (any, bool) {
	var v any
	found := h.get(hostCall{Method: methodFact, Arg: name}, func(b json.RawMessage) (err error) {
		v, err = value.Decode(b)
		return err
	})
	return v, found
}

// object runs a context-less host call whose value is an object.
func (h remoteHost) object(method string) map[string]any {
	var m map[string]any
	h.get(hostCall{Method: method}, func(b json.RawMessage) (err error) {
		m, err = value.DecodeObject(b)
		return err
	})
	return m
}

func (h remoteHost) Facts() map[string]any { return h.object(methodFacts) }

func (h remoteHost) Classes() []string {
	var c []string
	h.get(hostCall{Method: methodClasses}, jsonInto(&c))
	return c
}

func (h remoteHost) ConfigItem(key string) (string, bool) {
	var v string
	found := h.get(hostCall{Method: methodConfig, Arg: key}, jsonInto(&v))
	return v, found
}

func (h remoteHost) Stats() map[string]any { return h.object(methodStats) }

func (h remoteHost) Inventory() agent.Inventory {
	var inv agent.Inventory
	h.get(hostCall{Method: methodInventory}, jsonInto(&inv))
	return inv
}

func (h remoteHost) DataQuery(ctx context.Context, plugin, query string) (map[string]any, error) {
	r, err := h.s.callHost(ctx, hostCall{Method: methodDataQuery, Arg: plugin, Query: query})
	if err != nil {
		return nil, err
	}
	return value.DecodeObject(r.Value)
}
