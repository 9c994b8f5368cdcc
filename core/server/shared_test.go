package server

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// TestHandleDecodedMatchesHandle checks that decoding once for many nodes
// changes nothing a node does: the same replies and the same counters as
// Handle, for good and bad messages alike, and a Decoded serves several
// nodes.
func TestHandleDecodedMatchesHandle(t *testing.T) {
	cases := []struct {
		name string
		body []byte
	}{
		{"ping", request(t, "discovery", "ping", nil)},
		{"rpc", request(t, "echo", rpc(t, "x", map[string]any{"a": int64(1)}, true), nil)},
		{"filtered out", request(t, "discovery", "ping", func(r *protocol.Request) {
			r.Filter = protocol.Filter{Identity: []string{"node2"}}
		})},
		{"not marshal", []byte("GET / HTTP/1.0")},
		{"wrong psk", request(t, "discovery", "ping", func(r *protocol.Request) { r.Hash = "00000000000000000000000000000000" })},
		{"expired", request(t, "discovery", "ping", func(r *protocol.Request) { r.MsgTime -= 120 })},
		{"unknown collective", request(t, "discovery", "ping", func(r *protocol.Request) { r.Collective = "other" })},
		{"agent not here", request(t, "package", "ping", nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := transport.Message{Body: c.body, ReplyTo: "/queue/x"}
			want, wantConn := newTestServer(t)
			want.Handle(context.Background(), msg)

			d := Decode(msg)
			for range 3 {
				got, gotConn := newTestServer(t)
				got.HandleDecoded(context.Background(), d)
				if g, w := got.Stats().Snapshot(), want.Stats().Snapshot(); g != w {
					t.Fatalf("stats = %+v, want %+v", g, w)
				}
				if len(gotConn.replies) != len(wantConn.replies) {
					t.Fatalf("replies = %d, want %d", len(gotConn.replies), len(wantConn.replies))
				}
				for i := range gotConn.replies {
					if !bytes.Equal(gotConn.replies[i], wantConn.replies[i]) {
						t.Fatalf("reply %d differs", i)
					}
				}
			}
		})
	}
}

// rewriting is a provider that alters the request while opening it, as a
// decrypting provider would.
type rewriting struct{ security.Provider }

func (r rewriting) OpenRequest(req *protocol.Request) error {
	if err := r.Provider.OpenRequest(req); err != nil {
		return err
	}
	req.Body = []byte("rewritten")
	req.Filter.Identity = append(req.Filter.Identity, "x")
	return nil
}

func TestHandleDecodedNodesDoNotShareTheRequest(t *testing.T) {
	psk, err := security.NewPSK(config.Security{PSK: key}, "node1", func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	d := Decode(transport.Message{Body: request(t, "discovery", "ping", nil)})
	before := *d.req
	s, _ := newTestServer(t)
	s.sec = rewriting{psk}
	s.HandleDecoded(context.Background(), d)
	if !bytes.Equal(d.req.Body, before.Body) || len(d.req.Filter.Identity) != 0 {
		t.Fatalf("a node's provider changed the shared request: %+v", d.req)
	}
}

func TestDeadlineBy(t *testing.T) {
	now := time.Now()
	dl := now.Add(time.Minute)
	early, cancel := context.WithDeadline(context.Background(), now.Add(time.Second))
	defer cancel()
	late, cancel2 := context.WithDeadline(context.Background(), now.Add(time.Hour))
	defer cancel2()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want bool
	}{
		{"no deadline", context.Background(), false},
		{"sooner", early, true},
		{"later", late, false},
	} {
		if got := deadlineBy(tc.ctx, dl); got != tc.want {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}
