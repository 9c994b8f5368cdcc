package scaffold

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedAgentsPassTheirTests generates an agent of each language
// inside this module and runs its generated test with go test.
func TestGeneratedAgentsPassTheirTests(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on generated code")
	}
	root, err := os.MkdirTemp(".", "_gen-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	for _, lang := range []Lang{Lua, Go} {
		t.Run(string(lang), func(t *testing.T) {
			name := "hello_" + string(lang)
			files, err := Generate(root, Options{Name: name, Lang: lang, Author: "ops"})
			if err != nil {
				t.Fatal(err)
			}
			want := map[Lang][]string{Lua: {name + ".ddl", name + ".lua", name + "_test.go", "README.md"},
				Go: {name + ".ddl", "main.go", name + ".go", name + "_test.go", "README.md"}}[lang]
			if len(files) != len(want) {
				t.Fatalf("generated %v, want %v", files, want)
			}
			for i, f := range files {
				if filepath.Base(f) != want[i] {
					t.Fatalf("generated %v, want %v", files, want)
				}
			}
			pkg := "./" + filepath.ToSlash(filepath.Join(root, name))
			out, err := exec.Command("go", "test", "-count=1", pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go test %s: %v\n%s", pkg, err, out)
			}
			if lang == Go {
				out, err := exec.Command("go", "vet", pkg).CombinedOutput()
				if err != nil {
					t.Fatalf("go vet %s: %v\n%s", pkg, err, out)
				}
			}
		})
	}
}

func TestGenerateRefuses(t *testing.T) {
	dir := t.TempDir()
	cases := []Options{
		{Name: "Bad-Name", Lang: Lua},
		{Name: "1st", Lang: Go},
		{Name: "ok", Lang: "ruby"},
	}
	for _, o := range cases {
		if _, err := Generate(dir, o); err == nil {
			t.Errorf("Generate(%+v) succeeded", o)
		}
	}
	if _, err := Generate(dir, Options{Name: "twice", Lang: Lua}); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(dir, Options{Name: "twice", Lang: Lua}); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("overwrote an agent: %v", err)
	}
}
