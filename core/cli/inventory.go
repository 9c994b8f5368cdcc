package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/rubytext"
)

type inventoryOptions struct {
	common commonFlags
}

func newInventoryCommand(sio IO) *cobra.Command {
	o := &inventoryOptions{}
	cmd := &cobra.Command{
		Use:   "inventory NODE",
		Short: "General reporting tool for nodes, collectives and subcollectives",
		Long: "Shows what NODE (an identity or /regex/) runs: its server statistics, agents,\n" +
			"data plugins, configuration management classes and facts (rpcutil\n" +
			"daemon_stats and inventory).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInventory(cmd, sio, o, args[0])
		},
	}
	o.common.register(cmd.Flags(), 0)
	return cmd
}

func runInventory(cmd *cobra.Command, sio IO, o *inventoryOptions, node string) error {
	ctx := cmd.Context()
	sess, err := openSession(ctx, sio, &o.common)
	if err != nil {
		return err
	}
	defer sess.Close()
	// As Ruby's custom_request: the node is taken as discovered, under an
	// identity filter.
	req := rpcutilRequest{filter: protocol.Filter{Identity: []string{node}},
		nodes: discovered{nodes: []string{node}}, timeout: rpcTimeout(&o.common, sess)}
	req.broadcast = isRegexSpec(node)
	req.action = "daemon_stats"
	var stats *client.RPCResult
	if _, err := callRPCUtil(ctx, sess, req, func(r client.RPCResult) {
		if stats == nil {
			stats = &r
		}
	}); err != nil {
		return err
	}
	if stats == nil {
		fmt.Fprintf(sio.Stderr, "Did not receive any results from node %s\n", node)
		return &ExitError{Code: 1}
	}
	if msg, failed := replyFailure(*stats); failed {
		fmt.Fprintf(sio.Stderr, "Failed to retrieve daemon_stats from %s: %s\n", node, msg)
		return &ExitError{Code: 2}
	}
	req.action = "inventory"
	done := false
	var writeErr error
	tally, err := callRPCUtil(ctx, sess, req, func(r client.RPCResult) {
		if done {
			return
		}
		if msg, failed := replyFailure(r); failed {
			fmt.Fprintf(sio.Stderr, "Failed to retrieve inventory for %s: %s\n", r.Sender, msg)
			return
		}
		if o.common.json {
			writeErr = writeInventoryJSON(sio.Stdout, r.Sender, stats.Data, r.Data)
		} else {
			writeInventory(sio.Stdout, r.Sender, stats.Data, r.Data)
		}
		done = true
	})
	if err != nil {
		return err
	}
	if writeErr != nil {
		return writeErr
	}
	if code := tally.haltCode(); code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}

// writeInventoryJSON prints the node's daemon_stats and inventory data
// as one JSON object.
func writeInventoryJSON(w io.Writer, sender string, stats, inv map[string]any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"sender": sender, "stats": stats, "inventory": inv})
}

// replyFailure reports whether a reply failed, with its message.
func replyFailure(r client.RPCResult) (string, bool) {
	switch {
	case r.Err != nil:
		return r.Err.Error(), true
	case r.StatusCode != 0:
		return r.StatusMsg, true
	}
	return "", false
}

// isRegexSpec reports whether an identity is written /regex/.
func isRegexSpec(s string) bool { return len(s) > 1 && s[0] == '/' && s[len(s)-1] == '/' }

// writeInventory prints a node's inventory as Ruby's inventory
// application does, from the daemon_stats and inventory replies' data.
func writeInventory(w io.Writer, sender string, stats, inv map[string]any) {
	var b strings.Builder
	fmt.Fprintf(&b, "Inventory for %s:\n\n", sender)
	b.WriteString("   Server Statistics:\n")
	line := func(label string, v any) { fmt.Fprintf(&b, "%29s: %s\n", label, rubytext.ToS(v)) }
	line("Version", stats["version"])
	line("Start Time", rubyTime(stats["starttime"]))
	line("Config File", stats["configfile"])
	if c, ok := inv["collectives"]; ok {
		line("Collectives", strings.Join(textList(c), ", "))
	}
	if m, ok := inv["main_collective"]; ok {
		line("Main Collective", m)
	}
	line("Process ID", stats["pid"])
	line("Total Messages", stats["total"])
	line("Messages Passed Filters", stats["passed"])
	line("Messages Filtered", stats["filtered"])
	line("Expired Messages", stats["ttlexpired"])
	line("Replies Sent", stats["replies"])
	times, _ := stats["times"].(map[string]any)
	fmt.Fprintf(&b, "%29s: %s seconds\n", "Total Processor Time", rubytext.ToS(symbolKey(times, "utime")))
	fmt.Fprintf(&b, "%29s: %s seconds\n", "System Time", rubytext.ToS(symbolKey(times, "stime")))

	b.WriteString("\n   Agents:\n")
	writeThreeColumns(&b, textList(inv["agents"]), nil, "No agents installed")
	b.WriteString("\n   Data Plugins:\n")
	writeThreeColumns(&b, textList(inv["data_plugins"]), func(s string) string {
		return strings.ReplaceAll(s, "_data", "")
	}, "No data plugins installed")

	b.WriteString("\n   Configuration Management Classes:\n")
	if classes := sortedText(inv["classes"]); len(classes) > 0 {
		writeColumns(&b, classes, 30)
	} else {
		b.WriteString("      No classes applied\n")
	}

	b.WriteString("\n   Facts:\n")
	facts, _ := inv["facts"].(map[string]any)
	if len(facts) == 0 {
		b.WriteString("      No facts known\n")
	}
	for _, k := range slices.Sorted(maps.Keys(facts)) {
		fmt.Fprintf(&b, "      %s => %s\n", k, rubytext.ToS(facts[k]))
	}
	io.WriteString(w, b.String())
}

// writeThreeColumns writes names sorted, three a line in 15-character
// columns, as Ruby's inventory lists agents and data plugins.
func writeThreeColumns(b *strings.Builder, names []string, show func(string) string, none string) {
	if len(names) == 0 {
		fmt.Fprintf(b, "      %s\n", none)
		return
	}
	slices.Sort(names)
	for i := 0; i < len(names); i += 3 {
		b.WriteString("     ")
		for j := i; j < i+3; j++ {
			name := ""
			if j < len(names) {
				name = names[j]
				if show != nil {
					name = show(name)
				}
			}
			fmt.Fprintf(b, " %-15s", name)
		}
		b.WriteString("\n")
	}
}

// symbolKey looks a key up in a hash that Ruby wrote with Symbol keys.
func symbolKey(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	return m[":"+key]
}

// textList is a list value's elements as text.
func textList(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = append(out, rubytext.ToS(e))
		}
	case []string:
		out = append(out, x...)
	}
	return out
}

func sortedText(v any) []string {
	out := textList(v)
	slices.Sort(out)
	return out
}

// rubyTime is Ruby's Time.at(seconds).to_s in the local zone.
func rubyTime(v any) string {
	var secs int64
	switch x := v.(type) {
	case int64:
		secs = x
	case float64:
		secs = int64(x)
	case string:
		return x
	default:
		return ""
	}
	return time.Unix(secs, 0).Format("2006-01-02 15:04:05 -0700")
}
