package main

import (
	"context"
	"errors"
	"math"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/sdk"
	"github.com/marionette-mco/marionette/sdk/agenttest"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

const ddlFile = "rpcutil.ddl"

func testHost() *agenttest.Host {
	return agenttest.NewHost().
		SetFacts(map[string]any{
			"os":      map[string]any{"family": "Debian", "release": map[string]any{"major": 12}},
			"uptime":  3600,
			"load":    0.5,
			"virtual": true,
			"empty":   nil,
			"ips":     []any{"10.0.0.1", 2},
		}).
		SetClasses("base", "web").
		SetConfig("loglevel", "info").
		SetConfig("configfile", "/etc/marionette/server.cfg").
		SetStats(map[string]any{
			"pid":     4242,
			"threads": []string{"main"},
			"times":   map[string]any{"utime": 1.5, "stime": 0.25},
			"stats":   map[string]any{"total": 10, "passed": 8, "starttime": 1700000000},
		}).
		SetInventory(sdk.Inventory{
			Agents: []sdk.AgentMeta{
				{Agent: "rpcutil", Name: "rpcutil", Description: "Inventory", Author: "A", License: "Apache", Version: "1.0", URL: "https://x", Timeout: 10},
				{Agent: "nettest"},
			},
			MainCollective: "mcollective",
			Collectives:    []string{"mcollective", "eu"},
			Version:        "2.12.5",
		}).
		SetDataPlugin("echo", func(_ context.Context, q string) (map[string]any, error) {
			return map[string]any{"query": q, "size": len(q)}, nil
		})
}

func TestActions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		action   string
		inputs   map[string]any
		wantCode sdk.StatusCode
		wantMsg  string
		want     map[string]any
	}{
		{"inventory", "inventory", nil, sdk.OK, "OK", map[string]any{
			"agents": []any{"rpcutil", "nettest"},
			"facts": map[string]any{
				"os":     map[string]any{"family": "Debian", "release": map[string]any{"major": "12"}},
				"uptime": "3600", "load": "0.5", "virtual": "true", "empty": "", "ips": []any{"10.0.0.1", "2"},
			},
			"version":         "2.12.5",
			"classes":         []any{"base", "web"},
			"main_collective": "mcollective",
			"collectives":     []any{"mcollective", "eu"},
			"data_plugins":    []any{"echo_data"},
		}},
		{"get_fact", "get_fact", map[string]any{"fact": "uptime"}, sdk.OK, "OK",
			map[string]any{"fact": "uptime", "value": "3600"}},
		{"get_fact dotted", "get_fact", map[string]any{"fact": "os.family"}, sdk.OK, "OK",
			map[string]any{"fact": "os.family", "value": "Debian"}},
		{"get_fact nested value", "get_fact", map[string]any{"fact": "os.release"}, sdk.OK, "OK",
			map[string]any{"fact": "os.release", "value": map[string]any{"major": "12"}}},
		{"get_fact missing fact", "get_fact", map[string]any{"fact": "nosuch"}, sdk.OK, "OK",
			map[string]any{"fact": "nosuch", "value": nil}},
		{"get_fact bad name", "get_fact", map[string]any{"fact": "no such"}, ddl.CodeInvalidData,
			`Cannot validate input fact: value should match ^[\w\-\.]+$`, map[string]any{"fact": nil, "value": nil}},
		{"get_fact no input", "get_fact", nil, ddl.CodeMissingData, "Action get_fact needs a fact argument",
			map[string]any{"fact": nil, "value": nil}},
		{"get_facts", "get_facts", map[string]any{"facts": " uptime, os.family ,nosuch"}, sdk.OK, "OK",
			map[string]any{"values": map[string]any{"uptime": "3600", "os.family": "Debian", "nosuch": nil}}},
		{"get_config_item", "get_config_item", map[string]any{"item": "loglevel"}, sdk.OK, "OK",
			map[string]any{"item": "loglevel", "value": "info"}},
		{"get_config_item unknown", "get_config_item", map[string]any{"item": "nosuch"}, sdk.Aborted,
			"Unknown config property nosuch", map[string]any{"item": nil, "value": nil}},
		{"daemon_stats", "daemon_stats", nil, sdk.OK, "OK", map[string]any{
			"threads": []any{"main"}, "agents": []any{"rpcutil", "nettest"}, "pid": int64(4242),
			"times": map[string]any{"utime": 1.5, "stime": 0.25},
			"total": int64(10), "passed": int64(8), "validated": int64(0), "unvalidated": int64(0),
			"filtered": int64(0), "replies": int64(0), "ttlexpired": int64(0), "starttime": int64(1700000000),
			"configfile": "/etc/marionette/server.cfg", "version": "2.12.5",
		}},
		{"agent_inventory", "agent_inventory", nil, sdk.OK, "OK", map[string]any{"agents": []any{
			map[string]any{":agent": "nettest", ":name": "nettest", ":description": "unknown", ":author": "unknown",
				":license": "unknown", ":version": "unknown", ":url": "unknown", ":timeout": int64(10)},
			map[string]any{":agent": "rpcutil", ":name": "rpcutil", ":description": "Inventory", ":author": "A",
				":license": "Apache", ":version": "1.0", ":url": "https://x", ":timeout": int64(10)},
		}}},
		{"collective_info", "collective_info", nil, sdk.OK, "OK",
			map[string]any{"main_collective": "mcollective", "collectives": []any{"mcollective", "eu"}}},
		{"get_data", "get_data", map[string]any{"source": "echo", "query": "abc"}, sdk.OK, "OK",
			map[string]any{"query": "abc", "size": int64(3)}},
		{"get_data unknown source", "get_data", map[string]any{"source": "nosuch"}, sdk.UnknownError,
			"data plugin nosuch: unknown data plugin nosuch", nil},
		{"undeclared action", "nosuch", nil, ddl.CodeUnknownAction,
			"Attempted to call action nosuch for rpcutil but it's not declared in the DDL", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := agenttest.Run(t, newAgent(), ddlFile, tc.action, tc.inputs, agenttest.WithHost(testHost()))
			if rep.StatusCode != tc.wantCode || rep.StatusMsg != tc.wantMsg {
				t.Fatalf("reply %d %q, want %d %q", rep.StatusCode, rep.StatusMsg, tc.wantCode, tc.wantMsg)
			}
			if tc.want != nil && !reflect.DeepEqual(rep.Data, tc.want) {
				t.Errorf("data\n got %#v\nwant %#v", rep.Data, tc.want)
			}
		})
	}
}

func TestPing(t *testing.T) {
	before := time.Now().Unix()
	rep := agenttest.Run(t, newAgent(), ddlFile, "ping", nil)
	pong, ok := rep.Data["pong"].(int64)
	if rep.StatusCode != sdk.OK || !ok || pong < before || pong > time.Now().Unix() {
		t.Fatalf("ping: %d %q %#v", rep.StatusCode, rep.StatusMsg, rep.Data)
	}
}

func TestDaemonStatsDefaults(t *testing.T) {
	rep := agenttest.Run(t, newAgent(), ddlFile, "daemon_stats", nil)
	if rep.StatusCode != sdk.OK {
		t.Fatalf("daemon_stats: %d %s", rep.StatusCode, rep.StatusMsg)
	}
	if pid := rep.Data["pid"]; pid != int64(os.Getppid()) {
		t.Errorf("pid %v, want the parent's %d", pid, os.Getppid())
	}
	for _, k := range append(slices.Clone(statCounters), "starttime") {
		if rep.Data[k] != int64(0) {
			t.Errorf("%s = %#v, want 0", k, rep.Data[k])
		}
	}
	if !reflect.DeepEqual(rep.Data["threads"], []any{}) || !reflect.DeepEqual(rep.Data["times"], map[string]any{}) {
		t.Errorf("threads %#v, times %#v: want empty", rep.Data["threads"], rep.Data["times"])
	}
}

// failingHost fails every call, as a host the daemon can no longer reach.
type failingHost struct{ sdk.Host }

func (failingHost) Inventory(context.Context) (sdk.Inventory, error) {
	return sdk.Inventory{}, errors.New("host inventory: connection refused")
}

func TestHostErrorIsUnknownError(t *testing.T) {
	a := newAgent()
	rep := a.Handle(context.Background(), &sdk.Request{Agent: "rpcutil", Action: "collective_info", Host: failingHost{}})
	if rep.StatusCode != sdk.UnknownError || rep.StatusMsg != "host inventory: connection refused" {
		t.Fatalf("reply %d %q", rep.StatusCode, rep.StatusMsg)
	}
}

func TestRubyFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{1, "1.0"},
		{-2.5, "-2.5"},
		{0.1, "0.1"},
		{0.0001, "0.0001"},
		{0.00001, "1.0e-05"},
		{1.5e-7, "1.5e-07"},
		{1e15, "1.0e+15"},
		{1e16, "1.0e+16"},
		{1.25e100, "1.25e+100"},
		{123456.789, "123456.789"},
		// What Ruby 3.1 prints about the switch to scientific notation.
		{1e14, "100000000000000.0"},
		{123456789012345.0, "123456789012345.0"},
		{999999999999999.9, "999999999999999.9"},
		{1234567890123456.0, "1.234567890123456e+15"},
		{1.5e15, "1.5e+15"},
		{-1e15, "-1.0e+15"},
		{math.Copysign(0, -1), "-0.0"},
		{5e-324, "5.0e-324"},
	} {
		if got := rubyFloat(tc.f); got != tc.want {
			t.Errorf("rubyFloat(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
