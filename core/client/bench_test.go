package client

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/security"
	"github.com/marionette-mco/marionette/core/transport"
)

// burstConn answers every request with the same pre-encoded burst of
// replies, queued in its Inbox before PublishRequest returns, so a
// benchmark times the client's receive path alone.
type burstConn struct {
	inbox chan transport.Message
	burst []transport.Message
}

func (f *burstConn) SubscribeReplies(collective, agent string) (string, error) {
	return "/topic/" + collective + ".reply." + agent, nil
}

func (f *burstConn) PublishRequest(context.Context, transport.RequestTarget, []byte) error {
	for _, m := range f.burst {
		f.inbox <- m
	}
	return nil
}

func (f *burstConn) Inbox() <-chan transport.Message { return f.inbox }

// pingBurst returns n discovery ping replies to request reqID, sealed
// with key, as transport hands them to the client: the envelope as the
// body, the headers a Marionette node's reply frame carries.
func pingBurst(b *testing.B, key, reqID string, n int) []transport.Message {
	b.Helper()
	pong, err := marshal.Marshal("pong")
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]transport.Message, n)
	for i := range msgs {
		sender := fmt.Sprintf("node-%06d.bench.example.com", i)
		sec, err := security.NewPSK(config.Security{PSK: key}, sender, nil)
		if err != nil {
			b.Fatal(err)
		}
		r := &protocol.Reply{Body: pong, SenderID: sender, RequestID: reqID, SenderAgent: "discovery",
			MsgTime: time.Now().Unix()}
		sec.SealReply(r)
		env, err := protocol.EncodeReply(r)
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = transport.Message{Destination: "/topic/mcollective.reply.discovery", Sender: sender,
			Expiration: 70 * time.Second, Body: env,
			Headers: map[string]string{"message-id": fmt.Sprint(i), "subscription": "/topic/mcollective.reply.discovery"}}
	}
	return msgs
}

// BenchmarkCollectPing is mco ping's receive path for a burst of 1000
// discovery replies: collect, envelope decoding, PSK check, body
// decoding and the callback. ns/reply is the cost of one reply.
func BenchmarkCollectPing(b *testing.B) {
	const n = 1000
	const reqID = "0123456789abcdef0123456789abcdef"
	sec, err := security.NewPSK(config.Security{PSK: "bench"}, "me", nil)
	if err != nil {
		b.Fatal(err)
	}
	conn := &burstConn{inbox: make(chan transport.Message, n), burst: pingBurst(b, "bench", reqID, n)}
	c := New(Options{Identity: "me", Collective: "mcollective"}, conn, sec, slog.New(slog.NewTextHandler(io.Discard, nil)))
	inner, err := marshal.Marshal("ping")
	if err != nil {
		b.Fatal(err)
	}
	o := outgoing{agent: "discovery", body: inner, id: reqID, ttl: time.Minute, timeout: time.Minute,
		until: until{replies: n}}
	b.ReportAllocs()
	for b.Loop() {
		got := 0
		if _, err := c.send(context.Background(), o, func(r Response) {
			if r.Body == "pong" {
				got++
			}
		}); err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("%d pongs, want %d", got, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/reply")
}
