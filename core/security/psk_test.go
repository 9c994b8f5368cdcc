package security

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/protocol"
)

func TestDigestMatchesRubyCaptures(t *testing.T) {
	raw, err := os.ReadFile("testdata/psk.json")
	if err != nil {
		t.Fatal(err)
	}
	var entries struct {
		Entries []map[string]string `json:"entries"`
	}
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries.Entries) < 19 {
		t.Fatalf("only %d entries", len(entries.Entries))
	}
	for _, e := range entries.Entries {
		t.Run(e["case"], func(t *testing.T) {
			body, err := base64.StdEncoding.DecodeString(e["body_base64"])
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewPSK(config.Security{PSK: e["psk"]}, "node", nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Digest(body); got != e["hash"] {
				t.Fatalf("digest = %s, want %s", got, e["hash"])
			}
		})
	}
}

func TestOpenRequest(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	p, err := NewPSK(config.Security{PSK: "secret"}, "node1", func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewPSK(config.Security{PSK: "other"}, "node1", nil)
	sealed := func(mut func(*protocol.Request)) *protocol.Request {
		r := &protocol.Request{Body: []byte("\x04\bI\"\tping\x06:\x06ET"), RequestID: "r1", SenderID: "c",
			TTL: 60, MsgTime: now.Unix()}
		p.SealRequest(r)
		if mut != nil {
			mut(r)
		}
		return r
	}
	cases := []struct {
		name string
		req  *protocol.Request
		want error
	}{
		{"good", sealed(nil), nil},
		{"future msgtime accepted", sealed(func(r *protocol.Request) { r.MsgTime += 3600 }), nil},
		{"at ttl", sealed(func(r *protocol.Request) { r.MsgTime -= 60 }), nil},
		{"expired", sealed(func(r *protocol.Request) { r.MsgTime -= 61 }), ErrExpired},
		{"tampered body", sealed(func(r *protocol.Request) { r.Body = append(r.Body, 'x') }), ErrInvalidSignature},
		{"wrong key", func() *protocol.Request { r := sealed(nil); other.SealRequest(r); return r }(), ErrInvalidSignature},
		{"empty hash", sealed(func(r *protocol.Request) { r.Hash = "" }), ErrInvalidSignature},
		{"forged caller", sealed(func(r *protocol.Request) { r.CallerID = "uid=0/../x" }), ErrCallerID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := p.OpenRequest(c.req)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("OpenRequest = %v, want %v", err, c.want)
			}
		})
	}
}

func TestReplySealOpen(t *testing.T) {
	p, _ := NewPSK(config.Security{PSK: "k"}, "n", nil)
	q, _ := NewPSK(config.Security{PSK: "q"}, "n", nil)
	r := &protocol.Reply{Body: []byte("pong"), RequestID: "1", SenderID: "n"}
	p.SealReply(r)
	if err := p.OpenReply(r); err != nil {
		t.Fatal(err)
	}
	if err := q.OpenReply(r); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("wrong key accepted: %v", err)
	}
}

func TestCallerID(t *testing.T) {
	cases := []struct{ typ, prefix string }{
		{"", "uid="}, {"uid", "uid="}, {"gid", "gid="}, {"identity", "identity=node1"},
		{"user", "user="}, {"group", "group="},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			id, err := CallerID(c.typ, "node1")
			if err != nil {
				t.Fatalf("CallerID(%q): %v", c.typ, err)
			}
			if !strings.HasPrefix(id, c.prefix) || !ValidCallerID(id) {
				t.Fatalf("CallerID(%q) = %q", c.typ, id)
			}
		})
	}
}

func TestNewRequiresKey(t *testing.T) {
	if _, err := New(config.Security{Provider: "psk"}, "n", nil); err == nil {
		t.Fatal("no psk accepted")
	}
	if _, err := New(config.Security{Provider: "ssl", PSK: "x"}, "n", nil); err == nil {
		t.Fatal("unknown provider accepted")
	}
}

func BenchmarkSealOpen(b *testing.B) {
	p, _ := NewPSK(config.Security{PSK: "a36cd839414370e10fd281b8a38a4f48"}, "n", nil)
	r := &protocol.Request{Body: make([]byte, 300), TTL: 60, MsgTime: time.Now().Unix()}
	b.ReportAllocs()
	for b.Loop() {
		p.SealRequest(r)
		if err := p.OpenRequest(r); err != nil {
			b.Fatal(err)
		}
	}
}

func TestOpenReplyAllocatesNothing(t *testing.T) {
	p, err := NewPSK(config.Security{PSK: "k"}, "node", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{12, 600} {
		r := &protocol.Reply{Body: []byte(strings.Repeat("b", size)), SenderID: "n", RequestID: "r"}
		p.SealReply(r)
		if n := testing.AllocsPerRun(100, func() {
			if err := p.OpenReply(r); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%d-byte body: %v allocations", size, n)
		}
		r.Body[0] = 'c'
		if err := p.OpenReply(r); !errors.Is(err, ErrInvalidSignature) {
			t.Errorf("%d-byte body: altered reply opened: %v", size, err)
		}
	}
}
