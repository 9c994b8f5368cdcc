package transport

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/marionette-mco/marionette/core/config"
)

// vector parses a frame captured from Ruby MCollective (testdata/*.stomp).
func vector(t *testing.T, name string) *frame.Frame {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".stomp"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := frame.NewReader(bytes.NewReader(b)).Read()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// wireHeaders is what a SEND carries besides framing: the captured
// frame's headers without content-length and content-type.
func wireHeaders(f *frame.Frame) map[string]string {
	h := map[string]string{}
	for i := 0; i < f.Header.Len(); i++ {
		k, v := f.Header.GetAt(i)
		if k != frame.ContentLength && k != frame.ContentType {
			h[k] = v
		}
	}
	return h
}

// sent is what this package would put on the wire for m to dest.
func sent(l Layout, dest string, m Message, now time.Time) map[string]string {
	_, hdrs := outgoing(l, m, false, now)
	h := map[string]string{frame.Destination: dest}
	for i := 0; i < len(hdrs); i += 2 {
		h[hdrs[i]] = hdrs[i+1]
	}
	return h
}

func newTestConn(t *testing.T, cfg config.Connector, identity string) *Conn {
	t.Helper()
	cfg.Pool = []config.BrokerHost{{Host: "127.0.0.1", Port: 1}}
	c, err := New(cfg, identity, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRabbitMQRequestsMatchRuby rebuilds Ruby mco's requests (client
// identity "vm", ttl 60) and compares them with the captured frames.
func TestRabbitMQRequestsMatchRuby(t *testing.T) {
	c := newTestConn(t, config.Connector{Name: NameRabbitMQ}, "vm")
	cases := []struct {
		vector string
		agent  string
		node   string
	}{
		{"a-ping-request", "discovery", ""},
		{"l-broadcast-rpc-request", "rpcutil", ""},
		{"g-rpc-ping-request", "rpcutil", "ruby1"},
		{"k-directed-request-1", "rpcutil", "ruby3"},
	}
	for _, tc := range cases {
		t.Run(tc.vector, func(t *testing.T) {
			want := vector(t, tc.vector)
			reply := c.layout.Replies("mcollective", tc.agent, "vm_1_1")
			if !reply.Temporary {
				t.Error("temp-queue reply destination must not be subscribed")
			}
			dest, m := c.request(RequestTarget{
				Collective: "mcollective", Agent: tc.agent, Node: tc.node,
				ReplyTo: reply.Destination, TTL: 60 * time.Second,
			}, want.Body)
			if got := sent(c.layout, dest, m, time.Now()); !reflect.DeepEqual(got, wireHeaders(want)) {
				t.Errorf("headers\n got %v\nwant %v", got, wireHeaders(want))
			}
		})
	}
}

// TestRabbitMQReplyMatchesRuby answers the delivered request as ruby1
// did and compares with the captured reply.
func TestRabbitMQReplyMatchesRuby(t *testing.T) {
	c := newTestConn(t, config.Connector{Name: NameRabbitMQ}, "ruby1")
	cases := []struct{ request, reply string }{
		{"a-ping-request-delivered", "b-ping-reply"},
	}
	for _, tc := range cases {
		t.Run(tc.reply, func(t *testing.T) {
			d := vector(t, tc.request)
			req, err := incoming(d.Header, d.Body, false)
			if err != nil {
				t.Fatal(err)
			}
			want := vector(t, tc.reply)
			ttl := req.Expiration - expiryGrace // the request's ttl
			if got := sent(c.layout, req.ReplyTo, c.reply(ttl, want.Body), time.Now()); !reflect.DeepEqual(got, wireHeaders(want)) {
				t.Errorf("headers\n got %v\nwant %v", got, wireHeaders(want))
			}
		})
	}
}

func TestIncomingMatchesRuby(t *testing.T) {
	cases := []struct {
		vector string
		want   Message
	}{
		{"a-ping-request-delivered", Message{
			Destination: "/exchange/mcollective_broadcast/discovery",
			ReplyTo:     "/reply-queue/amq.gen-MIgbiLlg2IHK2-9WuIm0xw",
			Sender:      "vm",
			Expiration:  70 * time.Second,
			Headers: map[string]string{
				"message-id":   "Q_/exchange/mcollective_broadcast/discovery@@session-Ah9X-ZO4DfsQEq4UIpL9Qw@@1",
				"redelivered":  "false",
				"content-type": contentType,
			},
		}},
		{"b-ping-reply-delivered", Message{
			Destination: "/queue/amq.gen-MIgbiLlg2IHK2-9WuIm0xw",
			Sender:      "ruby1",
			Expiration:  70 * time.Second,
			Headers: map[string]string{
				"subscription": "/temp-queue/mcollective_reply_discovery",
				"message-id":   "T_/temp-queue/mcollective_reply_discovery@@session-UIUd0yFkPN9-V2vlZoLZCg@@3",
				"redelivered":  "false",
				"content-type": contentType,
			},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.vector, func(t *testing.T) {
			f := vector(t, tc.vector)
			got, err := incoming(f.Header, f.Body, false)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Body, f.Body) {
				t.Error("body changed")
			}
			got.Body = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRabbitMQNodeSubscriptionsMatchRuby(t *testing.T) {
	l, err := NewLayout(config.Connector{Name: NameRabbitMQ})
	if err != nil {
		t.Fatal(err)
	}
	subs := l.NodeSubscriptions([]string{"mcollective"}, "ruby1", []string{"discovery", "rpcutil"})
	vectors := []string{"session-daemon-3-SUBSCRIBE-1", "session-daemon-3-SUBSCRIBE-2", "session-daemon-3-SUBSCRIBE-3"}
	if len(subs) != len(vectors) {
		t.Fatalf("%d subscriptions, want %d: %+v", len(subs), len(vectors), subs)
	}
	for i, name := range vectors {
		want := vector(t, name).Header.Get(frame.Destination)
		if subs[i].Destination != want || subs[i].Temporary || len(subs[i].Headers) != 0 {
			t.Errorf("subscription %d = %+v, want destination %s as %s", i, subs[i], want, name)
		}
	}
}

func TestLayouts(t *testing.T) {
	type want struct {
		subs      []Subscription
		broadcast Route
		directed  Route
		replies   Subscription
	}
	cases := []struct {
		name string
		cfg  config.Connector
		want want
	}{
		{"rabbitmq", config.Connector{Name: NameRabbitMQ}, want{
			subs: []Subscription{
				{Destination: "/exchange/c1_directed/n1", ID: "c1_n1_directed_to_identity"},
				{Destination: "/exchange/c1_broadcast/a1", ID: "c1_broadcast_a1"},
				{Destination: "/exchange/c1_broadcast/a2", ID: "c1_broadcast_a2"},
				{Destination: "/exchange/c2_directed/n1", ID: "c2_n1_directed_to_identity"},
				{Destination: "/exchange/c2_broadcast/a1", ID: "c2_broadcast_a1"},
				{Destination: "/exchange/c2_broadcast/a2", ID: "c2_broadcast_a2"},
			},
			broadcast: Route{Destination: "/exchange/c1_broadcast/a1"},
			directed:  Route{Destination: "/exchange/c1_directed/n2"},
			replies:   Subscription{Destination: "/temp-queue/mcollective_reply_a1", Temporary: true},
		}},
		{"rabbitmq multiplexed, reply exchange", config.Connector{Name: NameRabbitMQ, AgentsMultiplex: true, UseReplyExchange: true}, want{
			subs: []Subscription{
				{Destination: "/exchange/c1_directed/n1", ID: "c1_n1_directed_to_identity"},
				{Destination: "/exchange/c1_broadcast", ID: "c1_broadcast"},
				{Destination: "/exchange/c2_directed/n1", ID: "c2_n1_directed_to_identity"},
				{Destination: "/exchange/c2_broadcast", ID: "c2_broadcast"},
			},
			broadcast: Route{Destination: "/exchange/c1_broadcast"},
			directed:  Route{Destination: "/exchange/c1_directed/n2"},
			replies:   Subscription{Destination: "/exchange/mcollective_reply/cl_7_3", ID: "mcollective_a1_replies"},
		}},
		{"activemq", config.Connector{Name: NameActiveMQ}, want{
			subs: []Subscription{
				{Destination: "/topic/c1.a1.agent"},
				{Destination: "/topic/c1.a2.agent"},
				{Destination: "/queue/c1.nodes", ID: "c1_directed_to_identity", Headers: map[string]string{"selector": "mc_identity = 'n1'"}},
				{Destination: "/topic/c2.a1.agent"},
				{Destination: "/topic/c2.a2.agent"},
				{Destination: "/queue/c2.nodes", ID: "c2_directed_to_identity", Headers: map[string]string{"selector": "mc_identity = 'n1'"}},
			},
			broadcast: Route{Destination: "/topic/c1.a1.agent"},
			directed:  Route{Destination: "/queue/c1.nodes", Headers: map[string]string{"mc_identity": "n2"}},
			replies:   Subscription{Destination: "/queue/c1.reply.cl_7_3"},
		}},
		{"activemq multiplexed", config.Connector{Name: NameActiveMQ, AgentsMultiplex: true}, want{
			subs: []Subscription{
				{Destination: "/topic/c1.agents"},
				{Destination: "/queue/c1.nodes", ID: "c1_directed_to_identity", Headers: map[string]string{"selector": "mc_identity = 'n1'"}},
				{Destination: "/topic/c2.agents"},
				{Destination: "/queue/c2.nodes", ID: "c2_directed_to_identity", Headers: map[string]string{"selector": "mc_identity = 'n1'"}},
			},
			broadcast: Route{Destination: "/topic/c1.agents"},
			directed:  Route{Destination: "/queue/c1.nodes", Headers: map[string]string{"mc_identity": "n2"}},
			replies:   Subscription{Destination: "/queue/c1.reply.cl_7_3"},
		}},
		{"stomp", config.Connector{Name: NameStomp}, want{
			subs: []Subscription{
				{Destination: "/topic/c1.node.n1"},
				{Destination: "/topic/c1.a1.command"},
				{Destination: "/topic/c1.a2.command"},
				{Destination: "/topic/c2.node.n1"},
				{Destination: "/topic/c2.a1.command"},
				{Destination: "/topic/c2.a2.command"},
			},
			broadcast: Route{Destination: "/topic/c1.a1.command"},
			directed:  Route{Destination: "/topic/c1.node.n2"},
			replies:   Subscription{Destination: "/topic/c1.reply.cl_7_3"},
		}},
		{"stomp with prefix", config.Connector{Name: NameStomp, TopicPrefix: "/exchange/amq.topic/"}, want{
			subs: []Subscription{
				{Destination: "/exchange/amq.topic/c1.node.n1"},
				{Destination: "/exchange/amq.topic/c1.a1.command"},
				{Destination: "/exchange/amq.topic/c1.a2.command"},
				{Destination: "/exchange/amq.topic/c2.node.n1"},
				{Destination: "/exchange/amq.topic/c2.a1.command"},
				{Destination: "/exchange/amq.topic/c2.a2.command"},
			},
			broadcast: Route{Destination: "/exchange/amq.topic/c1.a1.command"},
			directed:  Route{Destination: "/exchange/amq.topic/c1.node.n2"},
			replies:   Subscription{Destination: "/exchange/amq.topic/c1.reply.cl_7_3"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewLayout(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := want{
				subs:      l.NodeSubscriptions([]string{"c1", "c2"}, "n1", []string{"a1", "a2"}),
				broadcast: l.Broadcast("c1", "a1"),
				directed:  l.Directed("c1", "a1", "n2"),
				replies:   l.Replies("c1", "a1", "cl_7_3"),
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestExpiryHeaders(t *testing.T) {
	now := time.Unix(1700000000, 750_000_000)
	cases := []struct {
		name string
		want map[string]string
	}{
		{NameRabbitMQ, map[string]string{"expiration": "70000"}},
		{NameStomp, map[string]string{"expiration": "70000"}},
		{NameActiveMQ, map[string]string{"timestamp": "1700000000000", "expires": "1700000070000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewLayout(config.Connector{Name: tc.name})
			if err != nil {
				t.Fatal(err)
			}
			got := l.ExpiryHeaders(70*time.Second, now)
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			// and back: what a receiver makes of them
			if m, _ := incoming(frame.NewHeader(flatten(got)...), nil, false); m.Expiration != 70*time.Second {
				t.Errorf("read back as %v, want 70s", m.Expiration)
			}
		})
	}
}

func flatten(h map[string]string) []string {
	var kv []string
	for k, v := range h {
		kv = append(kv, k, v)
	}
	return kv
}

func TestNewLayoutRejectsUnknown(t *testing.T) {
	for _, name := range []string{"", "Stomp", "kafka"} {
		if _, err := NewLayout(config.Connector{Name: name}); err == nil {
			t.Errorf("NewLayout(%q) succeeded, want an error", name)
		}
	}
}
