//go:build integration

package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSeedConfigsOverRabbitMQ runs the deployment guide's own server.cfg
// and client.cfg (broker address 127.0.0.1:61613, connector stomp, daemonize
// = 1, inline comments) against RabbitMQ's STOMP plugin.
func TestSeedConfigsOverRabbitMQ(t *testing.T) {
	addr := requireService(t, "MARIONETTE_RABBITMQ")
	if addr != "127.0.0.1:61613" {
		t.Fatalf("the seed configs name 127.0.0.1:61613; MARIONETTE_RABBITMQ is %s", addr)
	}
	dir := t.TempDir()
	seed, err := os.ReadFile("../configs/server.cfg")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "server.cfg")
	write(t, cfg, string(seed))
	pidfile := filepath.Join(dir, "pid")
	r := run(t, 20*time.Second, filepath.Join(bin, "mcollectived"), "--config", cfg, "--pidfile", pidfile)
	if r.code != 0 {
		t.Fatalf("seed server.cfg: exit %d: %s", r.code, r.stderr)
	}
	raw, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("daemonize = 1 wrote no pidfile: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	proc, _ := os.FindProcess(pid)
	t.Cleanup(func() {
		_ = proc.Signal(syscall.SIGTERM)
		for range 50 {
			if proc.Signal(syscall.Signal(0)) != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		_ = proc.Signal(syscall.SIGKILL)
	})
	host, _ := os.Hostname()
	var got []string
	for range 20 {
		got = pingers(mco(t, "../configs/client.cfg", "ping", "-t", "1").stdout)
		if len(got) > 0 {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], host) {
		t.Fatalf("seed client ping = %v, want this host (%s)", got, host)
	}
	find := mco(t, "../configs/client.cfg", "find", "-I", "/"+host+"/")
	if lines(find.stdout) == nil {
		t.Fatalf("seed client find -I /%s/ found nothing: %s", host, find.stderr)
	}
}
