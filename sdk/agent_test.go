package sdk

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestHandle(t *testing.T) {
	a := &Agent{Name: "demo", Actions: map[string]Action{
		"ok": func(_ context.Context, req *Request, reply *Reply) error {
			n, _ := req.Int("n")
			reply.Set("double", n*2)
			return nil
		},
		"fail": func(_ context.Context, _ *Request, reply *Reply) error {
			reply.Set("partial", 1)
			reply.Failf("no %s", "luck")
			return nil
		},
		"error": func(context.Context, *Request, *Reply) error { return errors.New("broken") },
		"fail and error": func(_ context.Context, _ *Request, reply *Reply) error {
			reply.FailCode(InvalidData, "bad input")
			return errors.New("ignored")
		},
		"panic": func(context.Context, *Request, *Reply) error { panic("boom") },
	}}
	for _, tc := range []struct {
		action   string
		data     map[string]any
		wantCode StatusCode
		wantMsg  string
		wantData map[string]any
	}{
		{"ok", map[string]any{"n": int64(21)}, OK, "OK", map[string]any{"double": int64(42)}},
		{"fail", nil, Aborted, "no luck", map[string]any{"partial": 1}},
		{"error", nil, UnknownError, "broken", map[string]any{}},
		{"fail and error", nil, InvalidData, "bad input", map[string]any{}},
		{"panic", nil, UnknownError, "action panic panicked: boom", map[string]any{}},
		{"nosuch", nil, UnknownAction, "Unknown action 'nosuch' for agent 'demo'", map[string]any{}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			rep := a.Handle(context.Background(), &Request{Action: tc.action, Data: tc.data})
			if rep.StatusCode != tc.wantCode || rep.StatusMsg != tc.wantMsg || !reflect.DeepEqual(rep.Data, tc.wantData) {
				t.Fatalf("reply %d %q %#v, want %d %q %#v", rep.StatusCode, rep.StatusMsg, rep.Data, tc.wantCode, tc.wantMsg, tc.wantData)
			}
		})
	}
	if got := a.ActionNames(); !reflect.DeepEqual(got, []string{"error", "fail", "fail and error", "ok", "panic"}) {
		t.Errorf("ActionNames = %v", got)
	}
}

func TestCheck(t *testing.T) {
	noop := func(context.Context, *Request, *Reply) error { return nil }
	for _, tc := range []struct {
		name  string
		agent *Agent
		want  string
	}{
		{"nil", nil, "agent has no name"},
		{"no name", &Agent{Actions: map[string]Action{"a": noop}}, "agent has no name"},
		{"no actions", &Agent{Name: "x"}, "agent x has no actions"},
		{"nil action", &Agent{Name: "x", Actions: map[string]Action{"a": nil}}, "agent x: action a is nil"},
		{"fine", &Agent{Name: "x", Actions: map[string]Action{"a": noop}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.agent.Check()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
				t.Fatalf("Check = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRequestInputs(t *testing.T) {
	r := &Request{Data: map[string]any{"s": "x", "b": true, "i": int64(3), "f": 2.5, "whole": 4.0, "n": 7}}
	if s, ok := r.String("s"); s != "x" || !ok {
		t.Errorf("String = %q %v", s, ok)
	}
	if _, ok := r.String("i"); ok {
		t.Error("String accepted an integer")
	}
	if b, ok := r.Bool("b"); !b || !ok {
		t.Errorf("Bool = %v %v", b, ok)
	}
	for _, tc := range []struct {
		key  string
		want int64
		ok   bool
	}{{"i", 3, true}, {"whole", 4, true}, {"n", 7, true}, {"f", 0, false}, {"s", 0, false}, {"nosuch", 0, false}} {
		if n, ok := r.Int(tc.key); n != tc.want || ok != tc.ok {
			t.Errorf("Int(%s) = %d %v, want %d %v", tc.key, n, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		key  string
		want float64
		ok   bool
	}{{"f", 2.5, true}, {"i", 3, true}, {"s", 0, false}} {
		if f, ok := r.Float(tc.key); f != tc.want || ok != tc.ok {
			t.Errorf("Float(%s) = %v %v, want %v %v", tc.key, f, ok, tc.want, tc.ok)
		}
	}
}

func TestReply(t *testing.T) {
	var r Reply
	r.Set("k", 1)
	if r.Data["k"] != 1 || r.Failed() {
		t.Fatalf("zero Reply after Set: %+v", r)
	}
	r.Fail("stop")
	if r.StatusCode != Aborted || r.StatusMsg != "stop" || !r.Failed() {
		t.Fatalf("after Fail: %+v", r)
	}
}

func TestStatusCodeString(t *testing.T) {
	var names []string
	for c := OK; c <= UnknownError+1; c++ {
		names = append(names, c.String())
	}
	want := "OK RPCAborted UnknownRPCAction MissingRPCData InvalidRPCData UnknownRPCError StatusCode(6)"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("got %s", got)
	}
}
