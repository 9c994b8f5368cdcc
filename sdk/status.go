package sdk

import "strconv"

// StatusCode is an MCollective RPC status code; the numbers are the ones
// Ruby MCollective's RPC::Reply sends.
type StatusCode int

// The status codes.
const (
	// OK: the action ran.
	OK StatusCode = 0
	// Aborted: the action failed (Ruby's reply.fail).
	Aborted StatusCode = 1
	// UnknownAction: the agent has no such action.
	UnknownAction StatusCode = 2
	// MissingData: a required input is missing.
	MissingData StatusCode = 3
	// InvalidData: an input failed validation.
	InvalidData StatusCode = 4
	// UnknownError: any other error.
	UnknownError StatusCode = 5
)

// String names the code as Ruby's exception classes do.
func (c StatusCode) String() string {
	switch c {
	case OK:
		return "OK"
	case Aborted:
		return "RPCAborted"
	case UnknownAction:
		return "UnknownRPCAction"
	case MissingData:
		return "MissingRPCData"
	case InvalidData:
		return "InvalidRPCData"
	case UnknownError:
		return "UnknownRPCError"
	}
	return "StatusCode(" + strconv.Itoa(int(c)) + ")"
}
