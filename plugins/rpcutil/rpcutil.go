package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/marionette-mco/marionette/sdk"
)

// mcollectiveVersion is the version inventory and daemon_stats report when
// the daemon gives none: Ruby clients compare it as MCollective's.
const mcollectiveVersion = "2.12.5"

// defaultTimeout is what Ruby reports for an agent whose DDL has none.
const defaultTimeout = 10

// statCounters are the counters Ruby's RunnerStats always reports.
var statCounters = []string{"total", "validated", "unvalidated", "passed", "filtered", "replies", "ttlexpired"}

func newAgent() *sdk.Agent {
	return &sdk.Agent{Name: "rpcutil", Actions: map[string]sdk.Action{
		"inventory":       inventory,
		"get_fact":        getFact,
		"get_facts":       getFacts,
		"get_config_item": getConfigItem,
		"daemon_stats":    daemonStats,
		"agent_inventory": agentInventory,
		"collective_info": collectiveInfo,
		"get_data":        getData,
		"ping":            ping,
	}}
}

// inventory reports what the node serves, as Ruby's inventory action: the
// facts with their values turned to strings, data plugins named with the
// _data suffix Ruby's plugin manager gives them.
func inventory(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	inv, err := req.Host.Inventory(ctx)
	if err != nil {
		return err
	}
	facts, err := req.Host.Facts(ctx)
	if err != nil {
		return err
	}
	classes, err := req.Host.Classes(ctx)
	if err != nil {
		return err
	}
	reply.Set("agents", agentNames(inv))
	reply.Set("facts", normalizeFacts(facts))
	reply.Set("version", version(inv))
	reply.Set("classes", nonNil(classes))
	reply.Set("main_collective", inv.MainCollective)
	reply.Set("collectives", nonNil(inv.Collectives))
	dataPlugins := make([]string, 0, len(inv.DataPlugins))
	for _, p := range inv.DataPlugins {
		if !strings.HasSuffix(p, "_data") {
			p += "_data"
		}
		dataPlugins = append(dataPlugins, p)
	}
	reply.Set("data_plugins", dataPlugins)
	return nil
}

// getFact reports one fact; a fact the node lacks has the value nil.
func getFact(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	name, _ := req.String("fact")
	v, ok, err := req.Host.Fact(ctx, name)
	if err != nil {
		return err
	}
	reply.Set("fact", name)
	reply.Set("value", factValue(v, ok))
	return nil
}

// getFacts reports several facts, named in a comma-separated list.
func getFacts(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	list, _ := req.String("facts")
	values := map[string]any{}
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		v, ok, err := req.Host.Fact(ctx, name)
		if err != nil {
			return err
		}
		values[name] = factValue(v, ok)
	}
	reply.Set("values", values)
	return nil
}

func factValue(v any, ok bool) any {
	if !ok {
		return nil
	}
	return normalizeFacts(v)
}

// getConfigItem reports one configuration setting; an unknown one fails
// the reply with Ruby's message.
func getConfigItem(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	item, _ := req.String("item")
	v, ok, err := req.Host.Config(ctx, item)
	if err != nil {
		return err
	}
	if !ok {
		reply.Fail("Unknown config property " + item)
		return nil
	}
	reply.Set("item", item)
	reply.Set("value", v)
	return nil
}

// daemonStats reports the daemon's statistics. The host's map may nest
// the counters under "stats", as Ruby's RunnerStats#to_hash does; they are
// merged in as Ruby's action merges them. What the host leaves out is
// filled in: counters as 0, the agents and version from the inventory, the
// pid as this plugin's parent (the daemon), the configuration file from
// the configfile setting.
func daemonStats(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	stats, err := req.Host.Stats(ctx)
	if err != nil {
		return err
	}
	out := maps.Clone(stats)
	if out == nil {
		out = map[string]any{}
	}
	if nested, ok := out["stats"].(map[string]any); ok {
		delete(out, "stats")
		maps.Copy(out, nested)
	}
	inv, err := req.Host.Inventory(ctx)
	if err != nil {
		return err
	}
	fill := func(key string, v func() any) {
		if _, ok := out[key]; !ok {
			out[key] = v()
		}
	}
	for _, c := range statCounters {
		fill(c, func() any { return int64(0) })
	}
	fill("threads", func() any { return []string{} })
	fill("agents", func() any { return agentNames(inv) })
	fill("pid", func() any { return int64(os.Getppid()) })
	fill("times", func() any { return map[string]any{} })
	fill("version", func() any { return version(inv) })
	if _, ok := out["configfile"]; !ok {
		cf, _, err := req.Host.Config(ctx, "configfile")
		if err != nil {
			return err
		}
		out["configfile"] = cf
	}
	fill("starttime", func() any { return int64(0) })
	if s, ok := out["starttime"].(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			out["starttime"] = t.Unix()
		}
	}
	for k, v := range out {
		reply.Set(k, v)
	}
	return nil
}

// agentInventory reports every agent's DDL metadata, sorted by agent, with
// Ruby's "unknown" for what the metadata lacks.
func agentInventory(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	inv, err := req.Host.Inventory(ctx)
	if err != nil {
		return err
	}
	metas := slices.Clone(inv.Agents)
	slices.SortFunc(metas, func(a, b sdk.AgentMeta) int { return strings.Compare(a.Agent, b.Agent) })
	agents := make([]any, 0, len(metas))
	for _, m := range metas {
		timeout := m.Timeout
		if timeout <= 0 {
			timeout = defaultTimeout
		}
		// ":key" is sent as a Ruby Symbol key, as Ruby's rpcutil writes
		// these hashes and Ruby's clients read them.
		agents = append(agents, map[string]any{
			":agent":       m.Agent,
			":name":        or(m.Name, m.Agent),
			":description": or(m.Description, "unknown"),
			":author":      or(m.Author, "unknown"),
			":license":     or(m.License, "unknown"),
			":version":     or(m.Version, "unknown"),
			":url":         or(m.URL, "unknown"),
			":timeout":     timeout,
		})
	}
	reply.Set("agents", agents)
	return nil
}

// collectiveInfo reports the node's collectives.
func collectiveInfo(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	inv, err := req.Host.Inventory(ctx)
	if err != nil {
		return err
	}
	reply.Set("main_collective", inv.MainCollective)
	reply.Set("collectives", nonNil(inv.Collectives))
	return nil
}

// getData runs a data plugin query and replies with the plugin's outputs.
func getData(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	source, _ := req.String("source")
	query, _ := req.String("query")
	out, err := req.Host.DataQuery(ctx, source, query)
	if err != nil {
		return fmt.Errorf("data plugin %s: %w", source, err)
	}
	for k, v := range out {
		reply.Set(k, v)
	}
	return nil
}

// ping answers with the node's clock in Unix seconds.
func ping(_ context.Context, _ *sdk.Request, reply *sdk.Reply) error {
	reply.Set("pong", time.Now().Unix())
	return nil
}

func agentNames(inv sdk.Inventory) []string {
	names := make([]string, 0, len(inv.Agents))
	for _, m := range inv.Agents {
		names = append(names, m.Agent)
	}
	return names
}

func version(inv sdk.Inventory) string { return or(inv.Version, mcollectiveVersion) }

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
