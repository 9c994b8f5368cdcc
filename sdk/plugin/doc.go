// Package plugin is the seam between the Marionette daemon and its Go plugin
// agents, shared by both sides as go-plugin's examples/grpc/shared is: the
// handshake, the Go-level contract (Request, Reply, Host, Server) and the
// go-plugin Plugin that carries it over gRPC.
//
// The plugin host the daemon runs (core/agent/goplugin inside
// mcollectived-plugins) starts a plugin executable with go-plugin,
// dispenses Name and gets a *Client. While dispensing, it serves the daemon's
// Host on a go-plugin broker stream; Client.Init hands the stream's id to the
// plugin, which dials it and from then on reaches the daemon's facts,
// configuration and inventory through a Host of its own. A plugin never
// imports this package directly: package sdk wraps it (sdk.Serve).
//
// # Values on the wire
//
// Request inputs, reply data, facts and data plugin results cross the
// process boundary as JSON written and read by package sdk/value, whose
// documentation says how Go types survive the trip.
package plugin
