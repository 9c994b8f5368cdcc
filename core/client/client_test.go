package client

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// fakeConn answers each published request with replies built by respond.
type fakeConn struct {
	mu        sync.Mutex
	inbox     chan transport.Message
	published []transport.RequestTarget
	respond   func(req *protocol.Request, t transport.RequestTarget) [][]byte
}

func (f *fakeConn) SubscribeReplies(collective, agent string) (string, error) {
	return "/topic/" + collective + ".reply." + agent, nil
}

func (f *fakeConn) PublishRequest(_ context.Context, t transport.RequestTarget, body []byte) error {
	f.mu.Lock()
	f.published = append(f.published, t)
	f.mu.Unlock()
	req, err := protocol.DecodeRequest(body)
	if err != nil {
		return err
	}
	for _, r := range f.respond(req, t) {
		f.inbox <- transport.Message{Body: r}
	}
	return nil
}

func (f *fakeConn) Inbox() <-chan transport.Message { return f.inbox }

func reply(t *testing.T, key, sender, reqID string, body any) []byte {
	t.Helper()
	sec, err := security.NewPSK(config.Security{PSK: key}, sender, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := marshal.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	r := &protocol.Reply{Body: b, SenderID: sender, RequestID: reqID, SenderAgent: "discovery", MsgTime: time.Now().Unix()}
	sec.SealReply(r)
	env, err := protocol.EncodeReply(r)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func newClient(t *testing.T, respond func(*protocol.Request, transport.RequestTarget) [][]byte) (*Client, *fakeConn) {
	t.Helper()
	sec, err := security.NewPSK(config.Security{PSK: "k"}, "me", nil)
	if err != nil {
		t.Fatal(err)
	}
	conn := &fakeConn{inbox: make(chan transport.Message, 64), respond: respond}
	return New(Options{Identity: "me", Collective: "mcollective"}, conn, sec, slog.New(slog.NewTextHandler(io.Discard, nil))), conn
}

func TestDoKeepsOnlyVerifiedRepliesToThisRequest(t *testing.T) {
	c, _ := newClient(t, func(req *protocol.Request, _ transport.RequestTarget) [][]byte {
		return [][]byte{
			reply(t, "k", "n1", req.RequestID, "pong"),
			reply(t, "wrong", "evil", req.RequestID, "pong"),
			reply(t, "k", "old", "00000000000000000000000000000000", "pong"),
			[]byte("junk"),
			reply(t, "k", "n2", req.RequestID, "pong"),
		}
	})
	var got []string
	_, err := c.Do(context.Background(), Call{Agent: "discovery", Message: "ping", Timeout: 200 * time.Millisecond},
		func(r Response) { got = append(got, r.Sender) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "n1" || got[1] != "n2" {
		t.Fatalf("replies from %v, want n1 n2", got)
	}
}

func TestDoStopsEarly(t *testing.T) {
	many := func(req *protocol.Request, _ transport.RequestTarget) [][]byte {
		var out [][]byte
		for _, n := range []string{"a", "b", "c"} {
			out = append(out, reply(t, "k", n, req.RequestID, "pong"))
		}
		return out
	}
	cases := []struct {
		name string
		call Call
		want int
	}{
		{"expect", Call{Expect: 2}, 2},
		{"window", Call{Window: 20 * time.Millisecond}, 3},
		{"timeout", Call{}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newClient(t, many)
			call := tc.call
			call.Agent, call.Message, call.Timeout = "discovery", "ping", 3*time.Second
			if tc.name == "timeout" {
				call.Timeout = 100 * time.Millisecond
			}
			start := time.Now()
			n := 0
			if _, err := c.Do(context.Background(), call, func(Response) { n++ }); err != nil {
				t.Fatal(err)
			}
			if n != tc.want {
				t.Fatalf("%d replies, want %d", n, tc.want)
			}
			if tc.name != "timeout" && time.Since(start) > 2*time.Second {
				t.Fatalf("did not stop early: %s", time.Since(start))
			}
		})
	}
}

func TestDirectedRequestsGoToEachNode(t *testing.T) {
	c, conn := newClient(t, func(req *protocol.Request, tg transport.RequestTarget) [][]byte {
		sender := tg.Node
		if sender == "" {
			sender = "everyone"
		}
		return [][]byte{reply(t, "k", sender, req.RequestID, "pong")}
	})
	nodes, err := c.Discover(context.Background(), Discovery{Timeout: time.Second, Expect: 2})
	if err != nil || len(nodes) != 1 || nodes[0] != "everyone" {
		t.Fatalf("broadcast discover = %v, %v", nodes, err)
	}
	var got []string
	_, err = c.Do(context.Background(), Call{Agent: "rpcutil", Message: "ping", Nodes: []string{"x", "y"},
		Timeout: time.Second, Expect: 2}, func(r Response) { got = append(got, r.Sender) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("directed replies %v", got)
	}
	last := conn.published[len(conn.published)-2:]
	if last[0].Node != "x" || last[1].Node != "y" || last[0].ReplyTo == "" || last[0].TTL != 60*time.Second {
		t.Fatalf("published %+v", last)
	}
}
