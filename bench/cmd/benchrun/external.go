package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// rabbitN is the fleet size of the RabbitMQ case.
const rabbitN = 200

// rabbitCases compares mco ping with the floor at rabbitN nodes on
// RabbitMQ (connector = rabbitmq, in a collective of the bench's own).
func (b *bench) rabbitCases() {
	c := Case{Name: "rabbitmq_ping", N: rabbitN, Target: "≤ 1.3× floor"}
	if err := b.rabbitCase(&c); err != nil {
		c.Skipped = err.Error()
	}
	b.add(c)
}

func (b *bench) rabbitCase(c *Case) error {
	addr := b.opts.rabbit
	if addr == "" {
		return fmt.Errorf("no RabbitMQ: MARIONETTE_RABBITMQ unset and nothing on 127.0.0.1:61613")
	}
	if err := declareExchanges(addr, benchColl); err != nil {
		return err
	}
	files := map[string]string{
		"rabbit-fleet.cfg":  rabbitConfig(addr, benchColl, ""),
		"rabbit-client.cfg": rabbitConfig(addr, benchColl, clientID),
	}
	for name, text := range files {
		if err := os.WriteFile(b.cfg(name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	reqBytes, repBytes, err := frameSizes(rabbitN, benchColl)
	if err != nil {
		return err
	}
	per := strconv.Itoa(b.opts.perConn)
	fl, err := b.startProc("rabbit-fleet", b.exe("mcfleet"), "-c", b.cfg("rabbit-fleet.cfg"), "-n", strconv.Itoa(rabbitN),
		"--prefix", nodePrefix, "--per-conn", per)
	if err != nil {
		return err
	}
	defer fl.stop()
	conn := []string{"-addr", addr, "-user", stompUser, "-password", stompPass,
		"-dest", "/exchange/" + benchColl + "_broadcast/floor"}
	fr, err := b.startProc("rabbit-floor", b.exe("floor"), append([]string{"serve", "-n", strconv.Itoa(rabbitN),
		"-per-conn", per, "-reply-bytes", strconv.Itoa(repBytes), "-prefix", nodePrefix}, conn...)...)
	if err != nil {
		return err
	}
	defer fr.stop()
	mario := &side{ping: b.mcoPing(b.cfg("rabbit-client.cfg")), nodes: fl}
	floor := &side{ping: b.floorPing(append(conn, "-reply-to", "/temp-queue/floor_reply"), reqBytes), nodes: fr}
	warm, err := ready(rabbitN, mario, floor)
	if err != nil {
		return err
	}
	got, err := compare(c.Name, rabbitN, b.opts.rounds, roundTimeout(rabbitN), mario, floor)
	if err != nil {
		return err
	}
	got.Note = warm + got.Note
	got.Target = c.Target
	if got.Ratio != nil {
		got.Met = ptr(*got.Ratio <= 1.3)
	}
	got.Note += fmt.Sprintf("connector = rabbitmq, collective %s; floor replies to a /temp-queue/ as mco does. ", benchColl)
	*c = got
	return nil
}

// declareExchanges makes the exchanges the rabbitmq layout needs for
// collective coll, through the management API beside the STOMP port.
func declareExchanges(stompAddr, coll string) error {
	host, _, err := net.SplitHostPort(stompAddr)
	if err != nil {
		return err
	}
	cl := &http.Client{Timeout: 10 * time.Second}
	for name, kind := range map[string]string{coll + "_broadcast": "topic", coll + "_directed": "direct"} {
		url := fmt.Sprintf("http://%s/api/exchanges/%%2f/%s", net.JoinHostPort(host, "15672"), name)
		req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(`{"type":"`+kind+`","durable":true}`))
		if err != nil {
			return err
		}
		req.SetBasicAuth(stompUser, stompPass)
		req.Header.Set("content-type", "application/json")
		resp, err := cl.Do(req)
		if err != nil {
			return fmt.Errorf("declare exchange %s (RabbitMQ management API): %w", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("declare exchange %s: %s", name, resp.Status)
		}
	}
	return nil
}

// rubyPeers is how many Ruby daemons Ruby's and Marionette's mco ping.
const rubyPeers = 20

var rubyTime = regexp.MustCompile(`time=([0-9.]+) ms`)

// rubyCases measures an idle Ruby mcollectived and pings rubyPeers Ruby
// daemons with Ruby's mco and with bin/mco, alternating, on RabbitMQ.
func (b *bench) rubyCases() {
	script, err := filepath.Abs(filepath.Join(b.repo, b.opts.peers))
	if err == nil {
		_, err = os.Stat(script)
	}
	skip := func(reason string) {
		b.add(Case{Name: "rss_idle_ruby_mcollectived", Skipped: reason})
		b.add(Case{Name: "ruby_peers_ruby_mco", N: rubyPeers, Skipped: reason})
		b.add(Case{Name: "ruby_peers_marionette_mco", N: rubyPeers, Skipped: reason})
	}
	switch {
	case err != nil:
		skip(fmt.Sprintf("no peer script: %v", err))
		return
	case b.opts.rabbit == "":
		skip("no RabbitMQ for the Ruby peers")
		return
	}
	b.rubyIdle(script)
	b.rubyPing(script)
}

func (b *bench) rubyIdle(script string) {
	c := Case{Name: "rss_idle_ruby_mcollectived", Unit: "MB", Extra: map[string]float64{}}
	defer func() { b.add(c) }()
	dir := filepath.Join(b.work, "ruby-idle")
	stop := func() { _, _ = runCmd(60*time.Second, "bash", script, "stop", dir) }
	b.stops = append(b.stops, stop)
	defer stop()
	if _, err := runCmd(180*time.Second, "bash", script, "start", "1", dir); err != nil {
		c.Skipped = err.Error()
		return
	}
	pidText, err := os.ReadFile(filepath.Join(dir, "ruby1", "pid"))
	if err != nil {
		c.Skipped = err.Error()
		return
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(pidText)))
	time.Sleep(settle)
	self, kids, count, err := treeRSS(pid)
	if err != nil {
		c.Skipped = err.Error()
		return
	}
	c.Value = ptr(mb(self + kids))
	c.Extra["daemon_mb"], c.Extra["child_processes"] = mb(self), float64(count)
	c.Note = "Ruby MCollective 2.12 mcollectived (rubymc-peer.sh start 1), VmRSS after start and its first ping, children included."
}

func (b *bench) rubyPing(script string) {
	dir := filepath.Join(b.work, "ruby-peers")
	stop := func() { _, _ = runCmd(60*time.Second, "bash", script, "stop", dir) }
	b.stops = append(b.stops, stop)
	defer stop()
	ruby := Case{Name: "ruby_peers_ruby_mco", N: rubyPeers, Extra: map[string]float64{}}
	mario := Case{Name: "ruby_peers_marionette_mco", N: rubyPeers, Extra: map[string]float64{}}
	defer func() { b.add(ruby); b.add(mario) }()
	if _, err := runCmd(300*time.Second, "bash", script, "start", strconv.Itoa(rubyPeers), dir); err != nil {
		ruby.Skipped, mario.Skipped = err.Error(), err.Error()
		return
	}
	cfg := b.cfg("rabbit-mcollective-client.cfg")
	if err := os.WriteFile(cfg, []byte(rabbitConfig(b.opts.rabbit, "mcollective", clientID)), 0o644); err != nil {
		ruby.Skipped, mario.Skipped = err.Error(), err.Error()
		return
	}
	filter := `/^ruby\d+$/`
	mcoPing := b.mcoPing(cfg, "-I", filter)
	var rubyWall, marioWall []float64
	for i := range min(b.opts.rounds, 5) {
		for j := range 2 {
			if (i+j)%2 == 0 {
				r, err := runCmd(90*time.Second, "bash", script, "mco", dir, "ping", "-I", filter)
				if err != nil {
					ruby.Skipped = err.Error()
					return
				}
				if last, got := slowest(r.stdout); got >= rubyPeers {
					ruby.Samples = append(ruby.Samples, last)
					rubyWall = append(rubyWall, r.wall.Seconds())
				}
				continue
			}
			r, err := mcoPing(rubyPeers, 10*time.Second)
			if err != nil {
				mario.Skipped = err.Error()
				return
			}
			if r.got >= rubyPeers {
				mario.Samples = append(mario.Samples, r.last.Seconds())
				marioWall = append(marioWall, r.wall.Seconds())
			}
		}
	}
	ruby.timed()
	mario.timed()
	ruby.Extra["command_wall_seconds"], mario.Extra["command_wall_seconds"] = median(rubyWall), median(marioWall)
	ruby.Note = fmt.Sprintf("Ruby's mco ping -I %s: time to last reply; the whole command takes %.2f s (it waits out its timeout).", filter, median(rubyWall))
	mario.Note = fmt.Sprintf("bin/mco ping --expect %d -I %s on the same Ruby daemons: time to last reply; the whole command takes %.2f s.", rubyPeers, filter, median(marioWall))
}

// slowest returns the largest time= of Ruby's mco ping output, in
// seconds, and how many replies it lists.
func slowest(out []byte) (float64, int) {
	var last float64
	m := rubyTime.FindAllSubmatch(out, -1)
	for _, s := range m {
		if v, err := strconv.ParseFloat(string(s[1]), 64); err == nil {
			last = max(last, v/1000)
		}
	}
	return last, len(m)
}
