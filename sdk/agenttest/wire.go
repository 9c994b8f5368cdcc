package agenttest

import (
	"context"
	"fmt"

	"github.com/marionette-mco/marionette/sdk"
	"github.com/marionette-mco/marionette/sdk/value"
)

// wireHost hands an action what the daemon's host would: values that have
// made the JSON round trip between daemon and plugin, so an int set on the
// fake Host arrives as int64 and a float as float64.
type wireHost struct {
	h sdk.Host
}

var _ sdk.Host = wireHost{}

func viaWire[T any](v T) (T, error) {
	var zero T
	b, err := value.Encode(v)
	if err != nil {
		return zero, fmt.Errorf("agenttest: host value cannot cross to the plugin: %w", err)
	}
	d, err := value.Decode(b)
	if err != nil || d == nil {
		return zero, err
	}
	out, ok := d.(T)
	if !ok {
		return zero, fmt.Errorf("agenttest: host value arrives as %T", d)
	}
	return out, nil
}

func (w wireHost) Identity(ctx context.Context) (string, error) { return w.h.Identity(ctx) }

func (w wireHost) Fact(ctx context.Context, name string) (any, bool, error) {
	v, ok, err := w.h.Fact(ctx, name)
	if err != nil || !ok {
		return nil, ok, err
	}
	v, err = viaWire(v)
	return v, err == nil, err
}

func (w wireHost) Facts(ctx context.Context) (map[string]any, error) {
	m, err := w.h.Facts(ctx)
	if err != nil {
		return nil, err
	}
	return viaWire(m)
}

func (w wireHost) Classes(ctx context.Context) ([]string, error) { return w.h.Classes(ctx) }

func (w wireHost) Config(ctx context.Context, key string) (string, bool, error) {
	return w.h.Config(ctx, key)
}

func (w wireHost) Stats(ctx context.Context) (map[string]any, error) {
	m, err := w.h.Stats(ctx)
	if err != nil {
		return nil, err
	}
	return viaWire(m)
}

func (w wireHost) Inventory(ctx context.Context) (sdk.Inventory, error) { return w.h.Inventory(ctx) }

func (w wireHost) DataQuery(ctx context.Context, plugin, query string) (map[string]any, error) {
	m, err := w.h.DataQuery(ctx, plugin, query)
	if err != nil {
		return nil, err
	}
	return viaWire(m)
}
