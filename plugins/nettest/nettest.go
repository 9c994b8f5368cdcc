package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/marionette-mco/marionette/sdk"
)

// maxTimeout bounds the timeout input, in seconds, below the DDL's 30.
const maxTimeout = 20

// The connect_status values.
const (
	statusConnected   = "Connected"
	statusRefused     = "Connection refused"
	statusTimeout     = "Connection timed out"
	statusUnknownHost = "Unknown host"
	statusUnreachable = "Unreachable"
)

// newAgent returns the nettest agent; pingCmd is the ping executable.
func newAgent(pingCmd string) *sdk.Agent {
	return &sdk.Agent{Name: "nettest", Actions: map[string]sdk.Action{
		"ping":    pinger{cmd: pingCmd}.ping,
		"connect": connect,
	}}
}

// timeoutInput reads the timeout input (the DDL gives it a default).
func timeoutInput(req *sdk.Request, reply *sdk.Reply) (time.Duration, bool) {
	n, ok := req.Int("timeout")
	if !ok || n < 1 || n > maxTimeout {
		reply.FailCode(sdk.InvalidData, fmt.Sprintf("timeout must be 1 to %d seconds", maxTimeout))
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// connect opens a TCP connection and reports how it went. A host that
// cannot be reached is an answer, not a failure: the reply is OK with
// connect false and the reason in connect_status.
func connect(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	host, _ := req.String("fqdn")
	port, _ := req.Int("port")
	if port < 1 || port > 65535 {
		reply.FailCode(sdk.InvalidData, "port must be 1 to 65535")
		return nil
	}
	timeout, ok := timeoutInput(req, reply)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	start := time.Now()
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.FormatInt(port, 10)))
	took := time.Since(start)
	if err != nil {
		reply.Set("connect", false)
		reply.Set("connect_status", dialStatus(err))
		return nil
	}
	_ = conn.Close()
	reply.Set("connect", true)
	reply.Set("connect_status", statusConnected)
	reply.Set("connect_time", float64(took.Microseconds())/1000)
	return nil
}

// dialStatus names why a connection failed.
func dialStatus(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr) && !dnsErr.IsTimeout:
		return statusUnknownHost
	case errors.Is(err, syscall.ECONNREFUSED):
		return statusRefused
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return statusTimeout
	}
	return statusUnreachable
}

// pinger runs the system's ping: sending ICMP needs privileges that ping
// has and a plugin should not.
type pinger struct {
	cmd string
}

// rttPattern finds the round trip time in ping's output, as iputils and
// busybox print it: "time=0.045 ms" (or "time<1 ms").
var rttPattern = regexp.MustCompile(`time[=<]([0-9]+(?:\.[0-9]+)?) ?ms`)

// ping sends one echo request. A host that does not answer fails the reply.
func (p pinger) ping(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
	host, _ := req.String("fqdn")
	timeout, ok := timeoutInput(req, reply)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout+time.Second)
	defer cancel()
	secs := strconv.Itoa(int(timeout / time.Second))
	// fqdn cannot start with "-" (DDL validation), and "--" ends options.
	out, err := exec.CommandContext(ctx, p.cmd, "-c", "1", "-W", secs, "--", host).CombinedOutput()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			reply.Failf("%s did not answer within %ss", host, secs)
			return nil
		}
		return fmt.Errorf("run %s: %w", p.cmd, err)
	}
	m := rttPattern.FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("no round trip time in the output of %s", p.cmd)
	}
	rtt, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return fmt.Errorf("round trip time %q: %w", m[1], err)
	}
	reply.Set("rtt", rtt)
	return nil
}
