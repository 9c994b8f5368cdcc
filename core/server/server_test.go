package server

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// fakeConn records replies instead of sending them.
type fakeConn struct {
	mu      sync.Mutex
	inbox   chan transport.Message
	replies [][]byte
}

func (f *fakeConn) Inbox() <-chan transport.Message { return f.inbox }

func (f *fakeConn) Reply(_ context.Context, _ transport.Message, _ time.Duration, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies = append(f.replies, body)
	return nil
}

func (f *fakeConn) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.replies) }

type staticFacts struct{ s *facts.Snapshot }

func (s staticFacts) Snapshot() *facts.Snapshot { return s.s }

const key = "a36cd839414370e10fd281b8a38a4f48"

var now = time.Unix(1_800_000_000, 0)

func newTestServer(t *testing.T) (*Server, *fakeConn) {
	t.Helper()
	sec, err := security.NewPSK(config.Security{PSK: key}, "node1", func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	agents := agent.NewRegistry()
	if err := agents.Register("discovery", agent.Discovery{}); err != nil {
		t.Fatal(err)
	}
	err = agents.Register("echo", agent.Func(func(_ context.Context, r *agent.Request) *agent.Reply {
		if r.Action == "boom" {
			panic("boom")
		}
		return &agent.Reply{StatusMsg: "OK", Data: r.Data}
	}))
	if err != nil {
		t.Fatal(err)
	}
	snap := facts.NewSnapshot(map[string]any{"role": "web", "rank": 3}, []string{"roles::web"})
	node := NewNode("node1", staticFacts{snap}, agents, []string{"mcollective"})
	conn := &fakeConn{inbox: make(chan transport.Message, 16)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return New(Options{Identity: "node1", Collectives: []string{"mcollective"}, Now: func() time.Time { return now }},
		conn, sec, node, agents, log), conn
}

// request builds a sealed request envelope; mut may alter it after sealing.
func request(t *testing.T, agentName string, msg any, mut func(*protocol.Request)) []byte {
	t.Helper()
	body, err := marshal.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := security.NewPSK(config.Security{PSK: key}, "client", nil)
	r := &protocol.Request{Body: body, SenderID: "client", RequestID: "0123456789abcdef0123456789abcdef",
		Collective: "mcollective", Agent: agentName, TTL: 60, MsgTime: now.Unix()}
	sec.SealRequest(r)
	if mut != nil {
		mut(r)
	}
	env, err := protocol.EncodeRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func rpc(t *testing.T, action string, data map[string]any, process bool) any {
	b, err := protocol.EncodeRPCRequest(&protocol.RPCRequest{Agent: "echo", Action: action, Caller: "uid=0", Data: data, ProcessResults: process})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := marshal.Unmarshal(b)
	return v
}

func TestHandle(t *testing.T) {
	bomb := []byte{4, 8, '[', 0xfe, 0xff, 0xff, 0x7f}
	cases := []struct {
		name    string
		body    []byte
		replies int
		stat    func(StatsSnapshot) int64
	}{
		{"ping", request(t, "discovery", "ping", nil), 1, func(s StatsSnapshot) int64 { return s.Replies }},
		{"rpc", request(t, "echo", rpc(t, "x", map[string]any{"a": int64(1)}, true), nil), 1, func(s StatsSnapshot) int64 { return s.Passed }},
		{"rpc no results", request(t, "echo", rpc(t, "x", nil, false), nil), 0, func(s StatsSnapshot) int64 { return s.Passed }},
		{"agent panics", request(t, "echo", rpc(t, "boom", nil, true), nil), 1, func(s StatsSnapshot) int64 { return s.Replies }},
		{"filter matches", request(t, "discovery", "ping", func(r *protocol.Request) {
			r.Filter = protocol.Filter{Fact: []protocol.FactTerm{{Fact: "rank", Operator: ">", Value: "2"}}, Class: []string{"/web/"}}
		}), 1, func(s StatsSnapshot) int64 { return s.Passed }},
		{"filtered out", request(t, "discovery", "ping", func(r *protocol.Request) {
			r.Filter = protocol.Filter{Identity: []string{"node2"}}
		}), 0, func(s StatsSnapshot) int64 { return s.Filtered }},
		{"not marshal", []byte("GET / HTTP/1.0"), 0, func(s StatsSnapshot) int64 { return s.Unvalidated }},
		{"truncated", request(t, "discovery", "ping", nil)[:40], 0, func(s StatsSnapshot) int64 { return s.Unvalidated }},
		{"length bomb", bomb, 0, func(s StatsSnapshot) int64 { return s.Unvalidated }},
		{"wrong psk", request(t, "discovery", "ping", func(r *protocol.Request) { r.Hash = "00000000000000000000000000000000" }), 0,
			func(s StatsSnapshot) int64 { return s.Unvalidated }},
		{"expired", request(t, "discovery", "ping", func(r *protocol.Request) { r.MsgTime -= 120 }), 0,
			func(s StatsSnapshot) int64 { return s.TTLExpired }},
		{"unknown collective", request(t, "discovery", "ping", func(r *protocol.Request) { r.Collective = "other" }), 0,
			func(s StatsSnapshot) int64 { return s.Validated }},
		{"agent not here", request(t, "package", "ping", nil), 0, func(s StatsSnapshot) int64 { return s.Passed }},
		{"body not marshal", request(t, "discovery", "ping", func(r *protocol.Request) {
			r.Body = []byte("junk")
			sec, _ := security.NewPSK(config.Security{PSK: key}, "client", nil)
			sec.SealRequest(r)
		}), 0, func(s StatsSnapshot) int64 { return s.Passed }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, conn := newTestServer(t)
			s.Handle(context.Background(), transport.Message{Body: c.body, ReplyTo: "/queue/x"})
			if got := conn.count(); got != c.replies {
				t.Fatalf("replies = %d, want %d", got, c.replies)
			}
			st := s.Stats().Snapshot()
			if st.Total != 1 || c.stat(st) != 1 {
				t.Fatalf("stats = %+v", st)
			}
			// The daemon keeps serving: a good ping is still answered.
			s.Handle(context.Background(), transport.Message{Body: request(t, "discovery", "ping", nil), ReplyTo: "/queue/x"})
			if got := conn.count(); got != c.replies+1 {
				t.Fatalf("after bad input, replies = %d, want %d", got, c.replies+1)
			}
		})
	}
}

func TestReplyBodies(t *testing.T) {
	s, conn := newTestServer(t)
	s.Handle(context.Background(), transport.Message{Body: request(t, "discovery", "ping", nil)})
	s.Handle(context.Background(), transport.Message{Body: request(t, "echo", rpc(t, "boom", nil, true), nil)})
	s.Handle(context.Background(), transport.Message{Body: request(t, "echo", rpc(t, "x", map[string]any{"n": int64(7)}, true), nil)})
	if conn.count() != 3 {
		t.Fatalf("replies = %d", conn.count())
	}
	bodies := make([]any, 3)
	for i, env := range conn.replies {
		rep, err := protocol.DecodeReply(env)
		if err != nil {
			t.Fatal(err)
		}
		if rep.SenderID != "node1" || rep.RequestID != "0123456789abcdef0123456789abcdef" {
			t.Fatalf("reply envelope %+v", rep)
		}
		if bodies[i], err = marshal.Unmarshal(rep.Body); err != nil {
			t.Fatal(err)
		}
	}
	if bodies[0] != "pong" {
		t.Errorf("ping reply = %v", bodies[0])
	}
	boom, _ := protocol.DecodeRPCReply(bodies[1])
	if boom.StatusCode != int(agent.UnknownError) || boom.StatusMsg == "" {
		t.Errorf("panic reply = %+v", boom)
	}
	ok, _ := protocol.DecodeRPCReply(bodies[2])
	if ok.StatusCode != 0 || ok.Data["n"] != int64(7) {
		t.Errorf("echo reply = %+v", ok)
	}
}

func TestRunStopsAndDrains(t *testing.T) {
	s, conn := newTestServer(t)
	for range 5 {
		conn.inbox <- transport.Message{Body: request(t, "discovery", "ping", nil)}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.After(5 * time.Second)
	for conn.count() < 5 {
		select {
		case <-deadline:
			t.Fatalf("only %d replies", conn.count())
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}
