package lua

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"time"

	glua "github.com/yuin/gopher-lua"
)

const (
	// execOutputCap is how much of each of a program's stdout and stderr
	// mco.exec keeps; the rest is read and discarded.
	execOutputCap = 1 << 20
	// execWaitDelay is how long mco.exec waits for a program's output
	// pipes to close once it has exited or been killed: a background
	// grandchild holding them open does not hold up the action longer.
	execWaitDelay = time.Second
)

// execOptions are mco.exec's options.
type execOptions struct {
	timeout time.Duration
	env     []string
	dir     string
	stdin   *string
}

// execResult is what mco.exec returns.
type execResult struct {
	stdout, stderr string
	exitCode       int
	truncated      bool
	err            string // why the program did not start or was killed
}

// exec is mco.exec(argv [, opts]).
func (s *state) exec(L *glua.LState) int {
	argv := execArgv(L, L.CheckTable(1))
	opts := execOpts(L, L.OptTable(2, nil))
	ctx := L.Context()
	if ctx == nil {
		L.RaiseError("mco.exec: no deadline to run under")
	}
	res := runCommand(ctx, argv, opts)
	t := L.CreateTable(0, 5)
	t.RawSetString("stdout", glua.LString(res.stdout))
	t.RawSetString("stderr", glua.LString(res.stderr))
	t.RawSetString("exitcode", glua.LNumber(res.exitCode))
	if res.truncated {
		t.RawSetString("truncated", glua.LTrue)
	}
	if res.err != "" {
		t.RawSetString("error", glua.LString(res.err))
	}
	L.Push(t)
	return 1
}

// execArgv reads the argv list: strings or numbers, at least the program.
func execArgv(L *glua.LState, t *glua.LTable) []string {
	n := t.Len()
	if n == 0 {
		L.ArgError(1, "argv must list the program and its arguments")
	}
	argv := make([]string, n)
	for i := range n {
		switch v := t.RawGetInt(i + 1).(type) {
		case glua.LString, glua.LNumber:
			argv[i] = v.String()
		default:
			L.ArgError(1, fmt.Sprintf("argv[%d] is a %s, not a string", i+1, v.Type()))
		}
	}
	if argv[0] == "" {
		L.ArgError(1, "argv[1], the program, is empty")
	}
	return argv
}

// execOpts reads the options table; an unknown key is an error.
func execOpts(L *glua.LState, t *glua.LTable) execOptions {
	var o execOptions
	if t == nil {
		return o
	}
	t.ForEach(func(k, v glua.LValue) {
		switch k.String() {
		case "timeout":
			n, ok := v.(glua.LNumber)
			if !ok || n <= 0 || math.IsInf(float64(n), 0) || math.IsNaN(float64(n)) {
				L.ArgError(2, "timeout must be a positive number of seconds")
			}
			o.timeout = time.Duration(float64(n) * float64(time.Second))
		case "env":
			o.env = execEnv(L, v)
		case "dir":
			dir, ok := v.(glua.LString)
			if !ok {
				L.ArgError(2, "dir must be a string")
			}
			o.dir = string(dir)
		case "stdin":
			in, ok := v.(glua.LString)
			if !ok {
				L.ArgError(2, "stdin must be a string")
			}
			str := string(in)
			o.stdin = &str
		default:
			L.ArgError(2, fmt.Sprintf("unknown option %q (timeout, env, dir, stdin)", k.String()))
		}
	})
	return o
}

// execEnv reads env = {NAME = "value"} as NAME=value entries.
func execEnv(L *glua.LState, v glua.LValue) []string {
	t, ok := v.(*glua.LTable)
	if !ok {
		L.ArgError(2, "env must be a table of names and values")
	}
	var env []string
	t.ForEach(func(k, v glua.LValue) {
		name, ok := k.(glua.LString)
		if !ok || name == "" || strings.ContainsAny(string(name), "=\x00") {
			L.ArgError(2, fmt.Sprintf("env name %s is not a variable name", k))
		}
		switch v.(type) {
		case glua.LString, glua.LNumber, glua.LBool:
		default:
			L.ArgError(2, fmt.Sprintf("env %s is a %s, not a string", name, v.Type()))
		}
		env = append(env, string(name)+"="+v.String())
	})
	return env
}

// runCommand runs argv without a shell, bounded by ctx and o.timeout.
func runCommand(ctx context.Context, argv []string, o execOptions) execResult {
	action := ctx
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), "LC_ALL=C"), o.env...)
	cmd.Dir = o.dir
	if o.stdin != nil {
		cmd.Stdin = strings.NewReader(*o.stdin)
	}
	stdout, stderr := &capped{max: execOutputCap}, &capped{max: execOutputCap}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = execWaitDelay
	killGroup(cmd)

	err := cmd.Run()
	res := execResult{
		stdout:    stdout.String(),
		stderr:    stderr.String(),
		truncated: stdout.dropped || stderr.dropped,
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		res.exitCode = -1
		res.err = "killed: " + stopReason(action, o.timeout)
		if cmd.Process == nil {
			res.err = "not started: " + stopReason(action, o.timeout)
		}
	case cmd.ProcessState != nil && cmd.ProcessState.Exited():
		res.exitCode = cmd.ProcessState.ExitCode() // non-zero, or exec.ErrWaitDelay
	default:
		res.exitCode = -1
		res.err = err.Error()
	}
	return res
}

// stopReason says why a program was stopped: the action's context, else
// the program's own timeout.
func stopReason(action context.Context, timeout time.Duration) string {
	switch {
	case errors.Is(context.Cause(action), context.DeadlineExceeded):
		return "the action's deadline passed"
	case action.Err() != nil:
		return "the action was cancelled"
	}
	return fmt.Sprintf("timed out after %s", timeout)
}

// capped keeps the first max bytes written to it and drops the rest.
type capped struct {
	strings.Builder
	max     int
	dropped bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.Len()
	if len(p) > room {
		c.dropped = true
		c.Builder.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.Builder.Write(p)
}
