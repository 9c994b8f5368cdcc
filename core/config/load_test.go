package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testOptions returns LoadOptions with a fixed environment and FQDN, so
// that tests neither read the real environment nor touch the resolver.
func testOptions(env map[string]string) LoadOptions {
	return LoadOptions{
		Env:  func(name string) string { return env[name] },
		FQDN: func() string { return "host.example.com" },
	}
}

// loadText writes text as server.cfg in a fresh directory and loads it.
func loadText(t *testing.T, text string, opts LoadOptions) (*Config, string, error) {
	t.Helper()
	path := writeFile(t, t.TempDir(), "server.cfg", text)
	cfg, err := Load(path, opts)
	return cfg, path, err
}

func TestLoadDefaults(t *testing.T) {
	cfg, path, err := loadText(t, "# nothing set\n", testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Identity:                  "host.example.com",
		MainCollective:            "mcollective",
		Collectives:               []string{"mcollective"},
		TTL:                       60 * time.Second,
		DirectAddressing:          true,
		DirectAddressingThreshold: 10,
		DiscoveryTimeout:          2 * time.Second,
		Logging:                   Logging{Type: "file", Level: "info", Facility: "user", KeepLogs: 5, MaxLogSize: 2097152},
		Connector: Connector{
			Name: "activemq", TopicPrefix: "/topic/", QueuePrefix: "/queue/", TopicSep: ".",
			VHost: "mcollective", InitialReconnectDelay: 10 * time.Millisecond,
			MaxReconnectDelay: 30 * time.Second, BackOffMultiplier: 2, UseExponentialBackOff: true,
		},
		Security:       Security{Provider: "psk", CallerType: "uid"},
		Facts:          Facts{Source: "yaml", ClassesFile: "/var/lib/puppet/state/classes.txt", CacheTime: 300 * time.Second},
		Broker:         Broker{Listen: "127.0.0.1:61613"},
		PluginIdleStop: 2 * time.Minute,
		Plugin:         map[string]string{},
		Raw:            map[string]string{},
		Files:          []string{path},
	}
	if !reflect.DeepEqual(*cfg, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", *cfg, want)
	}
}

func TestLoadValues(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		check func(*Config) any
		want  any
	}{
		{"identity", "identity = web-1.example_net", func(c *Config) any { return c.Identity }, "web-1.example_net"},
		{"collectives trimmed", "collectives = a , b,,a", func(c *Config) any { return c.Collectives }, []string{"a", "b"}},
		{"main collective defaults to first", "collectives = eu,us", func(c *Config) any { return c.MainCollective }, "eu"},
		{"main collective", "collectives = eu,us\nmain_collective = us", func(c *Config) any { return c.MainCollective }, "us"},
		{"libdir list", "libdir = /a:/b", func(c *Config) any { return c.LibDir }, []string{"/a", "/b"}},
		{"libdir lines accumulate", "libdir = /a\nlibdir = /b:/c", func(c *Config) any { return c.LibDir }, []string{"/a", "/b", "/c"}},
		{"daemonize 1", "daemonize = 1", func(c *Config) any { return c.Daemonize }, true},
		{"daemonize yes", "daemonize = YES", func(c *Config) any { return c.Daemonize }, true},
		{"daemonize t", "daemonize = t", func(c *Config) any { return c.Daemonize }, true},
		{"daemonize n", "daemonize = n", func(c *Config) any { return c.Daemonize }, false},
		{"ttl", "ttl = 30", func(c *Config) any { return c.TTL }, 30 * time.Second},
		{"direct addressing off", "direct_addressing = false", func(c *Config) any { return c.DirectAddressing }, false},
		{"threshold", "direct_addressing_threshold = 50", func(c *Config) any { return c.DirectAddressingThreshold }, 50},
		{"discovery timeout", "discovery_timeout = 5", func(c *Config) any { return c.DiscoveryTimeout }, 5 * time.Second},
		{"discovery window ms", "discovery_window = 250", func(c *Config) any { return c.DiscoveryWindow }, 250 * time.Millisecond},
		{"plugin idle stop default", "", func(c *Config) any { return c.PluginIdleStop }, 2 * time.Minute},
		{"plugin idle stop", "plugin.goplugin.idle_stop = 5", func(c *Config) any { return c.PluginIdleStop }, 5 * time.Second},
		{"plugin idle stop off", "plugin.goplugin.idle_stop = 0", func(c *Config) any { return c.PluginIdleStop }, time.Duration(0)},
		{"console logger", "logger_type = console\nloglevel = WARN", func(c *Config) any { return c.Logging.Type + "/" + c.Logging.Level }, "console/warn"},
		{"logfile absolute", "logfile = /var/log/m.log", func(c *Config) any { return c.Logging.File }, "/var/log/m.log"},
		{"psk", "plugin.psk = s3cret", func(c *Config) any { return c.Security.PSK }, "s3cret"},
		{"callertype", "plugin.psk.callertype = identity", func(c *Config) any { return c.Security.CallerType }, "identity"},
		{"securityprovider lower-cased", "securityprovider = PSK", func(c *Config) any { return c.Security.Provider }, "psk"},
		{"factsource", "factsource = YAML", func(c *Config) any { return c.Facts.Source }, "yaml"},
		{"yaml files", "plugin.yaml = /a.yaml:/b.yaml", func(c *Config) any { return c.Facts.YAMLFiles }, []string{"/a.yaml", "/b.yaml"}},
		{"fact cache", "fact_cache_time = 0", func(c *Config) any { return c.Facts.CacheTime }, time.Duration(0)},
		{"connector case", "connector = RabbitMQ", func(c *Config) any { return c.Connector.Name }, "rabbitmq"},
		{"topicprefix", "topicprefix = /exchange/", func(c *Config) any { return c.Connector.TopicPrefix }, "/exchange/"},
		{"plugin map", "plugin.psk = k\nplugin.Foo.Bar = x", func(c *Config) any { return c.Plugin },
			map[string]string{"plugin.psk": "k", "plugin.Foo.Bar": "x"}},
		{"raw last wins, libdir joined", "ttl = 5\nttl = 6\nlibdir = /a\nlibdir = /b", func(c *Config) any { return c.Raw },
			map[string]string{"ttl": "6", "libdir": "/a:/b"}},
		{"known Ruby keys accepted", "registerinterval = 300\nregistration = Meta\nrpcaudit = 1\nkeeplogs = 3\n" +
			"soft_shutdown = yes\nactivate_agents = false\ndefault_batch_sleep_time = 0.5\nssl_cipher = aes-128-cbc\n" +
			"rpclimitmethod = random\nqueueprefix = /queue/\nthreaded = 0",
			func(c *Config) any { return len(c.Unknown) }, 0},
		{"keeplogs used", "keeplogs = 3\nmax_log_size = 100", func(c *Config) any { return [2]int64{int64(c.Logging.KeepLogs), c.Logging.MaxLogSize} }, [2]int64{3, 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := loadText(t, tt.text, testOptions(nil))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.check(cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestLoadValueErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // after "<path>:"
	}{
		{"bad boolean", "ttl = 5\ndaemonize = maybe", `2: daemonize: cannot read "maybe" as a boolean (use true or false)`},
		{"bad boolean on a key we do not use", "rpcaudit = sure", `1: rpcaudit: cannot read "sure" as a boolean (use true or false)`},
		{"bad integer on a key we do not use", "\nregisterinterval = soon", `2: registerinterval: "soon" is not an integer`},
		{"negative ttl", "ttl = -5", "1: ttl: -5 is below the minimum 1"},
		{"zero ttl", "ttl = 0", "1: ttl: 0 is below the minimum 1"},
		{"float ttl", "ttl = 1.5", `1: ttl: "1.5" is not an integer`},
		{"bad loglevel", "loglevel = verbose", `1: loglevel: "verbose" is not one of debug, info, warn, error, fatal`},
		{"bad logger", "logger_type = journald", `1: logger_type: "journald" is not one of console, file, syslog`},
		{"unknown connector", "# c\nconnector = kafka", `2: connector: "kafka" is not one of stomp, rabbitmq, activemq`},
		{"bad callertype", "plugin.psk.callertype = pid", `1: plugin.psk.callertype: "pid" is not one of uid, gid, user, group, identity`},
		{"main collective not listed", "collectives = a,b\nmain_collective = c", `2: main_collective "c" is not one of collectives (a, b)`},
		{"no collectives", "collectives = ,", "1: collectives: no collective named"},
		{"bad identity", "identity = web 1/x", `1: identity "web 1/x" may hold only letters, digits, _, . and -`},
		{"negative discovery window", "discovery_window = -1", "1: discovery_window: -1 is below the minimum 0"},
		{"bad plugin idle stop", "plugin.goplugin.idle_stop = soon", `1: plugin.goplugin.idle_stop: "soon" is not an integer`},
		{"bad port", "connector = stomp\nplugin.stomp.host = h\nplugin.stomp.port = http", `3: plugin.stomp.port: "http" is not an integer`},
		{"port too big", "connector = stomp\nplugin.stomp.host = h\nplugin.stomp.port = 70000", "3: plugin.stomp.port: 70000 is above the maximum 65535"},
		{"bad reconnect delay", "connector = rabbitmq\nplugin.rabbitmq.initial_reconnect_delay = soon", `2: plugin.rabbitmq.initial_reconnect_delay: "soon" is not a number`},
		{"bad broker listen", "plugin.broker.listen = nowhere", `1: plugin.broker.listen: "nowhere" is not host:port`},
		{"first error wins", "ttl = -1\nloglevel = loud", "1: ttl: -1 is below the minimum 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path, err := loadText(t, tt.text, testOptions(nil))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if want := path + ":" + tt.want; err.Error() != want {
				t.Errorf("got  %s\nwant %s", err, want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.cfg"), testOptions(nil))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want fs.ErrNotExist", err)
	}
}

func TestLoadIdentity(t *testing.T) {
	opts := testOptions(nil)
	opts.FQDN = func() string { return "bad host" }
	_, path, err := loadText(t, "ttl = 5", opts)
	if want := path + `: identity "bad host" may hold only letters, digits, _, . and -`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if got := HostFQDN(); got == "" || !validIdentity().MatchString(got) {
		t.Errorf("HostFQDN() = %q, want a valid identity", got)
	}
}

func TestLoadEnv(t *testing.T) {
	text := "plugin.psk = fromfile\nconnector = rabbitmq\nplugin.rabbitmq.pool.size = 2\n" +
		"plugin.rabbitmq.pool.1.host = b1\nplugin.rabbitmq.pool.1.user = u1\nplugin.rabbitmq.pool.1.password = p1\n" +
		"plugin.rabbitmq.pool.2.host = b2\n"
	tests := []struct {
		name    string
		env     map[string]string
		psk     string
		user    [2]string
		pass    [2]string
		rawPSK  string
		errWant string
	}{
		{"no environment", nil, "fromfile", [2]string{"u1", ""}, [2]string{"p1", ""}, "fromfile", ""},
		{"MCOLLECTIVE_PSK wins", map[string]string{"MCOLLECTIVE_PSK": "fromenv"}, "fromenv", [2]string{"u1", ""}, [2]string{"p1", ""}, "fromfile", ""},
		{"STOMP_USER and STOMP_PASSWORD win for every entry", map[string]string{"STOMP_USER": "eu", "STOMP_PASSWORD": "ep"},
			"fromfile", [2]string{"eu", "eu"}, [2]string{"ep", "ep"}, "fromfile", ""},
		{"empty counts as unset", map[string]string{"MCOLLECTIVE_PSK": ""}, "fromfile", [2]string{"u1", ""}, [2]string{"p1", ""}, "fromfile", ""},
		{"STOMP_SERVER ignored by rabbitmq", map[string]string{"STOMP_SERVER": "x", "STOMP_PORT": "1"}, "fromfile", [2]string{"u1", ""}, [2]string{"p1", ""}, "fromfile", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := loadText(t, text, testOptions(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Security.PSK != tt.psk || cfg.Plugin["plugin.psk"] != tt.rawPSK {
				t.Errorf("psk %q (plugin map %q), want %q (%q)", cfg.Security.PSK, cfg.Plugin["plugin.psk"], tt.psk, tt.rawPSK)
			}
			for i, b := range cfg.Connector.Pool {
				if b.User != tt.user[i] || b.Password != tt.pass[i] {
					t.Errorf("pool %d: %s/%s, want %s/%s", i+1, b.User, b.Password, tt.user[i], tt.pass[i])
				}
			}
		})
	}
}

func TestLoadUnknownAndStrict(t *testing.T) {
	text := "ttl = 5\nttll = 6\nplugin.anything.goes = 1\nIdentity = x\n"
	cfg, path, err := loadText(t, text, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []Position{{File: path, Line: 2, Key: "ttll"}, {File: path, Line: 4, Key: "Identity"}}
	if !reflect.DeepEqual(cfg.Unknown, want) {
		t.Errorf("unknown %+v, want %+v", cfg.Unknown, want)
	}
	if cfg.Identity != "host.example.com" {
		t.Errorf("identity %q: a mis-cased key must not set it", cfg.Identity)
	}
	if cfg.Raw["ttll"] != "6" {
		t.Errorf("raw ttll = %q, want 6", cfg.Raw["ttll"])
	}

	opts := testOptions(nil)
	opts.Strict = true
	_, err = Load(path, opts)
	var pe *ParseError
	if !errors.As(err, &pe) || err.Error() != path+`:2: unknown key "ttll"` {
		t.Errorf("strict: got %v", err)
	}
}

func TestLoadPluginD(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "server.cfg", "connector = rabbitmq\nplugin.rabbitmq.vhost = /main\nplugin.psk.callertype = uid\n")
	writeFile(t, dir, "plugin.d/rabbitmq.cfg", "vhost = /mco\npool.size = 1\npool.1.host = broker #in plugin.d\n")
	writeFile(t, dir, "plugin.d/psk.cfg", "callertype = group\n")
	writeFile(t, dir, "plugin.d/my-notes.cfg", "x = 1\n")

	cfg, err := Load(path, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{path, filepath.Join(dir, "plugin.d/psk.cfg"), filepath.Join(dir, "plugin.d/rabbitmq.cfg")}
	if !reflect.DeepEqual(cfg.Files, files) {
		t.Errorf("files %q, want %q", cfg.Files, files)
	}
	if cfg.Connector.VHost != "/mco" || cfg.Plugin["plugin.rabbitmq.vhost"] != "/mco" {
		t.Errorf("vhost %q, plugin map %q: plugin.d must win", cfg.Connector.VHost, cfg.Plugin["plugin.rabbitmq.vhost"])
	}
	if cfg.Security.CallerType != "group" {
		t.Errorf("callertype %q, want group", cfg.Security.CallerType)
	}
	if len(cfg.Connector.Pool) != 1 || cfg.Connector.Pool[0].Host != "broker" {
		t.Errorf("pool %+v", cfg.Connector.Pool)
	}
	if len(cfg.Unknown) != 1 || cfg.Unknown[0].Key != "plugin.d/my-notes.cfg" {
		t.Errorf("unknown %+v, want the skipped plugin.d file", cfg.Unknown)
	}

	writeFile(t, dir, "plugin.d/rabbitmq.cfg", "vhost = /mco\npool.size = 1\npool.1.port = 1\n")
	_, err = Load(path, testOptions(nil))
	if want := filepath.Join(dir, "plugin.d/rabbitmq.cfg") + ":2: plugin.rabbitmq.pool.1.host is not set"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestLoadRelativePaths(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "etc/node.cfg", "libdir = plugins:/abs/lib:../shared\nlogfile = log/node.log\n"+
		"classesfile = classes.txt\nplugin.yaml = facts.yaml:/etc/extra.yaml\n")
	cfg, err := Load(path, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	etc := filepath.Join(dir, "etc")
	checks := []struct {
		name      string
		got, want any
	}{
		{"libdir", cfg.LibDir, []string{filepath.Join(etc, "plugins"), "/abs/lib", filepath.Join(dir, "shared")}},
		{"logfile", cfg.Logging.File, filepath.Join(etc, "log/node.log")},
		{"classesfile", cfg.Facts.ClassesFile, filepath.Join(etc, "classes.txt")},
		{"plugin.yaml", cfg.Facts.YAMLFiles, []string{filepath.Join(etc, "facts.yaml"), "/etc/extra.yaml"}},
		{"plugin map as written", cfg.Plugin["plugin.yaml"], "facts.yaml:/etc/extra.yaml"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestDefaultPaths(t *testing.T) {
	if got := DefaultServerPath(); !strings.HasSuffix(got, "mcollective/server.cfg") {
		t.Errorf("DefaultServerPath() = %q", got)
	}

	home := t.TempDir()
	t.Setenv("HOME", home)
	if got := DefaultClientPath(); got != "/etc/mcollective/client.cfg" && !strings.HasPrefix(got, "/etc/") {
		t.Errorf("without ~/.mcollective: %q", got)
	}
	dot := writeFile(t, home, ".mcollective", "ttl = 5\n")
	if got := DefaultClientPath(); got != dot {
		t.Errorf("with ~/.mcollective: %q, want %q", got, dot)
	}
}

func TestLoadStrictPluginDName(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "server.cfg", "ttl = 5\n")
	bad := writeFile(t, dir, "plugin.d/my-notes.cfg", "x = 1\n")
	opts := testOptions(nil)
	opts.Strict = true
	_, err := Load(path, opts)
	if want := bad + ": not read: a plugin.d file name must be word characters and .cfg"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}
