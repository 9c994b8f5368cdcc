package protocol

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/marionette-mco/marionette/core/marshal"
)

// RPCRequest is the body of an RPC request: an action of an agent with its
// arguments.
type RPCRequest struct {
	Agent  string
	Action string
	Caller string
	// Data holds the arguments as plain Go values (see Plain).
	Data map[string]any
	// ProcessResults is false for fire-and-forget requests: the node
	// runs the action but sends no reply.
	ProcessResults bool
}

// RPCReply is the body of an RPC reply.
type RPCReply struct {
	StatusCode int
	StatusMsg  string
	// Data holds the action's outputs as plain Go values.
	Data map[string]any
}

// EncodeRPCRequest writes the request body as Ruby's RPC client does: a
// Hash with Symbol keys, arguments in :data with Symbol keys and
// :process_results among them.
func EncodeRPCRequest(r *RPCRequest) ([]byte, error) {
	data := symbolHash(r.Data, "process_results")
	data.Set(marshal.Symbol("process_results"), r.ProcessResults)
	h := marshal.NewHash(4)
	h.Set(marshal.Symbol("agent"), r.Agent)
	h.Set(marshal.Symbol("action"), marshal.ASCII(r.Action)) // Ruby sends a US-ASCII action name
	h.Set(marshal.Symbol("caller"), r.Caller)
	h.Set(marshal.Symbol("data"), data)
	b, err := marshal.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode rpc request: %w", err)
	}
	return b, nil
}

// DecodeRPCRequest reads an already unmarshalled request body.
func DecodeRPCRequest(body any) (*RPCRequest, error) {
	h, ok := body.(*marshal.Hash)
	if !ok {
		return nil, fmt.Errorf("decode rpc request: body is %T, not a Hash", body)
	}
	r := &RPCRequest{
		Agent:          hashText(h, "agent"),
		Action:         hashText(h, "action"),
		Caller:         hashText(h, "caller"),
		Data:           map[string]any{},
		ProcessResults: true,
	}
	if dv, ok := h.Get(marshal.Symbol("data")); ok && dv != nil {
		dh, ok := dv.(*marshal.Hash)
		if !ok {
			return nil, fmt.Errorf("decode rpc request: :data is %T, not a Hash", dv)
		}
		for i, k := range dh.Keys {
			name, _ := marshal.Text(k)
			if name == "process_results" {
				if b, ok := dh.Values[i].(bool); ok {
					r.ProcessResults = b
				}
				continue
			}
			r.Data[name] = Plain(dh.Values[i])
		}
	}
	if r.Action == "" {
		return nil, fmt.Errorf("decode rpc request: no :action")
	}
	return r, nil
}

// EncodeRPCReply writes the reply body as Ruby's agents do.
func EncodeRPCReply(r *RPCReply) ([]byte, error) {
	h := marshal.NewHash(3)
	h.Set(marshal.Symbol("statuscode"), int64(r.StatusCode))
	h.Set(marshal.Symbol("statusmsg"), r.StatusMsg)
	h.Set(marshal.Symbol("data"), symbolHash(r.Data, ""))
	b, err := marshal.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode rpc reply: %w", err)
	}
	return b, nil
}

// DecodeRPCReply reads an already unmarshalled reply body.
func DecodeRPCReply(body any) (*RPCReply, error) {
	h, ok := body.(*marshal.Hash)
	if !ok {
		return nil, fmt.Errorf("decode rpc reply: body is %T, not a Hash", body)
	}
	r := &RPCReply{StatusMsg: hashText(h, "statusmsg"), Data: map[string]any{}}
	code, _ := h.Get(marshal.Symbol("statuscode"))
	n, ok := marshal.Int(code)
	if !ok {
		return nil, fmt.Errorf("decode rpc reply: :statuscode is %T, not an Integer", code)
	}
	r.StatusCode = int(n)
	if dv, ok := h.Get(marshal.Symbol("data")); ok {
		if p, ok := Plain(dv).(map[string]any); ok {
			r.Data = p
		}
	}
	return r, nil
}

// symbolHash turns a plain map into a Hash with Symbol keys in sorted
// order, leaving out skip. Nested maps get String keys, as Ruby agents
// write them.
func symbolHash(m map[string]any, skip string) *marshal.Hash {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != skip {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := marshal.NewHash(len(keys) + 1)
	for _, k := range keys {
		h.Set(marshal.Symbol(k), FromPlain(m[k]))
	}
	return h
}

// Plain converts a Marshal value into plain Go values, as agents and JSON
// output see them: every Ruby String and Symbol becomes a string, a Hash
// becomes map[string]any (keys rendered as text), arrays []any, integers
// int64 (or *big.Int when wider), a Regexp its source.
func Plain(v any) any {
	switch x := v.(type) {
	case *marshal.Hash:
		m := make(map[string]any, x.Len())
		for i, k := range x.Keys {
			ks, ok := marshal.Text(k)
			if !ok {
				ks = fmt.Sprint(Plain(k))
			}
			m[ks] = Plain(x.Values[i])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	case marshal.Regexp:
		return x.Source
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return x
	}
	if s, ok := marshal.Text(v); ok {
		return s
	}
	return v
}

// FromPlain converts plain Go values into Marshal values: maps become
// Hashes with String keys in sorted order, except that a key written
// ":name" becomes the Symbol :name (Ruby agents put Symbol keys in some
// nested hashes, such as rpcutil's :times, and Ruby clients read them so);
// other values pass through.
func FromPlain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h := marshal.NewHash(len(keys))
		for _, k := range keys {
			h.Set(hashKey(k), FromPlain(x[k]))
		}
		return h
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return FromPlain(m)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = FromPlain(e)
		}
		return out
	case []string:
		return stringsValue(x)
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

// hashKey is the Hash key for a plain map key: ":name" is a Symbol.
func hashKey(k string) any {
	if len(k) > 1 && k[0] == ':' {
		return marshal.Symbol(k[1:])
	}
	return k
}
