package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runMco runs the command tree with a libdir holding the rpcutil DDL as
// the shipped libdir.
func runMco(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	lib := t.TempDir()
	src, err := os.ReadFile("../../plugins/rpcutil/rpcutil.ddl")
	if err != nil {
		t.Fatal(err)
	}
	agentDir := filepath.Join(lib, "mcollective", "agent")
	if err := os.MkdirAll(agentDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(agentDir, "rpcutil.ddl"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "MARIONETTE_LIBDIR" {
			return lib
		}
		return ""
	}
	code := Execute(context.Background(), IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv}, args)
	return out.String(), errb.String(), code
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out, errs, code := runMco(t, "completion", shell)
		if code != 0 || len(out) < 1000 || !strings.Contains(out, "mco") {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, len(out), errs)
		}
	}
	// the scripts ask mco for candidates: agent names come from the DDLs
	for _, args := range [][]string{{"__complete", "help", ""}, {"__complete", "plugin", "doc", ""}} {
		if out, _, _ := runMco(t, args...); !strings.Contains(out, "rpcutil") {
			t.Errorf("%v offers no rpcutil:\n%s", args, out)
		}
	}
	if _, _, code := runMco(t, "completion", "tcsh"); code != ExitUsage {
		t.Errorf("completion tcsh: exit %d", code)
	}
	if _, _, code := runMco(t, "completion"); code != ExitUsage {
		t.Errorf("completion without a shell: exit %d", code)
	}
}

func TestHelpAndPluginDoc(t *testing.T) {
	out, _, code := runMco(t, "help")
	if code != 0 || !strings.HasPrefix(out, "The Marionette Collective version ") ||
		!strings.Contains(out, "\n  facts           Reports on usage for a specific fact\n") ||
		!strings.Contains(out, "\n  inventory       General reporting tool") {
		t.Errorf("help (exit %d):\n%s", code, out)
	}
	out, _, code = runMco(t, "help", "find")
	if code != 0 || !strings.Contains(out, "mco find") {
		t.Errorf("help find (exit %d):\n%s", code, out)
	}
	out, _, code = runMco(t, "help", "rpcutil")
	doc, _, _ := runMco(t, "plugin", "doc", "agent/rpcutil")
	if code != 0 || !strings.HasPrefix(out, "rpcutil\n=======\n") || !strings.Contains(out, "   get_fact action:\n") || doc != out {
		t.Errorf("help rpcutil (exit %d):\n%s\nplugin doc agent/rpcutil:\n%s", code, out, doc)
	}
	if _, _, code = runMco(t, "help", "nosuchthing"); code != ExitUsage {
		t.Errorf("help nosuchthing: exit %d", code)
	}
	out, _, code = runMco(t, "plugin", "doc")
	for _, s := range []string{"Agents:\n", "Aggregate:\n", "Connectors:\n", "Data Queries:\n", "Discovery Methods:\n", "Validator Plugins:\n",
		"  mc                        MCollective Broadcast based discovery\n"} {
		if code != 0 || !strings.Contains(out, s) {
			t.Errorf("plugin doc lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "Plugin Load Errors") {
		t.Errorf("built-in plugins fail to load:\n%s", out)
	}
	out, _, code = runMco(t, "plugin", "doc", "discovery/stdin")
	if code != 0 || !strings.Contains(out, "DISCOVERY METHOD CAPABILITIES:\n      Filter based on mcollective identity\n") {
		t.Errorf("plugin doc discovery/stdin (exit %d):\n%s", code, out)
	}
	if _, errs, code := runMco(t, "plugin", "doc", "nosuch"); code != 1 || !strings.Contains(errs, "could not find a plugin named 'nosuch'") {
		t.Errorf("plugin doc nosuch: exit %d, %q", code, errs)
	}
	if _, _, code := runMco(t, "plugin", "package", "x"); code != ExitUsage {
		t.Errorf("plugin package: exit %d", code)
	}
}
