// Command rpcutil is MCollective's rpcutil agent as a Marionette Go plugin:
// the node's inventory, facts, configuration, statistics and data plugins,
// read from the daemon through sdk.Host. The daemon runs it from
// <libdir>/mcollective/agent/rpcutil, next to rpcutil.ddl.
package main

import "github.com/marionette-mco/marionette/sdk"

func main() { sdk.Serve(newAgent()) }
