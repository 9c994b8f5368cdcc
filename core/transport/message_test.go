package transport

import (
	"bytes"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/marionette-mco/marionette/core/config"
)

func TestAddressedTo(t *testing.T) {
	cases := []struct {
		name    string
		headers map[string]string
		want    bool
	}{
		{"no mc_identity", nil, true},
		{"for us", map[string]string{"mc_identity": "n1"}, true},
		{"for another node", map[string]string{"mc_identity": "n2"}, false},
		{"empty mc_identity", map[string]string{"mc_identity": ""}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := (Message{Headers: tc.headers}).AddressedTo("n1"); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBase64(t *testing.T) {
	l, _ := NewLayout(config.Connector{Name: NameStomp})
	body := []byte("\x04\x08binary\x00marshal")
	enc, _ := outgoing(l, Message{Body: body}, true, time.Now())
	if want := "BAhiaW5hcnkAbWFyc2hhbA=="; string(enc) != want {
		t.Errorf("encoded %q, want %q", enc, want)
	}
	cases := []struct {
		name string
		wire string
		ok   bool
	}{
		{"ours", string(enc), true},
		{"Ruby's encode64 with line breaks", "BAhiaW5hcnkA\nbWFyc2hhbA==\n", true},
		{"not base64", "%%%", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := incoming(frame.NewHeader(), []byte(tc.wire), true)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if tc.ok && !bytes.Equal(m.Body, body) {
				t.Errorf("decoded %q, want %q", m.Body, body)
			}
		})
	}
}

func TestOutgoingHeaders(t *testing.T) {
	l, _ := NewLayout(config.Connector{Name: NameRabbitMQ})
	m := Message{
		ReplyTo:    "/temp-queue/x",
		Sender:     "me",
		Expiration: 15 * time.Second,
		Headers: map[string]string{
			"zz": "last", "aa": "first",
			"destination": "ignored", "content-length": "ignored", "receipt": "ignored",
		},
	}
	_, h := outgoing(l, m, false, time.Now())
	want := []string{"reply-to", "/temp-queue/x", "expiration", "15000", "mc_sender", "me", "aa", "first", "zz", "last"}
	if len(h) != len(want) {
		t.Fatalf("got %q, want %q", h, want)
	}
	for i := range want {
		if h[i] != want[i] {
			t.Fatalf("got %q, want %q", h, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name string
		cfg  config.Connector
		want []time.Duration
	}{
		{"exponential", config.Connector{InitialReconnectDelay: 10 * ms, MaxReconnectDelay: 50 * ms, BackOffMultiplier: 2, UseExponentialBackOff: true},
			[]time.Duration{10 * ms, 20 * ms, 40 * ms, 50 * ms, 50 * ms}},
		{"constant", config.Connector{InitialReconnectDelay: 10 * ms, MaxReconnectDelay: 50 * ms, BackOffMultiplier: 2},
			[]time.Duration{10 * ms, 10 * ms, 10 * ms}},
		{"defaults", config.Connector{UseExponentialBackOff: true},
			[]time.Duration{10 * ms, 20 * ms, 40 * ms}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackoff(tc.cfg)
			for i, want := range tc.want {
				if got := b.next(); got != want {
					t.Errorf("delay %d = %v, want %v", i, got, want)
				}
			}
			b.reset()
			if got := b.next(); got != tc.want[0] {
				t.Errorf("after reset %v, want %v", got, tc.want[0])
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	pool := []config.BrokerHost{{Host: "127.0.0.1"}}
	cases := []struct {
		name     string
		cfg      config.Connector
		identity string
	}{
		{"unknown connector", config.Connector{Name: "kafka", Pool: pool}, "n1"},
		{"no identity", config.Connector{Name: NameStomp, Pool: pool}, ""},
		{"empty pool", config.Connector{Name: NameStomp}, "n1"},
		{"host without name", config.Connector{Name: NameStomp, Pool: []config.BrokerHost{{Port: 61613}}}, "n1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg, tc.identity, nil); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}
