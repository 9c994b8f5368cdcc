package transport

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
)

// Header names MCollective puts on its frames.
const (
	headerReplyTo    = "reply-to"
	headerExpiration = "expiration"
	headerExpires    = "expires"
	headerTimestamp  = "timestamp"
	headerSender     = "mc_sender"
	headerIdentity   = "mc_identity"
	headerSelector   = "selector"
)

// contentType is what the Ruby stomp gem writes on every frame, binary
// bodies included.
const contentType = "text/plain; charset=UTF-8"

// Message is one STOMP message as MCollective sees it.
type Message struct {
	// Destination is where the message was sent (on receipt, the
	// destination header the broker reports).
	Destination string
	// ReplyTo is the reply-to header: where replies to a request go.
	ReplyTo string
	// Sender is the mc_sender header: the identity of the sender.
	Sender string
	// Expiration is how long the broker may keep the message: written as
	// the layout's expiry headers (expiration, or expires and timestamp),
	// read back from either. Zero means none.
	Expiration time.Duration
	// Headers holds any other header, such as mc_identity, message-id or
	// subscription on receipt.
	Headers map[string]string
	// Body is the payload, base64-decoded already when the connector
	// uses base64.
	Body []byte
}

// AddressedTo reports whether a node with the given identity should
// process m: false when an mc_identity header (the activemq layout's
// directed requests) names another node. Conn already drops such
// messages; the check is exported for callers that receive messages by
// other means.
func (m Message) AddressedTo(identity string) bool {
	id, ok := m.Headers[headerIdentity]
	return !ok || id == identity
}

// Subscription is one persistent subscription a Conn keeps across
// reconnects.
type Subscription struct {
	// Destination is the STOMP destination subscribed to.
	Destination string
	// ID is the subscription id; the Destination when empty. Two
	// subscriptions with the same id are the same subscription.
	ID string
	// Headers are extra SUBSCRIBE headers, such as activemq's selector.
	Headers map[string]string
	// Temporary marks a RabbitMQ /temp-queue/ reply destination: no
	// SUBSCRIBE is sent, the broker subscribes the connection itself
	// when a SEND names the destination in reply-to; only the local
	// delivery channel is registered.
	Temporary bool
}

func (s Subscription) id() string {
	if s.ID != "" {
		return s.ID
	}
	return s.Destination
}

func (s Subscription) equal(o Subscription) bool {
	if s.Destination != o.Destination || s.id() != o.id() || s.Temporary != o.Temporary ||
		len(s.Headers) != len(o.Headers) {
		return false
	}
	for k, v := range s.Headers {
		if ov, ok := o.Headers[k]; !ok || ov != v {
			return false
		}
	}
	return true
}

// Route is where a request goes: a destination and the extra headers the
// layout needs there (activemq's mc_identity).
type Route struct {
	Destination string
	Headers     map[string]string
}

// reserved are headers Send sets itself or that belong to the framing.
var reserved = map[string]bool{
	frame.Destination:   true,
	frame.ContentLength: true,
	frame.ContentType:   true,
	frame.Receipt:       true,
}

// outgoing returns the body and the headers (name, value pairs, in a
// fixed order) of a SEND carrying m.
func outgoing(l Layout, m Message, b64 bool, now time.Time) ([]byte, []string) {
	h := make([]string, 0, 8)
	if m.ReplyTo != "" {
		h = append(h, headerReplyTo, m.ReplyTo)
	}
	if m.Expiration > 0 {
		h = appendSorted(h, l.ExpiryHeaders(m.Expiration, now))
	}
	if m.Sender != "" {
		h = append(h, headerSender, m.Sender)
	}
	h = appendSorted(h, m.Headers)
	body := m.Body
	if b64 {
		body = []byte(base64.StdEncoding.EncodeToString(m.Body))
	}
	return body, h
}

func appendSorted(h []string, extra map[string]string) []string {
	if len(extra) == 1 { // the usual case (one expiry header): nothing to sort
		for k, v := range extra {
			if !reserved[k] {
				h = append(h, k, v)
			}
		}
		return h
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !reserved[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		h = append(h, k, extra[k])
	}
	return h
}

// incoming turns a received MESSAGE frame's headers and body into a
// Message.
func incoming(h *frame.Header, body []byte, b64 bool) (Message, error) {
	m := Message{Headers: make(map[string]string, h.Len())}
	for i := 0; i < h.Len(); i++ {
		k, v := h.GetAt(i)
		switch k {
		case frame.Destination:
			m.Destination = v
		case headerReplyTo:
			m.ReplyTo = v
		case headerSender:
			m.Sender = v
		case headerExpiration:
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
				m.Expiration = time.Duration(ms) * time.Millisecond
			}
		case frame.ContentLength:
		default:
			if _, dup := m.Headers[k]; !dup { // STOMP: the first value wins
				m.Headers[k] = v
			}
		}
	}
	if m.Expiration == 0 {
		m.Expiration = expiresIn(m.Headers)
	}
	m.Body = body
	if b64 {
		dec, err := base64.StdEncoding.DecodeString(string(body))
		if err != nil {
			return Message{}, fmt.Errorf("decode base64 body: %w", err)
		}
		m.Body = dec
	}
	return m, nil
}

// expiresIn reads activemq's absolute expires (and timestamp) headers as
// a relative expiry.
func expiresIn(h map[string]string) time.Duration {
	exp, err := strconv.ParseInt(h[headerExpires], 10, 64)
	if err != nil || exp <= 0 {
		return 0
	}
	ts, err := strconv.ParseInt(h[headerTimestamp], 10, 64)
	if err != nil || ts <= 0 {
		ts = time.Now().UnixMilli()
	}
	if exp <= ts {
		return 0
	}
	return time.Duration(exp-ts) * time.Millisecond
}

// millis formats d as whole milliseconds.
func millis(d time.Duration) string {
	return strconv.FormatInt(d.Milliseconds(), 10)
}
