package pluginhost

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func frame(payload string) string {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(payload)))
	return string(n[:]) + payload
}

func TestReceive(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		kind     string
		err      string
	}{
		{"a message", frame(`{"k":"reply","id":7,"b":{"status":0}}`), "reply", ""},
		{"clean end", "", "", "EOF"},
		{"end inside the length", "\x00\x00", "", "read message length: unexpected EOF"},
		{"end inside the message", frame(`{"k":"reply"}`)[:8], "", "read message of 13 bytes: unexpected EOF"},
		{"too long", "\xff\xff\xff\xff", "", "message of 4294967295 bytes is over the limit of 67108864"},
		{"not JSON", frame("junk!"), "", "decode message: invalid character 'j'"},
		{"no kind", frame(`{"id":1}`), "", `message without a kind: "{\"id\":1}"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := receive(bufio.NewReader(strings.NewReader(tc.in)))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || m.Kind != tc.kind {
				t.Fatalf("got %+v, %v", m, err)
			}
		})
	}
}

func TestSendReceiveRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	s := newSender(&buf)
	big := strings.Repeat("x", 1<<20)
	if err := s.send(kindReply, 9, reply{Status: 1, Message: big}); err != nil {
		t.Fatal(err)
	}
	if err := s.send(kindCancel, 10, nil); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(&buf)
	m, err := receive(r)
	var rep reply
	if err != nil || m.ID != 9 || decodeBody(m, &rep) != nil || rep.Message != big {
		t.Fatalf("first message: %v %d", err, m.ID)
	}
	if m, err := receive(r); err != nil || m.Kind != kindCancel || m.ID != 10 || m.Body != nil {
		t.Fatalf("second message: %+v %v", m, err)
	}
	if _, err := receive(r); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last message: %v", err)
	}
}

func FuzzReceive(f *testing.F) {
	f.Add([]byte(frame(`{"k":"reply","id":7,"b":{"status":0,"data":{"a":1}}}`)))
	f.Add([]byte(frame(`{"k":"log","b":{"level":4,"msg":"x","attrs":[{"k":"a","v":1}]}}`)))
	f.Add([]byte("\x00\x00\x00\x02{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for range 16 {
			m, err := receive(r)
			if err != nil {
				return
			}
			var rep reply
			var rec logRecord
			_ = decodeBody(m, &rep)
			_ = decodeBody(m, &rec)
		}
	})
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "host")
	plain := filepath.Join(dir, "plain")
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(plain, []byte("x"), 0o644)
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvPath {
				return v
			}
			return ""
		}
	}
	if p, err := Find(env(exe)); err != nil || p != exe {
		t.Errorf("override: %q %v", p, err)
	}
	for _, bad := range []string{plain, dir, filepath.Join(dir, "none")} {
		if _, err := Find(env(bad)); err == nil || !strings.Contains(err.Error(), EnvPath+"="+bad) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	t.Setenv("PATH", dir)
	if _, err := Find(env("")); err == nil || !strings.Contains(err.Error(), "the plugin host mcollectived-plugins is in none of") {
		t.Errorf("missing: %v", err)
	}
	os.WriteFile(filepath.Join(dir, Executable), []byte("#!/bin/sh\n"), 0o755)
	if p, err := Find(env("")); err != nil || p != filepath.Join(dir, Executable) {
		t.Errorf("in PATH: %q %v", p, err)
	}
}
