package config

import "strings"

// kind is how a key's value is checked.
type kind int

const (
	kindString kind = iota
	kindBool        // Ruby's Util.str_to_bool
	kindInt         // Ruby's Integer()
	kindFloat       // Ruby's Float()
)

// keySpec describes one top-level key: how its value is checked and its
// default ("" for none).
type keySpec struct {
	kind kind
	def  string
}

// mainKeys lists every top-level key Ruby MCollective 2.12's config.rb
// accepts, plus Marionette's own (discovery_window), with Ruby's defaults
// (discovery_timeout's 2 comes from the mc discovery plugin). plugin.* keys
// are not listed: every plugin.* key is accepted. The list is built per call
// so that nothing global can be mutated.
func mainKeys() map[string]keySpec {
	s := func(def string) keySpec { return keySpec{kind: kindString, def: def} }
	b := func(def string) keySpec { return keySpec{kind: kindBool, def: def} }
	i := func(def string) keySpec { return keySpec{kind: kindInt, def: def} }
	f := func(def string) keySpec { return keySpec{kind: kindFloat, def: def} }
	return map[string]keySpec{
		// read into Config
		"identity":                    s(""),
		"main_collective":             s(""),
		"collectives":                 s("mcollective"),
		"libdir":                      s(""),
		"logfile":                     s(""),
		"loglevel":                    s("info"),
		"logger_type":                 s("file"),
		"logfacility":                 s("user"),
		"keeplogs":                    i("5"),
		"max_log_size":                i("2097152"),
		"daemonize":                   b("false"),
		"securityprovider":            s("psk"),
		"connector":                   s("activemq"),
		"topicprefix":                 s("/topic/"),
		"topicsep":                    s("."),
		"queueprefix":                 s("/queue/"),
		"factsource":                  s("yaml"),
		"classesfile":                 s("/var/lib/puppet/state/classes.txt"),
		"fact_cache_time":             i("300"),
		"ttl":                         i("60"),
		"direct_addressing":           b("true"),
		"direct_addressing_threshold": i("10"),
		"discovery_timeout":           i("2"),
		"discovery_window":            i("0"),
		// known to Ruby, checked, kept in Raw only
		"registration":              s("agentlist"),
		"registration_collective":   s(""),
		"registerinterval":          i("0"),
		"registration_splay":        b("false"),
		"color":                     b("true"),
		"publish_timeout":           i("2"),
		"connection_timeout":        i(""),
		"rpcaudit":                  b("false"),
		"rpcauditprovider":          s(""),
		"rpcauthorization":          b("false"),
		"rpcauthprovider":           s(""),
		"rpclimitmethod":            s("first"),
		"ssl_cipher":                s("aes-256-cbc"),
		"threaded":                  b("false"),
		"default_discovery_options": s(""),
		"default_discovery_method":  s("mc"),
		"soft_shutdown":             b("false"),
		"soft_shutdown_timeout":     i(""),
		"activate_agents":           b("true"),
		"default_batch_size":        i("0"),
		"default_batch_sleep_time":  f("1"),
		"rpchelptemplate":           s(""),
		"helptemplatedir":           s(""),
	}
}

// isPluginKey reports whether key is a plugin.* key, which is always
// accepted.
func isPluginKey(key string) bool {
	return strings.HasPrefix(key, "plugin.") && len(key) > len("plugin.")
}

// pluginDefaults are the defaults of the plugin.* keys Marionette reads,
// other than the connector's (see connectorDefaults).
func pluginDefaults() map[string]string {
	return map[string]string{
		"plugin.psk.callertype":     "uid",
		"plugin.broker.enable":      "false",
		"plugin.goplugin.idle_stop": "120",
	}
}

// connectorDefaults are the defaults of the chosen connector's options,
// keyed by option name under plugin.<connector>. (the Ruby rabbitmq and
// activemq connectors' defaults).
func connectorDefaults(name string) map[string]string {
	vhost := "/"
	if name == "activemq" {
		vhost = "mcollective"
	}
	return map[string]string{
		"vhost":                    vhost,
		"heartbeat_interval":       "0",
		"initial_reconnect_delay":  "0.01",
		"max_reconnect_delay":      "30",
		"use_exponential_back_off": "true",
		"back_off_multiplier":      "2",
		"max_reconnect_attempts":   "0",
		"agents_multiplex":         "false",
		"use_reply_exchange":       "false",
		"base64":                   "false",
	}
}
