package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/fleet"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
)

const (
	psk          = "a36cd839414370e10fd281b8a38a4f48"
	clientID     = "bench-client"
	nodePrefix   = "bench-"
	floorDest    = "/topic/floor.bench.command"
	benchColl    = "benchfleet"
	stompUser    = "mcollective"
	stompPass    = "secret"
	idleIdentity = "bench-idle"
)

// stompBase is the common part of the embedded-broker configs.
func (b *bench) stompBase() string {
	return fmt.Sprintf(`main_collective = mcollective
collectives = mcollective
securityprovider = psk
plugin.psk = %s
connector = stomp
plugin.stomp.host = 127.0.0.1
plugin.stomp.port = %d
plugin.stomp.user = %s
plugin.stomp.password = %s
`, psk, b.port, stompUser, stompPass)
}

func (b *bench) writeConfigs() error {
	files := map[string]string{
		"fleet.cfg":  b.stompBase() + "logger_type = console\nloglevel = warn\n",
		"client.cfg": b.stompBase() + "identity = " + clientID + "\nlogger_type = console\nloglevel = warn\ndiscovery_timeout = 2\n",
	}
	idle, err := b.idleConfig()
	if err != nil {
		return err
	}
	files["idle.cfg"] = idle
	for name, text := range files {
		if err := os.WriteFile(b.cfg(name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// idleConfig is configs/demo/node2.cfg (the demo daemon: facts, classes)
// with absolute paths, the bench broker's port, its own identity, no
// libdir (the daemon's shipped libdir is laid out by idleInstall) and
// plugin.goplugin.idle_stop = idleStop.
func (b *bench) idleConfig() (string, error) {
	demo := filepath.Join(b.repo, "configs", "demo")
	text, err := os.ReadFile(filepath.Join(demo, "node2.cfg"))
	if err != nil {
		return "", fmt.Errorf("idle daemon config: %w", err)
	}
	var out strings.Builder
	for _, line := range strings.Split(string(text), "\n") {
		k, v, ok := strings.Cut(line, "=")
		key := strings.TrimSpace(k)
		switch {
		case !ok || strings.HasPrefix(key, "#"):
		case key == "identity":
			line = "identity = " + idleIdentity
		case key == "plugin.stomp.port":
			line = fmt.Sprintf("plugin.stomp.port = %d", b.port)
		case key == "libdir":
			line = fmt.Sprintf("plugin.goplugin.idle_stop = %d", idleStop)
		case key == "plugin.yaml" || key == "classesfile":
			var paths []string
			for _, p := range strings.Split(strings.TrimSpace(v), ":") {
				if !filepath.IsAbs(p) {
					p = filepath.Join(demo, p)
				}
				paths = append(paths, p)
			}
			line = key + " = " + strings.Join(paths, ":")
		}
		out.WriteString(line + "\n")
	}
	return out.String(), nil
}

// rabbitConfig is a config for connector = rabbitmq on addr in
// collective coll.
func rabbitConfig(addr, coll, identity string) string {
	host, port, _ := strings.Cut(addr, ":")
	s := fmt.Sprintf(`main_collective = %s
collectives = %s
securityprovider = psk
plugin.psk = %s
connector = rabbitmq
plugin.rabbitmq.vhost = /
plugin.rabbitmq.pool.size = 1
plugin.rabbitmq.pool.1.host = %s
plugin.rabbitmq.pool.1.port = %s
plugin.rabbitmq.pool.1.user = %s
plugin.rabbitmq.pool.1.password = %s
logger_type = console
loglevel = warn
discovery_timeout = 2
`, coll, coll, psk, host, port, stompUser, stompPass)
	if identity != "" {
		s += "identity = " + identity + "\n"
	}
	return s
}

// frameSizes returns the body sizes of a Marionette ping request from
// the bench client and of a ping reply from a node of a fleet of n, so
// that the floor's frames are as large.
func frameSizes(n int, collective string) (request, reply int, err error) {
	sec, err := security.New(config.Security{PSK: psk}, clientID, nil)
	if err != nil {
		return 0, 0, err
	}
	ping, _ := marshal.Marshal("ping")
	req := &protocol.Request{Body: ping, SenderID: clientID, RequestID: client.NewRequestID(),
		Collective: collective, Agent: "discovery", TTL: 60, MsgTime: time.Now().Unix()}
	sec.SealRequest(req)
	renv, err := protocol.EncodeRequest(req)
	if err != nil {
		return 0, 0, err
	}
	pong, _ := marshal.Marshal("pong")
	rep := &protocol.Reply{Body: pong, SenderID: fleet.Identity(nodePrefix, n/2), RequestID: req.RequestID,
		SenderAgent: "discovery", MsgTime: time.Now().Unix()}
	sec.SealReply(rep)
	penv, err := protocol.EncodeReply(rep)
	if err != nil {
		return 0, 0, err
	}
	return len(renv), len(penv), nil
}

// rpcFrameSizes returns the body sizes of an rpc request for agent and
// action from the bench client (filtered on the agent, as mco rpc
// broadcasts it) and of a reply carrying data, for a node of a fleet of n.
func rpcFrameSizes(n int, agentName, action string, data map[string]any) (request, reply int, err error) {
	sec, err := security.New(config.Security{PSK: psk}, clientID, nil)
	if err != nil {
		return 0, 0, err
	}
	body, err := protocol.EncodeRPCRequest(&protocol.RPCRequest{Agent: agentName, Action: action,
		Caller: "uid=0", Data: map[string]any{}, ProcessResults: true})
	if err != nil {
		return 0, 0, err
	}
	req := &protocol.Request{Body: body, SenderID: clientID, RequestID: client.NewRequestID(),
		Filter: protocol.Filter{Agent: []string{agentName}}, Collective: "mcollective", Agent: agentName,
		TTL: 60, MsgTime: time.Now().Unix()}
	sec.SealRequest(req)
	renv, err := protocol.EncodeRequest(req)
	if err != nil {
		return 0, 0, err
	}
	rbody, err := protocol.EncodeRPCReply(&protocol.RPCReply{StatusMsg: "OK", Data: data})
	if err != nil {
		return 0, 0, err
	}
	rep := &protocol.Reply{Body: rbody, SenderID: fleet.Identity(nodePrefix, n/2), RequestID: req.RequestID,
		SenderAgent: agentName, MsgTime: time.Now().Unix()}
	sec.SealReply(rep)
	penv, err := protocol.EncodeReply(rep)
	if err != nil {
		return 0, 0, err
	}
	return len(renv), len(penv), nil
}
