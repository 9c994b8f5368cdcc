package ddl

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
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
			return "line " + strconv.Itoa(i+1) + ":\n want: " + strconv.Quote(wl) + "\n  got: " + strconv.Quote(gl)
		}
	}
	return "(identical lines, different line endings)"
}

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

// TestAlignText compares with MCollective::Util.align_text(text, 80, 3) as
// Ruby 2.12.5 computes it; the last two cases make Ruby fail or loop and
// are left unwrapped here.
func TestAlignText(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"short", "short line", "   short line"},
		{"blank lines", "\n  indented\n\nlast\n\n", "   \n     indented\n   \n   last"},
		{"wraps onto new lines", strings.Repeat("word ", 40),
			"   word word word word word word word word word word word word word word word\n" +
				"   word word word word word word word word word word word word word word word\n" +
				"   word word word word word word word word word word "},
		{"exactly 80", "first line that is quite long and goes on and on past the eighty column limit ok\n\n   next",
			"   first line that is quite long and goes on and on past the eighty column limit ok\n   \n      next"},
		{"runes", strings.Repeat("héllo wörld ", 10),
			"   héllo wörld héllo wörld héllo wörld héllo wörld héllo wörld héllo wörld héllo\n   wörld héllo wörld héllo wörld héllo wörld "},
		{"no space", strings.Repeat("a", 100), "   " + strings.Repeat("a", 100)},
		{"long first word", "    " + strings.Repeat("x", 90) + " tail", "       " + strings.Repeat("x", 90) + " tail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := alignText(tt.text, 80, 3); got != tt.want {
				t.Errorf("alignText =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
