// Package protocol defines MCollective's messages as data: the security
// envelopes of requests and replies, the request filter, and the RPC
// request and reply bodies, with their Ruby Marshal form.
//
// A request on the wire is Marshal(envelope) where envelope[:body] holds the
// Marshal bytes of the message itself; the security layer signs those inner
// bytes. This package turns envelope bytes into Request and Reply values and
// back; it does not check signatures or decide anything.
package protocol
