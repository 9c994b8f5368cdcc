package agent

import "context"

// Discovery is an in-process discovery agent: it answers the "ping" that
// mc discovery broadcasts. Being reached at all means the node passed the
// request's filter, which is the whole of discovery. mcollectived serves
// the discovery agent from libdir (plugins/discovery, Lua); this one serves
// mcfleet's --agents builtin and tests.
type Discovery struct{}

// Handle implements Agent.
func (Discovery) Handle(_ context.Context, req *Request) *Reply {
	if req.Action != "ping" {
		return Fail(UnknownAction, "discovery: unknown action %q", req.Action)
	}
	return &Reply{StatusCode: OK, StatusMsg: "OK", Data: map[string]any{}}
}
