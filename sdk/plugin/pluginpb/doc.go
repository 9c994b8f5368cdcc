// Package pluginpb holds the protocol buffer messages and gRPC services
// generated from agent.proto: the wire between the daemon and its Go plugin
// agents. Use package sdk/plugin rather than this package directly.
package pluginpb
