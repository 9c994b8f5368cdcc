package main

import (
	"fmt"
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

// idleDaemon measures one idle bin/mcollectived started with the demo
// config (configs/demo/node2.cfg: its libdir, facts and classes) on the
// bench broker.
func (b *bench) idleDaemon() {
	c := Case{Name: "rss_idle_mcollectived", Unit: "MB",
		Target: "≤ 10 MB daemon, ≤ 20 MB with plugin processes", Extra: map[string]float64{}}
	p, err := b.startProc("idle-mcollectived", b.exe("mcollectived"), "-c", b.cfg("idle.cfg"), "--no-daemonize")
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
		"%d plugin process(es) %.1f MB; libdir %s. ", settle, mb(st["RssAnon"]), mb(st["RssFile"]), count, mb(kids), b.idleLibdir())
	r, err := b.mcoPing(b.cfg("client.cfg"), "-I", idleIdentity)(1, 3*time.Second)
	switch {
	case err != nil || r.got != 1:
		c.Note += "It did not answer a ping. "
	default:
		if self, kids, count, err := treeRSS(p.pid()); err == nil {
			c.Extra["after_ping_daemon_mb"], c.Extra["after_ping_plugin_processes_mb"] = mb(self), mb(kids)
			c.Note += fmt.Sprintf("After one ping: %.1f MB, %d plugin process(es) %.1f MB.", mb(self), count, mb(kids))
		}
	}
	b.add(c)
}

// idleLibdir is the libdir line of the idle daemon's config.
func (b *bench) idleLibdir() string {
	cfg, err := b.idleConfig()
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(cfg, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == "libdir" {
			return strings.TrimSpace(v)
		}
	}
	return "none"
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
