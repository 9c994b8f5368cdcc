package client

import (
	"context"
	"sort"
	"time"

	"github.com/marionette-mco/marionette/core/protocol"
)

// Discovery configures mc discovery: a ping broadcast to the discovery
// agent under a filter.
type Discovery struct {
	Filter  protocol.Filter
	Timeout time.Duration
	// Window, when positive, ends discovery once no new reply came for
	// that long.
	Window time.Duration
	// Expect, when positive, ends discovery once that many nodes answered.
	Expect int
}

// Ping broadcasts a discovery ping and passes each answering node to fn.
func (c *Client) Ping(ctx context.Context, d Discovery, fn func(Response)) error {
	_, err := c.Do(ctx, Call{Agent: "discovery", Filter: d.Filter, Message: "ping",
		Timeout: d.Timeout, Window: d.Window, Expect: d.Expect}, fn)
	return err
}

// Discover returns the sorted, de-duplicated identities of the nodes that
// match d.Filter.
func (c *Client) Discover(ctx context.Context, d Discovery) ([]string, error) {
	seen := map[string]bool{}
	err := c.Ping(ctx, d, func(r Response) { seen[r.Sender] = true })
	nodes := make([]string, 0, len(seen))
	for n := range seen {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	return nodes, err
}
