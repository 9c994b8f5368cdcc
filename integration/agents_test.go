//go:build integration

package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const calcDDL = `metadata :name => "calc", :description => "Arithmetic", :author => "ops",
         :license => "MIT", :version => "1.0", :url => "https://example.net", :timeout => 5
action "add", :description => "Add two numbers" do
  display :always
  input :a, :prompt => "A", :description => "first", :type => :integer, :optional => false
  input :b, :prompt => "B", :description => "second", :type => :integer, :optional => false
  output :sum, :description => "a + b", :display_as => "Sum"
  summarize do
    aggregate sum(:sum)
  end
end
action "spin", :description => "Never returns" do
  output :x, :description => "x", :display_as => "X"
end
action "whoami", :description => "Identity and role through the mco module" do
  output :identity, :description => "node", :display_as => "Identity"
  output :role, :description => "role fact", :display_as => "Role"
  output :echo, :description => "exec output", :display_as => "Echo"
end
action "stray", :description => "Replies with an output the DDL lacks" do
  output :x, :description => "x", :display_as => "X"
end
action "escape", :description => "Tries to leave the sandbox" do
  output :x, :description => "x", :display_as => "X"
end
`

const calcLua = `local mco = require("mco")
local calc = {}
function calc.add(request, reply)
  reply.sum = request.a + request.b
end
function calc.spin(request, reply)
  while true do end
end
function calc.whoami(request, reply)
  reply.identity = mco.identity()
  reply.role = mco.fact("role")
  local r = mco.exec({"echo", "hi"}, {timeout = 2})
  reply.echo = r.stdout
end
function calc.stray(request, reply)
  reply.x = 1
  reply.surprise = true
end
function calc.escape(request, reply)
  reply.x = os.execute("id")
end
return calc
`

// userLibdir writes a libdir holding a user's Lua agent, a broken DDL and
// an implementation without a DDL.
func userLibdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	agents := filepath.Join(dir, "mcollective", "agent")
	if err := os.MkdirAll(agents, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(agents, "calc.ddl"), calcDDL)
	write(t, filepath.Join(agents, "calc.lua"), calcLua)
	write(t, filepath.Join(agents, "broken.ddl"), "metadata :name => \"broken\",\n  :timeout => \naction \"x\" do\nend\n")
	write(t, filepath.Join(agents, "broken.lua"), "return {}")
	write(t, filepath.Join(agents, "orphan.lua"), "return {}")
	write(t, filepath.Join(agents, "badlua.ddl"), strings.ReplaceAll(calcDDL, `"calc"`, `"badlua"`))
	write(t, filepath.Join(agents, "badlua.lua"), "local x = \nfunction (\n")
	return dir
}

type rpcResult struct {
	Sender     string         `json:"sender"`
	StatusCode int            `json:"statuscode"`
	StatusMsg  string         `json:"statusmsg"`
	Data       map[string]any `json:"data"`
}

func rpcJSON(t *testing.T, cfg string, args ...string) []rpcResult {
	t.Helper()
	r := mco(t, cfg, append([]string{"rpc", "--json"}, args...)...)
	var out []rpcResult
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("mco rpc %v --json: %v\nstdout %q\nstderr %q", args, err, r.stdout, r.stderr)
	}
	return out
}

func TestUserAgentsFromLibdir(t *testing.T) {
	port := freePort(t)
	base := stompCfg(port, psk)
	// The user's agents live in the second libdir directory.
	first := t.TempDir()
	lib := userLibdir(t)
	libdir := "libdir = " + first + ":" + lib + "\n"
	path := startNode(t, base, nodeSpec{identity: "agents1", facts: "role: calc\n",
		extra: "plugin.broker.enable = 1\n" + libdir})
	startNode(t, base, nodeSpec{identity: "agents2", facts: "role: calc\n", extra: libdir})
	startNode(t, base, nodeSpec{identity: "agents3", facts: "role: other\n", extra: libdir})
	client := filepath.Join(t.TempDir(), "client.cfg")
	write(t, client, base+"logger_type = console\nloglevel = warn\n"+libdir)
	waitPing(t, client, 3)

	logText, _ := os.ReadFile(filepath.Join(filepath.Dir(path), "daemon.log"))
	for _, want := range []string{"broken.ddl:3", "orphan.lua: agent orphan has no DDL", "badlua.lua:"} {
		if !strings.Contains(string(logText), want) {
			t.Errorf("daemon log lacks %q", want)
		}
	}
	got := rpcJSON(t, client, "calc", "add", "a=2", "b=40")
	if len(got) != 3 {
		t.Fatalf("calc add answered by %d nodes: %+v", len(got), got)
	}
	for _, r := range got {
		if r.StatusCode != 0 || r.Data["sum"] != float64(42) {
			t.Fatalf("calc add = %+v", got)
		}
	}
	text := mco(t, client, "rpc", "calc", "add", "a=1", "b=2")
	for _, want := range []string{"Summary of Sum", "Finished processing 3 / 3 hosts"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("rpc text output lacks %q:\n%s", want, text.stdout)
		}
	}
	who := rpcJSON(t, client, "calc", "whoami", "-F", "role=other")
	if len(who) != 1 || who[0].Data["identity"] != "agents3" || who[0].Data["role"] != "other" || who[0].Data["echo"] != "hi\n" {
		t.Fatalf("whoami through the mco module = %+v", who)
	}
	stray := mco(t, client, "rpc", "calc", "stray", "-I", "agents2")
	if !strings.Contains(stray.stderr, "the reply from agents2 has outputs calc#stray does not declare: surprise") {
		t.Errorf("a reply that does not match the DDL is not reported: %q", stray.stderr)
	}
	esc := rpcJSON(t, client, "calc", "escape", "-I", "agents1")
	if len(esc) != 1 || esc[0].StatusCode != 5 {
		t.Fatalf("os.execute in the sandbox = %+v", esc)
	}
	got = rpcJSON(t, client, "calc", "spin", "-I", "agents1")
	if len(got) != 1 || got[0].StatusCode != 5 || !strings.Contains(got[0].StatusMsg, "timed out") {
		t.Fatalf("a runaway Lua action = %+v", got)
	}
	// The daemon still serves after the runaway script was stopped.
	if got = rpcJSON(t, client, "calc", "add", "a=1", "b=1", "-I", "agents1"); len(got) != 1 || got[0].Data["sum"] != float64(2) {
		t.Fatalf("after the runaway, calc add = %+v", got)
	}
	r := mco(t, client, "rpc", "calc", "add", "a=notanumber", "b=1")
	if r.code != 64 || !strings.Contains(r.stderr, "a") {
		t.Fatalf("invalid input: exit %d, stderr %q", r.code, r.stderr)
	}
}

// children returns the pids whose parent is pid.
func children(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		rest := string(stat)[strings.LastIndexByte(string(stat), ')')+2:]
		if f := strings.Fields(rest); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// descendants returns pid's children, their children and so on.
func descendants(pid int) []int {
	var out []int
	for _, c := range children(pid) {
		out = append(append(out, c), descendants(c)...)
	}
	return out
}

// waitGone waits up to limit for every pid to be gone (or a zombie waiting
// for init).
func waitGone(t *testing.T, limit time.Duration, what string, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for _, pid := range pids {
		for {
			stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
			if err != nil || strings.Contains(string(stat), ") Z ") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("process %d outlived %s", pid, what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func TestPluginsDieWithTheDaemon(t *testing.T) {
	port := freePort(t)
	base := stompCfg(port, psk)
	// The broker lives in its own daemon so that killing the node leaves it up.
	startNode(t, base, nodeSpec{identity: "brokerhost", facts: "a: 1\n", extra: "plugin.broker.enable = 1\n"})
	dir := filepath.Join(t.TempDir(), "victim")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "server.cfg")
	write(t, cfg, base+"identity = victim\nlogger_type = console\nloglevel = info\n")
	daemon := startDaemon(t, cfg, filepath.Join(dir, "daemon.log"))
	client := filepath.Join(t.TempDir(), "client.cfg")
	write(t, client, base+"logger_type = console\nloglevel = warn\n")
	waitPing(t, client, 2)
	// The node re-executed itself, same pid, to start on one processor.
	if env, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(daemon.Process.Pid), "environ")); !strings.Contains("\x00"+string(env), "\x00GOMAXPROCS=1\x00") {
		t.Errorf("the node daemon's environment lacks GOMAXPROCS=1")
	}
	if kids := descendants(daemon.Process.Pid); len(kids) != 0 {
		t.Fatalf("processes under the idle daemon before any plugin call: %v", kids)
	}
	if got := rpcJSON(t, client, "rpcutil", "ping", "-I", "victim"); len(got) != 1 || got[0].StatusCode != 0 {
		t.Fatalf("rpcutil ping = %+v", got)
	}
	kids := descendants(daemon.Process.Pid)
	if len(kids) != 2 {
		t.Fatalf("want the plugin host and the rpcutil plugin under the daemon after an rpcutil call, got %v", kids)
	}
	if err := daemon.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitGone(t, 10*time.Second, "the SIGKILLed daemon", kids...)
}

// sturdyNode starts a node with its own broker and the given extra
// configuration, and returns the daemon and an rpcutil ping against it.
func sturdyNode(t *testing.T, extra string) (*exec.Cmd, func() []rpcResult) {
	t.Helper()
	port := freePort(t)
	base := stompCfg(port, psk)
	dir := filepath.Join(t.TempDir(), "node")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "server.cfg")
	write(t, cfg, base+"identity = sturdy\nlogger_type = console\nloglevel = info\nplugin.broker.enable = 1\n"+extra)
	daemon := startDaemon(t, cfg, filepath.Join(dir, "daemon.log"))
	client := filepath.Join(t.TempDir(), "client.cfg")
	write(t, client, base+"logger_type = console\nloglevel = warn\n")
	waitPing(t, client, 1)
	return daemon, func() []rpcResult { return rpcJSON(t, client, "rpcutil", "ping", "-I", "sturdy") }
}

// pluginTree returns the daemon's plugin host and the plugin under it,
// failing unless there is exactly one of each.
func pluginTree(t *testing.T, daemon int) (host, plugin int) {
	t.Helper()
	hosts := children(daemon)
	if len(hosts) != 1 {
		t.Fatalf("processes under the daemon: %v, want the plugin host", hosts)
	}
	plugins := children(hosts[0])
	if len(plugins) != 1 {
		t.Fatalf("processes under the plugin host: %v, want the rpcutil plugin", plugins)
	}
	return hosts[0], plugins[0]
}

func TestKilledPluginAndPluginHostAnswerAgain(t *testing.T) {
	daemon, ping := sturdyNode(t, "")
	if got := ping(); len(got) != 1 || got[0].StatusCode != 0 {
		t.Fatalf("rpcutil ping = %+v", got)
	}
	host, plugin := pluginTree(t, daemon.Process.Pid)
	if err := syscall.Kill(plugin, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if got := ping(); len(got) != 1 || got[0].StatusCode != 0 {
		t.Fatalf("after SIGKILL of the plugin, rpcutil ping = %+v", got)
	}
	if h, p := pluginTree(t, daemon.Process.Pid); h != host || p == plugin {
		t.Fatalf("host %d plugin %d before, host %d plugin %d after: want the same host, a new plugin", host, plugin, h, p)
	}
	if err := syscall.Kill(host, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if got := ping(); len(got) != 1 || got[0].StatusCode != 0 {
		t.Fatalf("after SIGKILL of the plugin host, rpcutil ping = %+v", got)
	}
	if h, _ := pluginTree(t, daemon.Process.Pid); h == host {
		t.Fatalf("the plugin host %d is still the one that was killed", h)
	}
}

func TestIdlePluginsStop(t *testing.T) {
	daemon, ping := sturdyNode(t, "plugin.goplugin.idle_stop = 1\n")
	if got := ping(); len(got) != 1 || got[0].StatusCode != 0 {
		t.Fatalf("rpcutil ping = %+v", got)
	}
	host, plugin := pluginTree(t, daemon.Process.Pid)
	waitGone(t, 10*time.Second, "an idle time of 1 s", host, plugin)
	if got := ping(); len(got) != 1 || got[0].StatusCode != 0 {
		t.Fatalf("after the idle stop, rpcutil ping = %+v", got)
	}
	pluginTree(t, daemon.Process.Pid)
}

func TestRubyClientAgainstMarionetteAgents(t *testing.T) {
	lib := userLibdir(t)
	peerDir, _ := mixedFleetWith(t, "libdir = "+lib+"\n")
	// Ruby's client needs the Lua agent's DDL, as for any agent.
	rubyAgents := filepath.Join(peerDir, "lib", "mcollective", "agent")
	if err := os.MkdirAll(rubyAgents, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(rubyAgents, "calc.ddl"), calcDDL)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"rpc", "rpcutil", "get_fact", "fact=country", "-I", "go1"}, []string{"go1", "fr"}},
		{[]string{"rpc", "rpcutil", "inventory", "-I", "go1"}, []string{"rpcutil", "discovery", "roles::web", "2.12.5-marionette"}},
		{[]string{"rpc", "rpcutil", "daemon_stats", "-I", "go2"}, []string{"go2", "Total Messages", "Replies"}},
		{[]string{"rpc", "calc", "add", "a=20", "b=22", "-I", "go1"}, []string{"go1", "Sum", "42", "Finished processing"}},
		{[]string{"inventory", "go2"}, []string{"Inventory for go2", "rpcutil", "calc", "role => db", "roles::db", "Main Collective: mcollective"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := rubyMco(t, peerDir, c.args...)
			for _, w := range c.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("Ruby mco %v lacks %q:\n%s\n%s", c.args, w, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestPluginGenerateAndDoc(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "client.cfg")
	write(t, cfg, stompCfg(freePort(t), psk)+"libdir = "+filepath.Join(dir, "lib")+"\n")
	r := run(t, 30*time.Second, filepath.Join(bin, "mco"), "plugin", "generate", "agent", "greeter", "--dir", filepath.Join(dir, "lib", "mcollective", "agent"))
	if r.code != 0 || !strings.Contains(r.stdout, "greeter.lua") {
		t.Fatalf("generate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The generated files sit in their own directory; a libdir holds them
	// flat, as an operator would copy them.
	gen := filepath.Join(dir, "lib", "mcollective", "agent", "greeter")
	for _, f := range []string{"greeter.ddl", "greeter.lua"} {
		b, err := os.ReadFile(filepath.Join(gen, f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(filepath.Dir(gen), f), string(b))
	}
	doc := mco(t, cfg, "plugin", "doc", "agent/greeter")
	for _, want := range []string{"greeter", "ACTIONS:", "echo", "message"} {
		if !strings.Contains(doc.stdout, want) {
			t.Errorf("plugin doc lacks %q:\n%s%s", want, doc.stdout, doc.stderr)
		}
	}
}
