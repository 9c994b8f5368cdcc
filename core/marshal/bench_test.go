package marshal

import (
	"encoding/json"
	"testing"
)

// benchEnvelope is a captured RPC request envelope (rpcutil ping, 399
// bytes, with a nested Marshal body and an object link).
func benchEnvelope(b *testing.B) []byte {
	var env envelope
	if err := json.Unmarshal(readFile(b, "envelopes/g-rpc-ping-request.json"), &env); err != nil {
		b.Fatal(err)
	}
	return env.Body
}

func BenchmarkUnmarshalEnvelope(b *testing.B) {
	data := benchEnvelope(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unmarshal(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalEnvelope(b *testing.B) {
	v, err := Unmarshal(benchEnvelope(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFlatHash is a captured ping reply envelope read in place,
// as mco reads every reply.
func BenchmarkReadFlatHash(b *testing.B) {
	var data []byte
	for _, e := range loadEnvelopes(b) {
		if e.Case == "b-ping-reply" {
			data = e.Body
		}
	}
	var buf [8]FlatPair
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := ReadFlatHash(data, buf[:0]); !ok {
			b.Fatal("not read flat")
		}
	}
}
