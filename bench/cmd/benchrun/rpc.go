package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// rpcCase is one of the rpc cases: an agent action called on
// every node of the running fleet with bin/mco rpc.
type rpcCase struct {
	name, agent, action, via string
	// data is what the action's reply carries, for the floor's frames.
	data map[string]any
}

var rpcCases = []rpcCase{
	{name: "rpc_goplugin_rpcutil_ping", agent: "rpcutil", action: "ping", via: "a go-plugin agent (one plugin process for the fleet)",
		data: map[string]any{"pong": time.Now().Unix()}},
	{name: "rpc_lua_discovery_ping", agent: "discovery", action: "ping", via: "a Lua agent (one state pool for the fleet)",
		data: map[string]any{}},
}

var (
	rpcNodes = regexp.MustCompile(`Nodes: (\d+) / (\d+)`)
	rpcAgent = regexp.MustCompile(`Agent Time: ([0-9.]+)ms`)
)

// mcoRPC runs bin/mco rpc -v on every node (discovery ends once n
// answered) and reads the request's own time, from sending it to its
// last reply ("Agent Time"), from the statistics.
func (b *bench) mcoRPC(c rpcCase) pinger {
	return func(n int, timeout time.Duration) (round, error) {
		r, err := runCmd(timeout+30*time.Second, b.exe("mco"), "rpc", "-c", b.cfg("client.cfg"), "--np", "-v",
			"--expect", strconv.Itoa(n), "--dt", "5", "-t", timeout.String(), c.agent, c.action)
		if err != nil {
			return round{}, err
		}
		nodes, agentTime := rpcNodes.FindSubmatch(r.stdout), rpcAgent.FindSubmatch(r.stdout)
		if nodes == nil || agentTime == nil {
			return round{}, fmt.Errorf("mco rpc %s %s exited %d without statistics", c.agent, c.action, r.code)
		}
		got, _ := strconv.Atoi(string(nodes[2]))
		ms, _ := strconv.ParseFloat(string(agentTime[1]), 64)
		return round{got: got, last: time.Duration(ms * float64(time.Millisecond)), wall: r.wall, cpu: r.cpu}, nil
	}
}

// rpcRun compares each rpc case on the running fleet fl of n nodes with
// a floor whose frames are as large as the rpc request and replies.
func (b *bench) rpcRun(n int, fl *proc) {
	for _, rc := range rpcCases {
		c, err := b.rpcOne(n, fl, rc)
		if err != nil {
			c = Case{Name: rc.name, N: n, Skipped: err.Error()}
		}
		b.add(c)
	}
}

func (b *bench) rpcOne(n int, fl *proc, rc rpcCase) (Case, error) {
	if r, err := runCmd(10*time.Second, b.exe("mco"), "rpc", "--help"); err != nil || r.code != 0 {
		return Case{}, fmt.Errorf("bin/mco has no rpc command")
	}
	if !b.serves(rc.agent) {
		return Case{}, fmt.Errorf("no agent %s in %s/libdir (make build puts the shipped agents there)", rc.agent, b.bin)
	}
	reqBytes, repBytes, err := rpcFrameSizes(n, rc.agent, rc.action, rc.data)
	if err != nil {
		return Case{}, err
	}
	conn := []string{"-addr", fmt.Sprintf("127.0.0.1:%d", b.port), "-user", stompUser, "-password", stompPass,
		"-dest", "/topic/floor.rpc.command"}
	fr, err := b.startProc("floor-"+rc.name, b.exe("floor"), append([]string{"serve", "-n", strconv.Itoa(n),
		"-per-conn", strconv.Itoa(b.opts.perConn), "-reply-bytes", strconv.Itoa(repBytes), "-prefix", nodePrefix}, conn...)...)
	if err != nil {
		return Case{}, err
	}
	defer fr.stop()
	mario := &side{ping: b.mcoRPC(rc), nodes: fl, broker: b.broker}
	floor := &side{ping: b.floorPing(conn, reqBytes), nodes: fr, broker: b.broker}
	warm, err := ready(n, mario, floor, b.broker)
	if err != nil {
		return Case{}, err
	}
	c, err := compare(rc.name, n, min(b.opts.rounds, 5), roundTimeout(n)+10*time.Second, mario, floor)
	if err != nil {
		return Case{}, err
	}
	c.Note = warm + c.Note + fmt.Sprintf("mco rpc %s %s through %s: the request's time from sending to the last reply "+
		"(Agent Time; discovery, which mco runs first, excluded). Floor frames %d/%d bytes. ", rc.agent, rc.action, rc.via, reqBytes, repBytes)
	return c, nil
}

// serves reports whether the shipped libdir beside bin/mcfleet, which the
// fleet loads, has agent.
func (b *bench) serves(agent string) bool {
	_, err := os.Stat(filepath.Join(b.bin, "libdir", "mcollective", "agent", agent+".ddl"))
	return err == nil
}
