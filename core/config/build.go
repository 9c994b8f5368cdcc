package config

import (
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// build turns the layered values into cfg's typed fields. dir is the main
// file's absolute directory; main are the main file's entries (for libdir,
// which accumulates). Errors are recorded in s.
func build(cfg *Config, s *store, dir string, main []entry, fqdn func() string) {
	buildIdentity(cfg, s, fqdn)
	buildCollectives(cfg, s)
	for _, e := range main {
		if e.key == "libdir" {
			cfg.LibDir = append(cfg.LibDir, pathList(dir, e.value)...)
		}
	}
	cfg.Daemonize = s.boolean("daemonize")
	cfg.TTL = s.seconds("ttl", 1)
	cfg.DirectAddressing = s.boolean("direct_addressing")
	cfg.DirectAddressingThreshold = int(s.integer("direct_addressing_threshold", 0, math.MaxInt32))
	cfg.DiscoveryTimeout = s.seconds("discovery_timeout", 1)
	cfg.DiscoveryWindow = time.Duration(s.integer("discovery_window", 0, math.MaxInt64/int64(time.Millisecond))) * time.Millisecond

	cfg.Logging = Logging{
		Type:       s.oneOf("logger_type", "console", "file", "syslog"),
		File:       resolve(dir, s.str("logfile")),
		Level:      s.oneOf("loglevel", "debug", "info", "warn", "error", "fatal"),
		Facility:   s.str("logfacility"),
		KeepLogs:   int(s.integer("keeplogs", 0, math.MaxInt32)),
		MaxLogSize: s.integer("max_log_size", 0, math.MaxInt64),
	}
	cfg.Security = Security{
		Provider:   strings.ToLower(s.str("securityprovider")),
		PSK:        s.str("plugin.psk"),
		CallerType: s.oneOf("plugin.psk.callertype", "uid", "gid", "user", "group", "identity"),
	}
	cfg.Facts = Facts{
		Source:      strings.ToLower(s.str("factsource")),
		YAMLFiles:   pathList(dir, s.str("plugin.yaml")),
		ClassesFile: resolve(dir, s.str("classesfile")),
		CacheTime:   s.seconds("fact_cache_time", 0),
	}
	cfg.Connector = buildConnector(s)
	cfg.PluginIdleStop = s.seconds("plugin.goplugin.idle_stop", 0)
	cfg.Broker = buildBroker(s, cfg.Connector.Pool)
}

// buildIdentity reads identity, defaulting to fqdn(), and checks it
// against Ruby's rule.
func buildIdentity(cfg *Config, s *store, fqdn func() string) {
	cfg.Identity = s.str("identity")
	if !s.isSet("identity") {
		cfg.Identity = fqdn()
	}
	if !validIdentity().MatchString(cfg.Identity) {
		s.fail(s.errorf("identity", "identity %q may hold only letters, digits, _, . and -", cfg.Identity))
	}
}

// buildCollectives reads collectives (comma-separated, empty names and
// repeats dropped) and main_collective (default the first collective,
// which must be among them). Ruby keeps main_collective's default
// "mcollective" even when collectives does not list it.
func buildCollectives(cfg *Config, s *store) {
	for _, c := range strings.Split(s.str("collectives"), ",") {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(cfg.Collectives, c) {
			cfg.Collectives = append(cfg.Collectives, c)
		}
	}
	if len(cfg.Collectives) == 0 {
		s.fail(s.errorf("collectives", "collectives: no collective named"))
		return
	}
	cfg.MainCollective = s.str("main_collective")
	if cfg.MainCollective == "" {
		cfg.MainCollective = cfg.Collectives[0]
	}
	if !slices.Contains(cfg.Collectives, cfg.MainCollective) {
		s.fail(s.errorf("main_collective", "main_collective %q is not one of collectives (%s)",
			cfg.MainCollective, strings.Join(cfg.Collectives, ", ")))
	}
}

// buildBroker reads plugin.broker.*: the embedded broker listens on
// plugin.broker.listen, default the first pool entry's host:port (or
// 127.0.0.1:61613 with an empty pool), and accepts plugin.broker.user and
// password, default the first pool entry's.
func buildBroker(s *store, pool []BrokerHost) Broker {
	b := Broker{
		Enable:   s.boolean("plugin.broker.enable"),
		Listen:   s.str("plugin.broker.listen"),
		User:     s.str("plugin.broker.user"),
		Password: s.str("plugin.broker.password"),
	}
	first := BrokerHost{Host: "127.0.0.1", Port: defaultPort}
	if len(pool) > 0 {
		first = pool[0]
	}
	if b.Listen == "" {
		b.Listen = net.JoinHostPort(first.Host, strconv.Itoa(first.Port))
	} else if _, port, err := net.SplitHostPort(b.Listen); err != nil {
		s.fail(s.errorf("plugin.broker.listen", "plugin.broker.listen: %q is not host:port", b.Listen))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		s.fail(s.errorf("plugin.broker.listen", "plugin.broker.listen: %q has a bad port", b.Listen))
	}
	if !s.isSet("plugin.broker.user") {
		b.User = first.User
	}
	if !s.isSet("plugin.broker.password") {
		b.Password = first.Password
	}
	return b
}
