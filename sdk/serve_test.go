package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchParent(t *testing.T) {
	var ppid atomic.Int64
	ppid.Store(100)
	gone := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watchParent(ctx, 100, func() int { return int(ppid.Load()) }, time.Millisecond, func() { close(gone) })

	select {
	case <-gone:
		t.Fatal("gone called while the parent is there")
	case <-time.After(20 * time.Millisecond):
	}
	ppid.Store(1) // adopted by init
	select {
	case <-gone:
	case <-time.After(time.Second):
		t.Fatal("gone not called after the parent changed")
	}
}

func TestWatchParentStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		watchParent(ctx, 100, func() int { return 100 }, time.Millisecond, func() { t.Error("gone called") })
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("watchParent did not return")
	}
}

// TestLogHandlerWritesHCLogJSON checks the fields go-plugin's host reads
// from a plugin's stderr: @level, @message and @timestamp in hclog's
// format.
func TestLogHandlerWritesHCLogJSON(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug - 4, "trace"},
		{slog.LevelDebug, "debug"},
		{slog.LevelInfo, "info"},
		{slog.LevelWarn, "warn"},
		{slog.LevelError, "error"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(newLogHandler(&buf)).Log(context.Background(), tc.level, "hello", "n", 7, slog.Group("g", "k", "v"))
			var m map[string]any
			if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
				t.Fatalf("%s: %v", buf.Bytes(), err)
			}
			if m["@level"] != tc.want || m["@message"] != "hello" || m["n"] != 7.0 {
				t.Errorf("line %s", buf.Bytes())
			}
			if _, err := time.Parse("2006-01-02T15:04:05.000000Z07:00", m["@timestamp"].(string)); err != nil {
				t.Errorf("timestamp: %v", err)
			}
			if g, _ := m["g"].(map[string]any); g["k"] != "v" {
				t.Errorf("group lost: %s", buf.Bytes())
			}
		})
	}
}
