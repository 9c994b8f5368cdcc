// Package fleet runs many virtual MCollective nodes in one process, for
// benchmarks and load tests. Every virtual node is a real server.Server
// with its own identity, its own generated facts and classes, its own
// node subscriptions and its own counters: each request it receives goes
// through the daemon's pipeline (decode, verify, filter, dispatch, reply)
// by mcollectived's code (core/server), the envelope decoded once per
// connection (see below).
//
// # Connections
//
// Nodes are spread over connections in order: node i uses connection
// i / PerConn. Each connection is one transport.Conn (reconnect,
// heart-beats and resubscription included), and on it every node of the
// connection registers the subscriptions mcollectived would register for
// itself (transport.Layout.NodeSubscriptions for its identity, collectives
// and agents). transport.Conn keeps one subscription per subscription id,
// so what the broker sees per connection is:
//
//   - each broadcast destination (one per collective and agent, or one per
//     collective with agents_multiplex) subscribed once, whatever the
//     number of nodes on the connection: the broker sends one copy of a
//     broadcast request per connection;
//   - each node's directed destination subscribed on its own connection
//     (one subscription per node and collective).
//
// Each connection has one dispatcher goroutine that reads the
// connection's Inbox and looks up the message's subscription id (the
// STOMP subscription header, else its destination) in a table built from
// those registrations: a broadcast subscription lists every node of the
// connection, a directed one its node. The dispatcher decodes the
// request envelope once (server.Decode: every node on the connection
// received the same bytes, so each would decode the same request) and
// hands it with the listed nodes, in chunks, to a pool of Workers
// goroutines shared by the whole fleet, which pass it through each node's
// pipeline in turn (server.Server.HandleDecoded): every node checks the
// PSK digest and TTL on its own copy, checks its collectives, matches the
// filter against its facts, runs the agent and signs and sends its reply
// itself. With DecodeEach, every node also decodes the envelope itself
// (server.Server.Handle, exactly mcollectived's path; slower). A node's
// reply is sent on its connection (transport.Conn.Reply), so the
// mc_sender header of a reply names the connection (<prefix>conn<k>) when
// PerConn > 1; the reply envelope's senderid, which is what clients read,
// names the node.
//
// PerConn = 1 gives every node its own connection whose identity is the
// node's: the same subscriptions and frames as N separate mcollectived.
// The activemq layout addresses directed requests with one subscription
// id per connection (a selector on /queue/<c>.nodes), so it needs
// PerConn = 1.
//
// Concurrency is bounded by Workers (requests in a pipeline) and by the
// job queue between dispatchers and workers; when workers fall behind,
// dispatchers block, the connections' Inboxes fill and the broker holds
// back, as for one slow daemon. No goroutine is started per message.
//
// # Agents
//
// Every node serves the agents of one shared registry (Options.Agents):
// the built-in discovery agent by default; cmd/mcfleet loads what
// mcollectived loads from libdir, each agent once for the whole fleet
// (one go-plugin process, one Lua state pool), with Host as their
// agent.Host. An agent is not told which node calls it, so shared agents
// see the fleet, not the node (see Host).
//
// # Facts
//
// Generated facts (see Facts) vary with the node's index so that filters
// select known subsets: role web/db/cache by i%3, country de/uk/us/fr/nl
// by i%5, rank = i, os.family debian/redhat by i%2, and classes
// roles::<role> and base.
package fleet
