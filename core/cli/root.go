// Package cli is the mco command tree: MCollective's applications (ping,
// find, ...) with MCollective's flags, built on cobra. It parses flags,
// asks core/client for replies and prints them; it holds no protocol logic.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes beyond Ruby's halt codes 0-4.
const (
	// ExitUsage is returned for a command-line usage error.
	ExitUsage = 64
	// ExitFailure is returned for an error that stops the command, such
	// as an unreadable config or an unreachable broker.
	ExitFailure = 70
)

// ExitError carries the process exit code a command ends with.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// IO holds the streams and environment a command uses.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// NewRoot returns the mco command tree.
func NewRoot(sio IO) *cobra.Command {
	root := &cobra.Command{
		Use:           "mco",
		Short:         "Marionette client: orchestrate a fleet over MCollective",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(sio.Stdout)
	root.SetErr(sio.Stderr)
	root.SetIn(sio.Stdin)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: err}
	})
	root.AddCommand(newPingCommand(sio), newFindCommand(sio))
	root.AddCommand(newFactsCommand(sio))
	root.AddCommand(newInventoryCommand(sio))
	root.AddCommand(newPluginCommand(sio))
	root.AddCommand(newCompletionCommand(sio))
	root.AddCommand(newRPCCommand(sio))
	root.SetHelpCommand(newHelpCommand(sio))
	return root
}

// Execute runs the command tree with args and returns the exit code,
// printing any error to stderr.
func Execute(ctx context.Context, sio IO, args []string) int {
	root := NewRoot(sio)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(sio.Stderr, "mco: %v\n", ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintf(sio.Stderr, "mco: %v\n", err)
	if isUsageError(err) {
		return ExitUsage
	}
	return ExitFailure
}
