// Package plugin is the seam between the Marionette daemon and its Go plugin
// agents, shared by both sides as go-plugin's examples/grpc/shared is: the
// handshake, the Go-level contract (Request, Reply, Host, Server), the
// go-plugin Plugin that carries it over gRPC, and the JSON value codec.
//
// The daemon (core/agent/goplugin) starts a plugin executable with go-plugin,
// dispenses Name and gets a *Client. While dispensing, the daemon serves its
// Host on a go-plugin broker stream; Client.Init hands the stream's id to the
// plugin, which dials it and from then on reaches the daemon's facts,
// configuration and inventory through a Host of its own. A plugin never
// imports this package directly: package sdk wraps it (sdk.Serve).
//
// # Values on the wire
//
// Request inputs, reply data, facts and data plugin results cross the
// process boundary as JSON (EncodeValue, DecodeValue). JSON has one number
// type, so the codec keeps Go's distinction by the literal's form:
//
//   - a string, bool or nil arrives as it was sent;
//   - integers (int, int8..int64, uint..uint64) are written as integer
//     literals and arrive as int64, whatever their size in int64's range;
//     an integer beyond int64 arrives as float64;
//   - float32 and float64 are always written with a fraction or exponent
//     (1.0, not 1) and arrive as float64, so 1.0 stays a float; NaN and
//     infinities cannot be encoded and are an error;
//   - slices and arrays arrive as []any, maps with string keys as
//     map[string]any, recursively; []byte arrives as a base64 string, as
//     encoding/json writes it; structs and other types are encoded by
//     encoding/json and arrive as its JSON form decoded by these rules.
package plugin
