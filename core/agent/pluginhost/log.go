package pluginhost

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// logHandler is the plugin host's slog.Handler: it sends every record to
// the daemon, which logs it with its own logger and level (emit). Records
// below Debug are not worth the pipe.
type logHandler struct {
	s      *sender
	attrs  []logAttr
	prefix string // open groups, dotted, with a trailing dot
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelDebug }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: int(r.Level), Msg: r.Message, Attrs: append([]logAttr(nil), h.attrs...)}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs = flatten(rec.Attrs, h.prefix, a)
		return true
	})
	return h.s.send(kindLog, 0, rec)
}

func (h *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append([]logAttr(nil), h.attrs...)
	for _, a := range as {
		n.attrs = flatten(n.attrs, h.prefix, a)
	}
	return &n
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	n := *h
	n.prefix = h.prefix + name + "."
	return &n
}

// flatten appends a to out, groups as dotted keys, values as JSON can
// carry them: numbers, strings and bools as they are, anything else as its
// text.
func flatten(out []logAttr, prefix string, a slog.Attr) []logAttr {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		if a.Key != "" {
			prefix += a.Key + "."
		}
		for _, g := range v.Group() {
			out = flatten(out, prefix, g)
		}
		return out
	}
	if a.Key == "" {
		return out
	}
	var x any
	switch v.Kind() {
	case slog.KindString:
		x = v.String()
	case slog.KindInt64:
		x = v.Int64()
	case slog.KindUint64:
		x = v.Uint64()
	case slog.KindFloat64:
		x = v.Float64()
	case slog.KindBool:
		x = v.Bool()
	case slog.KindDuration:
		x = v.Duration().String()
	case slog.KindTime:
		x = v.Time().Format(time.RFC3339Nano)
	default:
		x = v.String()
	}
	return append(out, logAttr{Key: prefix + a.Key, Value: x})
}

// emit logs a record the plugin host sent with the daemon's logger.
func emit(log *slog.Logger, rec logRecord) {
	args := make([]any, 0, 2*len(rec.Attrs))
	for _, a := range rec.Attrs {
		args = append(args, a.Key, a.Value)
	}
	log.Log(context.Background(), slog.Level(rec.Level), strings.TrimSpace(rec.Msg), args...)
}
