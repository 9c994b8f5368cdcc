// Package facts owns a node's facts and configuration-management classes:
// YAML fact files merged key by key (later files winning), the classes
// file, immutable snapshots of both, and their reload when the files
// change.
//
// Values keep their YAML types, read as YAML 1.2 (`yes` stays a string
// where Ruby's Psych reads true); String and Normalize render them as Ruby
// MCollective does, since Ruby turns every fact into a string. As in Psych,
// a duplicate key's last value wins, `<<` merges mappings (the earlier one
// of a merged list winning) and only the first document of a file is read.
package facts

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/marionette-mco/marionette/core/config"
)

// DefaultCacheTime is Ruby's fact_cache_time default: how often Run checks
// the files when no change notification has arrived.
const DefaultCacheTime = 300 * time.Second

// defaultDebounce is how long Run waits after the last change notification
// before reloading, so an editor's write-rename-chmod sequence reloads once.
const defaultDebounce = 200 * time.Millisecond

// Source loads facts and classes and keeps the current Snapshot; Run
// reloads it when the files change.
type Source struct {
	files    []string // YAML files, cleaned, in merge order
	classes  string   // classes file, cleaned; "" when none
	interval time.Duration
	debounce time.Duration
	log      *slog.Logger

	snap atomic.Pointer[Snapshot]

	mu     sync.Mutex // serialises reloads and guards stamps
	stamps map[string]stamp
}

// stamp is what a file looked like at the last load.
type stamp struct {
	info os.FileInfo // nil when the file did not exist
}

func (a stamp) same(b stamp) bool {
	if a.info == nil || b.info == nil {
		return a.info == nil && b.info == nil
	}
	return os.SameFile(a.info, b.info) && a.info.ModTime().Equal(b.info.ModTime()) &&
		a.info.Size() == b.info.Size()
}

// New reads the configured files once. A YAML file that does not parse, or
// whose top level is not a map, is an error naming the file and line
// (*FileError); a missing YAML file is logged and skipped, and a missing
// classes file means no classes. A nil log discards messages.
func New(cfg config.Facts, log *slog.Logger) (*Source, error) {
	if cfg.Source != "" && cfg.Source != "yaml" {
		return nil, fmt.Errorf("facts: unsupported factsource %q (only yaml)", cfg.Source)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Source{
		interval: cfg.CacheTime,
		debounce: defaultDebounce,
		log:      log,
		stamps:   map[string]stamp{},
	}
	if s.interval <= 0 {
		s.interval = DefaultCacheTime
	}
	for _, f := range cfg.YAMLFiles {
		s.files = append(s.files, filepath.Clean(f))
	}
	if cfg.ClassesFile != "" {
		s.classes = filepath.Clean(cfg.ClassesFile)
	}
	stamps := s.stat()
	facts, missing, err := loadFacts(s.files)
	if err != nil {
		return nil, fmt.Errorf("facts: load: %w", err)
	}
	classes, err := loadClasses(s.classes)
	if err != nil {
		return nil, fmt.Errorf("facts: load classes: %w", err)
	}
	for _, m := range missing {
		log.Warn("facts file missing, skipped", "file", m)
	}
	s.stamps = stamps
	s.snap.Store(&Snapshot{facts: facts, classes: classes})
	return s, nil
}

// Snapshot returns the current facts and classes; it never blocks.
func (s *Source) Snapshot() *Snapshot {
	return s.snap.Load()
}

// paths lists every watched file: the YAML files then the classes file.
func (s *Source) paths() []string {
	if s.classes == "" {
		return s.files
	}
	return append(slices.Clone(s.files), s.classes)
}

// stat records how every watched file looks now.
func (s *Source) stat() map[string]stamp {
	out := make(map[string]stamp, len(s.files)+1)
	for _, p := range s.paths() {
		info, err := os.Stat(p)
		if err != nil {
			info = nil
		}
		out[p] = stamp{info: info}
	}
	return out
}

// check reloads when force is set or when any file changed since the last
// load.
func (s *Source) check(force bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.stat()
	changed := force
	for p, st := range now {
		if !st.same(s.stamps[p]) {
			changed = true
		}
	}
	if !changed {
		return
	}
	// Remember what was seen even if the load fails, so a broken file is
	// reported once per change rather than at every poll.
	s.stamps = now
	s.reload()
}

// reload builds a new snapshot. Facts that fail to load, or that come back
// empty when there were some (Ruby's "Got empty facts"), keep the previous
// facts; classes are always taken from the file as it is now.
func (s *Source) reload() {
	old := s.snap.Load()
	next := &Snapshot{facts: old.facts, classes: old.classes}

	facts, missing, err := loadFacts(s.files)
	switch {
	case err != nil:
		s.log.Error("facts reload failed, keeping previous facts", "error", err)
	case len(facts) == 0 && len(old.facts) > 0:
		s.log.Error("facts reload found no facts, keeping previous facts", "missing", missing)
	default:
		for _, m := range missing {
			s.log.Warn("facts file missing, skipped", "file", m)
		}
		next.facts = facts
	}

	classes, err := loadClasses(s.classes)
	if err != nil {
		s.log.Error("classes reload failed, keeping previous classes", "error", err)
	} else {
		next.classes = classes
	}
	s.snap.Store(next)
	s.log.Debug("facts reloaded", "facts", len(next.facts), "classes", len(next.classes))
}

// Run watches the files' directories (editors replace files by rename, so
// the files themselves cannot be watched) and reloads shortly after a
// change; every fact_cache_time it also compares the files' stat data, in
// case a notification was missed or watching is impossible. Run returns
// nil when ctx is done.
func (s *Source) Run(ctx context.Context) error {
	events, errs, stop := s.watch()
	defer stop()

	ticker := time.NewTicker(s.interval)
	defer ticker.Stop()
	debounce := time.NewTimer(s.debounce)
	debounce.Stop()
	defer debounce.Stop()
	force := false

	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if slices.Contains(s.paths(), filepath.Clean(ev.Name)) {
				force = true
			}
			debounce.Reset(s.debounce)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			s.log.Warn("facts watcher error", "error", err)
		case <-debounce.C:
			s.check(force)
			force = false
		case <-ticker.C:
			s.check(false)
		}
	}
}

// watch starts an fsnotify watcher on every file's directory. When that is
// impossible it logs why and returns nil channels: Run then polls only.
func (s *Source) watch() (<-chan fsnotify.Event, <-chan error, func()) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		s.log.Warn("cannot watch facts files, polling only", "error", err, "interval", s.interval)
		return nil, nil, func() {}
	}
	seen := map[string]bool{}
	for _, p := range s.paths() {
		dir := filepath.Dir(p)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		if err := w.Add(dir); err != nil {
			s.log.Warn("cannot watch facts directory, polling it", "dir", dir, "error", err, "interval", s.interval)
		}
	}
	return w.Events, w.Errors, func() { _ = w.Close() }
}
