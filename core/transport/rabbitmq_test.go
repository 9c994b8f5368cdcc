package transport_test

import (
	"os"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/transport"
)

// rabbitMQ returns the STOMP address of the RabbitMQ to test against,
// from MARIONETTE_RABBITMQ (host:port). Without it the test is skipped,
// except in CI, where nothing may be skipped silently.
func rabbitMQ(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("MARIONETTE_RABBITMQ")
	if addr == "" {
		const how = "MARIONETTE_RABBITMQ (host:port of RabbitMQ's STOMP listener, set up by rubymc-peer.sh setup)"
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but " + how + " is unset")
		}
		t.Skip("RabbitMQ tests skipped: set " + how)
	}
	return addr
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// TestRabbitMQ runs the round trip on a real RabbitMQ: the rabbitmq
// layout (exchanges mcollective_broadcast and mcollective_directed, the
// /temp-queue/ reply trick) and the stomp layout (/topic/, nothing to
// declare).
func TestRabbitMQ(t *testing.T) {
	addr := rabbitMQ(t)
	for _, name := range []string{transport.NameRabbitMQ, transport.NameStomp} {
		t.Run(name, func(t *testing.T) {
			cfg := connector(t, name, addr)
			cfg.Pool[0].User = envOr("MARIONETTE_RABBITMQ_USER", testUser)
			cfg.Pool[0].Password = envOr("MARIONETTE_RABBITMQ_PASSWORD", testPass)
			roundTrip(t, cfg, "mcollective")
		})
	}
}

// TestRabbitMQTempQueueReplyTo checks what a node receives from RabbitMQ
// as reply-to: the private queue RabbitMQ made for the client.
func TestRabbitMQTempQueueReplyTo(t *testing.T) {
	addr := rabbitMQ(t)
	cfg := connector(t, transport.NameRabbitMQ, addr)
	cfg.Pool[0].User = envOr("MARIONETTE_RABBITMQ_USER", testUser)
	cfg.Pool[0].Password = envOr("MARIONETTE_RABBITMQ_PASSWORD", testPass)
	id, agent := unique("node"), unique("agent")
	n, client := run(t, cfg, id), run(t, cfg, unique("client"))
	if err := n.SubscribeNode([]string{"mcollective"}, []string{agent}); err != nil {
		t.Fatal(err)
	}
	n.waitConnected(t)
	n.barrier(t)
	target := transport.RequestTarget{Collective: "mcollective", Agent: agent, Node: id, TTL: time.Minute}
	if err := client.PublishRequest(ctxFor(t, waitMax), target, []byte("x")); err != nil {
		t.Fatal(err)
	}
	m := n.next(t)
	if want := "/exchange/mcollective_directed/" + id; m.Destination != want {
		t.Errorf("destination %q, want %q", m.Destination, want)
	}
	if len(m.ReplyTo) < len("/reply-queue/") || m.ReplyTo[:len("/reply-queue/")] != "/reply-queue/" {
		t.Errorf("reply-to %q, want RabbitMQ's /reply-queue/...", m.ReplyTo)
	}
	if m.Headers["expiration"] != "" || m.Expiration != 70*time.Second {
		t.Errorf("expiration %v (headers %v), want 70s", m.Expiration, m.Headers)
	}
}
