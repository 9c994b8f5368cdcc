package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/marionette-mco/marionette/core/client"
)

type factsOptions struct {
	common    commonFlags
	filter    filterFlags
	discovery discoveryFlags
}

func newFactsCommand(sio IO) *cobra.Command {
	o := &factsOptions{}
	cmd := &cobra.Command{
		Use:   "facts FACT",
		Short: "Reports on usage for a specific fact",
		Long: "Asks every discovered node for FACT (rpcutil get_fact) and reports how many\n" +
			"nodes hold each value; -v lists the nodes of each value.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFacts(cmd, sio, o, args[0])
		},
	}
	o.common.register(cmd.Flags(), 0)
	o.filter.register(cmd.Flags())
	o.discovery.register(cmd.Flags())
	return cmd
}

func runFacts(cmd *cobra.Command, sio IO, o *factsOptions, fact string) error {
	ctx := cmd.Context()
	lazy := &lazySession{ctx: ctx, sio: sio, common: &o.common}
	defer lazy.Close()
	o.discovery.stdin = sio.Stdin
	d, err := discover(ctx, lazy.open, &o.common, &o.filter, &o.discovery, "rpcutil")
	if err != nil {
		return err
	}
	sess, err := lazy.open()
	if err != nil {
		return err
	}
	if len(d.nodes) == 0 {
		fmt.Fprintln(sio.Stderr, "No request sent, we did not discover any nodes.")
	}
	f, _ := o.filter.build()
	values := map[string][]string{}
	tally, err := callRPCUtil(ctx, sess, rpcutilRequest{action: "get_fact", data: map[string]any{"fact": fact},
		filter: f, nodes: d, timeout: rpcTimeout(&o.common, sess)}, func(r client.RPCResult) {
		if r.Err != nil {
			fmt.Fprintf(sio.Stderr, "Could not parse facts for %s: %v\n", r.Sender, r.Err)
			return
		}
		if v, ok := factText(r.Data["value"]); ok {
			values[v] = append(values[v], r.Sender)
		}
	})
	if err != nil {
		return err
	}
	if o.common.json {
		if err := writeFactJSON(sio.Stdout, fact, values); err != nil {
			return err
		}
	} else {
		writeFactReport(sio.Stdout, fact, values, o.common.verbose)
		tally.report(sio.Stdout, o.common.verbose)
	}
	if code := tally.haltCode(); code != 0 {
		return &ExitError{Code: code}
	}
	return nil
}

// factText is how a fact value is counted and shown: strings as they are,
// structured values as JSON; a missing fact (nil or false, as Ruby's
// "if value") is not counted.
func factText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case bool:
		if !x {
			return "", false
		}
		return "true", true
	case string:
		return x, true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v), true
	}
	return string(b), true
}

// writeFactReport prints Ruby's facts report: each value, sorted, with the
// number of nodes holding it, and with verbose the nodes themselves.
func writeFactReport(w io.Writer, fact string, values map[string][]string, verbose bool) {
	if len(values) == 0 {
		fmt.Fprintf(w, "No values found for fact %s\n", fact)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Report for fact: %s\n\n", fact)
	keys := make([]string, 0, len(values))
	width := 40
	for k := range values {
		keys = append(keys, k)
		width = max(width, utf8.RuneCountInString(k))
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "        %-*s found %d times\n", width, k, len(values[k]))
		if verbose {
			b.WriteString("\n")
			nodes := slices.Sorted(slices.Values(values[k]))
			for _, n := range nodes {
				fmt.Fprintf(&b, "            %s\n", n)
			}
			b.WriteString("\n")
		}
	}
	io.WriteString(w, b.String())
}

// writeFactJSON prints the report as one JSON object: the fact and, per
// value, the sorted nodes holding it.
func writeFactJSON(w io.Writer, fact string, values map[string][]string) error {
	out := struct {
		Fact   string              `json:"fact"`
		Values map[string][]string `json:"values"`
	}{Fact: fact, Values: map[string][]string{}}
	for v, nodes := range values {
		out.Values[v] = slices.Sorted(slices.Values(nodes))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
