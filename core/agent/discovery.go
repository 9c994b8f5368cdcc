package agent

import "context"

// Discovery is the built-in discovery agent: it answers the "ping" that mc
// discovery broadcasts. Being reached at all means the node passed the
// request's filter, which is the whole of discovery.
type Discovery struct{}

// Handle implements Agent.
func (Discovery) Handle(_ context.Context, req *Request) *Reply {
	if req.Action != "ping" {
		return Fail(UnknownAction, "discovery: unknown action %q", req.Action)
	}
	return &Reply{StatusCode: OK, StatusMsg: "OK", Data: map[string]any{}}
}
