package plugin

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	goplugin "github.com/hashicorp/go-plugin"
)

// echoServer is an agent that reports what its host says.
type echoServer struct{}

func (echoServer) Name() string      { return "echo" }
func (echoServer) Actions() []string { return []string{"host", "echo"} }

func (echoServer) Handle(ctx context.Context, host Host, req *Request) *Reply {
	if req.Action == "echo" {
		return &Reply{StatusCode: 0, StatusMsg: "OK", Data: map[string]any{
			"data": req.Data, "caller": req.CallerID, "ttl": req.TTL.String(), "request": req.RequestID,
		}}
	}
	out := map[string]any{}
	fail := func(err error) *Reply { return &Reply{StatusCode: 5, StatusMsg: err.Error(), Data: out} }
	id, err := host.Identity(ctx)
	if err != nil {
		return fail(err)
	}
	fact, found, err := host.Fact(ctx, "os.family")
	if err != nil {
		return fail(err)
	}
	_, missing, err := host.Fact(ctx, "nosuch")
	if err != nil {
		return fail(err)
	}
	facts, err := host.Facts(ctx)
	if err != nil {
		return fail(err)
	}
	classes, err := host.Classes(ctx)
	if err != nil {
		return fail(err)
	}
	level, ok, err := host.Config(ctx, "loglevel")
	if err != nil {
		return fail(err)
	}
	stats, err := host.Stats(ctx)
	if err != nil {
		return fail(err)
	}
	inv, err := host.Inventory(ctx)
	if err != nil {
		return fail(err)
	}
	data, err := host.DataQuery(ctx, "echo", "q")
	if err != nil {
		return fail(err)
	}
	_, dqErr := host.DataQuery(ctx, "nosuch", "q")
	out["identity"], out["fact"], out["found"], out["missing"] = id, fact, found, missing
	out["facts"], out["classes"], out["loglevel"], out["config_found"] = facts, classes, level, ok
	out["stats"], out["inventory"], out["data"], out["dq_error"] = stats, fmt.Sprintf("%+v", inv), data, dqErr.Error()
	return &Reply{StatusCode: 0, StatusMsg: "OK", Data: out}
}

// mapHost is a Host from fixed values.
type mapHost struct{}

func (mapHost) Identity(context.Context) (string, error) { return "node1", nil }
func (mapHost) Fact(_ context.Context, name string) (any, bool, error) {
	if name == "os.family" {
		return "Debian", true, nil
	}
	return nil, false, nil
}
func (mapHost) Facts(context.Context) (map[string]any, error) {
	return map[string]any{"cores": 4, "load": 1.0}, nil
}
func (mapHost) Classes(context.Context) ([]string, error) { return []string{"base"}, nil }
func (mapHost) Config(_ context.Context, key string) (string, bool, error) {
	return "debug", key == "loglevel", nil
}
func (mapHost) Stats(context.Context) (map[string]any, error) { return map[string]any{"total": 9}, nil }
func (mapHost) Inventory(context.Context) (Inventory, error) {
	return Inventory{Agents: []AgentMeta{{Agent: "echo", Timeout: 5}}, MainCollective: "mc", Version: "2.12.5"}, nil
}
func (mapHost) DataQuery(_ context.Context, plugin, query string) (map[string]any, error) {
	if plugin != "echo" {
		return nil, errors.New("unknown data plugin " + plugin)
	}
	return map[string]any{"query": query}, nil
}

// connect serves echoServer and mapHost over an in-process go-plugin
// connection and returns the daemon's client, initialised.
func connect(t *testing.T) *Client {
	t.Helper()
	client, _ := goplugin.TestPluginGRPCConn(t, false, PluginSet(&AgentPlugin{Impl: echoServer{}, Host: mapHost{}}))
	t.Cleanup(func() { _ = client.Close() }) // Close shuts the server down too
	raw, err := client.Dispense(Name)
	if err != nil {
		t.Fatal(err)
	}
	c := raw.(*Client)
	info, err := c.Init(context.Background(), "echo")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info, Info{Agent: "echo", Actions: []string{"host", "echo"}}) {
		t.Fatalf("Init = %+v", info)
	}
	return c
}

func TestHostOverTheBroker(t *testing.T) {
	c := connect(t)
	rep, err := c.Handle(context.Background(), &Request{Agent: "echo", Action: "host"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.StatusCode != 0 {
		t.Fatalf("reply %d %s", rep.StatusCode, rep.StatusMsg)
	}
	want := map[string]any{
		"identity": "node1", "fact": "Debian", "found": true, "missing": false,
		"facts":   map[string]any{"cores": int64(4), "load": 1.0},
		"classes": []any{"base"}, "loglevel": "debug", "config_found": true,
		"stats":     map[string]any{"total": int64(9)},
		"inventory": "{Agents:[{Agent:echo Name: Description: Author: License: Version: URL: Timeout:5}] MainCollective:mc Collectives:[] DataPlugins:[] Version:2.12.5}",
		"data":      map[string]any{"query": "q"},
		"dq_error":  "host data query nosuch: unknown data plugin nosuch",
	}
	for k, w := range want {
		if got := rep.Data[k]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %#v, want %#v", k, got, w)
		}
	}
}

func TestRequestCrossesIntact(t *testing.T) {
	c := connect(t)
	rep, err := c.Handle(context.Background(), &Request{
		Agent: "echo", Action: "echo", CallerID: "cert=x", RequestID: "abc", TTL: 60e9,
		Data: map[string]any{"n": 1, "f": 1.0, "l": []string{"a"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"data":   map[string]any{"n": int64(1), "f": 1.0, "l": []any{"a"}},
		"caller": "cert=x", "ttl": "1m0s", "request": "abc",
	}
	if !reflect.DeepEqual(rep.Data, want) {
		t.Fatalf("data %#v, want %#v", rep.Data, want)
	}
}

func TestHandleRefusesUnencodableData(t *testing.T) {
	c := connect(t)
	_, err := c.Handle(context.Background(), &Request{Action: "echo", Data: map[string]any{"c": make(chan int)}})
	if err == nil || !strings.Contains(err.Error(), "request data") {
		t.Fatalf("Handle: %v", err)
	}
}

func TestHostBeforeInit(t *testing.T) {
	client, _ := goplugin.TestPluginGRPCConn(t, false, PluginSet(&AgentPlugin{Impl: echoServer{}, Host: mapHost{}}))
	t.Cleanup(func() { _ = client.Close() }) // Close shuts the server down too
	raw, err := client.Dispense(Name)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := raw.(*Client).Handle(context.Background(), &Request{Action: "host"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.StatusCode != 5 || rep.StatusMsg != "no daemon host connected" {
		t.Fatalf("reply %d %q", rep.StatusCode, rep.StatusMsg)
	}
}
