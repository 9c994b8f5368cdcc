package sdk

import "github.com/marionette-mco/marionette/sdk/plugin"

// Host is what the daemon offers an agent: the node's identity, facts,
// classes, configuration, statistics, inventory and data plugins. Each call
// crosses to the daemon's process, so each takes a context and can fail.
// It is the same interface as plugin.Host; package sdk/agenttest has a fake.
type Host = plugin.Host

// Inventory is what a node serves, as Host.Inventory reports it.
type Inventory = plugin.Inventory

// AgentMeta is an agent's DDL metadata, as rpcutil's agent_inventory
// reports it.
type AgentMeta = plugin.AgentMeta
