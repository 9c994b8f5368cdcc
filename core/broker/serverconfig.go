package broker

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/server/client"
)

// serverConfig is what go-stomp's per-connection code asks of its server.
type serverConfig struct {
	auth func(login, passcode string) bool
	log  stomp.Logger
}

var _ client.Config = serverConfig{}

func (s serverConfig) Authenticate(login, passcode string) bool { return s.auth(login, passcode) }
func (serverConfig) HeartBeat() time.Duration                   { return minHeartBeat }
func (s serverConfig) Logger() stomp.Logger                     { return s.log }

// authenticate checks a CONNECT's login and passcode against the
// configured user; with no user configured, anyone may connect.
func (b *Broker) authenticate(login, passcode string) bool {
	if b.cfg.User == "" {
		return true
	}
	userOK := subtle.ConstantTimeCompare([]byte(login), []byte(b.cfg.User)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(passcode), []byte(b.cfg.Password)) == 1
	if !userOK || !passOK {
		b.log.Warn("authentication failed", "login", login)
		return false
	}
	return true
}

// stompLogger routes go-stomp's server log lines to slog, one level
// lower than go-stomp's: it reports every ordinary disconnect as an error.
type stompLogger struct{ l *slog.Logger }

var _ stomp.Logger = stompLogger{}

func (s stompLogger) log(level slog.Level, msg string) {
	s.l.Log(context.Background(), level, msg, "source", "go-stomp")
}

func (s stompLogger) Debugf(format string, v ...interface{})   { s.Debug(fmt.Sprintf(format, v...)) }
func (s stompLogger) Infof(format string, v ...interface{})    { s.Info(fmt.Sprintf(format, v...)) }
func (s stompLogger) Warningf(format string, v ...interface{}) { s.Warning(fmt.Sprintf(format, v...)) }
func (s stompLogger) Errorf(format string, v ...interface{})   { s.Error(fmt.Sprintf(format, v...)) }
func (s stompLogger) Debug(msg string)                         { s.log(slog.LevelDebug, msg) }
func (s stompLogger) Info(msg string)                          { s.log(slog.LevelDebug, msg) }
func (s stompLogger) Warning(msg string)                       { s.log(slog.LevelInfo, msg) }
func (s stompLogger) Error(msg string)                         { s.log(slog.LevelInfo, msg) }
