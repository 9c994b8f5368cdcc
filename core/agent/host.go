package agent

import "context"

// Host is what the daemon offers its agents: this node's identity, facts,
// configuration, statistics and inventory. Agent hosts (Go plugins, Lua)
// hand it on to the agents they run; rpcutil is built on it.
type Host interface {
	// Identity returns the node's identity.
	Identity() string
	// Fact returns one fact; dotted names reach nested maps.
	Fact(name string) (any, bool)
	// Facts returns every fact, nested maps kept.
	Facts() map[string]any
	// Classes returns the node's classes.
	Classes() []string
	// ConfigItem returns a configuration value as written in the file.
	ConfigItem(key string) (string, bool)
	// Stats returns the daemon's statistics as rpcutil's daemon_stats
	// reports them.
	Stats() map[string]any
	// Inventory describes the node's agents (with their DDL metadata),
	// collectives and data plugins.
	Inventory() Inventory
	// DataQuery runs a data plugin query, as compound filters and
	// rpcutil's get_data do.
	DataQuery(ctx context.Context, plugin, query string) (map[string]any, error)
}

// Inventory is what a node serves.
type Inventory struct {
	Agents         []Meta
	MainCollective string
	Collectives    []string
	DataPlugins    []string
	Version        string
}

// Meta is an agent's DDL metadata, as rpcutil's agent_inventory reports it.
type Meta struct {
	Agent       string
	Name        string
	Description string
	Author      string
	License     string
	Version     string
	URL         string
	Timeout     int
}
