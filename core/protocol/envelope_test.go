package protocol

import (
	"bytes"
	"testing"

	"github.com/marionette-mco/marionette/core/marshal"
)

// TestEnvelopesMatchMarshal checks that the envelope encoders, which write
// piece by piece, write what Marshal writes for the envelope as a Hash.
func TestEnvelopesMatchMarshal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		msgtime int64
		sender  string
		filter  Filter
	}{
		{"small", 12, "node1", Filter{}},
		{"bignum time", 1764168000, "nöde-ü.example.com", Filter{Agent: []string{"discovery"}, Class: []string{"/web/"},
			Identity: []string{"a", "b"}, Fact: []FactTerm{{Fact: "os", Operator: "==", Value: "linux"}}}},
		{"negative", -1 << 40, "", Filter{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &Request{Body: []byte("\x04\b\"\tping"), SenderID: tc.sender, RequestID: "0123456789abcdef0123456789abcdef",
				Filter: tc.filter, Collective: "mcollective", Agent: "discovery", CallerID: "cert=x", TTL: 60,
				MsgTime: tc.msgtime, Hash: "abc=="}
			h := marshal.NewHash(10)
			h.Set(marshal.Symbol("body"), req.Body)
			h.Set(marshal.Symbol("senderid"), req.SenderID)
			h.Set(marshal.Symbol("requestid"), marshal.ASCII(req.RequestID))
			h.Set(marshal.Symbol("filter"), req.Filter.marshalValue())
			h.Set(marshal.Symbol("collective"), req.Collective)
			h.Set(marshal.Symbol("agent"), req.Agent)
			h.Set(marshal.Symbol("callerid"), req.CallerID)
			h.Set(marshal.Symbol("ttl"), req.TTL)
			h.Set(marshal.Symbol("msgtime"), req.MsgTime)
			h.Set(marshal.Symbol("hash"), marshal.ASCII(req.Hash))
			compare(t, "request", h, func() ([]byte, error) { return EncodeRequest(req) })

			rep := &Reply{Body: req.Body, SenderID: tc.sender, RequestID: req.RequestID, SenderAgent: "discovery",
				MsgTime: tc.msgtime, Hash: req.Hash}
			h = marshal.NewHash(6)
			h.Set(marshal.Symbol("senderid"), rep.SenderID)
			h.Set(marshal.Symbol("requestid"), marshal.ASCII(rep.RequestID))
			h.Set(marshal.Symbol("senderagent"), rep.SenderAgent)
			h.Set(marshal.Symbol("msgtime"), rep.MsgTime)
			h.Set(marshal.Symbol("body"), rep.Body)
			h.Set(marshal.Symbol("hash"), marshal.ASCII(rep.Hash))
			compare(t, "reply", h, func() ([]byte, error) { return EncodeReply(rep) })
		})
	}
}

func compare(t *testing.T, what string, h *marshal.Hash, encode func() ([]byte, error)) {
	t.Helper()
	want, err := marshal.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	got, err := encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}
