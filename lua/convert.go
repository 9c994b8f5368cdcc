package lua

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"

	glua "github.com/yuin/gopher-lua"

	"github.com/marionette-mco/marionette/sdk/ddl"
)

// maxDepth bounds how deeply nested a value may be, either way.
const maxDepth = 100

// toLua converts a Go value (request data, facts, decoded JSON) to Lua.
// Numbers become Lua numbers, slices become arrays and maps tables with
// their keys formatted as strings; values nested deeper than maxDepth are
// dropped, and anything else is formatted as a string. Lists are marked
// as made by mco.array, so they stay lists when empty; nil inside a list
// leaves a hole, as in Lua.
func (s *state) toLua(v any) glua.LValue { return s.goToLua(v, 0) }

func (s *state) goToLua(v any, depth int) glua.LValue {
	L := s.L
	if depth > maxDepth {
		return glua.LNil
	}
	switch x := v.(type) {
	case nil:
		return glua.LNil
	case bool:
		return glua.LBool(x)
	case string:
		return glua.LString(x)
	case []byte:
		return glua.LString(x)
	case int:
		return glua.LNumber(x)
	case int64:
		return glua.LNumber(x)
	case int32:
		return glua.LNumber(x)
	case uint64:
		return glua.LNumber(x)
	case float64:
		return glua.LNumber(x)
	case float32:
		return glua.LNumber(x)
	case json.Number:
		f, _ := x.Float64()
		return glua.LNumber(f)
	case []any:
		t := s.list(len(x))
		for i, e := range x {
			t.RawSetInt(i+1, s.goToLua(e, depth+1))
		}
		return t
	case []string:
		t := s.list(len(x))
		for _, e := range x {
			t.Append(glua.LString(e))
		}
		return t
	case map[string]any:
		return s.toLuaTableDepth(x, depth)
	case map[string]string:
		t := L.CreateTable(0, len(x))
		for k, e := range x {
			t.RawSetString(k, glua.LString(e))
		}
		return t
	}
	return s.reflectToLua(reflect.ValueOf(v), depth)
}

// list returns an empty table of capacity n marked as a list.
func (s *state) list(n int) *glua.LTable {
	t := s.L.CreateTable(n, 0)
	t.Metatable = s.arrayMeta
	return t
}

// toLuaTable converts a map, such as a request's data, to a table.
func (s *state) toLuaTable(m map[string]any) *glua.LTable {
	return s.toLuaTableDepth(m, 0)
}

func (s *state) toLuaTableDepth(m map[string]any, depth int) *glua.LTable {
	t := s.L.CreateTable(0, len(m))
	for k, e := range m {
		t.RawSetString(k, s.goToLua(e, depth+1))
	}
	return t
}

// reflectToLua handles the kinds the type switch does not name: other
// integer, slice and map types, pointers.
func (s *state) reflectToLua(rv reflect.Value, depth int) glua.LValue {
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return glua.LNumber(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return glua.LNumber(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return glua.LNumber(rv.Float())
	case reflect.Bool:
		return glua.LBool(rv.Bool())
	case reflect.String:
		return glua.LString(rv.String())
	case reflect.Slice, reflect.Array:
		t := s.list(rv.Len())
		for i := range rv.Len() {
			t.RawSetInt(i+1, s.goToLua(rv.Index(i).Interface(), depth+1))
		}
		return t
	case reflect.Map:
		t := s.L.CreateTable(0, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			t.RawSetString(fmt.Sprint(iter.Key().Interface()), s.goToLua(iter.Value().Interface(), depth+1))
		}
		return t
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return glua.LNil
		}
		return s.goToLua(rv.Elem().Interface(), depth+1)
	case reflect.Invalid:
		return glua.LNil
	}
	return glua.LString(fmt.Sprint(rv.Interface()))
}

// toGo converts a Lua value to plain Go data: nil, bool, string, int64
// (integral numbers, unless hint is float), float64, []any and
// map[string]any. hint is the declared type of a reply output, or empty.
func (s *state) toGo(v glua.LValue, hint ddl.Type) (any, error) {
	c := converter{array: s.arrayMeta, seen: map[*glua.LTable]bool{}}
	return c.value(v, hint, 0)
}

// converter holds what one conversion tracks: the tables on the current
// path, to refuse cycles.
type converter struct {
	array *glua.LTable
	seen  map[*glua.LTable]bool
}

func (c *converter) value(v glua.LValue, hint ddl.Type, depth int) (any, error) {
	switch x := v.(type) {
	case *glua.LNilType:
		return nil, nil
	case glua.LBool:
		return bool(x), nil
	case glua.LString:
		return string(x), nil
	case glua.LNumber:
		return number(float64(x), hint), nil
	case *glua.LTable:
		if depth >= maxDepth {
			return nil, fmt.Errorf("tables nested deeper than %d", maxDepth)
		}
		if c.seen[x] {
			return nil, fmt.Errorf("a table contains itself")
		}
		c.seen[x] = true
		defer delete(c.seen, x)
		return c.table(x, hint, depth)
	}
	return nil, fmt.Errorf("cannot convert a %s", v.Type())
}

// number is an int64 when f is integral and fits, unless hint says float.
func number(f float64, hint ddl.Type) any {
	if hint != ddl.TypeFloat && f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f)
	}
	return f
}

// table converts a list (keys exactly 1..n) to []any and anything else to
// map[string]any. An empty table is a list when it was made by mco.array
// or hint is list or array.
func (c *converter) table(t *glua.LTable, hint ddl.Type, depth int) (any, error) {
	n, top, list := 0, 0.0, true
	t.ForEach(func(k, _ glua.LValue) {
		n++
		i, ok := k.(glua.LNumber)
		if !ok || float64(i) != math.Trunc(float64(i)) || i < 1 {
			list = false
			return
		}
		top = max(top, float64(i))
	})
	wantList := hint == ddl.TypeList || hint == ddl.TypeArray || (c.array != nil && t.Metatable == c.array)
	if n == 0 {
		if wantList {
			return []any{}, nil
		}
		return map[string]any{}, nil
	}
	if list && hint != ddl.TypeHash && top == float64(n) {
		out := make([]any, n)
		for i := range n {
			v, err := c.value(t.RawGetInt(i+1), "", depth+1)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i+1, err)
			}
			out[i] = v
		}
		return out, nil
	}
	out := make(map[string]any, n)
	var first error
	t.ForEach(func(k, e glua.LValue) {
		if first != nil {
			return
		}
		key, err := keyString(k)
		if err != nil {
			first = err
			return
		}
		v, err := c.value(e, "", depth+1)
		if err != nil {
			first = fmt.Errorf("%s: %w", key, err)
			return
		}
		out[key] = v
	})
	return out, first
}

// keyString formats a table key as a map key.
func keyString(k glua.LValue) (string, error) {
	switch x := k.(type) {
	case glua.LString:
		return string(x), nil
	case glua.LNumber:
		f := float64(x)
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10), nil
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case glua.LBool:
		return strconv.FormatBool(bool(x)), nil
	}
	return "", fmt.Errorf("a %s cannot be a key", k.Type())
}
