package client

import (
	"context"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/core/transport"
)

// rpcBody is an RPC reply body as Ruby agents write it.
func rpcBody(code int64, msg string, kv ...any) *marshal.Hash {
	data := marshal.NewHash(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		data.Set(marshal.Symbol(kv[i].(string)), kv[i+1])
	}
	h := marshal.NewHash(3)
	h.Set(marshal.Symbol("statuscode"), code)
	h.Set(marshal.Symbol("statusmsg"), msg)
	h.Set(marshal.Symbol("data"), data)
	return h
}

// decodeRPC reads the RPC body a fake node received.
func decodeRPC(t *testing.T, req *protocol.Request) *protocol.RPCRequest {
	t.Helper()
	v, err := marshal.Unmarshal(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	r, err := protocol.DecodeRPCRequest(v)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRPCDirectedEndsWhenEveryNodeAnswered(t *testing.T) {
	var seen []*protocol.RPCRequest
	var envelopes []*protocol.Request
	c, conn := newClient(t, func(req *protocol.Request, tg transport.RequestTarget) [][]byte {
		seen = append(seen, decodeRPC(t, req))
		envelopes = append(envelopes, req)
		out := [][]byte{reply(t, "k", tg.Node, req.RequestID, rpcBody(0, "OK", "value", "web", "fact", "role"))}
		if tg.Node == "b" {
			// an unexpected node and a duplicate do not end the wait
			out = append([][]byte{reply(t, "k", "stranger", req.RequestID, rpcBody(0, "OK")),
				reply(t, "k", "a", req.RequestID, rpcBody(1, "again"))}, out...)
		}
		return out
	})
	var got []RPCResult
	start := time.Now()
	id, err := c.RPC(context.Background(), RPCCall{Agent: "rpcutil", Action: "get_fact",
		Data: map[string]any{"fact": "role"}, Nodes: []string{"a", "b"}, Expect: []string{"a", "b"},
		Timeout: 5 * time.Second, TTL: 30 * time.Second}, func(r RPCResult) { got = append(got, r) })
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("waited %s although every node answered", time.Since(start))
	}
	var senders []string
	for _, r := range got {
		senders = append(senders, r.Sender)
	}
	if !reflect.DeepEqual(senders, []string{"a", "stranger", "a", "b"}) {
		t.Fatalf("replies from %v", senders)
	}
	first := got[0]
	if first.StatusCode != 0 || first.StatusMsg != "OK" || first.Data["value"] != "web" {
		t.Fatalf("first reply %+v", first)
	}
	raw, ok := first.Raw.(*marshal.Hash)
	if !ok || !reflect.DeepEqual(raw.Keys, []any{marshal.Symbol("value"), marshal.Symbol("fact")}) {
		t.Fatalf("raw data %#v keeps neither types nor order", first.Raw)
	}
	if got[2].StatusCode != 1 || got[2].StatusMsg != "again" {
		t.Fatalf("failed reply %+v", got[2])
	}
	if len(seen) != 2 || seen[0].Action != "get_fact" || seen[0].Data["fact"] != "role" || !seen[0].ProcessResults ||
		seen[0].Caller != "uid="+strconv.Itoa(os.Getuid()) || envelopes[0].RequestID != id || envelopes[0].TTL != 30 {
		t.Fatalf("sent %+v (envelope %+v)", seen[0], envelopes[0])
	}
	if conn.published[0].Node != "a" || conn.published[1].Node != "b" || conn.published[0].TTL != 30*time.Second {
		t.Fatalf("published %+v", conn.published)
	}
}

func TestRPCBroadcastWaitsForTimeout(t *testing.T) {
	c, conn := newClient(t, func(req *protocol.Request, _ transport.RequestTarget) [][]byte {
		return [][]byte{
			reply(t, "k", "n1", req.RequestID, rpcBody(0, "OK")),
			reply(t, "k", "n2", req.RequestID, "not an rpc reply"),
		}
	})
	var got []RPCResult
	start := time.Now()
	_, err := c.RPC(context.Background(), RPCCall{Agent: "rpcutil", Action: "ping", Timeout: 150 * time.Millisecond,
		Filter: protocol.Filter{Agent: []string{"rpcutil"}}}, func(r RPCResult) { got = append(got, r) })
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Fatal("a broadcast without expected nodes ended before its timeout")
	}
	if len(got) != 2 || got[1].StatusCode != statusUnknownError || got[1].StatusMsg == "" {
		t.Fatalf("replies %+v", got)
	}
	if conn.published[0].Node != "" || conn.published[0].TTL != 60*time.Second {
		t.Fatalf("published %+v", conn.published)
	}
}

func TestRPCReusesRequestID(t *testing.T) {
	var ids []string
	c, _ := newClient(t, func(req *protocol.Request, tg transport.RequestTarget) [][]byte {
		ids = append(ids, req.RequestID)
		return [][]byte{reply(t, "k", tg.Node, req.RequestID, rpcBody(0, "OK"))}
	})
	call := RPCCall{Agent: "rpcutil", Action: "ping", Nodes: []string{"a"}, Expect: []string{"a"}, Timeout: time.Second}
	id, err := c.RPC(context.Background(), call, func(RPCResult) {})
	if err != nil {
		t.Fatal(err)
	}
	call.Nodes, call.Expect, call.RequestID = []string{"b"}, []string{"b"}, id
	n := 0
	if _, err := c.RPC(context.Background(), call, func(RPCResult) { n++ }); err != nil || n != 1 {
		t.Fatalf("second batch: %d replies, %v", n, err)
	}
	if len(ids) != 2 || ids[0] != id || ids[1] != id {
		t.Fatalf("request ids %v, want %s twice", ids, id)
	}
}

func TestSendRPCDoesNotWait(t *testing.T) {
	var sent *protocol.RPCRequest
	c, conn := newClient(t, func(req *protocol.Request, _ transport.RequestTarget) [][]byte {
		sent = decodeRPC(t, req)
		return nil
	})
	id, err := c.SendRPC(context.Background(), RPCCall{Agent: "rpcutil", Action: "ping", Nodes: []string{"a", "b"}})
	if err != nil || len(id) != 32 {
		t.Fatalf("id %q, %v", id, err)
	}
	if sent == nil || sent.ProcessResults || len(conn.published) != 2 {
		t.Fatalf("sent %+v, published %d", sent, len(conn.published))
	}
}

func TestRPCEndsAfterExpectedReplyCount(t *testing.T) {
	c, _ := newClient(t, func(req *protocol.Request, _ transport.RequestTarget) [][]byte {
		return [][]byte{
			reply(t, "k", "n1", req.RequestID, "not an rpc reply"),
			reply(t, "k", "n1", req.RequestID, rpcBody(0, "OK")),
			reply(t, "k", "n2", req.RequestID, rpcBody(0, "OK")),
		}
	})
	var got []RPCResult
	start := time.Now()
	_, err := c.RPC(context.Background(), RPCCall{Agent: "rpcutil", Action: "ping", Timeout: 5 * time.Second,
		ExpectReplies: 2}, func(r RPCResult) { got = append(got, r) })
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("waited %s after two replies", time.Since(start))
	}
	if len(got) != 2 || got[0].Err == nil || got[0].StatusCode != statusUnknownError || got[1].Err != nil {
		t.Fatalf("replies %+v", got)
	}
}
