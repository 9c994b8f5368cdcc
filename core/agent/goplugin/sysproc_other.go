//go:build !linux

package goplugin

import "syscall"

// sysProcAttr has no parent-death signal outside Linux; plugins rely on
// sdk.Serve's parent watch there.
func sysProcAttr() *syscall.SysProcAttr { return nil }
