//go:build integration

package integration

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
)

func TestDaemonizeWritesPidfileAndStopsOnTERM(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	write(t, filepath.Join(dir, "facts.yaml"), "role: solo\n")
	cfg := filepath.Join(dir, "server.cfg")
	write(t, cfg, stompCfg(port, psk)+`identity = solo
daemonize = 1
logger_type = file
logfile = `+filepath.Join(dir, "mcollectived.log")+`
loglevel = info
plugin.yaml = facts.yaml
plugin.broker.enable = 1
`)
	pidfile := filepath.Join(dir, "mcollectived.pid")
	r := run(t, 20*time.Second, filepath.Join(bin, "mcollectived"), "-c", cfg, "--pidfile", pidfile)
	if r.code != 0 {
		t.Fatalf("daemonize: exit %d: %s", r.code, r.stderr)
	}
	raw, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("no pidfile: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	proc, _ := os.FindProcess(pid)
	t.Cleanup(func() { _ = proc.Signal(syscall.SIGKILL) })
	client := filepath.Join(dir, "client.cfg")
	write(t, client, stompCfg(port, psk)+"logger_type = console\nloglevel = warn\n")
	if got := waitPing(t, client, 1); got[0] != "solo" {
		t.Fatalf("ping = %v", got)
	}
	if err := proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if proc.Signal(syscall.Signal(0)) != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if proc.Signal(syscall.Signal(0)) == nil {
		t.Fatal("daemon still running 10 s after SIGTERM")
	}
	if _, err := os.Stat(pidfile); !os.IsNotExist(err) {
		t.Errorf("pidfile left behind: %v", err)
	}
	logText, _ := os.ReadFile(filepath.Join(dir, "mcollectived.log"))
	if !strings.Contains(string(logText), "mcollectived started") {
		t.Errorf("log file lacks start line:\n%s", logText)
	}
}

func TestConfigErrorStopsDaemonWithFileAndLine(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "server.cfg")
	write(t, cfg, "identity = x\n# fine\nthis line has no equals sign\n")
	r := run(t, 20*time.Second, filepath.Join(bin, "mcollectived"), "-c", cfg, "--no-daemonize")
	if r.code == 0 || !strings.Contains(r.stderr, cfg+":3:") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, 20*time.Second, filepath.Join(bin, "mcollectived"), "-c", filepath.Join(dir, "missing.cfg"), "--no-daemonize")
	if r.code == 0 || !strings.Contains(r.stderr, "missing.cfg") {
		t.Fatalf("missing config: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestDeadBrokerAtStartIsRetried(t *testing.T) {
	port := freePort(t)
	base := stompCfg(port, psk) + "plugin.stomp.initial_reconnect_delay = 0.05\nplugin.stomp.max_reconnect_delay = 0.5\n"
	// node2 starts while nothing listens on the broker port.
	startNode(t, base, nodeSpec{identity: "late2", facts: "a: 1\n"})
	time.Sleep(1500 * time.Millisecond)
	startNode(t, base, nodeSpec{identity: "late1", facts: "a: 1\n", extra: "plugin.broker.enable = 1\n"})
	client := filepath.Join(t.TempDir(), "client.cfg")
	write(t, client, base+"logger_type = console\nloglevel = warn\n")
	if got := waitPing(t, client, 2); len(got) != 2 {
		t.Fatalf("ping = %v", got)
	}
}

func TestBadInputOverTheBroker(t *testing.T) {
	cfg, port := embeddedFleet(t)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// Garbage on the broker's socket.
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = raw.Write([]byte("\x00\x01GARBAGE\nnot: a frame\n\n\x00\x00\xff"))
	raw.Close()
	// Junk bodies published where daemons listen.
	conn, err := stomp.Dial("tcp", addr, stomp.ConnOpt.Login("mcollective", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Disconnect()
	bodies := [][]byte{
		[]byte("not marshal at all"),
		{4, 8},
		{4, 8, '{', 0x7f},
		{4, 8, '[', 4, 0xff, 0xff, 0xff, 0x7f},
		{4, 8, '"', 4, 0xff, 0xff, 0xff, 0x7f, 'x'},
		make([]byte, 100000),
	}
	for _, b := range bodies {
		if err := conn.Send("/topic/mcollective.discovery.command", "text/plain", b,
			stomp.SendOpt.Header("reply-to", "/topic/mcollective.reply.junk")); err != nil {
			t.Fatal(err)
		}
	}
	if got := waitPing(t, cfg, 3); len(got) != 3 {
		t.Fatalf("after junk, ping = %v", got)
	}
}

func TestBrokerOnly(t *testing.T) {
	port := freePort(t)
	base := stompCfg(port, psk)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "broker.cfg")
	write(t, cfg, base+"identity = broker\nlogger_type = console\n")
	startDaemon(t, cfg, filepath.Join(dir, "broker.log"), "--broker-only")
	startNode(t, base, nodeSpec{identity: "b1", facts: "a: 1\n"})
	startNode(t, base, nodeSpec{identity: "b2", facts: "a: 2\n"})
	client := filepath.Join(dir, "client.cfg")
	write(t, client, base+"logger_type = console\nloglevel = warn\n")
	if got := waitPing(t, client, 2); len(got) != 2 || got[0] != "b1" {
		t.Fatalf("ping through a broker-only daemon = %v", got)
	}
}
