package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// settle is how long a daemon runs before its idle memory is read.
const settle = 3 * time.Second

// mb converts KiB to decimal megabytes, the unit of the targets.
func mb(kib int) float64 { return float64(kib) * 1024 / 1e6 }

// treeRSS returns the RSS of pid and the summed RSS and count of its
// descendants (plugin processes).
func treeRSS(pid int) (self, children, count int, err error) {
	if self, err = rssKB(pid); err != nil {
		return 0, 0, 0, err
	}
	for _, c := range descendants(pid) {
		if kb, err := rssKB(c); err == nil {
			children += kb
			count++
		}
	}
	return self, children, count, nil
}

// idleStop is the idle daemon's plugin.goplugin.idle_stop, in seconds.
const idleStop = 2

// idleAgents are the agents of the idle daemon's libdir, as the issue
// names them: rpcutil (a Go plugin) and discovery (a Lua script).
var idleAgents = []string{"rpcutil", "rpcutil.ddl", "discovery.ddl", "discovery.lua"}

// idleInstall lays out work/idle: links (or copies) of bin/mcollectived and its plugin
// host with a shipped libdir beside them holding idleAgents alone, so that
// the daemon loads those and nothing else. It returns the daemon's path.
func (b *bench) idleInstall() (string, error) {
	dir := filepath.Join(b.work, "idle")
	agents := filepath.Join(dir, "libdir", "mcollective", "agent")
	if err := os.MkdirAll(agents, 0o755); err != nil {
		return "", err
	}
	files := map[string]string{filepath.Join(dir, "mcollectived"): b.exe("mcollectived"),
		filepath.Join(dir, "mcollectived-plugins"): b.exe("mcollectived-plugins")}
	for _, a := range idleAgents {
		files[filepath.Join(agents, a)] = filepath.Join(b.bin, "libdir", "mcollective", "agent", a)
	}
	for dst, src := range files {
		if err := linkOrCopy(src, dst); err != nil {
			return "", fmt.Errorf("idle daemon: %w (make build first)", err)
		}
	}
	return filepath.Join(dir, "mcollectived"), nil
}

// linkOrCopy hard-links src to dst, or copies it (mode kept) when the work
// directory is on another file system.
func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, fi.Mode().Perm())
}

// idleDaemon measures one idle mcollectived with the demo config
// (configs/demo/node2.cfg: facts, classes) on the bench broker and
// rpcutil and discovery in its libdir: 3 s after start, after a ping,
// while its plugin processes run after an rpcutil call, and after they
// stopped for being idle.
func (b *bench) idleDaemon() {
	c := Case{Name: "rss_idle_mcollectived", Unit: "MB",
		Target: "≤ 10 MB daemon, ≤ 20 MB with plugin processes", Extra: map[string]float64{}}
	exe, err := b.idleInstall()
	var p *proc
	if err == nil {
		p, err = b.startProc("idle-mcollectived", exe, "-c", b.cfg("idle.cfg"), "--no-daemonize")
	}
	if err != nil {
		c.Skipped = err.Error()
		b.add(c)
		return
	}
	defer p.stop()
	time.Sleep(settle)
	if !p.alive() {
		c.Skipped = p.failure().Error()
		b.add(c)
		return
	}
	self, kids, count, err := treeRSS(p.pid())
	if err != nil {
		c.Skipped = err.Error()
		b.add(c)
		return
	}
	c.Value = ptr(mb(self))
	c.Met = ptr(mb(self) <= 10 && mb(self+kids) <= 20)
	c.Extra["daemon_mb"], c.Extra["plugin_processes"], c.Extra["plugin_processes_mb"] = mb(self), float64(count), mb(kids)
	st, _ := status(p.pid())
	c.Extra["daemon_rss_anon_mb"], c.Extra["daemon_rss_file_mb"] = mb(st["RssAnon"]), mb(st["RssFile"])
	c.Note = fmt.Sprintf("%s after start: %.1f MB anonymous (heap, stacks) + %.1f MB of the executable's own pages; "+
		"%d plugin process(es) %.1f MB; agents %s. ", settle, mb(st["RssAnon"]), mb(st["RssFile"]), count, mb(kids),
		strings.Join(idleAgents, ", "))
	c.Note += b.idleLifecycle(p, c.Extra)
	b.add(c)
}

// idleLifecycle pings the idle daemon, calls its rpcutil plugin and waits
// for the plugin processes to stop, noting the memory at each step.
func (b *bench) idleLifecycle(p *proc, extra map[string]float64) string {
	r, err := b.mcoPing(b.cfg("client.cfg"), "-I", idleIdentity)(1, 3*time.Second)
	if err != nil || r.got != 1 {
		return "It did not answer a ping. "
	}
	self, _, _, _ := treeRSS(p.pid())
	extra["after_ping_daemon_mb"] = mb(self)
	note := fmt.Sprintf("After one ping: %.1f MB. ", mb(self))
	rr, err := runCmd(30*time.Second, b.exe("mco"), "rpc", "-c", b.cfg("client.cfg"), "--json", "-I", idleIdentity, "rpcutil", "ping")
	if err != nil || rr.code != 0 {
		return note + fmt.Sprintf("mco rpc rpcutil ping failed (exit %d, %v). ", rr.code, err)
	}
	self, kids, count, _ := treeRSS(p.pid())
	extra["running_daemon_mb"], extra["running_plugin_processes_mb"] = mb(self), mb(kids)
	note += fmt.Sprintf("While its Go plugin runs (after mco rpc rpcutil ping): %.1f MB + %d plugin process(es) "+
		"(the plugin host and rpcutil) %.1f MB = %.1f MB. ", mb(self), count, mb(kids), mb(self+kids))
	deadline := time.Now().Add(idleStop*time.Second + 10*time.Second)
	for len(descendants(p.pid())) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	self, kids, count, _ = treeRSS(p.pid())
	extra["after_idle_stop_daemon_mb"] = mb(self)
	return note + fmt.Sprintf("After plugin.goplugin.idle_stop = %d s without calls: %.1f MB, %d plugin process(es) %.1f MB.",
		idleStop, mb(self), count, mb(kids))
}

// derived adds the cases computed from the ping cases: replies per
// second into one client, at the largest n measured.
func (b *bench) derived() {
	var best *Case
	for i := range b.results.Cases {
		c := &b.results.Cases[i]
		if c.Name == casePing && c.Seconds != nil && (best == nil || c.N > best.N) {
			best = c
		}
	}
	if best == nil {
		return
	}
	rate := float64(best.N) / *best.Seconds
	c := Case{Name: "replies_per_second", N: best.N, Value: ptr(rate), Unit: "replies/s",
		Target: "≥ 20000 replies/s into one client", Met: ptr(rate >= 20000),
		Note: "N / median time to last reply of the largest ping case (bin/mco decodes and checks every reply). "}
	if first, ok := best.Extra["first_reply_seconds"]; ok && *best.Seconds > first {
		sustained := float64(best.N-1) / (*best.Seconds - first)
		c.Extra = map[string]float64{"sustained_replies_per_second": sustained}
		c.Note += fmt.Sprintf("From first to last reply: %.0f replies/s.", sustained)
	}
	b.add(c)
}
