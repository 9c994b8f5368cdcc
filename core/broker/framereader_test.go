package broker

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/go-stomp/stomp/v3/frame"
)

func TestFrameReader(t *testing.T) {
	long := strings.Repeat("v", maxHeaderBytes)
	many := strings.Repeat("h:v\n", maxHeaders+1)
	cases := []struct {
		name    string
		in      string
		command string // "" for a heart-beat
		headers map[string]string
		body    string
		err     error // nil: success; errAny: any error
	}{
		{name: "heart-beat", in: "\n"},
		{name: "heart-beat CRLF", in: "\r\n"},
		{name: "frame", in: "SEND\ndestination:/topic/x\n\nhello\x00",
			command: "SEND", headers: map[string]string{"destination": "/topic/x"}, body: "hello"},
		{name: "CRLF lines", in: "SEND\r\ndestination:/topic/x\r\n\r\nhi\x00",
			command: "SEND", headers: map[string]string{"destination": "/topic/x"}, body: "hi"},
		{name: "escaped header", in: "SEND\na\\cb:c\\nd\\\\\n\n\x00",
			command: "SEND", headers: map[string]string{"a:b": "c\nd\\"}},
		{name: "value with colon", in: "SEND\nselector:a:b\n\n\x00",
			command: "SEND", headers: map[string]string{"selector": "a:b"}},
		{name: "binary body by content-length", in: "SEND\ncontent-length:3\n\n\x04\x00\x08\x00",
			command: "SEND", headers: map[string]string{"content-length": "3"}, body: "\x04\x00\x08"},
		{name: "Ruby's captured CONNECT", in: "CONNECT\naccept-version:1.0\nhost:/\nlogin:mcollective\npasscode:secret\ncontent-length:0\ncontent-type:text/plain; charset=UTF-8\n\n\x00",
			command: "CONNECT", headers: map[string]string{"accept-version": "1.0", "host": "/", "login": "mcollective",
				"passcode": "secret", "content-length": "0", "content-type": "text/plain; charset=UTF-8"}},
		{name: "server command", in: "MESSAGE\n\n\x00", err: frame.ErrInvalidCommand},
		{name: "unknown command", in: "HELLO\n\n\x00", err: frame.ErrInvalidCommand},
		{name: "header without colon", in: "SEND\nnocolon\n\n\x00", err: frame.ErrInvalidFrameFormat},
		{name: "empty header name", in: "SEND\n:v\n\n\x00", err: frame.ErrInvalidFrameFormat},
		{name: "bad content-length", in: "SEND\ncontent-length:x\n\n\x00", err: frame.ErrInvalidFrameFormat},
		{name: "negative content-length", in: "SEND\ncontent-length:-1\n\n\x00", err: frame.ErrInvalidFrameFormat},
		{name: "no NUL after body", in: "SEND\ncontent-length:1\n\nab", err: frame.ErrInvalidFrameFormat},
		{name: "huge content-length", in: "SEND\ncontent-length:99999999999\n\n", err: errFrameTooLarge},
		{name: "header section too long", in: "SEND\nh:" + long + "\n\n\x00", err: errFrameTooLarge},
		{name: "too many headers", in: "SEND\n" + many + "\n\x00", err: errFrameTooLarge},
		{name: "truncated headers", in: "SEND\ndestination:/x", err: io.EOF},
		{name: "truncated body", in: "SEND\ncontent-length:10\n\nabc", err: io.ErrUnexpectedEOF},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	}
	for _, tc := range cases {
		for rname, wrap := range readers {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				f, err := newFrameReader(wrap(strings.NewReader(tc.in))).read()
				if tc.err != nil {
					if !errors.Is(err, tc.err) {
						t.Fatalf("err = %v, want %v", err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if tc.command == "" {
					if f != nil {
						t.Fatalf("got %s, want a heart-beat", f.Command)
					}
					return
				}
				if f.Command != tc.command || !bytes.Equal(f.Body, []byte(tc.body)) {
					t.Errorf("got %s %q, want %s %q", f.Command, f.Body, tc.command, tc.body)
				}
				if f.Header.Len() != len(tc.headers) {
					t.Errorf("%d headers, want %d", f.Header.Len(), len(tc.headers))
				}
				for k, v := range tc.headers {
					if got := f.Header.Get(k); got != v {
						t.Errorf("header %q = %q, want %q", k, got, v)
					}
				}
			})
		}
	}
}

// TestFrameReaderSequence reads frames back to back, as on a connection.
func TestFrameReaderSequence(t *testing.T) {
	in := "CONNECT\n\n\x00\n\nSEND\ncontent-length:2\n\nab\x00\nSUBSCRIBE\ndestination:/x\n\n\x00"
	fr := newFrameReader(iotest.OneByteReader(strings.NewReader(in)))
	var got []string
	for {
		f, err := fr.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if f == nil {
			got = append(got, "beat")
			continue
		}
		got = append(got, f.Command)
	}
	want := "CONNECT beat beat SEND beat SUBSCRIBE"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}
