//go:build !unix

package lua

import "os/exec"

// killGroup leaves cancellation to exec.CommandContext, which kills the
// program alone.
func killGroup(*exec.Cmd) {}
