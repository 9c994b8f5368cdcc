package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/marionette-mco/marionette/core/marshal"
)

// vector is one frame captured from Ruby MCollective 2.12.5.
type vector struct {
	Case      string         `json:"case"`
	Body      string         `json:"body_base64"`
	Inner     string         `json:"inner_body_base64"`
	Decoded   map[string]any `json:"decoded"`
	Headers   map[string]any `json:"headers"`
	bodyBytes []byte
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	var out []vector
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if v.bodyBytes, err = base64.StdEncoding.DecodeString(v.Body); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, v)
	}
	return out
}

func isReply(v vector) bool { _, ok := v.Decoded[":senderagent"]; return ok }

func TestDecodeCapturedRequests(t *testing.T) {
	for _, v := range loadVectors(t) {
		if isReply(v) {
			continue
		}
		t.Run(v.Case, func(t *testing.T) {
			r, err := DecodeRequest(v.bodyBytes)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			inner, _ := base64.StdEncoding.DecodeString(v.Inner)
			if !bytes.Equal(r.Body, inner) {
				t.Errorf("body = %q, want %q", r.Body, inner)
			}
			want := map[string]any{":senderid": r.SenderID, ":requestid": r.RequestID, ":collective": r.Collective,
				":agent": r.Agent, ":callerid": r.CallerID, ":ttl": float64(r.TTL), ":msgtime": float64(r.MsgTime), ":hash": r.Hash}
			for k, got := range want {
				if v.Decoded[k] != got {
					t.Errorf("%s = %v, want %v", k, got, v.Decoded[k])
				}
			}
			checkFilter(t, r.Filter, v.Decoded[":filter"].(map[string]any))
			// Our own encoding must decode to the same request.
			enc, err := EncodeRequest(r)
			if err != nil {
				t.Fatal(err)
			}
			again, err := DecodeRequest(enc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again, r) {
				t.Errorf("round trip:\n got %+v\nwant %+v", again, r)
			}
		})
	}
}

func checkFilter(t *testing.T, f Filter, want map[string]any) {
	t.Helper()
	strs := func(k string) []string {
		var out []string
		for _, e := range want[k].([]any) {
			out = append(out, e.(string))
		}
		return out
	}
	if got, w := f.Class, strs("cf_class"); !reflect.DeepEqual(got, w) && len(got)+len(w) > 0 {
		t.Errorf("classes = %v, want %v", got, w)
	}
	if got, w := f.Identity, strs("identity"); !reflect.DeepEqual(got, w) && len(got)+len(w) > 0 {
		t.Errorf("identities = %v, want %v", got, w)
	}
	if got, w := f.Agent, strs("agent"); !reflect.DeepEqual(got, w) && len(got)+len(w) > 0 {
		t.Errorf("agents = %v, want %v", got, w)
	}
	facts := want["fact"].([]any)
	if len(f.Fact) != len(facts) {
		t.Fatalf("facts = %v, want %v", f.Fact, facts)
	}
	for i, e := range facts {
		m := e.(map[string]any)
		w := FactTerm{Fact: m[":fact"].(string), Operator: m[":operator"].(string), Value: m[":value"].(string)}
		if f.Fact[i] != w {
			t.Errorf("fact %d = %+v, want %+v", i, f.Fact[i], w)
		}
	}
	if c, ok := want["collective"]; ok && f.Collective != c {
		t.Errorf("collective = %q, want %v", f.Collective, c)
	}
	compound := want["compound"].([]any)
	if len(f.Compound) != len(compound) {
		t.Fatalf("compound = %v, want %v", f.Compound, compound)
	}
	for i, expr := range compound {
		toks := expr.([]any)
		if len(f.Compound[i]) != len(toks) {
			t.Fatalf("compound %d = %v, want %v", i, f.Compound[i], toks)
		}
		for j, tv := range toks {
			for k, val := range tv.(map[string]any) {
				got := f.Compound[i][j]
				if string(got.Kind) != k || (k == "statement" && got.Value != val) {
					t.Errorf("token %d = %+v, want %s=%v", j, got, k, val)
				}
			}
		}
	}
}

func TestDecodeCapturedReplies(t *testing.T) {
	for _, v := range loadVectors(t) {
		if !isReply(v) {
			continue
		}
		t.Run(v.Case, func(t *testing.T) {
			r, err := DecodeReply(v.bodyBytes)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if r.SenderID != v.Decoded[":senderid"] || r.RequestID != v.Decoded[":requestid"] ||
				r.SenderAgent != v.Decoded[":senderagent"] || r.Hash != v.Decoded[":hash"] ||
				float64(r.MsgTime) != v.Decoded[":msgtime"] {
				t.Errorf("reply = %+v, want %v", r, v.Decoded)
			}
			enc, err := EncodeReply(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(enc, v.bodyBytes) {
				// Reply envelopes hold no shared objects, so ours is
				// byte-for-byte Ruby's.
				t.Errorf("re-encoded reply differs from Ruby's:\n got %q\nwant %q", enc, v.bodyBytes)
			}
		})
	}
}

func TestRPCBodiesMatchRuby(t *testing.T) {
	vs := map[string]vector{}
	for _, v := range loadVectors(t) {
		vs[v.Case] = v
	}
	inner := func(name string) []byte {
		b, err := base64.StdEncoding.DecodeString(vs[name].Inner)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: no inner body", name)
		}
		return b
	}
	req := &RPCRequest{Agent: "rpcutil", Action: "get_fact", Caller: "uid=0",
		Data: map[string]any{"fact": "country"}, ProcessResults: true}
	got, err := EncodeRPCRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if want := inner("i-get-fact-request"); !bytes.Equal(got, want) {
		t.Errorf("rpc request:\n got %q\nwant %q", got, want)
	}
	v, err := marshal.Unmarshal(inner("i-get-fact-request"))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := DecodeRPCRequest(v)
	if err != nil || !reflect.DeepEqual(dec, req) {
		t.Errorf("decoded rpc request = %+v, %v; want %+v", dec, err, req)
	}
	rv, err := marshal.Unmarshal(inner("i-get-fact-reply"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := DecodeRPCReply(rv)
	if err != nil {
		t.Fatal(err)
	}
	want := &RPCReply{StatusCode: 0, StatusMsg: "OK", Data: map[string]any{"fact": "country", "value": "de"}}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("rpc reply = %+v, want %+v", rep, want)
	}
	enc, err := EncodeRPCReply(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, inner("i-get-fact-reply")) {
		t.Errorf("rpc reply bytes:\n got %q\nwant %q", enc, inner("i-get-fact-reply"))
	}
}

func TestDecodeRejectsBadEnvelopes(t *testing.T) {
	ping, _ := marshal.Marshal("ping")
	noAgent := marshal.NewHash(2)
	noAgent.Set(marshal.Symbol("body"), ping)
	noAgent.Set(marshal.Symbol("requestid"), "abc")
	badTTL := marshal.NewHash(4)
	badTTL.Set(marshal.Symbol("body"), ping)
	badTTL.Set(marshal.Symbol("requestid"), "abc")
	badTTL.Set(marshal.Symbol("agent"), "discovery")
	badTTL.Set(marshal.Symbol("ttl"), "sixty")
	badFilter := marshal.NewHash(4)
	badFilter.Set(marshal.Symbol("body"), ping)
	badFilter.Set(marshal.Symbol("requestid"), "abc")
	badFilter.Set(marshal.Symbol("agent"), "discovery")
	badFilter.Set(marshal.Symbol("filter"), []any{"x"})
	enc := func(v any) []byte {
		b, err := marshal.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string][]byte{
		"empty":       nil,
		"not marshal": []byte("hello world"),
		"truncated":   enc(badTTL)[:20],
		"a string":    enc("ping"),
		"no agent":    enc(noAgent),
		"bad ttl":     enc(badTTL),
		"bad filter":  enc(badFilter),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := DecodeRequest(b); err == nil {
				t.Fatal("decoded a bad envelope")
			}
			if _, err := DecodeReply(b); err == nil {
				t.Fatal("decoded a bad reply envelope")
			}
		})
	}
	if !strings.Contains(ErrEnvelope.Error(), "envelope") {
		t.Fatal("ErrEnvelope text")
	}
}

func TestPlainSymbolKeys(t *testing.T) {
	h := FromPlain(map[string]any{":utime": 1.5, "role": "web"}).(*marshal.Hash)
	if _, ok := h.Get(marshal.Symbol("utime")); !ok {
		t.Fatalf("':utime' not a Symbol key: %#v", h.Keys)
	}
	if _, ok := h.Get("role"); !ok {
		t.Fatalf("'role' not a String key: %#v", h.Keys)
	}
	back := Plain(h).(map[string]any)
	if back["utime"] != 1.5 || back["role"] != "web" {
		t.Fatalf("Plain = %v", back)
	}
}
