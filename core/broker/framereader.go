package broker

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-stomp/stomp/v3/frame"
)

// Limits on what a client may send in one frame. go-stomp's frame.Reader
// has none (it allocates whatever content-length says, before the client
// has even authenticated), so the broker reads client frames itself.
const (
	maxHeaderBytes = 64 << 10 // command and header lines together
	maxHeaders     = 256
	maxBody        = 32 << 20
)

// errFrameTooLarge reports a frame over the limits above.
var errFrameTooLarge = errors.New("broker: frame too large")

// unescape decodes STOMP 1.1+ header escapes. go-stomp decodes them for
// every version; so does this, so that go-stomp sees the same values.
var unescape = strings.NewReplacer(`\r`, "\r", `\n`, "\n", `\c`, ":", `\\`, `\`)

// frameReader reads client frames within the limits.
type frameReader struct {
	r *bufio.Reader
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 4096)}
}

// read returns the next frame, or nil for a heart-beat.
func (fr *frameReader) read() (*frame.Frame, error) {
	budget := maxHeaderBytes
	line, err := fr.line(&budget)
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, nil
	}
	f := frame.New(string(line))
	switch f.Command {
	case frame.CONNECT, frame.STOMP, frame.SEND, frame.SUBSCRIBE, frame.UNSUBSCRIBE,
		frame.ACK, frame.NACK, frame.BEGIN, frame.COMMIT, frame.ABORT, frame.DISCONNECT:
	default:
		return nil, fmt.Errorf("broker: unexpected command %.32q: %w", f.Command, frame.ErrInvalidCommand)
	}
	for n := 0; ; n++ {
		line, err := fr.line(&budget)
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			break
		}
		if n == maxHeaders {
			return nil, fmt.Errorf("more than %d headers: %w", maxHeaders, errFrameTooLarge)
		}
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok || len(k) == 0 {
			return nil, frame.ErrInvalidFrameFormat
		}
		f.Header.Add(unescape.Replace(string(k)), unescape.Replace(string(v)))
	}
	f.Body, err = fr.body(f)
	return f, err
}

// line reads one line without its LF or CRLF, charging it to budget.
func (fr *frameReader) line(budget *int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := fr.r.ReadSlice('\n')
		if len(line)+len(chunk) > *budget {
			return nil, fmt.Errorf("header section over %d bytes: %w", maxHeaderBytes, errFrameTooLarge)
		}
		line = append(line, chunk...)
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
	*budget -= len(line)
	line = bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'})
	return line, nil
}

// body reads the body, by content-length if there is one, else up to the
// NUL, and the NUL that ends the frame.
func (fr *frameReader) body(f *frame.Frame) ([]byte, error) {
	if cl, ok := f.Header.Contains(frame.ContentLength); ok {
		n, err := strconv.Atoi(strings.TrimSpace(cl))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("content-length %.32q: %w", cl, frame.ErrInvalidFrameFormat)
		}
		if n > maxBody {
			return nil, fmt.Errorf("content-length %d over %d: %w", n, maxBody, errFrameTooLarge)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(fr.r, body); err != nil {
			return nil, err
		}
		if b, err := fr.r.ReadByte(); err != nil {
			return nil, err
		} else if b != 0 {
			return nil, frame.ErrInvalidFrameFormat
		}
		return body, nil
	}
	var body []byte
	for {
		chunk, err := fr.r.ReadSlice(0)
		if len(body)+len(chunk) > maxBody+1 {
			return nil, fmt.Errorf("body over %d bytes: %w", maxBody, errFrameTooLarge)
		}
		body = append(body, chunk...)
		if err == nil {
			return body[:len(body)-1], nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}
