package goplugin

import (
	"context"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/plugin"
)

// hostAdapter offers the daemon's agent.Host to plugins.
type hostAdapter struct {
	h agent.Host
}

var _ plugin.Host = hostAdapter{}

func (a hostAdapter) Identity(context.Context) (string, error) { return a.h.Identity(), nil }

func (a hostAdapter) Fact(_ context.Context, name string) (any, bool, error) {
	v, ok := a.h.Fact(name)
	return v, ok, nil
}

func (a hostAdapter) Facts(context.Context) (map[string]any, error) { return a.h.Facts(), nil }

func (a hostAdapter) Classes(context.Context) ([]string, error) { return a.h.Classes(), nil }

func (a hostAdapter) Config(_ context.Context, key string) (string, bool, error) {
	v, ok := a.h.ConfigItem(key)
	return v, ok, nil
}

func (a hostAdapter) Stats(context.Context) (map[string]any, error) { return a.h.Stats(), nil }

func (a hostAdapter) Inventory(context.Context) (plugin.Inventory, error) {
	inv := a.h.Inventory()
	out := plugin.Inventory{
		MainCollective: inv.MainCollective,
		Collectives:    inv.Collectives,
		DataPlugins:    inv.DataPlugins,
		Version:        inv.Version,
	}
	for _, m := range inv.Agents {
		out.Agents = append(out.Agents, plugin.AgentMeta{
			Agent: m.Agent, Name: m.Name, Description: m.Description, Author: m.Author,
			License: m.License, Version: m.Version, URL: m.URL, Timeout: m.Timeout,
		})
	}
	return out, nil
}

func (a hostAdapter) DataQuery(ctx context.Context, plugin, query string) (map[string]any, error) {
	return a.h.DataQuery(ctx, plugin, query)
}
