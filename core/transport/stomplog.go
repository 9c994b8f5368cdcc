package transport

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/go-stomp/stomp/v3"
)

// stompLogger routes go-stomp's client log lines to slog, at levels
// chosen for what go-stomp v3.1.3 actually logs: Infof reports a MESSAGE
// dropped for an unknown subscription or an unexpected frame (Warn);
// Info repeats every connection loss once per subscription and Error
// announces a broker ERROR, both of which Conn reports itself with the
// reason (Debug).
type stompLogger struct{ l *slog.Logger }

var _ stomp.Logger = stompLogger{}

func (s stompLogger) log(level slog.Level, msg string) {
	s.l.Log(context.Background(), level, msg, "source", "go-stomp")
}

func (s stompLogger) Debugf(format string, v ...interface{})   { s.Debug(fmt.Sprintf(format, v...)) }
func (s stompLogger) Infof(format string, v ...interface{})    { s.Warning(fmt.Sprintf(format, v...)) }
func (s stompLogger) Warningf(format string, v ...interface{}) { s.Warning(fmt.Sprintf(format, v...)) }
func (s stompLogger) Errorf(format string, v ...interface{})   { s.Warning(fmt.Sprintf(format, v...)) }
func (s stompLogger) Debug(msg string)                         { s.log(slog.LevelDebug, msg) }
func (s stompLogger) Info(msg string)                          { s.log(slog.LevelDebug, msg) }
func (s stompLogger) Warning(msg string)                       { s.log(slog.LevelWarn, msg) }
func (s stompLogger) Error(msg string)                         { s.log(slog.LevelDebug, msg) }
