package fleet

import (
	"context"
	"errors"
	"os"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/server"
)

// ErrNoNode is returned by Host.DataQuery: a shared agent does not know
// which node calls it.
var ErrNoNode = errors.New("fleet: a shared agent cannot query a node's data plugins")

// Host is the agent.Host of the agents every virtual node shares: one
// go-plugin process and one Lua state pool serve the whole fleet, as one
// connection serves 500 nodes. agent.Agent's Handle carries no node, so
// such an agent sees the fleet through Host, not the node that calls it:
// Identity is the fleet's name, facts and classes are empty, Stats add up
// every node. Actions that do not read the host (rpcutil ping, Lua
// discovery) behave exactly as on one mcollectived; the others answer for
// the fleet until the calling node's host travels with each request.
type Host struct {
	// Name is what Identity returns.
	Name string
	// Config holds the base config's keys as written, for ConfigItem.
	Config map[string]string
	// MainCollective and Collectives are the nodes' collectives.
	MainCollective string
	Collectives    []string
	// Agents is the shared registry, for Inventory and Stats.
	Agents *agent.Registry
	// Version is reported by Inventory and Stats.
	Version string
	// Fleet, once set, supplies Stats' counters.
	Fleet *Fleet
}

var _ agent.Host = (*Host)(nil)

// Identity implements agent.Host.
func (h *Host) Identity() string { return h.Name }

// Fact implements agent.Host: a shared agent knows no node's facts.
func (h *Host) Fact(string) (any, bool) { return nil, false }

// Facts implements agent.Host.
func (h *Host) Facts() map[string]any { return map[string]any{} }

// Classes implements agent.Host.
func (h *Host) Classes() []string { return nil }

// ConfigItem implements agent.Host.
func (h *Host) ConfigItem(key string) (string, bool) {
	v, ok := h.Config[key]
	return v, ok
}

// Stats implements agent.Host with every node's counters added up.
func (h *Host) Stats() map[string]any {
	var s server.StatsSnapshot
	if h.Fleet != nil {
		s = h.Fleet.Stats()
	}
	names := h.Agents.Names()
	agents := make([]any, len(names))
	for i, n := range names {
		agents[i] = n
	}
	return map[string]any{
		"stats": map[string]any{
			"validated": s.Validated, "unvalidated": s.Unvalidated, "passed": s.Passed,
			"filtered": s.Filtered, "total": s.Total, "ttlexpired": s.TTLExpired, "replies": s.Replies,
		},
		"pid":     int64(os.Getpid()),
		"agents":  agents,
		"version": h.Version,
	}
}

// Inventory implements agent.Host.
func (h *Host) Inventory() agent.Inventory {
	inv := agent.Inventory{MainCollective: h.MainCollective, Collectives: h.Collectives, Version: h.Version}
	for _, name := range h.Agents.Names() {
		if m, ok := h.Agents.Meta(name); ok {
			inv.Agents = append(inv.Agents, m)
		}
	}
	return inv
}

// DataQuery implements agent.Host; see ErrNoNode.
func (h *Host) DataQuery(context.Context, string, string) (map[string]any, error) {
	return nil, ErrNoNode
}
