package security

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/marionette-mco/marionette/core/config"
	"github.com/marionette-mco/marionette/core/protocol"
)

// PSK is Ruby MCollective's pre-shared key provider:
// hash = hex(MD5(body ++ key)) over the inner Marshal bytes.
type PSK struct {
	key      []byte
	callerID string
	now      Clock
}

var _ Provider = (*PSK)(nil)

// NewPSK builds the PSK provider. The key must be set (the config loader
// has already applied MCOLLECTIVE_PSK).
func NewPSK(cfg config.Security, identity string, now Clock) (*PSK, error) {
	if cfg.PSK == "" {
		return nil, errors.New("psk: no plugin.psk configured (and MCOLLECTIVE_PSK unset)")
	}
	id, err := CallerID(cfg.CallerType, identity)
	if err != nil {
		return nil, fmt.Errorf("psk: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	return &PSK{key: []byte(cfg.PSK), callerID: id, now: now}, nil
}

// Digest returns the hex MD5 digest of body followed by the key.
func (p *PSK) Digest(body []byte) string {
	var d [2 * md5.Size]byte
	p.digest(body, &d)
	return string(d[:])
}

// digest writes the hex MD5 digest of body followed by the key to dst.
// It allocates nothing: the compiler keeps the MD5 state on the stack.
func (p *PSK) digest(body []byte, dst *[2 * md5.Size]byte) {
	h := md5.New()
	h.Write(body)
	h.Write(p.key)
	var sum [md5.Size]byte
	hex.Encode(dst[:], h.Sum(sum[:0]))
}

func (p *PSK) verify(body []byte, hash string) error {
	var want [2 * md5.Size]byte
	p.digest(body, &want)
	if subtle.ConstantTimeCompare(want[:], []byte(hash)) != 1 {
		return ErrInvalidSignature
	}
	return nil
}

// SealRequest implements Provider.
func (p *PSK) SealRequest(r *protocol.Request) {
	r.CallerID = p.callerID
	r.Hash = p.Digest(r.Body)
}

// OpenRequest implements Provider: the digest must match, and the message
// must be no older than its TTL (a message from the future is accepted,
// as Ruby does).
func (p *PSK) OpenRequest(r *protocol.Request) error {
	if err := p.verify(r.Body, r.Hash); err != nil {
		return fmt.Errorf("request %s from %s: %w", r.RequestID, r.SenderID, err)
	}
	if age := p.now().Unix() - r.MsgTime; age > r.TTL {
		return fmt.Errorf("request %s from %s: %w: %d s old, ttl %d s", r.RequestID, r.SenderID, ErrExpired, age, r.TTL)
	}
	if r.CallerID != "" && !ValidCallerID(r.CallerID) {
		return fmt.Errorf("request %s: %w: %q", r.RequestID, ErrCallerID, r.CallerID)
	}
	return nil
}

// SealReply implements Provider.
func (p *PSK) SealReply(r *protocol.Reply) { r.Hash = p.Digest(r.Body) }

// OpenReply implements Provider.
func (p *PSK) OpenReply(r *protocol.Reply) error {
	if err := p.verify(r.Body, r.Hash); err != nil {
		return fmt.Errorf("reply %s from %s: %w", r.RequestID, r.SenderID, err)
	}
	return nil
}
