package config

import (
	"fmt"
	"math"
	"strconv"
)

// defaultPort is the STOMP port used when a pool entry names none. (Ruby's
// 1.x stomp connector used 6163, its rabbitmq and activemq connectors
// 61613; we use 61613 for all three.)
const defaultPort = 61613

// stompPoolOptions are the reconnect options Ruby's 1.x stomp connector read
// from plugin.stomp.pool.<option>.
func stompPoolOptions() map[string]bool {
	return map[string]bool{
		"initial_reconnect_delay":  true,
		"max_reconnect_delay":      true,
		"use_exponential_back_off": true,
		"back_off_multiplier":      true,
		"max_reconnect_attempts":   true,
	}
}

// buildConnector reads the connector key and the chosen connector's
// plugin.<connector>.* options and pool.
func buildConnector(s *store) Connector {
	name := s.oneOf("connector", "stomp", "rabbitmq", "activemq")
	c := Connector{
		Name:        name,
		TopicPrefix: s.str("topicprefix"),
		QueuePrefix: s.str("queueprefix"),
		TopicSep:    s.str("topicsep"),
	}
	if s.err != nil {
		return c
	}
	prefix := "plugin." + name + "."
	for opt, def := range connectorDefaults(name) {
		s.setDefault(prefix+opt, def)
	}
	legacy := stompPoolOptions()
	key := func(opt string) string {
		if name == "stomp" && legacy[opt] && s.inFile(prefix+"pool."+opt) {
			return prefix + "pool." + opt
		}
		return prefix + opt
	}
	c.VHost = s.str(key("vhost"))
	c.Heartbeat = s.seconds(key("heartbeat_interval"), 0)
	c.InitialReconnectDelay = s.fracSeconds(key("initial_reconnect_delay"))
	c.MaxReconnectDelay = s.fracSeconds(key("max_reconnect_delay"))
	c.UseExponentialBackOff = s.boolean(key("use_exponential_back_off"))
	c.BackOffMultiplier = s.number(key("back_off_multiplier"), 1)
	c.MaxReconnectAttempts = int(s.integer(key("max_reconnect_attempts"), 0, math.MaxInt32))
	c.AgentsMultiplex = s.boolean(key("agents_multiplex"))
	c.UseReplyExchange = s.boolean(key("use_reply_exchange"))
	c.Base64 = s.boolean(key("base64"))
	if name == "stomp" {
		c.Pool = stompPool(s)
	} else {
		c.Pool = numberedPool(s, prefix)
	}
	return c
}

// numberedPool reads the rabbitmq and activemq pool layout:
// plugin.<c>.pool.size and plugin.<c>.pool.<n>.host, .port, .user,
// .password and .ssl. STOMP_USER and STOMP_PASSWORD override every entry's
// user and password (Ruby's get_env_or_option). Without pool.size the pool
// is empty, and the transport reports it.
func numberedPool(s *store, prefix string) []BrokerHost {
	sizeKey := prefix + "pool.size"
	size := int(s.integer(sizeKey, 0, 1000))
	var pool []BrokerHost
	for n := 1; n <= size && s.err == nil; n++ {
		at := func(field string) string { return fmt.Sprintf("%spool.%d.%s", prefix, n, field) }
		pool = append(pool, poolEntry(s, sizeKey, at("host"), at("port"), at("user"), at("password"), at("ssl")))
	}
	return pool
}

// stompPool reads Ruby's 1.x stomp connector layout: either
// plugin.stomp.pool.size with plugin.stomp.pool.hostN, portN, userN,
// passwordN and sslN, or a single plugin.stomp.host, port, user and
// password. STOMP_SERVER and STOMP_PORT override the single host and port;
// STOMP_USER and STOMP_PASSWORD override every user and password.
func stompPool(s *store) []BrokerHost {
	const prefix = "plugin.stomp."
	sizeKey := prefix + "pool.size"
	if s.inFile(sizeKey) {
		size := int(s.integer(sizeKey, 0, 1000))
		var pool []BrokerHost
		for n := 1; n <= size && s.err == nil; n++ {
			at := func(field string) string { return prefix + "pool." + field + strconv.Itoa(n) }
			pool = append(pool, poolEntry(s, sizeKey, at("host"), at("port"), at("user"), at("password"), at("ssl")))
		}
		return pool
	}
	s.override(prefix+"host", "STOMP_SERVER")
	s.override(prefix+"port", "STOMP_PORT")
	if !s.isSet(prefix + "host") {
		return nil
	}
	return []BrokerHost{poolEntry(s, prefix+"host", prefix+"host", prefix+"port", prefix+"user", prefix+"password", prefix+"ssl")}
}

// poolEntry reads one broker from the given keys, applying STOMP_USER and
// STOMP_PASSWORD. A missing host is reported at sizeKey's line.
func poolEntry(s *store, sizeKey, host, port, user, password, ssl string) BrokerHost {
	s.override(user, "STOMP_USER")
	s.override(password, "STOMP_PASSWORD")
	b := BrokerHost{
		Host:     s.str(host),
		Port:     defaultPort,
		User:     s.str(user),
		Password: s.str(password),
		SSL:      s.boolean(ssl),
	}
	if b.Host == "" {
		s.fail(s.errorf(sizeKey, "%s is not set", host))
	}
	if s.isSet(port) {
		b.Port = int(s.integer(port, 1, 65535))
	}
	return b
}
