package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strconv"

	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/rubytext"
)

// jsonResult is one reply as Ruby's RPC::Result#to_json writes it, keys in
// Ruby's order. Data keeps the reply's own key order.
type jsonResult struct {
	Agent      string          `json:"agent"`
	Action     string          `json:"action"`
	Sender     string          `json:"sender"`
	StatusCode int             `json:"statuscode"`
	StatusMsg  string          `json:"statusmsg"`
	Data       json.RawMessage `json:"data"`
}

func newJSONResult(agent, action string, r client.RPCResult) jsonResult {
	data := r.Raw
	if data == nil {
		data = r.Data
	}
	var b bytes.Buffer
	writeJSON(&b, data)
	return jsonResult{Agent: agent, Action: action, Sender: r.Sender, StatusCode: r.StatusCode,
		StatusMsg: r.StatusMsg, Data: b.Bytes()}
}

// encodeResults is --json's output: an array of every reply, indented when
// stdout is a terminal, as Ruby's printrpc does, else on one line.
func encodeResults(agent, action string, rs []client.RPCResult, indent bool) ([]byte, error) {
	out := make([]jsonResult, 0, len(rs))
	for _, r := range rs {
		out = append(out, newJSONResult(agent, action, r))
	}
	return marshalJSON(out, indent)
}

// marshalJSON encodes v without escaping <, > and & (Ruby does not),
// indented by two when asked, with no final newline.
func marshalJSON(v any, indent bool) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeJSON writes a decoded Ruby value as Ruby's to_json does: Hashes in
// their own key order with keys as text, Symbols and every String as
// strings, non-finite floats (which Ruby refuses) as null.
func writeJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case *marshal.Hash:
		b.WriteByte('{')
		for i, k := range x.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			key := rubytext.ToS(k)
			writeJSONString(b, key)
			b.WriteByte(':')
			writeJSON(b, x.Values[i])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		h := symbolKeys(x).(*marshal.Hash)
		writeJSON(b, h)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			b.WriteString("null")
			return
		}
		enc, _ := json.Marshal(x)
		b.Write(enc)
	case *big.Int:
		b.WriteString(x.String())
	case marshal.Regexp:
		writeJSONString(b, rubytext.ToS(x))
	case nil, bool, int64, int:
		enc, _ := json.Marshal(x)
		b.Write(enc)
	default:
		if s, ok := marshal.Text(v); ok {
			writeJSONString(b, s)
			return
		}
		enc, err := json.Marshal(v)
		if err != nil {
			writeJSONString(b, rubytext.Inspect(v))
			return
		}
		b.Write(enc)
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := marshalJSON(s, false)
	b.Write(enc)
}

// appendPingJSON appends replies as a json.Encoder indenting by two spaces
// writes them (mco ping --json), without its reflection and its second,
// indenting pass over the output.
func appendPingJSON(b []byte, replies []pingReply) []byte {
	if len(replies) == 0 {
		return append(b, "[]\n"...)
	}
	b = append(b, "[\n"...)
	for i, r := range replies {
		b = append(b, "  {\n    \"sender\": "...)
		b = appendJSONString(b, r.Sender)
		b = append(b, ",\n    \"time_ms\": "...)
		b = appendJSONFloat(b, r.TimeMS)
		b = append(b, "\n  }"...)
		if i < len(replies)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return append(b, "]\n"...)
}

// appendJSONString appends s as encoding/json writes it: plain printable
// ASCII directly, anything it would escape through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s)
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONFloat appends a finite f as encoding/json writes it: without
// an exponent from 1e-6 to 1e21, through encoding/json otherwise.
func appendJSONFloat(b []byte, f float64) []byte {
	if a := math.Abs(f); a == 0 || a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	enc, _ := json.Marshal(f)
	return append(b, enc...)
}
