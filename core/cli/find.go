package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/marionette-mco/marionette/core/client"
)

type findOptions struct {
	common commonFlags
	filter filterFlags
	window time.Duration
	expect int
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
	cmd.Flags().Var((*seconds)(&o.window), "discovery-window", "end discovery once no new reply came for this long (seconds or a duration)")
	cmd.Flags().IntVar(&o.expect, "expect", 0, "end discovery once this many nodes answered")
	return cmd
}

func runFind(cmd *cobra.Command, sio IO, o *findOptions) error {
	f, err := o.filter.build()
	if err != nil {
		return err
	}
	start := time.Now()
	var nodes []string
	if literal := literalIdentities(o.filter); literal != nil {
		// As Ruby: identities alone, none a regex, need no discovery.
		nodes = literal
	} else {
		sess, err := openSession(cmd.Context(), sio, &o.common)
		if err != nil {
			return err
		}
		defer sess.Close()
		window := o.window
		if window == 0 {
			window = sess.cfg.DiscoveryWindow
		}
		nodes, err = sess.client.Discover(cmd.Context(), client.Discovery{Filter: f,
			Timeout: sess.discoveryTimeout(&o.common), Window: window, Expect: o.expect})
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
	}
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
		fmt.Fprintf(sio.Stderr, "\nDiscovered %d nodes in %.2f seconds using the mc discovery plugin\n",
			len(nodes), time.Since(start).Seconds())
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
		if len(id) > 1 && id[0] == '/' && id[len(id)-1] == '/' {
			return nil
		}
	}
	return append([]string(nil), f.identities...)
}
