package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/marionette-mco/marionette/sdk"
	"github.com/marionette-mco/marionette/sdk/agenttest"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

const ddlFile = "nettest.ddl"

// listener returns the port of a TCP listener on 127.0.0.1 that accepts
// and closes connections until the test ends.
func listener(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// closedPort returns a port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return port
}

func TestConnect(t *testing.T) {
	open, closed := listener(t), closedPort(t)
	for _, tc := range []struct {
		name       string
		inputs     map[string]any
		wantCode   sdk.StatusCode
		wantMsg    string
		wantStatus any
		wantOK     any
	}{
		{"open port", map[string]any{"fqdn": "127.0.0.1", "port": open}, sdk.OK, "OK", statusConnected, true},
		{"closed port", map[string]any{"fqdn": "127.0.0.1", "port": closed}, sdk.OK, "OK", statusRefused, false},
		{"unknown host", map[string]any{"fqdn": "nosuch.invalid", "port": 80}, sdk.OK, "OK", statusUnknownHost, false},
		{"port out of range", map[string]any{"fqdn": "127.0.0.1", "port": 70000}, sdk.InvalidData,
			"port must be 1 to 65535", nil, false},
		{"timeout out of range", map[string]any{"fqdn": "127.0.0.1", "port": open, "timeout": 60}, sdk.InvalidData,
			"timeout must be 1 to 20 seconds", nil, false},
		{"port not a number", map[string]any{"fqdn": "127.0.0.1", "port": "22"}, ddl.CodeInvalidData,
			"Cannot validate input port: value should be a integer", nil, false},
		{"option as host", map[string]any{"fqdn": "-oProxyCommand", "port": 22}, ddl.CodeInvalidData,
			`Cannot validate input fqdn: value should match ^[a-zA-Z0-9][a-zA-Z0-9.:\-]*$`, nil, false},
		{"no port", map[string]any{"fqdn": "127.0.0.1"}, ddl.CodeMissingData, "Action connect needs a port argument", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := agenttest.Run(t, newAgent("ping"), ddlFile, "connect", tc.inputs)
			if rep.StatusCode != tc.wantCode || rep.StatusMsg != tc.wantMsg {
				t.Fatalf("reply %d %q, want %d %q", rep.StatusCode, rep.StatusMsg, tc.wantCode, tc.wantMsg)
			}
			if rep.Data["connect_status"] != tc.wantStatus || rep.Data["connect"] != tc.wantOK {
				t.Errorf("data %#v, want connect %v status %v", rep.Data, tc.wantOK, tc.wantStatus)
			}
			if tc.wantOK == true {
				if ms, ok := rep.Data["connect_time"].(float64); !ok || ms < 0 {
					t.Errorf("connect_time %#v", rep.Data["connect_time"])
				}
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestDialStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, statusRefused},
		{&net.OpError{Op: "dial", Err: timeoutErr{}}, statusTimeout},
		{fmt.Errorf("dial: %w", context.DeadlineExceeded), statusTimeout},
		{&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, statusUnknownHost},
		{&net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}, statusTimeout},
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}, statusUnreachable},
		{errors.New("something else"), statusUnreachable},
	} {
		if got := dialStatus(tc.err); got != tc.want {
			t.Errorf("dialStatus(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// fakePing writes a ping executable that prints output and exits with
// code, and records its arguments in the file it returns.
func fakePing(t *testing.T, output string, code int) (cmd, args string) {
	t.Helper()
	dir := t.TempDir()
	cmd, args = filepath.Join(dir, "ping"), filepath.Join(dir, "args")
	script := fmt.Sprintf("#!/bin/sh\necho \"$@\" > %s\ncat <<'EOF'\n%s\nEOF\nexit %d\n", args, output, code)
	if err := os.WriteFile(cmd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return cmd, args
}

func TestPing(t *testing.T) {
	const iputils = "PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms\n"
	for _, tc := range []struct {
		name     string
		output   string
		code     int
		inputs   map[string]any
		wantCode sdk.StatusCode
		wantMsg  string
		wantRTT  any
		wantArgs string
	}{
		{"answer", iputils, 0, map[string]any{"fqdn": "10.0.0.1"}, sdk.OK, "OK", 0.045, "-c 1 -W 2 -- 10.0.0.1\n"},
		{"under a millisecond", "64 bytes from h: seq=0 ttl=64 time<1 ms", 0, map[string]any{"fqdn": "h", "timeout": 5},
			sdk.OK, "OK", 1.0, "-c 1 -W 5 -- h\n"},
		{"no answer", "1 packets transmitted, 0 received", 1, map[string]any{"fqdn": "10.0.0.2"}, sdk.Aborted,
			"10.0.0.2 did not answer within 2s", nil, "-c 1 -W 2 -- 10.0.0.2\n"},
		{"unreadable output", "what?", 0, map[string]any{"fqdn": "h"}, sdk.UnknownError,
			"no round trip time in the output of $PING", nil, "-c 1 -W 2 -- h\n"},
		{"bad host", "", 0, map[string]any{"fqdn": "a b"}, ddl.CodeInvalidData,
			`Cannot validate input fqdn: value should match ^[a-zA-Z0-9][a-zA-Z0-9.:\-]*$`, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, args := fakePing(t, tc.output, tc.code)
			rep := agenttest.Run(t, newAgent(cmd), ddlFile, "ping", tc.inputs)
			if rep.StatusCode != tc.wantCode || !reflect.DeepEqual(rep.Data["rtt"], tc.wantRTT) {
				t.Fatalf("reply %d %q %#v, want %d rtt %v", rep.StatusCode, rep.StatusMsg, rep.Data, tc.wantCode, tc.wantRTT)
			}
			if want := strings.ReplaceAll(tc.wantMsg, "$PING", cmd); rep.StatusMsg != want {
				t.Errorf("message %q, want %q", rep.StatusMsg, want)
			}
			got, _ := os.ReadFile(args)
			if string(got) != tc.wantArgs {
				t.Errorf("ping ran with %q, want %q", got, tc.wantArgs)
			}
		})
	}
}

// TestPingLoopback pings 127.0.0.1 with the system's ping, where there is
// one that may send ICMP.
func TestPingLoopback(t *testing.T) {
	path, err := exec.LookPath("ping")
	if err != nil {
		t.Skip("no ping on this system")
	}
	if err := exec.Command(path, "-c", "1", "-W", "1", "127.0.0.1").Run(); err != nil {
		t.Skipf("ping cannot run here: %v", err)
	}
	rep := agenttest.Run(t, newAgent(path), ddlFile, "ping", map[string]any{"fqdn": "127.0.0.1"})
	if rtt, ok := rep.Data["rtt"].(float64); rep.StatusCode != sdk.OK || !ok || rtt < 0 {
		t.Fatalf("reply %d %q %#v", rep.StatusCode, rep.StatusMsg, rep.Data)
	}
}

func TestDDLMatchesTheAgent(t *testing.T) {
	d, err := ddl.ParseFile(ddlFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) > 0 {
		t.Errorf("warnings: %v", d.Warnings)
	}
	if got, want := d.ActionNames(), newAgent("ping").ActionNames(); !reflect.DeepEqual(got, []string{"ping", "connect"}) || !reflect.DeepEqual(want, []string{"connect", "ping"}) {
		t.Errorf("DDL actions %v, agent actions %v", got, want)
	}
}
