// Package floor is the physical limit the fleet benchmark compares
// Marionette with: raw go-stomp, no Marionette code on the message path.
// Responders are N virtual subscribers that answer a broadcast with a
// frame of a given size; Ping publishes one broadcast and times the
// replies, from send to last reply.
//
// Responders share connections exactly as core/fleet's virtual nodes do:
// node i is on connection i / PerConn, each connection subscribes once to
// the broadcast destination, and on each broadcast it receives the
// connection sends one reply per node on it (mc_sender and body of the
// same size as a Marionette ping reply, to the request's reply-to). What
// Marionette adds on top of this is its pipeline: decoding, PSK checks,
// filtering, dispatch, encoding, and its client's decoding and checks.
package floor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"
)

// ContentType is what Marionette (and Ruby's stomp gem) put on every frame.
const ContentType = "text/plain; charset=UTF-8"

// Broker says where to connect.
type Broker struct {
	Addr     string
	Login    string
	Passcode string
	// VHost is the STOMP host header; "/" when empty.
	VHost string
}

// Dial connects to the broker with ctx bounding the handshake.
func (b Broker) Dial(ctx context.Context) (*stomp.Conn, error) {
	vhost := b.VHost
	if vhost == "" {
		vhost = "/"
	}
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", b.Addr)
	if err != nil {
		return nil, fmt.Errorf("floor: dial %s: %w", b.Addr, err)
	}
	opts := []func(*stomp.Conn) error{stomp.ConnOpt.Host(vhost), stomp.ConnOpt.HeartBeat(0, 0),
		stomp.ConnOpt.Logger(quiet{})}
	if b.Login != "" || b.Passcode != "" {
		opts = append(opts, stomp.ConnOpt.Login(b.Login, b.Passcode))
	}
	c, err := stomp.ConnectWithContext(ctx, raw, opts...)
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("floor: connect %s: %w", b.Addr, err)
	}
	return c, nil
}

// Responders answers broadcasts on behalf of N virtual subscribers.
type Responders struct {
	Broker Broker
	// N virtual subscribers, PerConn to a connection.
	N, PerConn int
	// Destination is the broadcast destination.
	Destination string
	// ReplyBytes is the body size of every reply.
	ReplyBytes int
	// Prefix + index is each reply's mc_sender.
	Prefix string
}

// Run connects and answers until ctx ends.
func (r Responders) Run(ctx context.Context) error {
	if r.PerConn <= 0 {
		return errors.New("floor: PerConn must be positive")
	}
	body := make([]byte, r.ReplyBytes)
	for i := range body {
		body[i] = 'r'
	}
	var wg sync.WaitGroup
	errs := make(chan error, r.N/r.PerConn+1)
	for first := 0; first < r.N; first += r.PerConn {
		names := make([]string, 0, r.PerConn)
		for i := first; i < min(first+r.PerConn, r.N); i++ {
			names = append(names, r.Prefix+strconv.Itoa(i))
		}
		wg.Go(func() {
			if err := r.serve(ctx, names, body); err != nil && ctx.Err() == nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// serve is one connection: subscribe once, answer for every name.
func (r Responders) serve(ctx context.Context, names []string, body []byte) error {
	c, err := r.Broker.Dial(ctx)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.MustDisconnect() })
	defer stop()
	sub, err := c.Subscribe(r.Destination, stomp.AckAuto)
	if err != nil {
		return fmt.Errorf("floor: subscribe: %w", err)
	}
	for m := range sub.C {
		if m.Err != nil {
			return m.Err
		}
		to := m.Header.Get("reply-to")
		for _, name := range names {
			err := c.Send(to, ContentType, body, stomp.SendOpt.Header("expiration", "70000"),
				stomp.SendOpt.Header("mc_sender", name))
			if err != nil {
				return fmt.Errorf("floor: reply: %w", err)
			}
		}
	}
	return nil
}

// Ping is one timed broadcast.
type Ping struct {
	Broker Broker
	// Destination is the broadcast destination, ReplyTo where replies
	// go. A /temp-queue/ reply-to is RabbitMQ's (and the embedded
	// broker's) temporary queue: nothing is subscribed, replies arrive
	// on the local channel of that name.
	Destination, ReplyTo string
	// RequestBytes is the body size of the broadcast.
	RequestBytes int
	// N replies are awaited, for at most Timeout.
	N       int
	Timeout time.Duration
}

// Result is what one Ping saw.
type Result struct {
	Got int `json:"got"`
	// First and Last are the times from send to the first and last reply.
	First time.Duration `json:"first_ns"`
	Last  time.Duration `json:"last_ns"`
}

// Run connects, subscribes to the replies, sends the broadcast and waits
// for N replies or the timeout.
func (p Ping) Run(ctx context.Context) (Result, error) {
	c, err := p.Broker.Dial(ctx)
	if err != nil {
		return Result{}, err
	}
	defer c.MustDisconnect()
	opts := []func(*frame.Frame) error{}
	if len(p.ReplyTo) > len("/temp-queue/") && p.ReplyTo[:len("/temp-queue/")] == "/temp-queue/" {
		opts = append(opts, stomp.SubscribeOpt.Header(stomp.ReplyToHeader, p.ReplyTo))
	}
	sub, err := c.Subscribe(p.ReplyTo, stomp.AckAuto, opts...)
	if err != nil {
		return Result{}, fmt.Errorf("floor: subscribe replies: %w", err)
	}
	body := make([]byte, p.RequestBytes)
	for i := range body {
		body[i] = 'q'
	}
	timer := time.NewTimer(p.Timeout)
	defer timer.Stop()
	start := time.Now()
	err = c.Send(p.Destination, ContentType, body, stomp.SendOpt.Header("reply-to", p.ReplyTo),
		stomp.SendOpt.Header("expiration", "70000"), stomp.SendOpt.Header("mc_sender", "floor-client"))
	if err != nil {
		return Result{}, fmt.Errorf("floor: send: %w", err)
	}
	var res Result
	for res.Got < p.N {
		select {
		case m := <-sub.C:
			if m.Err != nil {
				return res, m.Err
			}
			res.Last = time.Since(start)
			if res.Got == 0 {
				res.First = res.Last
			}
			res.Got++
		case <-timer.C:
			return res, nil
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
	return res, nil
}

// quiet drops go-stomp's log lines.
type quiet struct{}

func (quiet) Debugf(string, ...interface{})   {}
func (quiet) Infof(string, ...interface{})    {}
func (quiet) Warningf(string, ...interface{}) {}
func (quiet) Errorf(string, ...interface{})   {}
func (quiet) Debug(string)                    {}
func (quiet) Info(string)                     {}
func (quiet) Warning(string)                  {}
func (quiet) Error(string)                    {}
