package daemon

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/server"
)

// Version is the MCollective-compatible version rpcutil reports.
const Version = "2.12.5-marionette"

// host is what this daemon offers its agents (agent.Host). Facts are given
// in Ruby's normalized form (string leaves), as Ruby agents see them.
type host struct {
	cfg    *config.Config
	facts  *facts.Source
	agents *agent.Registry
	data   map[string]filter.DataSource
	stats  func() server.StatsSnapshot
}

var _ agent.Host = (*host)(nil)

func (h *host) Identity() string { return h.cfg.Identity }

func (h *host) Fact(name string) (any, bool) {
	v, ok := h.facts.Snapshot().Lookup(name)
	if !ok {
		return nil, false
	}
	return facts.Normalize(v), true
}

func (h *host) Facts() map[string]any { return h.facts.Snapshot().Normalized() }

func (h *host) Classes() []string { return h.facts.Snapshot().Classes() }

func (h *host) ConfigItem(key string) (string, bool) {
	if key == "configfile" && len(h.cfg.Files) > 0 {
		return h.cfg.Files[0], true
	}
	v, ok := h.cfg.Raw[key]
	return v, ok
}

func (h *host) Stats() map[string]any {
	s := h.stats()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return map[string]any{
		"stats": map[string]any{
			"validated": s.Validated, "unvalidated": s.Unvalidated, "passed": s.Passed,
			"filtered": s.Filtered, "starttime": s.StartTime.Unix(), "total": s.Total,
			"ttlexpired": s.TTLExpired, "replies": s.Replies,
		},
		"threads": []any{},
		"pid":     int64(os.Getpid()),
		// Symbol keys (":utime"), as Ruby's Process.times hash has them.
		"times": map[string]any{
			":utime": float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6,
			":stime": float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6,
		},
		"agents":  anyStrings(h.agents.Names()),
		"version": Version,
	}
}

func (h *host) Inventory() agent.Inventory {
	inv := agent.Inventory{MainCollective: h.cfg.MainCollective, Collectives: h.cfg.Collectives, Version: Version}
	for _, name := range h.agents.Names() {
		if m, ok := h.agents.Meta(name); ok {
			inv.Agents = append(inv.Agents, m)
		}
	}
	for name := range h.data {
		inv.DataPlugins = append(inv.DataPlugins, name+"_data")
	}
	sort.Strings(inv.DataPlugins)
	return inv
}

func (h *host) DataQuery(ctx context.Context, plugin, query string) (map[string]any, error) {
	src, ok := h.data[filter.DataKey(plugin)]
	if !ok {
		return nil, fmt.Errorf("no data plugin %q (have %s)", plugin, strings.Join(h.Inventory().DataPlugins, ", "))
	}
	return src.Query(ctx, query)
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
