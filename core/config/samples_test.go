package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// configsDir is the repository's sample configuration directory.
const configsDir = "../../configs"

const seedPSK = "a36cd839414370e10fd281b8a38a4f48"

// TestSeedConfigs loads the server.cfg and client.cfg of the deployment
// guide, as printed there (testdata/seed-*.cfg) and as shipped in configs/
// (same text, broker at 127.0.0.1), and Debian's packaged ones.
func TestSeedConfigs(t *testing.T) {
	tests := []struct {
		file      string
		host      string
		daemonize bool
		logType   string
		logLevel  string
		logFile   string
	}{
		{"testdata/seed-server.cfg", "192.168.100.110", true, "file", "info", "/var/log/mcollective.log"},
		{"testdata/seed-client.cfg", "192.168.100.110", false, "console", "warn", ""},
		{configsDir + "/server.cfg", "127.0.0.1", true, "file", "info", "/var/log/mcollective.log"},
		{configsDir + "/client.cfg", "127.0.0.1", false, "console", "warn", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := testOptions(nil)
			opts.Strict = true
			cfg, err := Load(tt.file, opts)
			if err != nil {
				t.Fatal(err)
			}
			checks := []struct {
				name      string
				got, want any
			}{
				{"psk", cfg.Security.PSK, seedPSK},
				{"provider", cfg.Security.Provider, "psk"},
				{"libdir", strings.Join(cfg.LibDir, ":"), "/usr/libexec/mcollective"},
				{"daemonize", cfg.Daemonize, tt.daemonize},
				{"connector", cfg.Connector.Name, "stomp"},
				{"topicprefix", cfg.Connector.TopicPrefix, "/topic/"},
				{"pool", cfg.Connector.Pool, []BrokerHost{{Host: tt.host, Port: 61613, User: "mcollective", Password: "secret"}}},
				{"collectives", strings.Join(cfg.Collectives, ","), "mcollective"},
				{"main collective", cfg.MainCollective, "mcollective"},
				{"logger", cfg.Logging.Type + " " + cfg.Logging.Level + " " + cfg.Logging.File,
					tt.logType + " " + tt.logLevel + " " + tt.logFile},
				{"facts", cfg.Facts.Source + " " + strings.Join(cfg.Facts.YAMLFiles, ":"), "yaml /etc/mcollective/facts.yaml"},
				{"plugin map", cfg.Plugin["plugin.stomp.password"], "secret"},
				{"raw", cfg.Raw["libdir"], "/usr/libexec/mcollective"},
				{"unknown", len(cfg.Unknown), 0},
			}
			for _, c := range checks {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestDebianConfigs(t *testing.T) {
	for _, file := range []string{"testdata/debian-server.cfg", "testdata/debian-client.cfg"} {
		t.Run(file, func(t *testing.T) {
			opts := testOptions(nil)
			opts.Strict = true
			cfg, err := Load(file, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := []BrokerHost{{Host: "stomp1", Port: 61613, User: "mcollective", Password: "marionette"}}
			if cfg.Connector.Name != "activemq" || !reflect.DeepEqual(cfg.Connector.Pool, want) || cfg.Security.PSK != "unset" {
				t.Errorf("got %+v, psk %q", cfg.Connector, cfg.Security.PSK)
			}
		})
	}
}

// TestDemoConfigs loads every configs/demo/*.cfg and checks its facts and
// classes files.
func TestDemoConfigs(t *testing.T) {
	demo := filepath.Join(configsDir, "demo")
	abs, err := filepath.Abs(demo)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file     string
		identity string
		broker   bool
		role     string
	}{
		{"node1.cfg", "node1", true, "web"},
		{"node2.cfg", "node2", false, "db"},
		{"node3.cfg", "node3", false, "web"},
		{"client.cfg", "host.example.com", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := testOptions(nil)
			opts.Strict = true
			cfg, err := Load(filepath.Join(demo, tt.file), opts)
			if err != nil {
				t.Fatal(err)
			}
			pool := []BrokerHost{{Host: "127.0.0.1", Port: 61700, User: "mcollective", Password: "secret"}}
			if cfg.Identity != tt.identity || cfg.Security.PSK != seedPSK || cfg.Connector.Name != "stomp" ||
				!reflect.DeepEqual(cfg.Connector.Pool, pool) || cfg.Broker.Enable != tt.broker {
				t.Errorf("got identity %q psk %q connector %+v broker %+v", cfg.Identity, cfg.Security.PSK, cfg.Connector, cfg.Broker)
			}
			if cfg.Broker.Listen != "127.0.0.1:61700" || cfg.Broker.User != "mcollective" || cfg.Broker.Password != "secret" {
				t.Errorf("broker %+v", cfg.Broker)
			}
			if want := filepath.Join(abs, "../../bin/libdir"); !reflect.DeepEqual(cfg.LibDir, []string{want}) {
				t.Errorf("libdir %q, want [%s]", cfg.LibDir, want)
			}
			if tt.role == "" {
				return
			}
			node := strings.TrimSuffix(tt.file, ".cfg")
			if want := []string{filepath.Join(abs, node+".yaml")}; !reflect.DeepEqual(cfg.Facts.YAMLFiles, want) {
				t.Fatalf("yaml %q, want %q", cfg.Facts.YAMLFiles, want)
			}
			checkFacts(t, cfg.Facts.YAMLFiles[0], tt.role)
			checkClasses(t, cfg.Facts.ClassesFile, "roles::"+tt.role)
			if cfg.Facts.CacheTime != 300*time.Second {
				t.Errorf("fact cache %v", cfg.Facts.CacheTime)
			}
		})
	}
}

// checkFacts reads a demo facts file and checks its role and nested os map.
func checkFacts(t *testing.T, path, role string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var facts struct {
		Role     string `yaml:"role"`
		Country  string `yaml:"country"`
		OSFamily string `yaml:"osfamily"`
		OS       struct {
			Family  string `yaml:"family"`
			Release struct {
				Major int `yaml:"major"`
			} `yaml:"release"`
		} `yaml:"os"`
		ProcessorCount int `yaml:"processorcount"`
	}
	if err := yaml.Unmarshal(data, &facts); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if facts.Role != role || facts.Country == "" || facts.OS.Family != facts.OSFamily ||
		facts.OS.Release.Major == 0 || facts.ProcessorCount == 0 {
		t.Errorf("%s: facts %+v", path, facts)
	}
}

// checkClasses reads a demo classes file and checks it lists class.
func checkClasses(t *testing.T, path, class string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line == class {
			return
		}
	}
	t.Errorf("%s does not list %s", path, class)
}

// TestConfigsDirCovered makes sure every file under configs/ is one the
// tests above read, so a new sample cannot go untested.
func TestConfigsDirCovered(t *testing.T) {
	covered := map[string]bool{
		"server.cfg": true, "client.cfg": true, "mcollective.service": true,
		"demo/client.cfg": true,
	}
	for _, n := range []string{"1", "2", "3"} {
		for _, ext := range []string{".cfg", ".yaml", ".txt"} {
			covered["demo/node"+n+ext] = true
		}
	}
	err := filepath.WalkDir(configsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(configsDir, path)
		if err != nil {
			return err
		}
		if !covered[filepath.ToSlash(rel)] {
			t.Errorf("configs/%s is not covered by a test", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	unit, err := os.ReadFile(filepath.Join(configsDir, "mcollective.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[Unit]", "[Service]", "ExecStart=/usr/sbin/mcollectived --config=/etc/mcollective/server.cfg", "[Install]"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("mcollective.service lacks %q", want)
		}
	}
}
