package libdir

import (
	"os"
	"path/filepath"
)

// Shipped returns the libdir holding the agents shipped with Marionette
// (rpcutil, discovery, ...): $MARIONETTE_LIBDIR when set, else "libdir"
// beside the running executable. Like Ruby MCollective's own agents, which
// live in its library rather than in libdir, they are searched after the
// configured libdir.
func Shipped(getenv func(string) string) string {
	if d := getenv("MARIONETTE_LIBDIR"); d != "" {
		return d
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), "libdir")
}

// Search is the configured libdir followed by the shipped one (Shipped),
// each directory once, as the daemon and mco look for plugins.
func Search(configured []string, getenv func(string) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range append(append([]string(nil), configured...), Shipped(getenv)) {
		if d == "" {
			continue
		}
		key := filepath.Clean(d)
		if abs, err := filepath.Abs(d); err == nil {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}
