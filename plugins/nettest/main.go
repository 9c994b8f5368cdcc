// Command nettest is a Marionette Go plugin agent that checks, from the
// node, whether a host answers an ICMP ping and accepts a TCP connection.
// The daemon runs it from <libdir>/mcollective/agent/nettest, next to
// nettest.ddl.
package main

import "github.com/marionette-mco/marionette/sdk"

func main() { sdk.Serve(newAgent("ping")) }
