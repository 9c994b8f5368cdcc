// Package config reads MCollective's own configuration files (server.cfg,
// client.cfg and plugin.d/*.cfg: `key = value` lines) into typed structs,
// one slice per consuming package.
//
// The file format is parsed here (see Load for the rules and where they
// differ from Ruby MCollective 2.12); spf13/viper holds the layered values:
// defaults, then the files, then environment overrides (MCOLLECTIVE_PSK,
// STOMP_SERVER, STOMP_PORT, STOMP_USER, STOMP_PASSWORD).
package config

import "time"

// Config is a parsed server.cfg or client.cfg. Each package receives only its
// own part (Connector, Security, Facts, ...), never the whole Config.
type Config struct {
	// Identity is this node's or client's name; default: the host's FQDN.
	Identity string
	// MainCollective is the collective used when none is named.
	MainCollective string
	// Collectives lists every collective this node belongs to.
	Collectives []string
	// LibDir lists the plugin directories, in order.
	LibDir []string
	// Daemonize detaches the daemon from its terminal.
	Daemonize bool
	// TTL is the request time-to-live a client puts on its requests.
	TTL time.Duration
	// DirectAddressing lets a client send requests to discovered nodes
	// one by one rather than by broadcast.
	DirectAddressing bool
	// DirectAddressingThreshold is the largest node count sent directed.
	DirectAddressingThreshold int
	// DiscoveryTimeout is how long mc discovery waits for replies.
	DiscoveryTimeout time.Duration
	// DiscoveryWindow, when positive, ends mc discovery once no new reply
	// has arrived for this long.
	DiscoveryWindow time.Duration

	// Logging is the logger_type, logfile and loglevel keys.
	Logging Logging
	// Connector is the connector key and the chosen connector's
	// plugin.<connector>.* keys.
	Connector Connector
	// Security is securityprovider and plugin.psk*.
	Security Security
	// Facts is factsource, plugin.yaml, classesfile and fact_cache_time.
	Facts Facts
	// Broker is plugin.broker.*: Marionette's embedded STOMP broker.
	Broker Broker
	// PluginIdleStop is plugin.goplugin.idle_stop (seconds, default 120):
	// a Go plugin agent's process, and the plugin host that runs them,
	// stop once not called for this long and start again on the next
	// call; 0 keeps them running once started.
	PluginIdleStop time.Duration

	// Plugin holds every plugin.* key as written (e.g. "psk.callertype"
	// is stored as "plugin.psk.callertype"), for agents and
	// rpcutil's get_config_item. Keys from plugin.d/<name>.cfg appear as
	// "plugin.<name>.<key>". Values are as written in the files;
	// environment overrides show only in the typed fields.
	Plugin map[string]string
	// Raw holds every key of the file as written, after comments are
	// stripped, for rpcutil's get_config_item. The last occurrence of a
	// key wins, except libdir whose values are joined with ":" as Ruby
	// appends every libdir line.
	Raw map[string]string
	// Unknown lists keys that neither Marionette nor Ruby MCollective 2.12
	// knows (plugin.* keys are always known), and plugin.d files skipped
	// for their name (Line 0), for a warning (or an error under --strict).
	Unknown []Position
	// Files lists the files read, main file first.
	Files []string
}

// Position names a key's place in a configuration file.
type Position struct {
	// File is the path of the file as given to Load (or found in plugin.d).
	File string
	// Line is 1-based.
	Line int
	// Key is the key as written, with plugin.<name>. prepended for
	// plugin.d files.
	Key string
}

// Logging configures the daemon's and client's log output.
type Logging struct {
	// Type is console, file or syslog.
	Type string
	// File is the log file for Type file.
	File string
	// Level is debug, info, warn, error or fatal.
	Level string
	// Facility is the syslog facility for Type syslog (logfacility,
	// default "user").
	Facility string
	// KeepLogs is how many rotated log files to keep (keeplogs, 5).
	KeepLogs int
	// MaxLogSize is the size in bytes at which the log file is rotated
	// (max_log_size, 2097152).
	MaxLogSize int64
}

// Connector configures the STOMP connection and destination layout.
type Connector struct {
	// Name is stomp, rabbitmq or activemq.
	Name string
	// TopicPrefix is the stomp layout's destination prefix, "/topic/".
	TopicPrefix string
	// QueuePrefix is the stomp layout's prefix for directed messages
	// (queueprefix, "/queue/").
	QueuePrefix string
	// TopicSep joins the stomp layout's destination parts (topicsep, ".").
	TopicSep string
	// Pool lists brokers in the order they are tried.
	Pool []BrokerHost
	// VHost is the STOMP host header (rabbitmq's vhost), "/" by default.
	VHost string
	// Heartbeat is the STOMP 1.1 heart-beat interval; 0 disables it.
	// It is kept as written: Ruby raises values under 30 s to 30 s, which
	// is for the transport to decide.
	Heartbeat time.Duration
	// InitialReconnectDelay, MaxReconnectDelay and BackOffMultiplier
	// shape reconnect backoff; UseExponentialBackOff turns growth on.
	InitialReconnectDelay time.Duration
	// MaxReconnectDelay caps the delay between reconnect attempts.
	MaxReconnectDelay time.Duration
	// BackOffMultiplier multiplies the delay after each failed attempt.
	BackOffMultiplier float64
	// UseExponentialBackOff turns the multiplier on.
	UseExponentialBackOff bool
	// MaxReconnectAttempts bounds reconnects; 0 means forever.
	MaxReconnectAttempts int
	// AgentsMultiplex puts every agent on one broadcast destination.
	AgentsMultiplex bool
	// UseReplyExchange makes rabbitmq replies go to an exchange the
	// client subscribes to, instead of a temp-queue.
	UseReplyExchange bool
	// Base64 encodes message bodies as base64 on the wire.
	Base64 bool
}

// BrokerHost is one broker in the connector's pool.
type BrokerHost struct {
	// Host is a host name or address.
	Host string
	// Port is the STOMP port, 61613 unless set.
	Port int
	// User and Password are the STOMP login and passcode; STOMP_USER
	// and STOMP_PASSWORD override them for every pool entry.
	User     string
	Password string
	// SSL asks for a TLS connection.
	SSL bool
}

// Security configures the security provider.
type Security struct {
	// Provider is the securityprovider key; only psk is implemented.
	Provider string
	// PSK is the pre-shared key (MCOLLECTIVE_PSK wins over plugin.psk).
	PSK string
	// CallerType is uid, gid, user, group or identity.
	CallerType string
}

// Facts configures the facts source and classes file.
type Facts struct {
	// Source is the factsource key; yaml is implemented.
	Source string
	// YAMLFiles are the plugin.yaml files, later ones winning.
	YAMLFiles []string
	// ClassesFile holds one class name per line.
	ClassesFile string
	// CacheTime is fact_cache_time: how long facts are kept before the
	// files are checked again.
	CacheTime time.Duration
}

// Broker configures the embedded STOMP broker.
type Broker struct {
	// Enable starts the embedded broker in this daemon.
	Enable bool
	// Listen is the host:port to listen on; default the first pool host.
	Listen string
	// User and Password are the credentials clients must present;
	// default the first pool host's.
	User string
	// Password pairs with User.
	Password string
}
