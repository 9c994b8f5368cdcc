package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

type findOptions struct {
	common    commonFlags
	filter    filterFlags
	discovery discoveryFlags
}

func newFindCommand(sio IO) *cobra.Command {
	o := &findOptions{}
	cmd := &cobra.Command{
		Use:   "find",
		Short: "Find the identities of the nodes matching a filter",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runFind(cmd, sio, o)
		},
	}
	o.common.register(cmd.Flags(), 0)
	o.filter.register(cmd.Flags())
	o.discovery.register(cmd.Flags())
	return cmd
}

func runFind(cmd *cobra.Command, sio IO, o *findOptions) error {
	lazy := &lazySession{ctx: cmd.Context(), sio: sio, common: &o.common}
	defer lazy.Close()
	d, err := discover(cmd.Context(), lazy.open, &o.common, &o.filter, &o.discovery, "")
	if err != nil {
		return err
	}
	nodes := d.nodes
	if o.common.json {
		if nodes == nil {
			nodes = []string{}
		}
		if err := json.NewEncoder(sio.Stdout).Encode(nodes); err != nil {
			return err
		}
	} else {
		for _, n := range nodes {
			fmt.Fprintln(sio.Stdout, n)
		}
	}
	if o.common.verbose {
		fmt.Fprintf(sio.Stderr, "\nDiscovered %d nodes in %.2f seconds using the %s discovery plugin\n",
			len(nodes), d.elapsed.Seconds(), o.discovery.method)
	}
	if len(nodes) == 0 {
		return &ExitError{Code: 1}
	}
	return nil
}

// literalIdentities returns the -I identities when they are the only
// filter and none is a /regex/; nil otherwise.
func literalIdentities(f filterFlags) []string {
	if len(f.identities) == 0 || len(f.facts)+len(f.classes)+len(f.agents)+len(f.with) > 0 {
		return nil
	}
	for _, id := range f.identities {
		if isRegexSpec(id) {
			return nil
		}
	}
	return append([]string(nil), f.identities...)
}
