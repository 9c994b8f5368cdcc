package pluginhost

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

func callAgent(t *testing.T, a *Agent, action string, data map[string]any) *agent.Reply {
	t.Helper()
	return a.Handle(context.Background(), &agent.Request{Agent: a.spec.Name, Action: action, Data: data,
		CallerID: "uid=0", RequestID: "r1", TTL: 60 * time.Second})
}

func TestCallCrossesBothWays(t *testing.T) {
	p, _ := newTestProcess(t, "serve", 0)
	a := p.Agent(Spec{Name: "echo", Path: "/nonexistent/echo", Timeout: 5 * time.Second})
	inputs := map[string]any{"n": int64(3), "f": 1.0, "big": int64(1) << 60, "s": "héllo", "b": true,
		"nil": nil, "list": []any{int64(1), "two", 3.5}, "map": map[string]any{"k": []any{}}}
	rep := callAgent(t, a, "run", inputs)
	if rep.StatusCode != agent.OK {
		t.Fatalf("status %d: %s", rep.StatusCode, rep.StatusMsg)
	}
	want := map[string]any{
		"inputs": inputs, "identity": "node1", "role": "web", "found": true, "missing": false,
		"config": "v:plugin.x", "classes": []any{"base", "web"},
		"facts": map[string]any{"role": "web", "cpus": int64(2)}, "stats": map[string]any{"total": int64(5)},
		"version": "2.12.5", "agents": int64(1), "dq": map[string]any{"value": "fact:role", "ratio": 0.5},
		"dq_err": "<nil> no data plugin broken", "caller": "uid=0", "request": "r1", "ttl": "1m0s",
	}
	got := rep.Data
	if got["pid"] != int64(p.Running()) {
		t.Errorf("pid %v, running %d", got["pid"], p.Running())
	}
	delete(got, "pid")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reply data\n got %#v\nwant %#v", got, want)
	}
}

func TestTimeoutCancelsTheCallInTheHost(t *testing.T) {
	p, rec := newTestProcess(t, "serve", 0)
	a := p.Agent(Spec{Name: "sleep", Timeout: 200 * time.Millisecond})
	start := time.Now()
	rep := callAgent(t, a, "run", nil)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s", took)
	}
	if rep.StatusCode != agent.UnknownError || rep.StatusMsg != "agent sleep action run timed out after 200ms" {
		t.Errorf("got %d %q", rep.StatusCode, rep.StatusMsg)
	}
	waitFor(t, 5*time.Second, "the host logs the cancelled call", func() bool {
		_, ok := rec.find("sleep cancelled")
		return ok
	})
	pid := p.Running()
	if rep := callAgent(t, p.Agent(Spec{Name: "echo"}), "run", nil); rep.StatusCode != agent.OK || rep.Data["pid"] != int64(pid) {
		t.Errorf("the same host does not answer the next call: %d %q %v (host %d)", rep.StatusCode, rep.StatusMsg, rep.Data["pid"], pid)
	}
}

func TestCallerCancellation(t *testing.T) {
	p, _ := newTestProcess(t, "serve", 0)
	a := p.Agent(Spec{Name: "sleep", Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	rep := a.Handle(ctx, &agent.Request{Agent: "sleep", Action: "run"})
	if rep.StatusCode != agent.UnknownError || rep.StatusMsg != "agent sleep action run: cancelled" {
		t.Errorf("got %d %q", rep.StatusCode, rep.StatusMsg)
	}
}

func TestCrashFailsTheCallAndTheNextCallRestarts(t *testing.T) {
	p, rec := newTestProcess(t, "serve", 0)
	echoAgent := p.Agent(Spec{Name: "echo"})
	first := callAgent(t, echoAgent, "run", nil)
	if first.StatusCode != agent.OK {
		t.Fatalf("echo: %q", first.StatusMsg)
	}
	rep := callAgent(t, p.Agent(Spec{Name: "crash"}), "run", nil)
	for _, want := range []string{"the plugin host process (pid ", "ended during the call: exit status 7", "about to crash"} {
		if rep.StatusCode != agent.UnknownError || !strings.Contains(rep.StatusMsg, want) {
			t.Errorf("crash reply %d %q lacks %q", rep.StatusCode, rep.StatusMsg, want)
		}
	}
	waitFor(t, 5*time.Second, "the daemon logs the host's end", func() bool {
		_, ok := rec.find("the plugin host process ended")
		return ok
	})
	again := callAgent(t, echoAgent, "run", nil)
	if again.StatusCode != agent.OK || again.Data["pid"] == first.Data["pid"] {
		t.Errorf("after the crash: %d %q, pid %v then %v", again.StatusCode, again.StatusMsg, first.Data["pid"], again.Data["pid"])
	}
}

func TestIdleStopAndRestart(t *testing.T) {
	p, _ := newTestProcess(t, "serve", 150*time.Millisecond)
	a := p.Agent(Spec{Name: "echo"})
	first := callAgent(t, a, "run", nil)
	pid := int(first.Data["pid"].(int64))
	waitFor(t, 5*time.Second, "the idle host stops", func() bool { return p.Running() == 0 && !alive(pid) })
	again := callAgent(t, a, "run", nil)
	if again.StatusCode != agent.OK || again.Data["pid"] == first.Data["pid"] {
		t.Errorf("after the idle stop: %d %q, pid %v then %v", again.StatusCode, again.StatusMsg, pid, again.Data["pid"])
	}
}

func TestConcurrentCallsGetTheirOwnReplies(t *testing.T) {
	p, _ := newTestProcess(t, "serve", 0)
	a := p.Agent(Spec{Name: "echo"})
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 64 {
		wg.Go(func() {
			rep := callAgent(t, a, "run", map[string]any{"i": int64(i)})
			in, _ := rep.Data["inputs"].(map[string]any)
			if rep.StatusCode != agent.OK || in["i"] != int64(i) {
				errs <- fmt.Sprintf("call %d: %d %q %v", i, rep.StatusCode, rep.StatusMsg, in)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestHostLogsReachTheDaemonLogger(t *testing.T) {
	p, rec := newTestProcess(t, "serve", 0)
	if rep := callAgent(t, p.Agent(Spec{Name: "logger"}), "run", nil); rep.StatusCode != agent.OK {
		t.Fatalf("logger: %q", rep.StatusMsg)
	}
	attrs, ok := rec.find("hello from the host")
	if !ok {
		t.Fatal("no record")
	}
	want := map[string]string{"level": "WARN", "g.n": "3", "g.d": "1s", "g.err": "boom"}
	if !reflect.DeepEqual(attrs, want) {
		t.Errorf("attrs %v, want %v", attrs, want)
	}
}

func TestFailures(t *testing.T) {
	for _, tc := range []struct {
		name, mode, path, agent string
		want                    []string
	}{
		{"agent cannot open", "serve", "", "nosuch", []string{"agent nosuch action run: no test agent \"nosuch\""}},
		{"no executable", "serve", "/nonexistent/mcollectived-plugins", "echo", []string{"start plugin host /nonexistent/mcollectived-plugins", "no such file"}},
		{"garbage instead of hello", "garbage", "", "echo", []string{"start plugin host", "reading its hello: decode message: invalid character 'j'", "(the process: signal: killed)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newTestProcess(t, tc.mode, 0)
			if tc.path != "" {
				p.opts.Path = tc.path
			}
			rep := callAgent(t, p.Agent(Spec{Name: tc.agent}), "run", nil)
			for _, w := range tc.want {
				if rep.StatusCode != agent.UnknownError || !strings.Contains(rep.StatusMsg, w) {
					t.Errorf("got %d %q, want it to contain %q", rep.StatusCode, rep.StatusMsg, w)
				}
			}
		})
	}
}

func TestSilentHostTimesOut(t *testing.T) {
	p, _ := newTestProcess(t, "silent", 0)
	a := p.Agent(Spec{Name: "echo", Timeout: 300 * time.Millisecond})
	rep := callAgent(t, a, "run", nil)
	if rep.StatusCode != agent.UnknownError || rep.StatusMsg != "agent echo action run timed out after 300ms starting the plugin host" {
		t.Errorf("got %d %q", rep.StatusCode, rep.StatusMsg)
	}
}

func TestRepeatedFailuresBackOff(t *testing.T) {
	p, _ := newTestProcess(t, "serve", 0)
	p.opts.Path = "/nonexistent/host"
	a := p.Agent(Spec{Name: "echo"})
	callAgent(t, a, "run", nil)
	callAgent(t, a, "run", nil)
	rep := callAgent(t, a, "run", nil)
	if !strings.Contains(rep.StatusMsg, "the plugin host failed 2 time(s) in a row; next start in") {
		t.Errorf("third call: %q", rep.StatusMsg)
	}
}

func TestCloseStopsTheHost(t *testing.T) {
	p, _ := newTestProcess(t, "serve", 0)
	a := p.Agent(Spec{Name: "echo"})
	b := p.Agent(Spec{Name: "sleep"})
	callAgent(t, a, "run", nil)
	pid := p.Running()
	a.Close()
	if p.Running() != pid {
		t.Fatal("closing one of two agents stopped the host")
	}
	b.Close()
	waitFor(t, 5*time.Second, "the host process exits", func() bool { return !alive(pid) })
	if rep := callAgent(t, a, "run", nil); !strings.Contains(rep.StatusMsg, "the plugin host is closed") {
		t.Errorf("after Close: %q", rep.StatusMsg)
	}
}

func TestCrashLoopBacksOff(t *testing.T) {
	p, _ := newTestProcess(t, "serve", 0)
	a := p.Agent(Spec{Name: "crash"})
	var last string
	for range 5 {
		last = callAgent(t, a, "run", nil).StatusMsg
		if strings.Contains(last, "in a row; next start in") {
			return
		}
	}
	t.Fatalf("a host that dies on every call is started again at once; last reply %q", last)
}
