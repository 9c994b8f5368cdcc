package config

import (
	"reflect"
	"testing"
	"time"
)

func TestLoadPool(t *testing.T) {
	tests := []struct {
		name string
		text string
		env  map[string]string
		want []BrokerHost
	}{
		{"stomp single host", "connector = stomp\nplugin.stomp.host = 127.0.0.1\nplugin.stomp.port = 61613\n" +
			"plugin.stomp.user = mcollective\nplugin.stomp.password = secret",
			nil, []BrokerHost{{Host: "127.0.0.1", Port: 61613, User: "mcollective", Password: "secret"}}},
		{"stomp default port", "connector = stomp\nplugin.stomp.host = b",
			nil, []BrokerHost{{Host: "b", Port: 61613}}},
		{"stomp no host", "connector = stomp", nil, nil},
		{"stomp STOMP_SERVER and STOMP_PORT", "connector = stomp\nplugin.stomp.host = b\nplugin.stomp.port = 1\nplugin.stomp.user = u",
			map[string]string{"STOMP_SERVER": "envhost", "STOMP_PORT": "6163", "STOMP_PASSWORD": "pw"},
			[]BrokerHost{{Host: "envhost", Port: 6163, User: "u", Password: "pw"}}},
		{"stomp host from environment only", "connector = stomp",
			map[string]string{"STOMP_SERVER": "envhost", "STOMP_USER": "eu"},
			[]BrokerHost{{Host: "envhost", Port: 61613, User: "eu"}}},
		{"stomp 1.x pool", "connector = stomp\nplugin.stomp.pool.size = 2\n" +
			"plugin.stomp.pool.host1 = s1\nplugin.stomp.pool.port1 = 6163\nplugin.stomp.pool.user1 = u1\nplugin.stomp.pool.password1 = p1\n" +
			"plugin.stomp.pool.host2 = s2\nplugin.stomp.pool.ssl2 = true\n" +
			"plugin.stomp.host = ignored",
			map[string]string{"STOMP_SERVER": "ignored too"},
			[]BrokerHost{{Host: "s1", Port: 6163, User: "u1", Password: "p1"}, {Host: "s2", Port: 61613, SSL: true}}},
		{"rabbitmq pool", "connector = rabbitmq\nplugin.rabbitmq.pool.size = 2\n" +
			"plugin.rabbitmq.pool.1.host = r1\nplugin.rabbitmq.pool.1.port = 61614\nplugin.rabbitmq.pool.1.user = u\n" +
			"plugin.rabbitmq.pool.1.password = p\nplugin.rabbitmq.pool.1.ssl = 1\n" +
			"plugin.rabbitmq.pool.2.host = r2\n" +
			"plugin.activemq.pool.size = 1\nplugin.activemq.pool.1.host = not-chosen",
			nil, []BrokerHost{{Host: "r1", Port: 61614, User: "u", Password: "p", SSL: true}, {Host: "r2", Port: 61613}}},
		{"activemq pool with env credentials", "connector = activemq\nplugin.activemq.pool.size = 1\n" +
			"plugin.activemq.pool.1.host = a1\nplugin.activemq.pool.1.user = u\nplugin.activemq.pool.1.password = p",
			map[string]string{"STOMP_USER": "eu", "STOMP_PASSWORD": "ep"},
			[]BrokerHost{{Host: "a1", Port: 61613, User: "eu", Password: "ep"}}},
		{"rabbitmq without pool.size", "connector = rabbitmq\nplugin.rabbitmq.pool.1.host = r1", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := loadText(t, tt.text, testOptions(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.Connector.Pool, tt.want) {
				t.Errorf("pool\n got %+v\nwant %+v", cfg.Connector.Pool, tt.want)
			}
		})
	}
}

func TestLoadPoolErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		env  map[string]string
		want string // after "<path>:" unless it starts with "environment"
	}{
		{"missing host", "connector = rabbitmq\nplugin.rabbitmq.pool.size = 2\nplugin.rabbitmq.pool.1.host = a",
			nil, "2: plugin.rabbitmq.pool.2.host is not set"},
		{"stomp 1.x missing host", "connector = stomp\nplugin.stomp.pool.size = 1",
			nil, "2: plugin.stomp.pool.host1 is not set"},
		{"negative size", "connector = activemq\nplugin.activemq.pool.size = -1", nil, "2: plugin.activemq.pool.size: -1 is below the minimum 0"},
		{"bad ssl", "connector = rabbitmq\nplugin.rabbitmq.pool.size = 1\nplugin.rabbitmq.pool.1.host = a\nplugin.rabbitmq.pool.1.ssl = on",
			nil, `4: plugin.rabbitmq.pool.1.ssl: cannot read "on" as a boolean (use true or false)`},
		{"bad STOMP_PORT", "connector = stomp\nplugin.stomp.host = a", map[string]string{"STOMP_PORT": "x"},
			`environment variable STOMP_PORT: plugin.stomp.port: "x" is not an integer`},
		{"bad multiplier", "connector = rabbitmq\nplugin.rabbitmq.back_off_multiplier = 0.5", nil,
			"2: plugin.rabbitmq.back_off_multiplier: 0.5 is below the minimum 1"},
		{"negative heartbeat", "connector = rabbitmq\nplugin.rabbitmq.heartbeat_interval = -30", nil,
			"2: plugin.rabbitmq.heartbeat_interval: -30 is below the minimum 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path, err := loadText(t, tt.text, testOptions(tt.env))
			want := path + ":" + tt.want
			if tt.env != nil {
				want = tt.want
			}
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}

func TestLoadConnectorOptions(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Connector
	}{
		{"rabbitmq defaults", "connector = rabbitmq", Connector{
			Name: "rabbitmq", VHost: "/", InitialReconnectDelay: 10 * time.Millisecond, MaxReconnectDelay: 30 * time.Second,
			BackOffMultiplier: 2, UseExponentialBackOff: true}},
		{"rabbitmq options", "connector = rabbitmq\nplugin.rabbitmq.vhost = /mcollective\n" +
			"plugin.rabbitmq.heartbeat_interval = 30\nplugin.rabbitmq.initial_reconnect_delay = 0.5\n" +
			"plugin.rabbitmq.max_reconnect_delay = 60\nplugin.rabbitmq.use_exponential_back_off = n\n" +
			"plugin.rabbitmq.back_off_multiplier = 3\nplugin.rabbitmq.max_reconnect_attempts = 7\n" +
			"plugin.rabbitmq.agents_multiplex = y\nplugin.rabbitmq.use_reply_exchange = true\nplugin.rabbitmq.base64 = yes",
			Connector{Name: "rabbitmq", VHost: "/mcollective", Heartbeat: 30 * time.Second,
				InitialReconnectDelay: 500 * time.Millisecond, MaxReconnectDelay: time.Minute, BackOffMultiplier: 3,
				MaxReconnectAttempts: 7, AgentsMultiplex: true, UseReplyExchange: true, Base64: true}},
		{"activemq vhost default", "connector = activemq", Connector{
			Name: "activemq", VHost: "mcollective", InitialReconnectDelay: 10 * time.Millisecond, MaxReconnectDelay: 30 * time.Second,
			BackOffMultiplier: 2, UseExponentialBackOff: true}},
		{"stomp 1.x pool reconnect options", "connector = stomp\nplugin.stomp.pool.initial_reconnect_delay = 0.25\n" +
			"plugin.stomp.max_reconnect_delay = 5\nplugin.stomp.pool.max_reconnect_attempts = 4",
			Connector{Name: "stomp", VHost: "/", InitialReconnectDelay: 250 * time.Millisecond, MaxReconnectDelay: 5 * time.Second,
				BackOffMultiplier: 2, UseExponentialBackOff: true, MaxReconnectAttempts: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := loadText(t, tt.text, testOptions(nil))
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.Connector
			got.TopicPrefix, got.QueuePrefix, got.TopicSep = "", "", ""
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLoadBroker(t *testing.T) {
	pool := "connector = stomp\nplugin.stomp.host = 10.0.0.1\nplugin.stomp.port = 6163\nplugin.stomp.user = mc\nplugin.stomp.password = pw\n"
	tests := []struct {
		name string
		text string
		want Broker
	}{
		{"off by default", pool, Broker{Listen: "10.0.0.1:6163", User: "mc", Password: "pw"}},
		{"enabled, defaults from pool", pool + "plugin.broker.enable = 1",
			Broker{Enable: true, Listen: "10.0.0.1:6163", User: "mc", Password: "pw"}},
		{"explicit", pool + "plugin.broker.enable = yes\nplugin.broker.listen = 0.0.0.0:61613\n" +
			"plugin.broker.user = admin\nplugin.broker.password = hunter2",
			Broker{Enable: true, Listen: "0.0.0.0:61613", User: "admin", Password: "hunter2"}},
		{"ipv6 pool host", "connector = stomp\nplugin.stomp.host = ::1\nplugin.broker.enable = true",
			Broker{Enable: true, Listen: "[::1]:61613"}},
		{"no pool", "connector = stomp\nplugin.broker.enable = 1", Broker{Enable: true, Listen: "127.0.0.1:61613"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := loadText(t, tt.text, testOptions(nil))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Broker != tt.want {
				t.Errorf("got %+v, want %+v", cfg.Broker, tt.want)
			}
		})
	}
}
