package data_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/filter/data"
)

func TestFact(t *testing.T) {
	snap := facts.NewSnapshot(map[string]any{
		"role": "web", "rank": 1, "ips": []any{"10.0.0.1", "10.0.0.2"},
		"os":         map[string]any{"family": "Debian", "release": map[string]any{"major": 12}},
		"dotted.key": "x",
	}, nil)
	missing := map[string]any{"exists": false, "value": false, "value_encoding": false}
	tests := []struct {
		query   string
		want    map[string]any
		wantErr bool
	}{
		{query: "role", want: map[string]any{"exists": true, "value": "web", "value_encoding": "text/plain"}},
		{query: "rank", want: map[string]any{"exists": true, "value": "1", "value_encoding": "text/plain"}},
		{query: "os.family", want: map[string]any{"exists": true, "value": "Debian", "value_encoding": "text/plain"}},
		{query: "os.release", want: map[string]any{"exists": true, "value": `{"major":"12"}`, "value_encoding": "application/json"}},
		{query: "ips", want: map[string]any{"exists": true, "value": `["10.0.0.1","10.0.0.2"]`, "value_encoding": "application/json"}},
		{query: "ips.1", want: map[string]any{"exists": true, "value": "10.0.0.2", "value_encoding": "text/plain"}},
		{query: "ips.-2", want: map[string]any{"exists": true, "value": "10.0.0.1", "value_encoding": "text/plain"}},
		{query: "ips.2", want: missing},
		{query: "ips.x", wantErr: true},
		{query: "ips.-3", wantErr: true},
		{query: "role.x", want: missing},
		{query: "nope", want: missing},
		{query: "dotted.key", want: missing}, // Ruby splits the path on every dot
		{query: "", wantErr: true},
		{query: strings.Repeat("a", 257), wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got, err := data.Fact{Facts: snap}.Query(context.Background(), tc.query)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Query(%q) error = %v, want error %v", tc.query, err, tc.wantErr)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Query(%q) = %v, want %v", tc.query, got, tc.want)
			}
		})
	}
}

type catalog map[string]data.AgentMeta

func (c catalog) AgentMeta(name string) (data.AgentMeta, bool) {
	m, ok := c[name]
	return m, ok
}

func TestAgent(t *testing.T) {
	a := data.Agent{Agents: catalog{"rpcutil": {License: "ASL", Timeout: 2, Version: "1.0"}}}
	got, err := a.Query(context.Background(), "rpcutil")
	if err != nil {
		t.Fatal(err)
	}
	if got["agent"] != "rpcutil" || got["timeout"] != 2 || got["version"] != "1.0" || got["license"] != "ASL" {
		t.Errorf("Query = %v", got)
	}
	for _, q := range []string{"nope", "rpc-util", "", strings.Repeat("a", 21)} {
		if _, err := a.Query(context.Background(), q); err == nil {
			t.Errorf("Query(%q) succeeded", q)
		}
	}
	if _, err := a.Query(context.Background(), "nope"); !errors.Is(err, data.ErrNoAgent) {
		t.Errorf("unknown agent: %v, want ErrNoAgent", err)
	}
	if _, err := a.Query(context.Background(), "rpc-util"); !errors.Is(err, data.ErrInvalidQuery) {
		t.Errorf("bad name: %v, want ErrInvalidQuery", err)
	}
}

func TestCollective(t *testing.T) {
	c := data.Collective{Collectives: []string{"mcollective", "eu"}}
	for q, want := range map[string]bool{"eu": true, "us": false} {
		got, err := c.Query(context.Background(), q)
		if err != nil || got["member"] != want {
			t.Errorf("Query(%q) = %v, %v; want member %v", q, got, err, want)
		}
	}
	if _, err := c.Query(context.Background(), ""); err == nil {
		t.Error("empty collective accepted")
	}
}

func TestFstat(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hello.txt")
	content := []byte("hello marionette\n")
	if err := os.WriteFile(file, content, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	mtime := time.Date(2024, 3, 1, 12, 30, 45, 0, time.Local)
	if err := os.Chtimes(file, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "gone"), dangling); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(content)
	now := mtime.Add(time.Hour)
	fs := data.Fstat{Now: func() time.Time { return now }}

	tests := []struct {
		name  string
		query string
		want  map[string]any
	}{
		{"file", file, map[string]any{
			"name": file, "output": "present", "present": 1, "type": "file", "mode": "100640",
			"size": int64(len(content)), "md5": hex.EncodeToString(sum[:]),
			"mtime": "2024-03-01 12:30:45", "mtime_seconds": mtime.Unix(), "mtime_age": int64(3600),
		}},
		{"directory", dir, map[string]any{"output": "present", "type": "directory", "md5": 0}},
		{"symlink", link, map[string]any{"type": "symlink", "md5": 0, "present": 1}},
		{"dangling symlink", dangling, map[string]any{"output": "not present", "present": 0, "type": "unknown"}},
		{"missing", filepath.Join(dir, "missing"), map[string]any{
			"output": "not present", "present": 0, "type": "unknown", "mode": "0000",
			"size": 0, "md5": 0, "mtime": 0, "mtime_seconds": 0,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fs.Query(context.Background(), tc.query)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				if got[k] != want {
					t.Errorf("%s = %#v, want %#v", k, got[k], want)
				}
			}
			if got["present"] == 0 {
				if _, ok := got["mtime_age"]; ok {
					t.Error("a missing file has mtime_age")
				}
			}
		})
	}
	for _, q := range []string{"", strings.Repeat("a", 121)} {
		if _, err := fs.Query(context.Background(), q); !errors.Is(err, data.ErrInvalidQuery) {
			t.Errorf("Query(%q) error = %v, want ErrInvalidQuery", q, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fs.Query(ctx, file); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled md5: %v, want context.Canceled", err)
	}
}

func TestBuiltins(t *testing.T) {
	b := data.Builtins(nil, nil, nil)
	for _, name := range []string{"fact", "agent", "collective", "fstat"} {
		if b[name] == nil {
			t.Errorf("no %s data source", name)
		}
	}
	if got, err := b["fact"].Query(context.Background(), "x"); err != nil || got["exists"] != false {
		t.Errorf("fact without facts = %v, %v", got, err)
	}
}
