//go:build !linux

package child

import "syscall"

// ProcAttr has no parent-death signal outside Linux; children watch their
// parent instead (sdk.Serve, the plugin host's request pipe).
func ProcAttr() *syscall.SysProcAttr { return nil }
