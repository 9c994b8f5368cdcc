package server

import (
	"context"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/filter/data"
	"github.com/marionette-mco/marionette/core/protocol"
)

// FactSource gives the node's current facts; *facts.Source satisfies it.
type FactSource interface {
	Snapshot() *facts.Snapshot
}

// Node is what a request's filter is matched against: this node's
// identity, its current facts and classes, its agents and its data
// plugins.
type Node struct {
	identity    string
	facts       FactSource
	agents      *agent.Registry
	collectives []string
	data        map[string]filter.DataSource
}

// NewNode describes a node for filter matching.
func NewNode(identity string, fs FactSource, agents *agent.Registry, collectives []string) *Node {
	n := &Node{identity: identity, facts: fs, agents: agents, collectives: collectives}
	n.data = data.Builtins(n, n, collectives)
	return n
}

// Identity returns the node's identity.
func (n *Node) Identity() string { return n.identity }

// Facts returns the current facts snapshot.
func (n *Node) Facts() *facts.Snapshot { return n.facts.Snapshot() }

// Lookup returns a fact from the current snapshot (for data plugins).
func (n *Node) Lookup(name string) (any, bool) { return n.facts.Snapshot().Lookup(name) }

// AgentMeta describes a served agent (for the agent data plugin).
func (n *Node) AgentMeta(name string) (data.AgentMeta, bool) {
	m, ok := n.agents.Meta(name)
	if !ok {
		return data.AgentMeta{}, false
	}
	return data.AgentMeta{License: m.License, Description: m.Description, URL: m.URL,
		Version: m.Version, Author: m.Author, Timeout: m.Timeout}, true
}

// Match reports whether a request with filter f for agent is for this
// node.
func (n *Node) Match(ctx context.Context, f protocol.Filter) error {
	return filter.Check(ctx, f, filter.Node{
		Identity: n.identity,
		Facts:    n.facts.Snapshot(),
		Agents:   n.agents.Names(),
		Data:     n.data,
	})
}

// DataSources returns the node's data plugins, keyed as filter.DataKey
// names them.
func (n *Node) DataSources() map[string]filter.DataSource { return n.data }
