package cli

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/marionette-mco/marionette/core/config"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// useColor reports whether mco colours its output: only on a terminal,
// never with NO_COLOR set (https://no-color.org), and not when the
// config's color key turns it off.
func useColor(sio IO, cfg *config.Config) bool {
	if !isTerminal(sio.Stdout) || sio.Getenv != nil && sio.Getenv("NO_COLOR") != "" {
		return false
	}
	if cfg != nil {
		switch cfg.Raw["color"] {
		case "0", "n", "no", "false", "f", "off":
			return false
		}
	}
	return true
}

// replyProgress shows how many of the expected replies arrived, as Ruby's
// twirling progress does, on standard error; it is inert when not shown.
type replyProgress struct {
	bar *progressbar.ProgressBar
}

// newReplyProgress returns a progress bar for total replies, shown only
// when show is set and both standard output and standard error are
// terminals.
func newReplyProgress(sio IO, total int, show, color bool) *replyProgress {
	if !show || total == 0 || !isTerminal(sio.Stdout) || !isTerminal(sio.Stderr) {
		return &replyProgress{}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(sio.Stderr),
		progressbar.OptionSetWidth(40),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionThrottle(50*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionEnableColorCodes(color),
		progressbar.OptionSetTheme(progressbar.Theme{Saucer: "=", SaucerHead: ">", SaucerPadding: " ", BarStart: " * [", BarEnd: "]"}),
	)
	return &replyProgress{bar: bar}
}

// add counts one reply; replies beyond the expected total (duplicates,
// unexpected nodes) grow the bar.
func (p *replyProgress) add() {
	if p.bar == nil {
		return
	}
	if p.bar.State().CurrentNum >= p.bar.GetMax64() {
		p.bar.ChangeMax64(p.bar.GetMax64() + 1)
	}
	_ = p.bar.Add(1)
}

// done removes the bar.
func (p *replyProgress) done() {
	if p.bar == nil {
		return
	}
	_ = p.bar.Finish()
	_ = p.bar.Clear()
}
