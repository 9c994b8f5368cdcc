package plugin

import goplugin "github.com/hashicorp/go-plugin"

// Name is the name the agent plugin is dispensed under.
const Name = "agent"

// Handshake is what the daemon and a plugin check before talking: a plugin
// built against another protocol version, or an executable that is not a
// Marionette plugin, is refused. It is a usability check, not security.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "MARIONETTE_AGENT_PLUGIN",
	MagicCookieValue: "6f1d1b1ad3b84cf3a2c3b1e8d1f4a7c9",
}

// PluginSet is the go-plugin plugin set both sides use: Name mapped to an
// AgentPlugin. The plugin process sets its Impl; the daemon its Host.
func PluginSet(p *AgentPlugin) goplugin.PluginSet {
	return goplugin.PluginSet{Name: p}
}
