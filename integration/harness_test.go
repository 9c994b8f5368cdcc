//go:build integration

// Package integration runs the real binaries (mcollectived, mco) against
// real brokers: the embedded one, RabbitMQ and Ruby MCollective peers.
package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin holds the binaries built once for the whole run.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "marionette-it-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	if err := buildAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildAll builds the commands into dir and, beside them in dir/libdir,
// the shipped agents, as `make build` lays them out: the daemon finds its
// shipped libdir next to its executable.
func buildAll(dir string) error {
	for _, c := range []string{"mcollectived", "mcollectived-plugins", "mco"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, c), "../cmd/"+c).CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", c, err, out)
		}
	}
	agentDir := filepath.Join(dir, "libdir", "mcollective", "agent")
	if err := os.MkdirAll(agentDir, 0o755); err != nil {
		return err
	}
	plugins, err := filepath.Glob("../plugins/*")
	if err != nil {
		return err
	}
	for _, p := range plugins {
		name := filepath.Base(p)
		if main, _ := filepath.Glob(filepath.Join(p, "main.go")); len(main) > 0 {
			if out, err := exec.Command("go", "build", "-o", filepath.Join(agentDir, name), "./"+p).CombinedOutput(); err != nil {
				return fmt.Errorf("build plugin %s: %v\n%s", name, err, out)
			}
		}
		for _, pattern := range []string{"*.ddl", "*.json", "*.lua"} {
			files, _ := filepath.Glob(filepath.Join(p, pattern))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(agentDir, filepath.Base(f)), b, 0o644); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

const psk = "a36cd839414370e10fd281b8a38a4f48"

// freePort returns a TCP port free on 127.0.0.1 right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// stompCfg is the connector part of a config for the stomp layout.
func stompCfg(port int, key string) string {
	return fmt.Sprintf(`main_collective = mcollective
collectives = mcollective
securityprovider = psk
plugin.psk = %s
connector = stomp
plugin.stomp.host = 127.0.0.1
plugin.stomp.port = %d
plugin.stomp.user = mcollective
plugin.stomp.password = secret
`, key, port)
}

// rabbitCfg is the connector part of a config for Ruby's rabbitmq layout.
func rabbitCfg(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	return fmt.Sprintf(`main_collective = mcollective
collectives = mcollective
securityprovider = psk
plugin.psk = %s
connector = rabbitmq
plugin.rabbitmq.vhost = /
plugin.rabbitmq.pool.size = 1
plugin.rabbitmq.pool.1.host = %s
plugin.rabbitmq.pool.1.port = %s
plugin.rabbitmq.pool.1.user = mcollective
plugin.rabbitmq.pool.1.password = secret
`, psk, host, port)
}

// nodeSpec describes one daemon to start.
type nodeSpec struct {
	identity string
	facts    string // YAML
	classes  []string
	extra    string // more config lines
}

// startNode writes a config for spec and starts mcollectived in the
// foreground; the test's cleanup stops it with SIGTERM.
func startNode(t *testing.T, base string, spec nodeSpec) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), spec.identity)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "facts.yaml"), spec.facts)
	write(t, filepath.Join(dir, "classes.txt"), strings.Join(spec.classes, "\n")+"\n")
	cfg := base + fmt.Sprintf("identity = %s\nlogger_type = console\nloglevel = debug\nplugin.yaml = facts.yaml\nclassesfile = classes.txt\n%s",
		spec.identity, spec.extra)
	path := filepath.Join(dir, "server.cfg")
	write(t, path, cfg)
	startDaemon(t, path, filepath.Join(dir, "daemon.log"))
	return path
}

// startDaemon runs mcollectived -c path --no-daemonize with its output in
// logPath, stopped with SIGTERM at cleanup (SIGKILL after 10 s).
func startDaemon(t *testing.T, path, logPath string, args ...string) *exec.Cmd {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(bin, "mcollectived"), append([]string{"-c", path, "--no-daemonize"}, args...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("%s did not stop on SIGTERM", path)
		}
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("--- %s ---\n%s", logPath, tail(string(b), 4000))
		}
	})
	return cmd
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// result is one finished command.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a command with a bounded time and no standard input.
func run(t *testing.T, limit time.Duration, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = nil
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ctx.Err() != nil {
		t.Fatalf("%s %v: timed out after %s\nstdout: %s\nstderr: %s", name, args, limit, r.stdout, r.stderr)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return r
}

// mco runs our mco with a client config.
func mco(t *testing.T, cfg string, args ...string) result {
	t.Helper()
	return run(t, 60*time.Second, filepath.Join(bin, "mco"), append(args, "-c", cfg)...)
}

// lines returns the sorted non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return sorted(out)
}

func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// pingers returns the identities in mco ping output.
func pingers(out string) []string {
	var ids []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && strings.HasPrefix(f[1], "time=") {
			ids = append(ids, f[0])
		}
	}
	return sorted(ids)
}

// waitPing pings until want identities answer, bounded.
func waitPing(t *testing.T, cfg string, want int, extra ...string) []string {
	t.Helper()
	var got []string
	for range 30 {
		r := mco(t, cfg, append([]string{"ping", "-t", "1"}, extra...)...)
		got = pingers(r.stdout)
		if len(got) >= want {
			return got
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("only %v answered ping, want %d nodes", got, want)
	return nil
}

// requireService returns the address in env var name, skipping when it is
// unset outside CI and failing under CI, where nothing may be skipped.
func requireService(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set under CI: the service this test needs is missing", name)
		}
		t.Skipf("%s not set; this test needs that service", name)
	}
	return v
}
