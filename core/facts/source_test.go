package facts

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/config"
)

// running starts src.Run and stops it when the test ends.
func running(t *testing.T, src *Source) {
	t.Helper()
	src.debounce = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := src.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	// Give Run a moment to add its watches before the test writes.
	time.Sleep(50 * time.Millisecond)
}

// eventually waits up to five seconds for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func fact(src *Source, name string) any {
	v, _ := src.Snapshot().Lookup(name)
	return v
}

func hasClass(src *Source, c string) bool {
	for _, x := range src.Snapshot().Classes() {
		if x == c {
			return true
		}
	}
	return false
}

func TestReload(t *testing.T) {
	tests := []struct {
		name   string
		update func(t *testing.T, dir, file string)
	}{
		{"write in place", func(t *testing.T, dir, file string) {
			write(t, dir, filepath.Base(file), "role: db\n")
		}},
		{"rename over", func(t *testing.T, dir, file string) {
			tmp := write(t, dir, ".facts.yaml.tmp", "role: db\n")
			if err := os.Rename(tmp, file); err != nil {
				t.Fatal(err)
			}
		}},
		{"remove and create", func(t *testing.T, dir, file string) {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
			write(t, dir, filepath.Base(file), "role: db\n")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := write(t, dir, "facts.yaml", "role: web\n")
			src, err := New(config.Facts{YAMLFiles: []string{file}, CacheTime: time.Hour}, nil)
			if err != nil {
				t.Fatal(err)
			}
			running(t, src)
			before := src.Snapshot()
			tc.update(t, dir, file)
			eventually(t, "role=db", func() bool { return fact(src, "role") == "db" })
			if v, _ := before.Lookup("role"); v != "web" {
				t.Errorf("old snapshot changed: role = %v", v)
			}
		})
	}
}

func TestReloadClasses(t *testing.T) {
	dir := t.TempDir()
	classes := filepath.Join(dir, "classes.txt")
	src, err := New(config.Facts{ClassesFile: classes, CacheTime: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	running(t, src)
	write(t, dir, "classes.txt", "roles::web\n")
	eventually(t, "class roles::web", func() bool { return hasClass(src, "roles::web") })
	if err := os.Remove(classes); err != nil {
		t.Fatal(err)
	}
	eventually(t, "no classes", func() bool { return len(src.Snapshot().Classes()) == 0 })
}

func TestBrokenReloadKeepsOld(t *testing.T) {
	dir := t.TempDir()
	file := write(t, dir, "facts.yaml", "role: web\n")
	classes := write(t, dir, "classes.txt", "base\n")
	src, err := New(config.Facts{YAMLFiles: []string{file}, ClassesFile: classes, CacheTime: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	running(t, src)

	// A broken facts file keeps the old facts while classes still update.
	write(t, dir, "facts.yaml", "role: [db\n")
	write(t, dir, "classes.txt", "base\nnew\n")
	eventually(t, "class new", func() bool { return hasClass(src, "new") })
	if v := fact(src, "role"); v != "web" {
		t.Fatalf("role = %v after a broken reload, want web", v)
	}

	// Emptied facts (Ruby: "Got empty facts") also keep the old ones.
	write(t, dir, "facts.yaml", "")
	write(t, dir, "classes.txt", "base\nnewer\n")
	eventually(t, "class newer", func() bool { return hasClass(src, "newer") })
	if v := fact(src, "role"); v != "web" {
		t.Fatalf("role = %v after an empty reload, want web", v)
	}

	// Once fixed, the new facts load.
	write(t, dir, "facts.yaml", "role: db\n")
	eventually(t, "role=db", func() bool { return fact(src, "role") == "db" })
}

// TestCheckByStat covers the fact_cache_time fallback: without any
// notification, check notices a changed file from its stat data.
func TestCheckByStat(t *testing.T) {
	dir := t.TempDir()
	file := write(t, dir, "facts.yaml", "role: web\n")
	src, err := New(config.Facts{YAMLFiles: []string{file}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src.check(false)
	if v := fact(src, "role"); v != "web" {
		t.Fatalf("role = %v", v)
	}
	write(t, dir, "facts.yaml", "role: database\n")
	src.check(false)
	if v := fact(src, "role"); v != "database" {
		t.Fatalf("role = %v after check, want database", v)
	}
}

func TestPolling(t *testing.T) {
	dir := t.TempDir()
	file := write(t, dir, "facts.yaml", "role: web\n")
	src, err := New(config.Facts{YAMLFiles: []string{file}, CacheTime: 30 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A debounce longer than the test means only the ticker can reload.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	src.debounce = time.Hour
	go func() { done <- src.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	write(t, dir, "facts.yaml", "role: db\n")
	eventually(t, "role=db", func() bool { return fact(src, "role") == "db" })
}
