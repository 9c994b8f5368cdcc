package agenttest_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/sdk"
	"github.com/marionette-mco/marionette/sdk/agenttest"
)

const ddlPath = "testdata/demo.ddl"

func demo() *sdk.Agent {
	return &sdk.Agent{Name: "demo", Actions: map[string]sdk.Action{
		"greet": func(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
			name, _ := req.String("name")
			times, _ := req.Int("times")
			id, err := req.Host.Identity(ctx)
			if err != nil {
				return err
			}
			reply.Set("message", strings.Repeat("hello "+name+" ", int(times)))
			reply.Set("count", times)
			reply.Set("node", id)
			reply.Set("types", fmt.Sprintf("%T %T", req.Data["name"], req.Data["times"]))
			reply.Set("caller", req.CallerID)
			return nil
		},
		"slow": func(context.Context, *sdk.Request, *sdk.Reply) error {
			time.Sleep(200 * time.Millisecond) // ignores its context
			return nil
		},
		"facts": func(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
			v, _, err := req.Host.Fact(ctx, "hw.cores")
			reply.Set("cores", v)
			return err
		},
	}}
}

func TestRun(t *testing.T) {
	host := agenttest.NewHost().SetIdentity("web1").SetFacts(map[string]any{"hw": map[string]any{"cores": 8}})
	for _, tc := range []struct {
		name     string
		action   string
		inputs   map[string]any
		opts     []agenttest.Option
		wantCode sdk.StatusCode
		wantMsg  string
		wantData map[string]any
	}{
		{"defaults applied", "greet", map[string]any{"name": "bob"}, nil, sdk.OK, "OK", map[string]any{
			"message": "hello bob ", "count": int64(1), "node": "web1", "types": "string int64", "caller": "cert=agenttest"}},
		{"integer input arrives as int64", "greet", map[string]any{"name": "bob", "times": 2}, nil, sdk.OK, "OK", map[string]any{
			"message": "hello bob hello bob ", "count": int64(2), "node": "web1", "types": "string int64", "caller": "cert=agenttest"}},
		{"request changed", "greet", map[string]any{"name": "bob"},
			[]agenttest.Option{agenttest.WithRequest(func(r *sdk.Request) { r.CallerID = "cert=admin" })}, sdk.OK, "OK",
			map[string]any{"message": "hello bob ", "count": int64(1), "node": "web1", "types": "string int64", "caller": "cert=admin"}},
		{"missing input", "greet", nil, nil, 3, "Action greet needs a name argument",
			map[string]any{"message": nil, "count": int64(0), "node": nil}},
		{"invalid input", "greet", map[string]any{"name": "bob smith"}, nil, 4,
			`Cannot validate input name: value should match ^\w+$`, map[string]any{"message": nil, "count": int64(0), "node": nil}},
		{"too long", "greet", map[string]any{"name": "abcdefghijk"}, nil, 4,
			"Cannot validate input name: Input string is longer than 10 character(s)", nil},
		{"undeclared action", "nosuch", nil, nil, 2, "Attempted to call action nosuch for demo but it's not declared in the DDL", map[string]any{}},
		{"declared, not implemented", "missing", nil, nil, sdk.UnknownAction, "Unknown action 'missing' for agent 'demo'",
			map[string]any{"x": "none"}},
		{"timeout", "slow", nil, []agenttest.Option{agenttest.WithTimeout(50 * time.Millisecond)}, sdk.UnknownError,
			"agent demo action slow timed out after 50ms", map[string]any{}},
		{"within the DDL timeout", "slow", nil, nil, sdk.OK, "OK", map[string]any{"done": false}},
		{"host values cross the wire", "facts", nil, nil, sdk.OK, "OK", map[string]any{"cores": int64(8)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]agenttest.Option{agenttest.WithHost(host)}, tc.opts...)
			rep := agenttest.Run(t, demo(), ddlPath, tc.action, tc.inputs, opts...)
			if rep.StatusCode != tc.wantCode || rep.StatusMsg != tc.wantMsg {
				t.Fatalf("reply %d %q, want %d %q", rep.StatusCode, rep.StatusMsg, tc.wantCode, tc.wantMsg)
			}
			if tc.wantData != nil && !reflect.DeepEqual(rep.Data, tc.wantData) {
				t.Errorf("data %#v, want %#v", rep.Data, tc.wantData)
			}
		})
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	panic(r)
}

// run calls Run with a recorder and returns what it recorded.
func run(t *testing.T, a *sdk.Agent, ddl, action string) (errs []string, fatal bool) {
	rec := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != rec {
				panic(p)
			}
		}()
		agenttest.Run(rec, a, ddl, action, nil)
	}()
	return rec.errors, rec.fatal
}

func TestRunReportsMistakes(t *testing.T) {
	unsendable := &sdk.Agent{Name: "demo", Actions: map[string]sdk.Action{
		"slow": func(_ context.Context, _ *sdk.Request, reply *sdk.Reply) error {
			reply.Set("ch", make(chan int))
			return nil
		},
	}}
	for _, tc := range []struct {
		name      string
		agent     *sdk.Agent
		ddl       string
		wantErr   string
		wantFatal bool
	}{
		{"no DDL", demo(), "testdata/nosuch.ddl", "read ddl", true},
		{"wrong agent", &sdk.Agent{Name: "other", Actions: demo().Actions}, ddlPath,
			`agent "other" is described by testdata/demo.ddl, which names "demo"`, false},
		{"reply cannot cross", unsendable, ddlPath, "reply of demo#slow cannot be sent to the daemon", false},
		{"no actions", &sdk.Agent{Name: "demo"}, ddlPath, "agent demo has no actions", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs, fatal := run(t, tc.agent, tc.ddl, "slow")
			if len(errs) != 1 || !strings.Contains(errs[0], tc.wantErr) || fatal != tc.wantFatal {
				t.Fatalf("recorded %q (fatal %v), want one containing %q (fatal %v)", errs, fatal, tc.wantErr, tc.wantFatal)
			}
		})
	}
}
