package protocol

import (
	"strings"

	"github.com/marionette-mco/marionette/core/marshal"
)

// decodeFlatReply is DecodeReply's fast path for the envelopes Ruby
// MCollective and Marionette write: a flat Hash (marshal.ReadFlatHash)
// whose fields have the types DecodeReply accepts. It reports false for
// anything else, an invalid envelope included, and leaves it to the
// generic path, which gives the same Reply or the error. Body shares
// data's memory; the text fields share one allocation.
func decodeFlatReply(data []byte) (*Reply, bool) {
	var buf [8]marshal.FlatPair
	pairs, ok := marshal.ReadFlatHash(data, buf[:0])
	if !ok {
		return nil, false
	}
	var body, sender, reqID, agent, hash []byte
	var msgTime int64
	hasBody := false
	for i := range pairs { // a repeated key: the last value wins, as in a Ruby Hash
		v := &pairs[i].Value
		switch string(pairs[i].Key) {
		case "body":
			if hasBody = isText(v); !hasBody {
				return nil, false
			}
			body = v.Text
		case "senderid":
			ok = flatText(v, &sender)
		case "requestid":
			ok = flatText(v, &reqID)
		case "senderagent":
			ok = flatText(v, &agent)
		case "hash":
			ok = flatText(v, &hash)
		case "msgtime":
			ok = flatInt(v, &msgTime)
		}
		if !ok {
			return nil, false
		}
	}
	if !hasBody || len(reqID) == 0 || len(sender) == 0 {
		return nil, false
	}
	var sb strings.Builder
	sb.Grow(len(sender) + len(reqID) + len(agent) + len(hash))
	texts := [...][]byte{sender, reqID, agent, hash}
	for _, t := range texts {
		sb.Write(t)
	}
	all := sb.String()
	var str [len(texts)]string
	for i, t := range texts {
		str[i], all = all[:len(t)], all[len(t):]
	}
	return &Reply{Body: body, SenderID: str[0], RequestID: str[1], SenderAgent: str[2], MsgTime: msgTime, Hash: str[3]}, true
}

// isText reports whether v is a String or Symbol, which text fields take.
func isText(v *marshal.FlatValue) bool {
	return v.Kind == marshal.FlatString || v.Kind == marshal.FlatSymbol
}

// flatText sets *dst to a text field's value: its text, or nothing for
// nil. It reports false for another type.
func flatText(v *marshal.FlatValue, dst *[]byte) bool {
	switch {
	case v.Kind == marshal.FlatNil:
		*dst = nil
	case isText(v):
		*dst = v.Text
	default:
		return false
	}
	return true
}

// flatInt sets *dst to an Integer field's value, 0 for nil. It reports
// false for another type.
func flatInt(v *marshal.FlatValue, dst *int64) bool {
	switch v.Kind {
	case marshal.FlatNil:
		*dst = 0
	case marshal.FlatInt:
		*dst = v.Int
	default:
		return false
	}
	return true
}
