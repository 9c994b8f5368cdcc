package pluginhost

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/core/child"
	"github.com/marionette-mco/marionette/sdk/value"
)

// startTimeout bounds how long a host may take to say hello.
const startTimeout = 10 * time.Second

// stopGrace is how long a host that was asked to stop may take to close
// its plugins and exit before it is killed.
const stopGrace = 5 * time.Second

// instance is one running plugin host process.
type instance struct {
	cmd    *exec.Cmd
	pid    int
	out    *sender
	toHost *os.File // fd 3's other end; closing it asks the host to stop
	output *lineLog // the host's stdout and stderr

	openMu sync.Mutex
	opened map[string]bool // agents the host was told of; openMu guards it

	mu      sync.Mutex
	pending map[uint64]chan outcome
	ended   bool
	why     string        // how the process ended, once ended
	done    chan struct{} // closed once the process has ended
}

// start starts the host at path and waits for its hello, for startTimeout
// or until ctx ends. Host calls go to h; records and output lines to log.
func start(ctx context.Context, sp *child.Spawner, path string, h agent.Host, log *slog.Logger) (*instance, error) {
	toHostR, toHostW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start plugin host: %w", err)
	}
	fromHostR, fromHostW, err := os.Pipe()
	if err != nil {
		toHostR.Close()
		toHostW.Close()
		return nil, fmt.Errorf("start plugin host: %w", err)
	}
	out := newLineLog(log)
	cmd := exec.Command(path)
	cmd.ExtraFiles = []*os.File{toHostR, fromHostW}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = child.ProcAttr()
	err = sp.Run(cmd.Start)
	toHostR.Close()
	fromHostW.Close()
	if err != nil {
		toHostW.Close()
		fromHostR.Close()
		return nil, fmt.Errorf("start plugin host %s: %w", path, err)
	}
	in := &instance{cmd: cmd, pid: cmd.Process.Pid, out: newSender(toHostW), toHost: toHostW, output: out,
		pending: map[uint64]chan outcome{}, opened: map[string]bool{}, done: make(chan struct{})}
	hi := make(chan error, 1)
	go in.read(bufio.NewReaderSize(fromHostR, 64<<10), h, log, hi)
	select {
	case err = <-hi:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no hello within %s", startTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		in.kill()
		<-in.done
		return nil, fmt.Errorf("start plugin host %s: %w (the process: %s)", path, err, in.why)
	}
	return in, nil
}

// read handles the host's messages until its pipe ends, then reaps the
// process and fails the calls still waiting. The first message must be a
// hello, reported on hi.
func (in *instance) read(r *bufio.Reader, h agent.Host, log *slog.Logger, hi chan<- error) {
	err := in.hello(r)
	hi <- err
	if err != nil {
		in.reap(nil) // start reports err
		return
	}
	for {
		var m message
		if m, err = receive(r); err != nil {
			break
		}
		switch m.Kind {
		case kindReply:
			in.replied(m)
		case kindHost:
			go in.answer(h, m)
		case kindLog:
			var rec logRecord
			if decodeBody(m, &rec) == nil {
				emit(log, rec)
			}
		default:
			log.Warn("unknown message from the plugin host", "kind", m.Kind, "pid", in.pid)
		}
	}
	in.reap(err)
}

// hello reads the host's first message and checks its version.
func (in *instance) hello(r *bufio.Reader) error {
	m, err := receive(r)
	if err != nil {
		return fmt.Errorf("reading its hello: %w", noEOF(err))
	}
	var hi hello
	if m.Kind != kindHello || decodeBody(m, &hi) != nil {
		return fmt.Errorf("its first message is %q, not a hello", m.Kind)
	}
	if hi.Version != protocolVersion {
		return fmt.Errorf("it speaks protocol %d, not %d: install mcollectived-plugins from the same release", hi.Version, protocolVersion)
	}
	return nil
}

// reap waits for the process after its pipe ended (killing it if it is
// still there: it no longer talks) and answers the waiting calls.
func (in *instance) reap(readErr error) {
	in.toHost.Close()
	exited := make(chan struct{})
	go func() {
		select {
		case <-exited:
		case <-time.After(stopGrace):
			in.cmd.Process.Kill()
		}
	}()
	waitErr := in.cmd.Wait()
	close(exited)
	why := describeExit(in.cmd.ProcessState, waitErr)
	if readErr != nil && !isEOF(readErr) {
		why = fmt.Sprintf("%s after a broken message: %v", why, readErr)
	}
	if tail := in.output.tail(); tail != "" {
		why += "; last output: " + tail
	}
	in.mu.Lock()
	in.ended, in.why = true, why
	pending := in.pending
	in.pending = nil
	in.mu.Unlock()
	for _, ch := range pending {
		ch <- outcome{rep: agent.Fail(agent.UnknownError, "the plugin host process (pid %d) ended during the call: %s", in.pid, why)}
	}
	close(in.done)
}

func describeExit(ps *os.ProcessState, err error) string {
	if ps == nil {
		return fmt.Sprintf("wait: %v", err)
	}
	return ps.String()
}

// outcome is how a call ended: the host's reply (answered), or the
// daemon's own reply for a host that ended first.
type outcome struct {
	rep      *agent.Reply
	answered bool
}

// expect registers a call's reply channel; false when the host has ended.
func (in *instance) expect(id uint64, ch chan outcome) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.ended {
		return false
	}
	in.pending[id] = ch
	return true
}

// forget drops a call's reply channel.
func (in *instance) forget(id uint64) {
	in.mu.Lock()
	delete(in.pending, id)
	in.mu.Unlock()
}

// replied passes a reply message to its call.
func (in *instance) replied(m message) {
	var r reply
	rep := &agent.Reply{}
	if err := decodeBody(m, &r); err != nil {
		rep = agent.Fail(agent.UnknownError, "undecodable reply from the plugin host: %v", err)
	} else if data, err := value.DecodeObject(r.Data); err != nil {
		rep = agent.Fail(agent.UnknownError, "undecodable reply data from the plugin host: %v", err)
	} else {
		rep = &agent.Reply{StatusCode: agent.StatusCode(r.Status), StatusMsg: r.Message, Data: data}
	}
	in.mu.Lock()
	ch := in.pending[m.ID]
	delete(in.pending, m.ID)
	in.mu.Unlock()
	if ch != nil {
		ch <- outcome{rep: rep, answered: true}
	}
}

// call sends c, with id, to the host, preceded by spec the first time
// this host hears of the agent. openMu keeps an agent's open ahead of
// every call to it without holding mu, which the reader needs, while
// writing to the pipe.
func (in *instance) call(spec Spec, id uint64, c call) error {
	in.openMu.Lock()
	defer in.openMu.Unlock()
	if !in.opened[spec.Name] {
		if err := in.out.send(kindOpen, 0, spec); err != nil {
			return err
		}
		in.opened[spec.Name] = true
	}
	return in.out.send(kindCall, id, c)
}

// isDone reports whether the process has ended and been reaped.
func (in *instance) isDone() bool {
	select {
	case <-in.done:
		return true
	default:
		return false
	}
}

// stop asks the host to close its plugins and exit, and waits for it
// (reap kills it after stopGrace).
func (in *instance) stop() {
	in.toHost.Close()
	<-in.done
}

// kill ends the host at once.
func (in *instance) kill() {
	in.toHost.Close()
	in.cmd.Process.Kill()
}

// lineLog logs a process's output line by line and keeps its last lines
// for reports of how it ended.
type lineLog struct {
	log *slog.Logger

	mu      sync.Mutex
	partial []byte
	last    []string
}

const keptLines = 5

func newLineLog(log *slog.Logger) *lineLog { return &lineLog{log: log} }

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	if len(l.partial) > 64<<10 { // a runaway line: log what came
		l.line(string(l.partial))
		l.partial = nil
	}
	return len(p), nil
}

func (l *lineLog) line(s string) {
	s = strings.TrimRight(s, "\r")
	if s == "" {
		return
	}
	l.log.Warn("plugin host output", "line", s)
	l.last = append(l.last, s)
	if len(l.last) > keptLines {
		l.last = l.last[1:]
	}
}

// tail returns the last lines, joined.
func (l *lineLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.partial) > 0 {
		l.line(string(l.partial))
		l.partial = nil
	}
	return strings.Join(l.last, " | ")
}
