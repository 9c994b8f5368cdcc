package ddl

import (
	"math"
	"strings"
)

// Limits that keep a hostile or broken DDL from running away.
const (
	maxSteps     = 1_000_000 // evaluated nodes
	maxStringLen = 1 << 20   // bytes in one string
	maxArrayLen  = 1 << 16   // elements in one array
	maxHashLen   = 1 << 12   // keys in one hash (lookups are linear)
	maxProduced  = 64 << 20  // bytes of strings and arrays built in all
)

// env holds local variables; blocks get a child env.
type env struct {
	vars   map[string]any
	parent *env
}

func newEnv(parent *env) *env { return &env{vars: map[string]any{}, parent: parent} }

func (e *env) lookup(name string) (any, bool) {
	for ; e != nil; e = e.parent {
		if v, ok := e.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

func (e *env) assign(name string, v any) {
	for s := e; s != nil; s = s.parent {
		if _, ok := s.vars[name]; ok {
			s.vars[name] = v
			return
		}
	}
	e.vars[name] = v
}

// evaluator runs the AST; calls on self go to the builder.
type evaluator struct {
	failer
	b        *builder
	steps    int
	produced int // bytes of strings and array slots built so far
}

func (ev *evaluator) run(body []node, en *env) any {
	var last any
	for _, n := range body {
		last = ev.eval(n, en)
	}
	return last
}

// runBlock calls a block with args bound to its parameters; a single array
// argument is spread over several parameters as Ruby does.
func (ev *evaluator) runBlock(blk *blockNode, en *env, args ...any) any {
	ev.steps++
	if ev.steps > maxSteps {
		ev.fail(blk.line, "the DDL takes too long to evaluate")
	}
	if len(args) == 1 && len(blk.params) > 1 {
		if arr, ok := args[0].([]any); ok {
			args = arr
		}
	}
	local := newEnv(en)
	for i, name := range blk.params {
		var v any
		if i < len(args) {
			v = args[i]
		}
		local.vars[name] = v
	}
	return ev.run(blk.body, local)
}

func (ev *evaluator) eval(n node, en *env) any {
	ev.steps++
	if ev.steps > maxSteps {
		ev.fail(n.lineNo(), "the DDL takes too long to evaluate")
	}
	switch x := n.(type) {
	case *litNode:
		return x.val
	case *strNode:
		var b strings.Builder
		for _, part := range x.parts {
			b.WriteString(rubyString(ev.eval(part, en)))
			ev.checkString(b.Len(), x.line)
		}
		ev.produce(b.Len(), x.line)
		if x.sym {
			return rbSymbol(b.String())
		}
		return b.String()
	case *arrayNode:
		ev.produce(16*len(x.elems), x.line)
		arr := make([]any, len(x.elems))
		for i, e := range x.elems {
			arr[i] = ev.eval(e, en)
		}
		return arr
	case *hashNode:
		if len(x.keys) > maxHashLen {
			ev.fail(x.line, "hash with more than %d keys", maxHashLen)
		}
		h := &rbHash{}
		for i, k := range x.keys {
			h.set(ev.eval(k, en), ev.eval(x.vals[i], en))
		}
		return h
	case *varNode:
		v, ok := en.lookup(x.name)
		if !ok {
			ev.fail(x.line, "undefined local variable '%s'", x.name)
		}
		return v
	case *assignNode:
		v := ev.eval(x.val, en)
		en.assign(x.name, v)
		return v
	case *plusNode:
		return ev.plus(ev.eval(x.l, en), ev.eval(x.r, en), x.line)
	case *callNode:
		args := make([]any, len(x.args))
		if x.recv == nil {
			for i, a := range x.args {
				args[i] = ev.eval(a, en)
			}
			return ev.b.call(x, args, en)
		}
		recv := ev.eval(x.recv, en)
		for i, a := range x.args {
			args[i] = ev.eval(a, en)
		}
		return ev.method(recv, x, args, en)
	}
	ev.fail(n.lineNo(), "cannot evaluate this expression")
	return nil
}

// checkString refuses a string being built once it is too long.
func (ev *evaluator) checkString(n, line int) {
	if n > maxStringLen {
		ev.fail(line, "string longer than %d bytes", maxStringLen)
	}
}

// checkArray refuses an array that is too long.
func (ev *evaluator) checkArray(n, line int) {
	if n > maxArrayLen {
		ev.fail(line, "array longer than %d elements", maxArrayLen)
	}
	ev.produce(16*n, line)
}

// produce counts bytes built, so that a loop copying big values stops.
func (ev *evaluator) produce(n, line int) {
	ev.produced += n
	if ev.produced > maxProduced {
		ev.fail(line, "the DDL builds more than %d bytes of data", maxProduced)
	}
}

// plus is Ruby's + on strings, numbers and arrays.
func (ev *evaluator) plus(l, r any, line int) any {
	switch a := l.(type) {
	case string:
		if b, ok := r.(string); ok {
			ev.checkString(len(a)+len(b), line)
			ev.produce(len(a)+len(b), line)
			return a + b
		}
	case int64:
		switch b := r.(type) {
		case int64:
			s := a + b
			if (s > a) != (b > 0) {
				ev.fail(line, "integer overflow in %d + %d", a, b)
			}
			return s
		case float64:
			return float64(a) + b
		}
	case float64:
		switch b := r.(type) {
		case int64:
			return a + float64(b)
		case float64:
			return a + b
		}
	case []any:
		if b, ok := r.([]any); ok {
			ev.checkArray(len(a)+len(b), line)
			out := make([]any, 0, len(a)+len(b))
			return append(append(out, a...), b...)
		}
	}
	ev.fail(line, "cannot add %s to %s", rubyTypeName(r), rubyTypeName(l))
	return nil
}

// method calls one of the supported methods on a value.
func (ev *evaluator) method(recv any, call *callNode, args []any, en *env) any {
	if call.block != nil && !takesBlock(call.name) {
		ev.fail(call.line, "method '%s' does not take a block", call.name)
	}
	var v any
	var ok bool
	switch x := recv.(type) {
	case string:
		v, ok = ev.stringMethod(x, call, args)
	case rbSymbol:
		v, ok = ev.symbolMethod(x, call, args)
	case int64:
		v, ok = numberMethod(float64(x), x, true, call.name, len(args))
	case float64:
		v, ok = numberMethod(x, 0, false, call.name, len(args))
	case []any:
		v, ok = ev.arrayMethod(x, call, args, en)
	case *rbHash:
		v, ok = ev.hashMethod(x, call, args, en)
	case nil, bool:
		if (call.name == "to_s" || call.name == "inspect") && len(args) == 0 {
			if call.name == "inspect" {
				return rubyInspect(recv)
			}
			return rubyString(recv)
		}
	}
	if !ok {
		ev.fail(call.line, "method '%s' on %s is not supported in a DDL (or has the wrong arguments)", call.name, rubyTypeName(recv))
	}
	switch r := v.(type) {
	case string:
		ev.produce(len(r), call.line)
	case []any:
		ev.produce(16*len(r), call.line)
	}
	return v
}

func takesBlock(name string) bool {
	switch name {
	case "each", "each_with_index", "each_pair", "map", "collect":
		return true
	}
	return false
}

func numberMethod(f float64, i int64, isInt bool, name string, nargs int) (any, bool) {
	if nargs != 0 {
		return nil, false
	}
	switch name {
	case "to_s", "inspect":
		if isInt {
			return rubyInspect(i), true
		}
		return rubyFloat(f), true
	case "to_i":
		if isInt {
			return i, true
		}
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 1<<63 {
			return nil, false
		}
		return int64(f), true
	case "to_f":
		return f, true
	}
	return nil, false
}
