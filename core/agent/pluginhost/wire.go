package pluginhost

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// protocolVersion is the version of the messages below; the daemon refuses
// a host that says another.
const protocolVersion = 1

// maxMessage bounds one message, whichever way it goes.
const maxMessage = 64 << 20

// Message kinds; the package documentation says who sends which.
const (
	kindHello     = "hello"
	kindOpen      = "open"
	kindCall      = "call"
	kindCancel    = "cancel"
	kindReply     = "reply"
	kindHost      = "host"
	kindHostReply = "hostreply"
	kindLog       = "log"
)

// message is one message: its kind, the call it belongs to and its body.
type message struct {
	Kind string          `json:"k"`
	ID   uint64          `json:"id,omitempty"`
	Body json.RawMessage `json:"b,omitempty"`
}

// hello is the host's first message.
type hello struct {
	Version int `json:"version"`
	PID     int `json:"pid"`
}

// Spec describes one plugin agent for the host to serve.
type Spec struct {
	// Name is the agent's name; the plugin must serve an agent of that
	// name.
	Name string `json:"name"`
	// Path is the plugin executable.
	Path string `json:"path"`
	// Timeout bounds each call, normally the DDL's timeout; a request's
	// own deadline, if sooner, wins. Zero means goplugin's default.
	Timeout time.Duration `json:"timeout"`
	// MaxConcurrent bounds the agent's calls at once; zero means
	// goplugin's default.
	MaxConcurrent int `json:"max_concurrent,omitempty"`
	// IdleStop stops the plugin process once it has not been called for
	// this long; zero keeps it running.
	IdleStop time.Duration `json:"idle_stop,omitempty"`
}

// call is one action call.
type call struct {
	Agent      string          `json:"agent"`
	Action     string          `json:"action"`
	Data       json.RawMessage `json:"data"`
	CallerID   string          `json:"caller"`
	SenderID   string          `json:"sender"`
	RequestID  string          `json:"request"`
	Collective string          `json:"collective"`
	TTL        time.Duration   `json:"ttl"`
	// Budget is the time the caller still waits, from the message's
	// receipt.
	Budget time.Duration `json:"budget"`
}

// reply is a call's reply.
type reply struct {
	Status  int             `json:"status"`
	Message string          `json:"msg,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// hostCall is a call to one of the daemon's agent.Host methods: Arg is the
// fact name, configuration key or data plugin, Query the data query.
type hostCall struct {
	Method string `json:"method"`
	Arg    string `json:"arg,omitempty"`
	Query  string `json:"query,omitempty"`
}

// hostReply answers a hostCall: Value is the method's result, Found its
// second result where it has one, Error its error.
type hostReply struct {
	Value json.RawMessage `json:"value,omitempty"`
	Found bool            `json:"found,omitempty"`
	Error string          `json:"error,omitempty"`
}

// The agent.Host methods a hostCall names.
const (
	methodIdentity  = "identity"
	methodFact      = "fact"
	methodFacts     = "facts"
	methodClasses   = "classes"
	methodConfig    = "config"
	methodStats     = "stats"
	methodInventory = "inventory"
	methodDataQuery = "dataquery"
)

// logRecord is a log line of the host's.
type logRecord struct {
	Level int       `json:"level"`
	Msg   string    `json:"msg"`
	Attrs []logAttr `json:"attrs,omitempty"`
}

// logAttr is one key and value of a logRecord; groups are flattened into
// dotted keys.
type logAttr struct {
	Key   string `json:"k"`
	Value any    `json:"v"`
}

// sender writes messages; it is safe for concurrent use. Messages sent
// while others wait for the sender leave in one write: the last of the
// waiting senders flushes.
type sender struct {
	waiting atomic.Int32 // senders in send
	mu      sync.Mutex
	w       *bufio.Writer
	buf     []byte // the message being written
}

func newSender(w io.Writer) *sender { return &sender{w: bufio.NewWriterSize(w, 32<<10)} }

// send writes one message with body encoded as JSON (nil: no body). The
// envelope is written by hand around the encoded body, which
// json.Marshal would otherwise check and copy a second time.
func (s *sender) send(kind string, id uint64, body any) error {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode %s message: %w", kind, err)
		}
	}
	n := len(`{"k":"","id":,"b":}`) + len(kind) + 20 + len(b)
	if n > maxMessage {
		return fmt.Errorf("%s message of %d bytes is over the limit of %d", kind, n, maxMessage)
	}
	s.waiting.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf[:0], 0, 0, 0, 0)
	s.buf = append(s.buf, `{"k":"`...)
	s.buf = append(s.buf, kind...) // kinds are plain ASCII constants
	s.buf = append(s.buf, `","id":`...)
	s.buf = strconv.AppendUint(s.buf, id, 10)
	if b != nil {
		s.buf = append(s.buf, `,"b":`...)
		s.buf = append(s.buf, b...)
	}
	s.buf = append(s.buf, '}')
	binary.BigEndian.PutUint32(s.buf, uint32(len(s.buf)-4))
	_, err := s.w.Write(s.buf)
	if s.waiting.Add(-1) == 0 && err == nil {
		err = s.w.Flush()
	}
	if err != nil {
		return fmt.Errorf("send %s message: %w", kind, err)
	}
	return nil
}

// receive reads one message. io.EOF means the other side closed cleanly
// between messages.
func receive(r *bufio.Reader) (message, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return message{}, fmt.Errorf("read message length: %w", err)
		}
		return message{}, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxMessage {
		return message{}, fmt.Errorf("message of %d bytes is over the limit of %d", size, maxMessage)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return message{}, fmt.Errorf("read message of %d bytes: %w", size, noEOF(err))
	}
	var m message
	if err := json.Unmarshal(b, &m); err != nil {
		return message{}, fmt.Errorf("decode message: %w", err)
	}
	if m.Kind == "" {
		return message{}, fmt.Errorf("message without a kind: %.80q", b)
	}
	return m, nil
}

// noEOF turns an end of file inside a message into an unexpected one.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// decodeBody decodes m's body into v.
func decodeBody(m message, v any) error {
	if err := json.Unmarshal(m.Body, v); err != nil {
		return fmt.Errorf("decode %s message body: %w", m.Kind, err)
	}
	return nil
}
