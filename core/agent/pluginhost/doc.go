// Package pluginhost keeps go-plugin and gRPC out of the daemon: the Go
// plugin agents are served by a separate plugin host process
// (mcollectived-plugins, package core/agent/goplugin inside it), which the
// daemon starts on the first call to any of them and stops, plugins and
// all, once none has been called for the idle time. An idle daemon links
// and maps none of the gRPC machinery, and runs no extra process.
//
// The daemon side is a Process, shared by the node's plugin agents, and one
// Agent (an agent.Agent) per plugin. Each call is bounded by the agent's
// timeout and the request's deadline; the daemon answers a call itself when
// its deadline passes (and tells the host to cancel it), when the host
// process dies (status 5, with the exit status and the host's last stderr
// lines) or cannot be started; the next call starts a new host, after a
// backoff when starts or processes keep failing. What the plugins ask of
// the daemon (facts, configuration, inventory, statistics, data queries)
// the host forwards to the daemon's agent.Host, and what the host logs is
// logged by the daemon with its own logger.
//
// The plugin host side is Serve, which cmd/mcollectived-plugins runs with
// an Opener that starts go-plugin agents.
//
// # Wire
//
// The daemon starts the host with two pipes besides stdio: file descriptor
// 3 carries messages to the host, 4 messages to the daemon; the host's
// stdout and stderr lines are logged. Each message is a 4-byte big-endian
// length then that many bytes of JSON, {"k": kind, "id": n, "b": body};
// values inside bodies (inputs, reply data, facts) are written by package
// sdk/value, as they are on the way to the plugins. The host first says
// hello (its protocol version and pid); the daemon then sends open (an
// agent's Spec) before an agent's first call, call and cancel; the host
// sends reply, host (a call to the daemon's agent.Host, answered by
// hostreply) and log. The host ends when fd 3 reaches end of file: it
// closes its agents, which stops their plugins, and exits.
package pluginhost
