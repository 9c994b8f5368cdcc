package goplugin

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/marionette-mco/marionette/core/child"
	"github.com/marionette-mco/marionette/sdk/plugin"
)

// procAttr gives a plugin command's SysProcAttr; tests replace it to take
// the parent-death signal away.
var procAttr = child.ProcAttr

// process is one running plugin process.
type process struct {
	client *goplugin.Client
	agent  *plugin.Client
	cmd    *exec.Cmd
	pid    int
}

// spawn starts the plugin, dispenses the agent and initialises it: the
// plugin connects to the daemon's host and says which agent it serves.
func (a *Agent) spawn(ctx context.Context) (*process, error) {
	cmd := exec.Command(a.opts.Path)
	cmd.SysProcAttr = procAttr()
	startTimeout := maxStartTimeout
	if dl, ok := ctx.Deadline(); ok {
		startTimeout = min(startTimeout, max(time.Until(dl), time.Millisecond))
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  plugin.Handshake,
		Plugins:          plugin.PluginSet(&plugin.AgentPlugin{Host: a.host}),
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         false,
		StartTimeout:     startTimeout,
		Logger:           newHCLogger(a.log, ""),
		SyncStdout:       newLineWriter(a.log, slog.LevelInfo, "stdout"),
		SyncStderr:       newLineWriter(a.log, slog.LevelWarn, "stderr"),
	})
	p := &process{client: client, cmd: cmd}
	if err := a.spawner.Run(func() error { _, err := client.Start(); return err }); err != nil {
		client.Kill()
		a.log.Debug("go-plugin start error", "error", err)
		// Kill waited for go-plugin's cmd.Wait, so ProcessState is settled.
		if ps := cmd.ProcessState; ps != nil {
			return nil, fmt.Errorf("start plugin %s: the process ended before the handshake (%s): %w", a.opts.Path, ps, firstLine{err})
		}
		return nil, fmt.Errorf("start plugin %s: %w", a.opts.Path, firstLine{err})
	}
	p.pid = cmd.Process.Pid
	info, err := p.init(ctx, a.opts.Name)
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("start plugin %s: %w", a.opts.Path, err)
	}
	a.log.Info("started plugin", "pid", p.pid, "path", a.opts.Path, "actions", info.Actions)
	return p, nil
}

// init dispenses the agent and connects it to the host.
func (p *process) init(ctx context.Context, name string) (plugin.Info, error) {
	rpc, err := p.client.Client()
	if err != nil {
		return plugin.Info{}, err
	}
	raw, err := rpc.Dispense(plugin.Name)
	if err != nil {
		return plugin.Info{}, err
	}
	c, ok := raw.(*plugin.Client)
	if !ok {
		return plugin.Info{}, fmt.Errorf("dispensed %T, not an agent plugin", raw)
	}
	info, err := c.Init(ctx, name)
	if err != nil {
		return plugin.Info{}, err
	}
	if info.Agent != name {
		return plugin.Info{}, fmt.Errorf("the plugin serves agent %q, not %q", info.Agent, name)
	}
	p.agent = c
	return info, nil
}

// firstLine shows the first line of a go-plugin error whose following
// lines are advice for plugin developers (logged at debug level).
type firstLine struct{ error }

func (e firstLine) Error() string {
	msg, _, _ := strings.Cut(e.error.Error(), "\n")
	return strings.TrimSpace(msg)
}

func (e firstLine) Unwrap() error { return e.error }

// kill stops the process: gracefully, then with SIGKILL after go-plugin's
// two seconds. It returns once the process is gone.
func (p *process) kill() { p.client.Kill() }

// lost reports whether err, from a call on p, means the process is gone or
// its connection broken rather than a failure of that one call.
func (p *process) lost(err error) bool {
	if p.client.Exited() {
		return true
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.Canceled, codes.Internal:
		return true
	}
	return false
}

// crashReport describes how p died, waiting briefly (within ctx's
// deadline) for the exit status.
func (p *process) crashReport(ctx context.Context, err error) string {
	deadline := time.Now().Add(500 * time.Millisecond)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	for !p.client.Exited() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !p.client.Exited() {
		return fmt.Sprintf("lost the connection to the plugin process (pid %d): %v", p.pid, err)
	}
	// Exited reports true only after go-plugin's cmd.Wait returned, so
	// ProcessState is set and safe to read.
	state := "exited"
	if ps := p.cmd.ProcessState; ps != nil {
		state = ps.String()
	}
	return fmt.Sprintf("the plugin process (pid %d) died during the call (%s)", p.pid, state)
}
