package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Case names shared with the plot and the derived cases.
const (
	casePing      = "ping"
	caseFindFixed = "find_fixed_timeout"
	caseFindWin   = "find_window"
)

// findWindow is the discovery window the windowed find uses.
const findWindow = 250 * time.Millisecond

// agentsBuiltin is mcfleet's --agents value for the built-in discovery
// agent alone.
const agentsBuiltin = "builtin"

// round is one timed request: replies counted, times from send to first
// and last reply, and the client process's wall clock and CPU.
type round struct {
	got         int
	first, last time.Duration
	wall, cpu   time.Duration
}

// pinger runs one round against n nodes within timeout.
type pinger func(n int, timeout time.Duration) (round, error)

// mcoPing runs bin/mco ping --expect n --json with cfg.
func (b *bench) mcoPing(cfg string, extra ...string) pinger {
	return func(n int, timeout time.Duration) (round, error) {
		args := append([]string{"ping", "-c", cfg, "--expect", strconv.Itoa(n), "-t", timeout.String(), "--json"}, extra...)
		r, err := runCmd(timeout+30*time.Second, b.exe("mco"), args...)
		if err != nil {
			return round{}, err
		}
		var replies []struct {
			TimeMS float64 `json:"time_ms"`
		}
		if r.code != 0 && r.code != 4 {
			return round{}, fmt.Errorf("mco ping exited %d", r.code)
		}
		if err := json.Unmarshal(r.stdout, &replies); err != nil {
			return round{}, fmt.Errorf("mco ping output: %w", err)
		}
		out := round{got: len(replies), wall: r.wall, cpu: r.cpu}
		for i, rep := range replies {
			d := time.Duration(rep.TimeMS * float64(time.Millisecond))
			if i == 0 || d < out.first {
				out.first = d
			}
			out.last = max(out.last, d)
		}
		return out, nil
	}
}

// floorPing runs bin/floor ping with the broker flags in conn.
func (b *bench) floorPing(conn []string, requestBytes int) pinger {
	return func(n int, timeout time.Duration) (round, error) {
		args := append([]string{"ping", "-n", strconv.Itoa(n), "-request-bytes", strconv.Itoa(requestBytes),
			"-timeout", timeout.String()}, conn...)
		r, err := runCmd(timeout+30*time.Second, b.exe("floor"), args...)
		if err != nil {
			return round{}, err
		}
		var res struct {
			Got   int   `json:"got"`
			First int64 `json:"first_ns"`
			Last  int64 `json:"last_ns"`
		}
		if err := json.Unmarshal(r.stdout, &res); err != nil {
			return round{}, fmt.Errorf("floor ping exited %d, output %q: %w", r.code, r.stdout, err)
		}
		return round{got: res.Got, first: time.Duration(res.First), last: time.Duration(res.Last), wall: r.wall, cpu: r.cpu}, nil
	}
}

// waitReady pings until all n answer (subscriptions reach the broker
// some time after the processes start) and returns the most that
// answered one ping. It fails only when a process dies or the client
// cannot run; when not all answer in time it returns what it saw.
func waitReady(ping pinger, n int, procs ...*proc) (int, error) {
	limit := 20*time.Second + time.Duration(n/2)*time.Millisecond
	best := 0
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		for _, p := range procs {
			if !p.alive() {
				return best, p.failure()
			}
		}
		r, err := ping(n, time.Second+time.Duration(n/10)*time.Millisecond)
		if err != nil {
			return best, err
		}
		if best = max(best, r.got); best >= n {
			break
		}
	}
	return best, nil
}

// ready waits for both sides of a case and says in a note when one of
// them never had every node answer.
func ready(n int, mario, floor *side, procs ...*proc) (string, error) {
	note := ""
	for _, s := range []struct {
		name string
		side *side
	}{{"Marionette", mario}, {"floor", floor}} {
		best, err := waitReady(s.side.ping, n, append([]*proc{s.side.nodes}, procs...)...)
		if err != nil {
			return "", fmt.Errorf("%s at n=%d: %w", s.name, n, err)
		}
		if best < n {
			note += fmt.Sprintf("%s: at most %d of %d answered while warming up. ", s.name, best, n)
		}
	}
	return note, nil
}

// side is one of the two things compared in a case: Marionette or the
// floor. It runs rounds and accounts the CPU of the processes involved.
type side struct {
	ping    pinger
	nodes   *proc // fleet or floor responders
	broker  *proc // nil when the broker is not ours (RabbitMQ)
	samples []float64
	firsts  []float64
	cpu     cpuUse
	partial int       // rounds where not every node answered
	got     []float64 // replies per round
}

type cpuUse struct {
	broker, nodes, client []float64 // ms per round
}

func (s *side) round(n int, timeout time.Duration) error {
	var b0 time.Duration
	if s.broker != nil {
		b0 = cpuTime(s.broker.pid())
	}
	n0 := treeCPU(s.nodes.pid())
	r, err := s.ping(n, timeout)
	if err != nil {
		return err
	}
	if s.broker != nil {
		s.cpu.broker = append(s.cpu.broker, ms(cpuTime(s.broker.pid())-b0))
	}
	s.cpu.nodes = append(s.cpu.nodes, ms(treeCPU(s.nodes.pid())-n0))
	s.cpu.client = append(s.cpu.client, ms(r.cpu))
	s.got = append(s.got, float64(r.got))
	if r.got < n {
		s.partial++
		return nil
	}
	s.samples = append(s.samples, r.last.Seconds())
	s.firsts = append(s.firsts, r.first.Seconds())
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// compare runs rounds of both sides, alternating which goes first, and
// returns the case.
func compare(name string, n, rounds int, timeout time.Duration, mario, floor *side) (Case, error) {
	for i := range rounds {
		first, second := mario, floor
		if i%2 == 1 {
			first, second = floor, mario
		}
		if err := first.round(n, timeout); err != nil {
			return Case{}, err
		}
		if err := second.round(n, timeout); err != nil {
			return Case{}, err
		}
	}
	c := Case{Name: name, N: n, Samples: mario.samples, FloorSamples: floor.samples, Extra: map[string]float64{}}
	c.timed()
	if 2*len(mario.samples) < rounds || 2*len(floor.samples) < rounds {
		c.Ratio = nil
		c.Note += "No ratio: fewer than half the rounds of one side had every reply. "
	}
	if len(mario.firsts) > 0 {
		c.Extra["first_reply_seconds"] = median(mario.firsts)
	}
	for _, p := range []struct {
		prefix string
		s      *side
	}{{"", mario}, {"floor_", floor}} {
		prefix, s := p.prefix, p.s
		if len(s.cpu.broker) > 0 {
			c.Extra[prefix+"broker_cpu_ms"] = median(s.cpu.broker)
		}
		c.Extra[prefix+"nodes_cpu_ms"] = median(s.cpu.nodes)
		c.Extra[prefix+"client_cpu_ms"] = median(s.cpu.client)
		if s.partial > 0 {
			c.Extra[prefix+"incomplete_rounds"] = float64(s.partial)
			c.Extra[prefix+"median_replies"] = median(s.got)
			c.Note += fmt.Sprintf("%d %sround(s) of %d missed replies (median %.0f of %d answered). ",
				s.partial, prefix, rounds, median(s.got), n)
		}
	}
	return c, nil
}

func roundTimeout(n int) time.Duration { return 5*time.Second + time.Duration(n/10)*time.Millisecond }

// slowConsumers counts the broker's slow-consumer disconnections so far.
func slowConsumers(broker *proc) int {
	b, _ := os.ReadFile(broker.log)
	return bytes.Count(b, []byte("slow consumer disconnected"))
}

// pingCase compares mco ping with the floor at n nodes on the embedded
// broker and measures the fleet's memory; at n = 1000 it also times mco
// find, the rpc cases, and two variants of the fleet: built-in discovery
// agent, and every node decoding each request.
func (b *bench) pingCase(n int) error {
	reqBytes, repBytes, err := frameSizes(n, "mcollective")
	if err != nil {
		return err
	}
	per := strconv.Itoa(b.opts.perConn)
	conn := []string{"-addr", fmt.Sprintf("127.0.0.1:%d", b.port), "-user", stompUser, "-password", stompPass, "-dest", floorDest}
	fr, err := b.startProc(fmt.Sprintf("floor-%d", n), b.exe("floor"), append([]string{"serve", "-n", strconv.Itoa(n),
		"-per-conn", per, "-reply-bytes", strconv.Itoa(repBytes), "-prefix", nodePrefix}, conn...)...)
	if err != nil {
		return err
	}
	defer fr.stop()
	floor := func() *side { return &side{ping: b.floorPing(conn, reqBytes), nodes: fr, broker: b.broker} }
	frames := fmt.Sprintf("Floor frames %d/%d bytes. ", reqBytes, repBytes)

	fl, c, err := b.fleetRun(casePing, n, floor())
	if err != nil {
		return err
	}
	defer fl.stop()
	c.Note += "The nodes serve the agents mcollectived loads from libdir (discovery: the Lua agent). " + frames
	pingTarget(&c)
	b.add(c)
	if n >= 1000 { // below, the base process's own noise dominates
		b.fleetMemory(n, fl)
	}
	if n != 1000 {
		return nil
	}
	b.findCases(n)
	b.rpcRun(n, fl)
	fl.stop()
	for _, v := range []struct {
		name, note string
		args       []string
	}{
		{"ping_builtin_discovery", "The nodes answer discovery with the built-in Go agent (mcfleet --agents builtin) " +
			"instead of the Lua agent mcollectived loads from libdir. ", []string{"--agents", agentsBuiltin}},
		{"ping_decode_each", "Every node decodes each request envelope itself (mcfleet --decode-each) " +
			"instead of once per connection. ", []string{"--decode-each"}},
	} {
		vf, c, err := b.fleetRun(v.name, n, floor(), v.args...)
		if err != nil {
			return err
		}
		vf.stop()
		c.Note += v.note + frames
		b.add(c)
	}
	return nil
}

// fleetRun starts a fleet of n nodes (mcfleet with extra flags) and
// compares it with floor; it returns the running fleet and the case.
func (b *bench) fleetRun(name string, n int, floor *side, extra ...string) (*proc, Case, error) {
	args := []string{"-c", b.cfg("fleet.cfg"), "-n", strconv.Itoa(n), "--prefix", nodePrefix, "--per-conn", strconv.Itoa(b.opts.perConn)}
	if b.opts.profile != "" {
		args = append(args, "--cpuprofile", b.profilePath(fmt.Sprintf("%s-%d.cpu", name, n)))
	}
	fl, err := b.startProc(fmt.Sprintf("%s-%d", name, n), b.exe("mcfleet"), append(args, extra...)...)
	if err != nil {
		return nil, Case{}, err
	}
	mario := &side{ping: b.mcoPing(b.cfg("client.cfg")), nodes: fl, broker: b.broker}
	t0 := time.Now()
	slow0 := slowConsumers(b.broker)
	warm, err := ready(n, mario, floor, b.broker)
	if err != nil {
		fl.stop()
		return nil, Case{}, err
	}
	log.Printf("n=%d: fleet and floor up (%.1f s after start) %s", n, time.Since(t0).Seconds(), warm)
	rounds := b.opts.rounds
	if n >= 10000 { // a round costs seconds of both cores here
		rounds = min(rounds, 5)
	}
	c, err := compare(name, n, rounds, roundTimeout(n), mario, floor)
	if err != nil {
		fl.stop()
		return nil, Case{}, err
	}
	c.Note = warm + c.Note
	if slow := slowConsumers(b.broker) - slow0; slow > 0 {
		c.Extra["broker_slow_consumer_disconnects"] = float64(slow)
		c.Note += fmt.Sprintf("The broker disconnected %d client(s) as slow consumers (core/broker outbox full). ", slow)
	}
	c.Note += fmt.Sprintf("%d connection(s) of %d nodes. ", (n+b.opts.perConn-1)/b.opts.perConn, b.opts.perConn)
	return fl, c, nil
}

// pingTarget sets the target for the ping case at its n.
func pingTarget(c *Case) {
	switch {
	case c.N == 1000 && c.Ratio != nil:
		c.Target, c.Met = "≤ 1.5× floor", ptr(*c.Ratio <= 1.5)
	case c.N == 10000:
		c.Target, c.Met = "all answer within 2 s", ptr(everyRound(c) && *c.Seconds <= 2)
	case c.N == 50000:
		c.Target, c.Met = "all answer", ptr(everyRound(c))
	}
}

// everyRound reports whether every Marionette round had every reply.
func everyRound(c *Case) bool {
	return c.Seconds != nil && c.Extra["incomplete_rounds"] == 0
}

// fleetMemory records the fleet process's RSS per virtual node, after
// the rounds and after a garbage collection (SIGUSR1 to mcfleet).
func (b *bench) fleetMemory(n int, fl *proc) {
	kb, err := rssKB(fl.pid())
	if err == nil {
		err = syscall.Kill(fl.pid(), syscall.SIGUSR1)
	}
	time.Sleep(time.Second)
	var live int
	if err == nil {
		live, err = rssKB(fl.pid())
	}
	if err != nil {
		b.add(Case{Name: "rss_per_virtual_node", N: n, Skipped: err.Error()})
		return
	}
	per := func(kb int) float64 { return float64(kb-b.fleetBaseKB) / float64(n-1) }
	b.add(Case{Name: "rss_per_virtual_node", N: n, Value: ptr(per(live)), Unit: "KiB",
		Note: fmt.Sprintf("(fleet RSS after a garbage collection, %.1f MiB, minus %.1f MiB for an mcfleet of one node) / (N-1); "+
			"plugin processes apart. Right after the rounds, with the garbage mcfleet's GOGC=400 lets pile up: %.1f KiB per node. ",
			float64(live)/1024, float64(b.fleetBaseKB)/1024, per(kb)),
		Extra: map[string]float64{"fleet_rss_kib": float64(live), "fleet_rss_after_rounds_kib": float64(kb),
			"one_node_fleet_rss_kib": float64(b.fleetBaseKB), "after_rounds_kib_per_node": per(kb)}})
}

// findCases times mco find with the fixed discovery timeout and with a
// discovery window, at n nodes.
func (b *bench) findCases(n int) {
	rounds := min(b.opts.rounds, 3)
	run := func(name string, extra ...string) Case {
		c := Case{Name: name, N: n}
		for range rounds {
			args := append([]string{"find", "-c", b.cfg("client.cfg"), "--dt", "2"}, extra...)
			r, err := runCmd(30*time.Second, b.exe("mco"), args...)
			if err != nil {
				c.Skipped = err.Error()
				return c
			}
			found := countLines(r.stdout)
			if found != n {
				c.Note += fmt.Sprintf("found %d of %d. ", found, n)
				continue
			}
			c.Samples = append(c.Samples, r.wall.Seconds())
		}
		c.timed()
		return c
	}
	fixed := run(caseFindFixed)
	fixed.Note += "mco find --dt 2 (whole command, wall clock). "
	win := run(caseFindWin, "--discovery-window", findWindow.String())
	win.Note += fmt.Sprintf("mco find --dt 2 --discovery-window %s (whole command, wall clock). ", findWindow)
	if win.Seconds != nil && fixed.Seconds != nil {
		win.Note += fmt.Sprintf("%.1f× faster than the fixed timeout.", *fixed.Seconds / *win.Seconds)
	}
	b.add(fixed)
	b.add(win)
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
