package agenttest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/marionette-mco/marionette/sdk"
)

// DataFunc answers a data plugin query for Host.DataQuery.
type DataFunc func(ctx context.Context, query string) (map[string]any, error)

// Host is a fake sdk.Host with settable identity, facts, classes,
// configuration, statistics, inventory and data plugins. The zero value is
// not ready: use NewHost. It is safe for concurrent use.
type Host struct {
	mu        sync.Mutex
	identity  string
	facts     map[string]any
	classes   []string
	config    map[string]string
	stats     map[string]any
	inventory sdk.Inventory
	data      map[string]DataFunc
}

var _ sdk.Host = (*Host)(nil)

// NewHost returns a host with identity "node1.example.net", no facts,
// classes or configuration, empty statistics and an inventory with
// collective "mcollective" and MCollective version "2.12.5".
func NewHost() *Host {
	return &Host{
		identity: "node1.example.net",
		facts:    map[string]any{},
		config:   map[string]string{},
		stats:    map[string]any{},
		inventory: sdk.Inventory{
			MainCollective: "mcollective",
			Collectives:    []string{"mcollective"},
			Version:        "2.12.5",
		},
		data: map[string]DataFunc{},
	}
}

// SetIdentity sets the node's identity.
func (h *Host) SetIdentity(id string) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.identity = id
	return h
}

// SetFacts replaces the facts.
func (h *Host) SetFacts(facts map[string]any) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.facts = maps.Clone(facts)
	return h
}

// SetFact sets one top-level fact.
func (h *Host) SetFact(name string, value any) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.facts[name] = value
	return h
}

// SetClasses sets the node's classes.
func (h *Host) SetClasses(classes ...string) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.classes = slices.Clone(classes)
	return h
}

// SetConfig sets a configuration item as the daemon's file would hold it.
func (h *Host) SetConfig(key, value string) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.config[key] = value
	return h
}

// SetStats replaces the daemon statistics.
func (h *Host) SetStats(stats map[string]any) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stats = maps.Clone(stats)
	return h
}

// SetInventory replaces the inventory.
func (h *Host) SetInventory(inv sdk.Inventory) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inventory = inv
	return h
}

// SetDataPlugin makes DataQuery answer queries to plugin with fn, and lists
// plugin among the inventory's data plugins.
func (h *Host) SetDataPlugin(plugin string, fn DataFunc) *Host {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.data[plugin] = fn
	if !slices.Contains(h.inventory.DataPlugins, plugin) {
		h.inventory.DataPlugins = append(slices.Clone(h.inventory.DataPlugins), plugin)
	}
	return h
}

// Identity implements sdk.Host.
func (h *Host) Identity(context.Context) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.identity, nil
}

// Fact implements sdk.Host. As the daemon does, the whole name is tried as
// a key first, then each split at a dot into a nested map
// ("os.release.major").
func (h *Host) Fact(_ context.Context, name string) (any, bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := lookup(h.facts, name)
	return v, ok, nil
}

func lookup(m map[string]any, path string) (any, bool) {
	if v, ok := m[path]; ok {
		return v, true
	}
	for i := range len(path) {
		if path[i] != '.' {
			continue
		}
		if sub, ok := m[path[:i]].(map[string]any); ok {
			if v, ok := lookup(sub, path[i+1:]); ok {
				return v, true
			}
		}
	}
	return nil, false
}

// Facts implements sdk.Host.
func (h *Host) Facts(context.Context) (map[string]any, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.facts), nil
}

// Classes implements sdk.Host.
func (h *Host) Classes(context.Context) ([]string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.classes), nil
}

// Config implements sdk.Host.
func (h *Host) Config(_ context.Context, key string) (string, bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.config[key]
	return v, ok, nil
}

// Stats implements sdk.Host.
func (h *Host) Stats(context.Context) (map[string]any, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.stats), nil
}

// Inventory implements sdk.Host.
func (h *Host) Inventory(context.Context) (sdk.Inventory, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	inv := h.inventory
	inv.Agents = slices.Clone(inv.Agents)
	inv.Collectives = slices.Clone(inv.Collectives)
	inv.DataPlugins = slices.Clone(inv.DataPlugins)
	return inv, nil
}

// DataQuery implements sdk.Host with the functions given to SetDataPlugin;
// an unknown plugin is an error, as the daemon's is.
func (h *Host) DataQuery(ctx context.Context, plugin, query string) (map[string]any, error) {
	h.mu.Lock()
	fn, ok := h.data[plugin]
	h.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("unknown data plugin %s", plugin)
	}
	return fn(ctx, query)
}
