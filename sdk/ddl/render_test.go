package ddl

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("Doc() differs from %s\n%s", golden, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return "line " + itoa(i+1) + ":\n want: " + quote(wl) + "\n  got: " + quote(gl)
		}
	}
	return "(identical lines, different line endings)"
}

func itoa(i int) string     { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i%10))) }
func quote(s string) string { return "\"" + s + "\"" }

// TestDocGolden renders the fixtures and compares with the text Ruby
// MCollective 2.12.5's `mco plugin doc` printed for them.
func TestDocGolden(t *testing.T) {
	tests := []struct {
		file, golden string
	}{
		{"testdata/agent/pkgmgr.ddl", "testdata/golden/agent_pkgmgr.txt"},
		{"testdata/agent/svcctl.ddl", "testdata/golden/agent_svcctl.txt"},
		{"testdata/agent/runner.ddl", "testdata/golden/agent_runner.txt"},
		{"testdata/data/pkginfo_data.ddl", "testdata/golden/data_pkginfo.txt"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			d, err := ParseFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, d.Doc())
		})
	}
}
