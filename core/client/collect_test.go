package client

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// pacedConn answers a request with one reply per delay, each sent that
// long after the previous one.
type pacedConn struct {
	t      *testing.T
	inbox  chan transport.Message
	delays []time.Duration
	done   chan struct{} // closed once every reply is sent
}

func (p *pacedConn) SubscribeReplies(collective, agent string) (string, error) {
	return "/topic/" + collective + ".reply." + agent, nil
}

func (p *pacedConn) PublishRequest(_ context.Context, _ transport.RequestTarget, body []byte) error {
	req, err := protocol.DecodeRequest(body)
	if err != nil {
		return err
	}
	replies := make([][]byte, len(p.delays))
	for i := range replies {
		replies[i] = reply(p.t, "k", string(rune('a'+i)), req.RequestID, "pong")
	}
	go func() {
		defer close(p.done)
		for i, d := range p.delays {
			time.Sleep(d)
			p.inbox <- transport.Message{Body: replies[i]}
		}
	}()
	return nil
}

func (p *pacedConn) Inbox() <-chan transport.Message { return p.inbox }

// TestQuietWindow checks that the window runs from the last reply, not
// the first: replies closer together than the window all count, a later
// one after a longer gap does not.
func TestQuietWindow(t *testing.T) {
	const window = 150 * time.Millisecond
	sec, err := security.NewPSK(config.Security{PSK: "k"}, "me", nil)
	if err != nil {
		t.Fatal(err)
	}
	conn := &pacedConn{t: t, inbox: make(chan transport.Message, 8),
		delays: []time.Duration{0, 100 * time.Millisecond, 100 * time.Millisecond, 400 * time.Millisecond},
		done:   make(chan struct{})}
	defer func() { <-conn.done }()
	c := New(Options{Identity: "me", Collective: "mcollective"}, conn, sec, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var got []Response
	start := time.Now()
	_, err = c.Do(context.Background(), Call{Agent: "discovery", Message: "ping", Timeout: 5 * time.Second, Window: window},
		func(r Response) { got = append(got, r) })
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if len(got) != 3 {
		t.Fatalf("%d replies, want the 3 within the window of each other", len(got))
	}
	if last := got[2].Elapsed; took < last+window || took > last+window+300*time.Millisecond {
		t.Fatalf("wait ended %s after the request, last reply at %s, window %s", took, last, window)
	}
}
