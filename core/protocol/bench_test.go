package protocol

import "testing"

// BenchmarkEncodeReply is one ping reply envelope as a node writes it.
func BenchmarkEncodeReply(b *testing.B) {
	r := &Reply{Body: []byte("\x04\bI\"\tpong\x06:\x06ET"), SenderID: "node-000123.example.com",
		RequestID: "0123456789abcdef0123456789abcdef", SenderAgent: "discovery", MsgTime: 1764168000,
		Hash: "0123456789abcdef0123456789abcdef"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeReply(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeReply is one ping reply envelope as mco reads it.
func BenchmarkDecodeReply(b *testing.B) {
	r := &Reply{Body: []byte("\x04\bI\"\tpong\x06:\x06ET"), SenderID: "node-000123.example.com",
		RequestID: "0123456789abcdef0123456789abcdef", SenderAgent: "discovery", MsgTime: 1764168000,
		Hash: "0123456789abcdef0123456789abcdef"}
	env, err := EncodeReply(r)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeReply(env); err != nil {
			b.Fatal(err)
		}
	}
}
