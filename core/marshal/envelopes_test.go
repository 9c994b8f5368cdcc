package marshal

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// envelope is the part of a captured frame (testdata/envelopes, from Ruby
// MCollective 2.12 over STOMP) the tests use: the PSK security envelope,
// its inner body, and Ruby's own decoding of both.
type envelope struct {
	Case      string         `json:"case"`
	Body      []byte         `json:"body_base64"`
	InnerBody []byte         `json:"inner_body_base64"`
	Decoded   map[string]any `json:"decoded"`
	Walk      []string       `json:"envelope_marshal_walk"`
}

func loadEnvelopes(t testing.TB) []envelope {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "envelopes", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no envelopes: %v", err)
	}
	var out []envelope
	for _, f := range files {
		var e envelope
		if err := json.Unmarshal(readFile(t, filepath.Join("envelopes", filepath.Base(f))), &e); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, e)
	}
	return out
}

// TestEnvelopes decodes every captured envelope and inner body, compares
// them with Ruby's decoding, and checks that the inner body, which holds
// no object links, encodes back to Ruby's exact bytes.
func TestEnvelopes(t *testing.T) {
	for _, env := range loadEnvelopes(t) {
		t.Run(env.Case, func(t *testing.T) {
			outer, err := Unmarshal(env.Body)
			if err != nil {
				t.Fatalf("Unmarshal envelope: %v", err)
			}
			h, ok := outer.(*Hash)
			if !ok {
				t.Fatalf("envelope is %T, want *Hash", outer)
			}
			body, _ := h.Get(Symbol("body"))
			if b, ok := body.([]byte); !ok || !bytes.Equal(b, env.InnerBody) {
				t.Fatalf(":body is %s, want the inner body", show(body))
			}
			inner, err := Unmarshal(env.InnerBody)
			if err != nil {
				t.Fatalf("Unmarshal inner body: %v", err)
			}
			got := rubyJSON(outer).(map[string]any)
			got[":body"] = rubyJSON(inner)
			if !reflect.DeepEqual(got, env.Decoded) {
				t.Fatalf("decoded envelope\n got %v\nwant %v", got, env.Decoded)
			}
			out, err := Marshal(inner)
			if err != nil {
				t.Fatalf("Marshal inner body: %v", err)
			}
			if !bytes.Equal(out, env.InnerBody) {
				t.Fatalf("Marshal inner body = %x\nRuby wrote %x", out, env.InnerBody)
			}
			// Ruby links repeated strings; Marshal writes copies, which
			// must read back as the same envelope.
			out, err = Marshal(outer)
			if err != nil {
				t.Fatalf("Marshal envelope: %v", err)
			}
			again, err := Unmarshal(out)
			if err != nil || !equal(again, outer) {
				t.Fatalf("Unmarshal(Marshal(envelope)) = %s, %v", show(again), err)
			}
			links := strings.Count(strings.Join(env.Walk, "\n"), "Object link")
			if links == 0 && !bytes.Equal(out, env.Body) {
				t.Fatalf("envelope without links: Marshal = %x\nRuby wrote %x", out, env.Body)
			}
		})
	}
}

// TestEnvelopeObjectLink checks a link by hand: in an RPC request Ruby
// writes :agent as a link to the "rpcutil" String of the agent filter.
func TestEnvelopeObjectLink(t *testing.T) {
	var env envelope
	if err := json.Unmarshal(readFile(t, "envelopes/g-rpc-ping-request.json"), &env); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(env.Walk, "\n"), "Object link to object index 11") {
		t.Fatal("capture no longer links :agent; pick another frame")
	}
	v, err := Unmarshal(env.Body)
	if err != nil {
		t.Fatal(err)
	}
	h := v.(*Hash)
	agent, _ := h.Get(Symbol("agent"))
	filter, _ := h.Get(Symbol("filter"))
	agents, _ := filter.(*Hash).Get("agent")
	if agent != "rpcutil" || !equal(agents, []any{"rpcutil"}) {
		t.Fatalf(":agent = %s, filter agent = %s", show(agent), show(agents))
	}
	ttl, _ := h.Get(Symbol("ttl"))
	msgtime, _ := h.Get(Symbol("msgtime"))
	if ttl != int64(60) || msgtime != int64(1795698119) {
		t.Fatalf(":ttl = %s, :msgtime = %s", show(ttl), show(msgtime))
	}
}

// rubyJSON renders a decoded value as the captures' "decoded" field does:
// Symbol keys as ":name", Strings as text, numbers as float64.
func rubyJSON(v any) any {
	switch x := v.(type) {
	case *Hash:
		m := make(map[string]any, x.Len())
		for i, k := range x.Keys {
			key, _ := Text(k)
			if _, ok := k.(Symbol); ok {
				key = ":" + key
			}
			m[key] = rubyJSON(x.Values[i])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rubyJSON(e)
		}
		return out
	case int64:
		return float64(x)
	case Symbol:
		return ":" + string(x)
	}
	if s, ok := Text(v); ok {
		return s
	}
	return v
}
