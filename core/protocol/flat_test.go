package protocol

import (
	"math/big"
	"reflect"
	"testing"

	"github.com/marionette-mco/marionette/core/marshal"
)

// TestFlatReplyMatchesGeneric checks DecodeReply's fast path against the
// generic decoding on captured and built envelopes: where the fast path
// reads one, the generic path gives the same Reply; where it declines,
// the generic path still decides.
func TestFlatReplyMatchesGeneric(t *testing.T) {
	sym := func(s string) marshal.Symbol { return marshal.Symbol(s) }
	base := func() *marshal.Hash {
		h := marshal.NewHash(6)
		h.Set(sym("senderid"), "node1")
		h.Set(sym("requestid"), marshal.ASCII("0123456789abcdef0123456789abcdef"))
		h.Set(sym("senderagent"), "discovery")
		h.Set(sym("msgtime"), int64(1764168000))
		h.Set(sym("body"), []byte("\x04\bI\"\tpong\x06:\x06ET"))
		h.Set(sym("hash"), marshal.ASCII("91ac335737c473e0dbf0007d423e81e2"))
		return h
	}
	with := func(kv ...any) *marshal.Hash {
		h := base()
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	cases := []struct {
		name string
		h    *marshal.Hash
		flat bool
	}{
		{"canonical", base(), true},
		{"symbol texts", with(sym("senderid"), sym("n1"), sym("body"), sym("b")), true},
		{"utf-8 body", with(sym("body"), "pöng"), true},
		{"nil msgtime and agent", with(sym("msgtime"), nil, sym("senderagent"), nil), true},
		{"small msgtime", with(sym("msgtime"), int64(-3)), true},
		{"extra key", with(sym("extra"), true, "body", int64(1)), false},
		{"nil body", with(sym("body"), nil), false},
		{"int body", with(sym("body"), int64(1)), false},
		{"nil senderid", with(sym("senderid"), nil), false},
		{"empty requestid", with(sym("requestid"), ""), false},
		{"int senderagent", with(sym("senderagent"), int64(4)), false},
		{"string msgtime", with(sym("msgtime"), "now"), false},
		{"float msgtime", with(sym("msgtime"), 1.5), false},
		{"big msgtime", with(sym("msgtime"), new(big.Int).Lsh(big.NewInt(1), 70)), false},
		{"other encoding", with(sym("senderid"), marshal.EncodedString{Value: []byte("n"), Encoding: "EUC-JP"}), false},
		{"nested extra", with(sym("extra"), []any{int64(1)}), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := marshal.Marshal(tc.h)
			if err != nil {
				t.Fatal(err)
			}
			if got := checkFlatReply(t, data); got != tc.flat {
				t.Errorf("fast path %v, want %v", got, tc.flat)
			}
		})
	}
	for _, v := range loadVectors(t) {
		if isReply(v) && !checkFlatReply(t, v.bodyBytes) {
			t.Errorf("%s: captured reply not read by the fast path", v.Case)
		}
	}
}

// TestFlatReplyRepeatedKeys checks that the last of repeated keys wins on
// the fast path as it does in a Ruby Hash, also when the last one makes
// the envelope invalid.
func TestFlatReplyRepeatedKeys(t *testing.T) {
	env, err := EncodeReply(&Reply{Body: []byte("b"), SenderID: "n1", RequestID: "r1", SenderAgent: "a", MsgTime: 1, Hash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	// Bump the pair count (6 -> 7) and repeat a key, as a symbol link.
	for _, tc := range []struct{ tail, sender string }{
		{";\x00I\"\x07n2\x06;\x06T", "n2"}, // senderid (symbol 0) again: "n2"
		{";\x000", ""},                     // senderid again: nil, invalid
		{";\x00i\x06", ""},                 // senderid again: 1, invalid
	} {
		data := append([]byte{4, 8, '{', 12}, env[4:]...)
		data = append(data, tc.tail...)
		flat := checkFlatReply(t, data)
		r, err := DecodeReply(data)
		if tc.sender == "" {
			if err == nil || flat {
				t.Errorf("%q: decoded %+v, want an error", tc.tail, r)
			}
		} else if err != nil || !flat || r.SenderID != tc.sender {
			t.Errorf("%q: decoded %+v, %v (fast path %v), want sender %s", tc.tail, r, err, flat, tc.sender)
		}
	}
}

// checkFlatReply compares the fast and generic paths on data and reports
// whether the fast path read it.
func checkFlatReply(t *testing.T, data []byte) bool {
	t.Helper()
	want, werr := decodeReply(data)
	got, ok := decodeFlatReply(data)
	if !ok {
		return false
	}
	if werr != nil {
		t.Fatalf("fast path read %q, generic path fails: %v", data, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path %+v, generic %+v", got, want)
	}
	return true
}

func TestDecodeReplyAllocations(t *testing.T) {
	env, err := EncodeReply(&Reply{Body: []byte("\x04\bI\"\tpong\x06:\x06ET"), SenderID: "node-000123.example.com",
		RequestID: "0123456789abcdef0123456789abcdef", SenderAgent: "discovery", MsgTime: 1764168000,
		Hash: "0123456789abcdef0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	// The Reply and one string for its text fields.
	if n := testing.AllocsPerRun(100, func() { _, _ = DecodeReply(env) }); n > 2 {
		t.Errorf("%v allocations per reply, want 2", n)
	}
}
