package lua

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"sort"
	"strings"

	glua "github.com/yuin/gopher-lua"

	"github.com/marionette-mco/marionette/core/agent"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// openModule is the mco module's loader: the host API offered to scripts.
func (s *state) openModule(L *glua.LState) int {
	mod := L.SetFuncs(L.CreateTable(0, 9), map[string]glua.LGFunction{
		"identity": s.identity,
		"fact":     s.fact,
		"facts":    s.facts,
		"classes":  s.classes,
		"config":   s.config,
		"exec":     s.exec,
		"array":    s.array,
	})
	mod.RawSetString("log", L.SetFuncs(L.CreateTable(0, 4), map[string]glua.LGFunction{
		"debug": s.logAt(slog.LevelDebug),
		"info":  s.logAt(slog.LevelInfo),
		"warn":  s.logAt(slog.LevelWarn),
		"error": s.logAt(slog.LevelError),
	}))
	mod.RawSetString("json", L.SetFuncs(L.CreateTable(0, 2), map[string]glua.LGFunction{
		"encode": s.jsonEncode,
		"decode": s.jsonDecode,
	}))
	L.Push(mod)
	return 1
}

// host returns the agent's host or raises an error naming fn.
func (s *state) host(L *glua.LState, fn string) agent.Host {
	if s.agent.host == nil {
		L.RaiseError("mco.%s: this agent has no host", fn)
	}
	return s.agent.host
}

func (s *state) identity(L *glua.LState) int {
	L.Push(glua.LString(s.host(L, "identity").Identity()))
	return 1
}

func (s *state) fact(L *glua.LState) int {
	name := L.CheckString(1)
	v, ok := s.host(L, "fact").Fact(name)
	if !ok {
		L.Push(glua.LNil)
		return 1
	}
	L.Push(s.toLua(v))
	return 1
}

func (s *state) facts(L *glua.LState) int {
	L.Push(s.toLua(s.host(L, "facts").Facts()))
	return 1
}

func (s *state) classes(L *glua.LState) int {
	L.Push(s.toLua(s.host(L, "classes").Classes()))
	return 1
}

func (s *state) config(L *glua.LState) int {
	key := L.CheckString(1)
	v, ok := s.host(L, "config").ConfigItem(key)
	if !ok {
		L.Push(glua.LNil)
		return 1
	}
	L.Push(glua.LString(v))
	return 1
}

// array is mco.array([t]): it marks t, or a new table, as a list.
func (s *state) array(L *glua.LState) int {
	t := L.OptTable(1, nil)
	if t == nil {
		t = L.CreateTable(0, 0)
	}
	L.SetMetatable(t, s.arrayMeta)
	L.Push(t)
	return 1
}

// logger is the agent's logger, with the action during a call.
func (s *state) logger() *slog.Logger {
	if s.req != nil {
		return s.agent.log.With("action", s.req.Action)
	}
	return s.agent.log
}

// logAt makes mco.log.<level>(msg [, fields]); fields is a table whose
// entries become attributes, sorted by key.
func (s *state) logAt(level slog.Level) glua.LGFunction {
	return func(L *glua.LState) int {
		msg := L.ToStringMeta(L.CheckAny(1)).String()
		var attrs []any
		if t := L.OptTable(2, nil); t != nil {
			v, err := s.toGo(t, ddl.TypeHash)
			if err != nil {
				L.ArgError(2, err.Error())
			}
			fields, _ := v.(map[string]any)
			keys := make([]string, 0, len(fields))
			for k := range fields {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				attrs = append(attrs, k, fields[k])
			}
		}
		s.logger().Log(L.Context(), level, msg, attrs...)
		return 0
	}
}

// jsonEncode is mco.json.encode(value): the JSON text, or nil and an error.
func (s *state) jsonEncode(L *glua.LState) int {
	v, err := s.toGo(L.CheckAny(1), "")
	if err == nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err = enc.Encode(v); err == nil {
			L.Push(glua.LString(strings.TrimSuffix(buf.String(), "\n")))
			return 1
		}
	}
	L.Push(glua.LNil)
	L.Push(glua.LString("mco.json.encode: " + err.Error()))
	return 2
}

// jsonDecode is mco.json.decode(text): the value, or nil and an error.
// Arrays are marked as lists, so they encode as arrays again when empty.
func (s *state) jsonDecode(L *glua.LState) int {
	var v any
	if err := json.Unmarshal([]byte(L.CheckString(1)), &v); err != nil {
		L.Push(glua.LNil)
		L.Push(glua.LString("mco.json.decode: " + err.Error()))
		return 2
	}
	L.Push(s.toLua(v))
	return 1
}
