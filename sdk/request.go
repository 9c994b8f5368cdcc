package sdk

import (
	"fmt"
	"math"
	"time"
)

// Request is one action call as an agent receives it.
type Request struct {
	Agent  string
	Action string
	// Data holds the validated inputs: strings, bools, int64 for integers,
	// float64 for other numbers, []any for lists and map[string]any for
	// hashes.
	Data map[string]any
	// CallerID is who sent the request, such as "cert=admin".
	CallerID string
	// SenderID is the identity of the node the request came from.
	SenderID   string
	RequestID  string
	Collective string
	// TTL is the request's time to live.
	TTL time.Duration
	// Host reaches the daemon that runs the agent: the node's identity,
	// facts, configuration and inventory.
	Host Host
}

// String returns a string input and whether it is there and a string.
func (r *Request) String(name string) (string, bool) {
	s, ok := r.Data[name].(string)
	return s, ok
}

// Bool returns a boolean input and whether it is there and a boolean.
func (r *Request) Bool(name string) (bool, bool) {
	b, ok := r.Data[name].(bool)
	return b, ok
}

// Int returns an integer input and whether it is there and a whole number.
func (r *Request) Int(name string) (int64, bool) {
	switch n := r.Data[name].(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
			return int64(n), true
		}
	}
	return 0, false
}

// Float returns a numeric input as a float64 and whether it is a number.
func (r *Request) Float(name string) (float64, bool) {
	switch n := r.Data[name].(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// Reply is an action's result. A new reply is OK with the message "OK" and
// no data; the daemon adds the DDL's defaults for outputs left unset.
type Reply struct {
	StatusCode StatusCode
	StatusMsg  string
	Data       map[string]any
}

// NewReply returns an OK reply with empty data.
func NewReply() *Reply {
	return &Reply{StatusCode: OK, StatusMsg: "OK", Data: map[string]any{}}
}

// Set sets an output.
func (r *Reply) Set(key string, value any) {
	if r.Data == nil {
		r.Data = map[string]any{}
	}
	r.Data[key] = value
}

// Fail marks the reply failed with status Aborted (1), as Ruby's
// reply.fail does; outputs already set are kept.
func (r *Reply) Fail(msg string) { r.FailCode(Aborted, msg) }

// Failf is Fail with a format.
func (r *Reply) Failf(format string, args ...any) { r.Fail(fmt.Sprintf(format, args...)) }

// FailCode marks the reply failed with code and msg.
func (r *Reply) FailCode(code StatusCode, msg string) {
	r.StatusCode = code
	r.StatusMsg = msg
}

// Failed reports whether the reply has a status other than OK.
func (r *Reply) Failed() bool { return r.StatusCode != OK }
