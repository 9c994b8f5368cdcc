package protocol

import (
	"errors"
	"fmt"

	"github.com/marionette-mco/marionette/core/marshal"
)

// Request is a request envelope: who asks, whom, under what filter, and the
// still-encoded message body.
type Request struct {
	// Body holds the Marshal bytes of the message; they are what the
	// security provider signs.
	Body       []byte
	SenderID   string
	RequestID  string
	Filter     Filter
	Collective string
	Agent      string
	CallerID   string
	// TTL is the request's time to live in seconds.
	TTL int64
	// MsgTime is the creation time in Unix seconds.
	MsgTime int64
	// Hash is the security provider's digest of Body.
	Hash string
}

// Reply is a reply envelope from one node.
type Reply struct {
	Body        []byte
	SenderID    string
	RequestID   string
	SenderAgent string
	MsgTime     int64
	Hash        string
}

// ErrEnvelope marks a message whose envelope is not a valid MCollective
// envelope.
var ErrEnvelope = errors.New("invalid envelope")

// EncodeRequest writes r as Ruby MCollective writes a request envelope.
func EncodeRequest(r *Request) ([]byte, error) {
	w := marshal.NewWriter()
	w.Hash(10)
	w.Symbol("body")
	w.Binary(r.Body)
	w.Symbol("senderid")
	w.String(r.SenderID)
	w.Symbol("requestid")
	w.ASCII(r.RequestID)
	w.Symbol("filter")
	w.Value(r.Filter.marshalValue())
	w.Symbol("collective")
	w.String(r.Collective)
	w.Symbol("agent")
	w.String(r.Agent)
	w.Symbol("callerid")
	w.String(r.CallerID)
	w.Symbol("ttl")
	w.Int(r.TTL)
	w.Symbol("msgtime")
	w.Int(r.MsgTime)
	w.Symbol("hash")
	w.ASCII(r.Hash)
	b, err := w.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encode request envelope: %w", err)
	}
	return b, nil
}

// DecodeRequest reads a request envelope.
func DecodeRequest(data []byte) (*Request, error) {
	h, err := decodeEnvelope(data)
	if err != nil {
		return nil, err
	}
	f := fields{h: h}
	r := &Request{
		Body:       f.bytes("body"),
		SenderID:   f.text("senderid"),
		RequestID:  f.text("requestid"),
		Collective: f.text("collective"),
		Agent:      f.text("agent"),
		CallerID:   f.text("callerid"),
		TTL:        f.int("ttl"),
		MsgTime:    f.int("msgtime"),
		Hash:       f.text("hash"),
	}
	if f.err != nil {
		return nil, fmt.Errorf("decode request: %w", f.err)
	}
	if fv, ok := h.Get(marshal.Symbol("filter")); ok && fv != nil {
		if r.Filter, err = filterFromValue(fv); err != nil {
			return nil, fmt.Errorf("decode request filter: %w", err)
		}
	}
	if r.RequestID == "" || r.Agent == "" {
		return nil, fmt.Errorf("decode request: %w: missing requestid or agent", ErrEnvelope)
	}
	return r, nil
}

// EncodeReply writes r as Ruby MCollective writes a reply envelope.
func EncodeReply(r *Reply) ([]byte, error) {
	w := marshal.NewWriter()
	w.Hash(6)
	w.Symbol("senderid")
	w.String(r.SenderID)
	w.Symbol("requestid")
	w.ASCII(r.RequestID)
	w.Symbol("senderagent")
	w.String(r.SenderAgent)
	w.Symbol("msgtime")
	w.Int(r.MsgTime)
	w.Symbol("body")
	w.Binary(r.Body)
	w.Symbol("hash")
	w.ASCII(r.Hash)
	b, err := w.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encode reply envelope: %w", err)
	}
	return b, nil
}

// DecodeReply reads a reply envelope. The Reply's Body may share data's
// memory.
func DecodeReply(data []byte) (*Reply, error) {
	if r, ok := decodeFlatReply(data); ok {
		return r, nil
	}
	return decodeReply(data)
}

// decodeReply is DecodeReply through the generic Marshal decoder.
func decodeReply(data []byte) (*Reply, error) {
	h, err := decodeEnvelope(data)
	if err != nil {
		return nil, err
	}
	f := fields{h: h}
	r := &Reply{
		Body:        f.bytes("body"),
		SenderID:    f.text("senderid"),
		RequestID:   f.text("requestid"),
		SenderAgent: f.text("senderagent"),
		MsgTime:     f.int("msgtime"),
		Hash:        f.text("hash"),
	}
	if f.err != nil {
		return nil, fmt.Errorf("decode reply: %w", f.err)
	}
	if r.RequestID == "" || r.SenderID == "" {
		return nil, fmt.Errorf("decode reply: %w: missing requestid or senderid", ErrEnvelope)
	}
	return r, nil
}

func decodeEnvelope(data []byte) (*marshal.Hash, error) {
	v, err := marshal.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	h, ok := v.(*marshal.Hash)
	if !ok {
		return nil, fmt.Errorf("decode envelope: %w: top level is %T, not a Hash", ErrEnvelope, v)
	}
	return h, nil
}

// fields reads typed envelope fields, remembering the first error.
type fields struct {
	h   *marshal.Hash
	err error
}

func (f *fields) fail(key, want string, v any) {
	if f.err == nil {
		f.err = fmt.Errorf("%w: :%s is %T, want %s", ErrEnvelope, key, v, want)
	}
}

func (f *fields) text(key string) string {
	v, ok := f.h.Get(marshal.Symbol(key))
	if !ok || v == nil {
		return ""
	}
	s, ok := marshal.Text(v)
	if !ok {
		f.fail(key, "a String", v)
	}
	return s
}

func (f *fields) bytes(key string) []byte {
	v, ok := f.h.Get(marshal.Symbol(key))
	if !ok || v == nil {
		f.fail(key, "a String", v)
		return nil
	}
	if b, ok := v.([]byte); ok { // a binary String: Unmarshal made it a copy already
		return b
	}
	s, ok := marshal.Text(v)
	if !ok {
		f.fail(key, "a String", v)
	}
	return []byte(s)
}

func (f *fields) int(key string) int64 {
	v, ok := f.h.Get(marshal.Symbol(key))
	if !ok || v == nil {
		return 0
	}
	n, ok := marshal.Int(v)
	if !ok {
		f.fail(key, "an Integer", v)
	}
	return n
}
