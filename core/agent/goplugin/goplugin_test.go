package goplugin

import (
	"context"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
)

func TestNewRefusesIncompleteOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"no name", Options{Path: "/x", Host: fakeHost{}}, "no name"},
		{"no path", Options{Name: "x", Host: fakeHost{}}, "no executable"},
		{"no host", Options{Name: "x", Path: "/x"}, "no host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t)})
	for _, tc := range []struct {
		action   string
		data     map[string]any
		wantCode agent.StatusCode
		wantMsg  string
		wantData map[string]any
	}{
		{"whoami", nil, agent.OK, "OK", map[string]any{
			"identity": "node1.example.net", "family": "Debian", "loglevel": "info",
			"version": "2.12.5", "caller": "cert=tester",
		}},
		{"data", map[string]any{"query": "abc"}, agent.OK, "OK", map[string]any{"query": "abc", "length": int64(3)}},
		{"echo", map[string]any{"i": 7, "f": 1.0, "g": 2.5, "b": true, "s": "x", "n": nil,
			"l": []any{1, "a"}, "m": map[string]any{"k": 1.5}}, agent.OK, "OK", map[string]any{
			"i": int64(7), "f": 1.0, "g": 2.5, "b": true, "s": "x", "n": nil,
			"l": []any{int64(1), "a"}, "m": map[string]any{"k": 1.5},
			"types": map[string]any{"i": "int64", "f": "float64", "g": "float64", "b": "bool", "s": "string",
				"n": "<nil>", "l": "[]interface {}", "m": "map[string]interface {}"},
		}},
		{"fail", nil, agent.Aborted, "nope", map[string]any{"partial": true}},
		{"error", nil, agent.UnknownError, "broken", nil},
		{"panic", nil, agent.UnknownError, "action panic panicked: boom", nil},
		{"nosuch", nil, agent.UnknownAction, "Unknown action 'nosuch' for agent 'testagent'", nil},
	} {
		t.Run(tc.action, func(t *testing.T) {
			rep := call(t, a, tc.action, tc.data)
			if rep.StatusCode != tc.wantCode || rep.StatusMsg != tc.wantMsg {
				t.Fatalf("reply %d %q, want %d %q", rep.StatusCode, rep.StatusMsg, tc.wantCode, tc.wantMsg)
			}
			for k, want := range tc.wantData {
				if got := rep.Data[k]; !reflect.DeepEqual(got, want) {
					t.Errorf("data[%s] = %#v, want %#v", k, got, want)
				}
			}
		})
	}
	// One process served them all: a panicking action does not kill it.
	first := pidOf(t, call(t, a, "whoami", nil))
	if again := pidOf(t, call(t, a, "whoami", nil)); again != first {
		t.Errorf("pid changed from %d to %d", first, again)
	}
}

func TestTimeout(t *testing.T) {
	for _, tc := range []struct {
		name     string
		timeout  time.Duration
		deadline time.Duration // of the caller's context; 0 for none
		want     string
	}{
		{"agent timeout", 300 * time.Millisecond, 0, "agent testagent action sleep timed out after 300ms"},
		{"request deadline", 10 * time.Second, 200 * time.Millisecond, "agent testagent action sleep timed out after 200ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := newAgent(t, Options{Path: pluginScript(t), Timeout: tc.timeout})
			pidOf(t, call(t, a, "whoami", nil)) // start the plugin outside the bound
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.deadline)
				defer cancel()
			}
			start := time.Now()
			rep := a.Handle(ctx, &agent.Request{Agent: "testagent", Action: "sleep", Data: map[string]any{"ms": 5000}})
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("the call took %s", took)
			}
			if rep.StatusCode != agent.UnknownError || !strings.HasPrefix(rep.StatusMsg, tc.want) {
				t.Fatalf("reply %d %q, want 5 %q", rep.StatusCode, rep.StatusMsg, tc.want)
			}
			// The plugin is still there and answers.
			if rep := call(t, a, "sleep", map[string]any{"ms": 1}); rep.StatusCode != agent.OK {
				t.Fatalf("after the timeout: %d %s", rep.StatusCode, rep.StatusMsg)
			}
		})
	}
}

func TestCrashAndRestart(t *testing.T) {
	for _, tc := range []struct {
		action string
		want   []string
	}{
		{"crash", []string{"died during the call", "exit status 3"}},
		{"crash_goroutine", []string{"died during the call", "exit status 2"}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			a, _ := newAgent(t, Options{Path: pluginScript(t)})
			before := pidOf(t, call(t, a, "whoami", nil))
			rep := call(t, a, tc.action, nil)
			if rep.StatusCode != agent.UnknownError {
				t.Fatalf("crash reply %d %q, want 5", rep.StatusCode, rep.StatusMsg)
			}
			for _, w := range tc.want {
				if !strings.Contains(rep.StatusMsg, w) {
					t.Errorf("crash message %q lacks %q", rep.StatusMsg, w)
				}
			}
			waitGone(t, before, 5*time.Second)
			after := pidOf(t, call(t, a, "whoami", nil))
			if after == before {
				t.Fatalf("the restarted plugin has the old pid %d", after)
			}
		})
	}
}

func TestCrashAnswersEveryCallInFlight(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t)})
	pidOf(t, call(t, a, "whoami", nil))
	var wg sync.WaitGroup
	replies := make([]*agent.Reply, 3)
	for i := range replies {
		wg.Go(func() { replies[i] = call(t, a, "sleep", map[string]any{"ms": 3000}) })
	}
	time.Sleep(300 * time.Millisecond)
	if rep := call(t, a, "crash", nil); rep.StatusCode != agent.UnknownError {
		t.Fatalf("crash: %d %s", rep.StatusCode, rep.StatusMsg)
	}
	wg.Wait()
	for i, rep := range replies {
		if rep.StatusCode != agent.UnknownError || !strings.Contains(rep.StatusMsg, "died during the call") {
			t.Errorf("call %d: %d %q", i, rep.StatusCode, rep.StatusMsg)
		}
	}
}

func TestConcurrencyBound(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t), MaxConcurrent: 2})
	var wg sync.WaitGroup
	replies := make([]*agent.Reply, 6)
	for i := range replies {
		wg.Go(func() { replies[i] = call(t, a, "track", map[string]any{"ms": 200}) })
	}
	wg.Wait()
	var most int64
	for i, rep := range replies {
		if rep.StatusCode != agent.OK {
			t.Fatalf("call %d: %d %s", i, rep.StatusCode, rep.StatusMsg)
		}
		most = max(most, rep.Data["max"].(int64))
	}
	if most != 2 {
		t.Errorf("at most %d calls ran at once, want 2", most)
	}
}

func TestConcurrencyBoundTimesOutWaiting(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t), MaxConcurrent: 1})
	pidOf(t, call(t, a, "whoami", nil))
	done := make(chan struct{})
	go func() {
		defer close(done)
		call(t, a, "sleep", map[string]any{"ms": 1000})
	}()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	rep := a.Handle(ctx, &agent.Request{Agent: "testagent", Action: "whoami"})
	<-done
	want := "agent testagent action whoami timed out after 200ms waiting for one of its 1 call slots"
	if rep.StatusCode != agent.UnknownError || rep.StatusMsg != want {
		t.Fatalf("reply %d %q, want 5 %q", rep.StatusCode, rep.StatusMsg, want)
	}
}

func TestIdleStopAndRestart(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t), IdleStop: 200 * time.Millisecond})
	first := pidOf(t, call(t, a, "whoami", nil))
	waitGone(t, first, 5*time.Second)
	a.mu.Lock()
	running := a.proc != nil
	a.mu.Unlock()
	if running {
		t.Fatal("the agent still holds a process after the idle stop")
	}
	second := pidOf(t, call(t, a, "whoami", nil))
	if second == first {
		t.Fatalf("no new process after the idle stop (pid %d)", second)
	}
}

func TestIdleStopWaitsForCalls(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t), IdleStop: 100 * time.Millisecond})
	pid := pidOf(t, call(t, a, "whoami", nil))
	// A call longer than IdleStop keeps the process.
	if rep := call(t, a, "sleep", map[string]any{"ms": 400}); rep.StatusCode != agent.OK {
		t.Fatalf("sleep: %d %s", rep.StatusCode, rep.StatusMsg)
	}
	if got := pidOf(t, call(t, a, "whoami", nil)); got != pid {
		t.Fatalf("the process changed during a call (%d, then %d)", pid, got)
	}
}

func TestCloseKillsTheProcess(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t)})
	pid := pidOf(t, call(t, a, "whoami", nil))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if !procGone(pid) {
		t.Fatalf("process %d runs after Close", pid)
	}
	rep := call(t, a, "whoami", nil)
	if rep.StatusCode != agent.UnknownError || !strings.Contains(rep.StatusMsg, "agent closed") {
		t.Fatalf("call after Close: %d %q", rep.StatusCode, rep.StatusMsg)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestStartFailureBacksOff(t *testing.T) {
	starts := t.TempDir() + "/starts"
	a, _ := newAgent(t, Options{
		Path:    pluginScript(t, modeEnv+"=exit-at-start", startsEnv+"="+starts),
		Timeout: 150 * time.Millisecond,
	})
	var msgs []string
	for range 10 {
		rep := call(t, a, "whoami", nil)
		if rep.StatusCode != agent.UnknownError {
			t.Fatalf("reply %d %q, want 5", rep.StatusCode, rep.StatusMsg)
		}
		msgs = append(msgs, rep.StatusMsg)
	}
	b, _ := os.ReadFile(starts)
	n := strings.Count(string(b), "\n")
	if n < 1 || n > 3 {
		t.Errorf("the plugin was started %d times for 10 calls, want 1 to 3", n)
	}
	if !strings.Contains(msgs[0], "start plugin") {
		t.Errorf("first reply %q does not say the start failed", msgs[0])
	}
	if last := msgs[len(msgs)-1]; !strings.Contains(last, "times in a row; next start in") {
		t.Errorf("last reply %q does not report the backoff", last)
	}
}

func TestWrongAgentName(t *testing.T) {
	a, _ := newAgent(t, Options{Path: pluginScript(t, nameEnv+"=other")})
	rep := call(t, a, "whoami", nil)
	if rep.StatusCode != agent.UnknownError || !strings.Contains(rep.StatusMsg, `the plugin serves agent "other", not "testagent"`) {
		t.Fatalf("reply %d %q", rep.StatusCode, rep.StatusMsg)
	}
}

func TestPluginOutputIsLogged(t *testing.T) {
	a, sink := newAgent(t, Options{Path: pluginScript(t)})
	if rep := call(t, a, "print", nil); rep.StatusCode != agent.OK {
		t.Fatalf("print: %d %s", rep.StatusCode, rep.StatusMsg)
	}
	deadline := time.Now().Add(3 * time.Second)
	for _, want := range []string{
		`msg="hello from stdout" agent=testagent stream=stdout`,
		`level=WARN msg="hello from slog" agent=testagent`,
	} {
		for !strings.Contains(sink.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("log lacks %q:\n%s", want, sink)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
