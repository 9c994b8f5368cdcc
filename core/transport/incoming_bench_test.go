package transport

import (
	"testing"

	"github.com/go-stomp/stomp/v3/frame"
)

// BenchmarkIncoming is one ping reply's MESSAGE frame, as the embedded
// broker delivers it, turned into a Message.
func BenchmarkIncoming(b *testing.B) {
	h := frame.NewHeader(frame.Destination, "/topic/mcollective.reply.bench-client_1_1",
		"expiration", "70000", "mc_sender", "bench-123", frame.ContentType, contentType,
		frame.ContentLength, "191", frame.Subscription, "/topic/mcollective.reply.bench-client_1_1",
		frame.MessageId, "1234")
	body := make([]byte, 191)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := incoming(h, body, false); err != nil {
			b.Fatal(err)
		}
	}
}
