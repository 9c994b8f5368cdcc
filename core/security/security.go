// Package security signs and checks MCollective messages. The PSK provider
// is Ruby MCollective's default: an MD5 digest over the serialized message
// body and a pre-shared key, a caller id, and a TTL check on receipt.
package security

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"regexp"
	"strconv"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/protocol"
)

// Errors returned when a message fails its checks.
var (
	// ErrInvalidSignature is Ruby's SecurityValidationFailed.
	ErrInvalidSignature = errors.New("invalid signature")
	// ErrExpired is Ruby's MsgTTLExpired.
	ErrExpired = errors.New("message TTL expired")
	// ErrCallerID marks a caller id that is not of the form type=value.
	ErrCallerID = errors.New("invalid caller id")
)

var callerIDPattern = regexp.MustCompile(`^\w+=[\w.\-]+$`)

// ValidCallerID reports whether id has Ruby's accepted form type=value.
func ValidCallerID(id string) bool { return callerIDPattern.MatchString(id) }

// CallerID returns the caller id for callerType as Ruby's PSK provider
// builds it: uid=N, gid=N, user=NAME, group=NAME or identity=ID. An empty
// or unknown type means uid.
func CallerID(callerType, identity string) (string, error) {
	switch callerType {
	case "gid":
		return "gid=" + strconv.Itoa(os.Getgid()), nil
	case "group":
		g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
		if err != nil {
			return "", fmt.Errorf("caller id: look up group: %w", err)
		}
		return "group=" + g.Name, nil
	case "user":
		u, err := user.Current()
		if err != nil {
			return "", fmt.Errorf("caller id: look up user: %w", err)
		}
		return "user=" + u.Username, nil
	case "identity":
		return "identity=" + identity, nil
	}
	return "uid=" + strconv.Itoa(os.Getuid()), nil
}

// Clock returns the current time; tests replace it.
type Clock func() time.Time

// Provider signs outgoing messages and checks incoming ones. The server and
// client depend on this interface, never on a concrete provider.
type Provider interface {
	// SealRequest sets the caller id and digest of a request whose Body
	// is already encoded.
	SealRequest(r *protocol.Request)
	// OpenRequest checks a received request's digest and TTL.
	OpenRequest(r *protocol.Request) error
	// SealReply sets the digest of a reply whose Body is encoded.
	SealReply(r *protocol.Reply)
	// OpenReply checks a received reply's digest.
	OpenReply(r *protocol.Reply) error
}

// New returns the provider that cfg names. identity is this node's or
// client's identity, used by callertype identity.
func New(cfg config.Security, identity string, now Clock) (Provider, error) {
	switch cfg.Provider {
	case "", "psk":
		return NewPSK(cfg, identity, now)
	}
	return nil, fmt.Errorf("security provider %q is not implemented (only psk)", cfg.Provider)
}
