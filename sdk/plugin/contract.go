package plugin

import (
	"context"
	"time"
)

// Request is one action call as it crosses between the daemon and a plugin.
type Request struct {
	Agent  string
	Action string
	// Data holds the inputs, typed as described in the package comment.
	Data       map[string]any
	CallerID   string
	SenderID   string
	RequestID  string
	Collective string
	// TTL is the request's time to live, to the millisecond.
	TTL time.Duration
}

// Reply is an action's result as it crosses back to the daemon.
type Reply struct {
	// StatusCode is an MCollective RPC status code, 0 to 5.
	StatusCode int
	StatusMsg  string
	Data       map[string]any
}

// Host is what the daemon offers a plugin agent. Every call crosses the
// process boundary, so each takes a context and may fail.
type Host interface {
	// Identity returns the node's identity.
	Identity(ctx context.Context) (string, error)
	// Fact returns one fact, and whether the node has it; dotted names
	// reach into nested maps.
	Fact(ctx context.Context, name string) (any, bool, error)
	// Facts returns every fact, nested maps kept.
	Facts(ctx context.Context) (map[string]any, error)
	// Classes returns the node's classes.
	Classes(ctx context.Context) ([]string, error)
	// Config returns a daemon configuration value as written in its
	// configuration file, and whether it is set.
	Config(ctx context.Context, key string) (string, bool, error)
	// Stats returns the daemon's statistics as rpcutil's daemon_stats
	// reports them.
	Stats(ctx context.Context) (map[string]any, error)
	// Inventory describes the node's agents, collectives and data plugins.
	Inventory(ctx context.Context) (Inventory, error)
	// DataQuery runs a data plugin query and returns the plugin's outputs.
	DataQuery(ctx context.Context, plugin, query string) (map[string]any, error)
}

// Inventory is what a node serves.
type Inventory struct {
	// Agents are the node's agents with their DDL metadata.
	Agents         []AgentMeta
	MainCollective string
	Collectives    []string
	// DataPlugins names the data plugins, without a _data suffix.
	DataPlugins []string
	// Version is the MCollective version the daemon reports.
	Version string
}

// AgentMeta is an agent's DDL metadata, as rpcutil's agent_inventory
// reports it.
type AgentMeta struct {
	Agent       string
	Name        string
	Description string
	Author      string
	License     string
	Version     string
	URL         string
	// Timeout is the agent's DDL timeout in seconds.
	Timeout int
}

// Server is what a plugin process serves; package sdk implements it.
type Server interface {
	// Name returns the agent's name.
	Name() string
	// Actions returns the names of the actions the agent implements,
	// sorted.
	Actions() []string
	// Handle runs one action. host reaches the daemon. Failures are
	// replies with a status code; Handle must not panic.
	Handle(ctx context.Context, host Host, req *Request) *Reply
}
