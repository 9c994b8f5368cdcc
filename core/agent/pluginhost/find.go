package pluginhost

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Executable is the plugin host's file name.
const Executable = "mcollectived-plugins"

// EnvPath names the environment variable that overrides where the plugin
// host is.
const EnvPath = "MARIONETTE_PLUGIN_HOST"

// Find locates the plugin host: $MARIONETTE_PLUGIN_HOST, else
// mcollectived-plugins beside the running executable (symbolic links
// followed), else in PATH.
func Find(getenv func(string) string) (string, error) {
	if p := getenv(EnvPath); p != "" {
		if err := isExecutable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvPath, p, err)
		}
		return p, nil
	}
	var looked []string
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		p := filepath.Join(filepath.Dir(exe), Executable)
		if isExecutable(p) == nil {
			return p, nil
		}
		looked = append(looked, filepath.Dir(exe))
	}
	if p, err := exec.LookPath(Executable); err == nil {
		return p, nil
	}
	looked = append(looked, "PATH")
	return "", fmt.Errorf("the plugin host %s is in none of %v (set %s to its path)", Executable, looked, EnvPath)
}

func isExecutable(p string) error {
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		return err
	case fi.IsDir() || fi.Mode()&0o111 == 0:
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}
