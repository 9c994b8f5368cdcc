package lua

import (
	"fmt"
	"math"
	"strings"

	glua "github.com/yuin/gopher-lua"
)

// Limits of each state; the package documentation explains them.
const (
	callStackSize    = 200       // call frames: the deepest recursion
	registrySize     = 256       // value stack slots to start with
	registryMaxSize  = 64 * 1024 // value stack slots at most (1 MiB)
	registryGrowStep = 1024
	maxRepBytes      = 16 << 20 // the longest string string.rep builds
)

// removedGlobals are the base library functions the sandbox takes out.
var removedGlobals = []string{
	"dofile", "loadfile", "load", "loadstring", // run code from files or strings
	"module", "require", // need the package library; require is replaced
	"collectgarbage", // forces a process-wide garbage collection
	"_printregs",     // writes to the daemon's stdout
}

// newLState returns a state with no libraries open and the sandbox's stack
// limits.
func newLState() *glua.LState {
	return glua.NewState(glua.Options{
		SkipOpenLibs:        true,
		CallStackSize:       callStackSize,
		RegistrySize:        registrySize,
		RegistryMaxSize:     registryMaxSize,
		RegistryGrowStep:    registryGrowStep,
		MinimizeStackMemory: true,
	})
}

// sandbox opens the allowed libraries, takes out what the sandbox refuses,
// and installs print, require and the mco module.
func (s *state) sandbox() error {
	L := s.L
	libs := []struct {
		name string
		open glua.LGFunction
	}{
		{glua.BaseLibName, glua.OpenBase},
		{glua.TabLibName, glua.OpenTable},
		{glua.StringLibName, glua.OpenString},
		{glua.MathLibName, glua.OpenMath},
	}
	for _, lib := range libs {
		if err := L.CallByParam(glua.P{Fn: L.NewFunction(lib.open), NRet: 0, Protect: true}, glua.LString(lib.name)); err != nil {
			return fmt.Errorf("open %q library: %w", lib.name, err)
		}
	}
	for _, name := range removedGlobals {
		L.SetGlobal(name, glua.LNil)
	}
	L.SetGlobal("print", L.NewFunction(s.print))

	str, ok := L.GetGlobal(glua.StringLibName).(*glua.LTable)
	if !ok {
		return fmt.Errorf("string library missing")
	}
	str.RawSetString("dump", glua.LNil)
	if err := guard(L, str, "rep", checkRep); err != nil {
		return err
	}
	if err := guard(L, str, "format", checkFormatArgs); err != nil {
		return err
	}
	return s.installRequire()
}

// installRequire preloads the mco module and replaces require with one
// that serves preloaded modules only. PreloadModule needs a package table,
// so one is made for the purpose and then hidden from the script.
func (s *state) installRequire() error {
	L := s.L
	preload, loaded := L.CreateTable(0, 1), L.CreateTable(0, 1)
	pkg := L.CreateTable(0, 2)
	pkg.RawSetString("preload", preload)
	pkg.RawSetString("loaded", loaded)
	L.SetGlobal("package", pkg)
	err := L.CallByParam(glua.P{Fn: L.NewFunction(func(L *glua.LState) int {
		L.PreloadModule("mco", s.openModule)
		return 0
	}), Protect: true})
	L.SetGlobal("package", glua.LNil)
	if err != nil {
		return fmt.Errorf("preload mco: %w", err)
	}
	L.SetGlobal("require", L.NewFunction(func(L *glua.LState) int {
		name := L.CheckString(1)
		if v := loaded.RawGetString(name); v != glua.LNil {
			L.Push(v)
			return 1
		}
		loader, ok := preload.RawGetString(name).(*glua.LFunction)
		if !ok {
			L.RaiseError("module '%s' not found: only the mco module can be required", name)
		}
		L.Push(loader)
		L.Push(glua.LString(name))
		L.Call(1, 1)
		v := L.Get(-1)
		L.Pop(1)
		if v == glua.LNil {
			v = glua.LTrue
		}
		loaded.RawSetString(name, v)
		L.Push(v)
		return 1
	}))
	return nil
}

// print logs its arguments, tab-separated as Lua prints them, at info
// level.
func (s *state) print(L *glua.LState) int {
	n := L.GetTop()
	parts := make([]string, n)
	for i := 1; i <= n; i++ {
		parts[i-1] = L.ToStringMeta(L.Get(i)).String()
	}
	s.logger().Info(strings.Join(parts, "\t"), "source", "print")
	return 0
}

// guard replaces the library function name in lib with one that first
// runs check, which raises an error for arguments it refuses.
func guard(L *glua.LState, lib *glua.LTable, name string, check func(*glua.LState)) error {
	orig, ok := lib.RawGetString(name).(*glua.LFunction)
	if !ok || orig.GFunction == nil {
		return fmt.Errorf("string.%s is not a Go function", name)
	}
	next := orig.GFunction
	lib.RawSetString(name, L.NewFunction(func(L *glua.LState) int {
		check(L)
		return next(L)
	}))
	return nil
}

// checkRep refuses string.rep results longer than maxRepBytes.
func checkRep(L *glua.LState) {
	str := L.CheckString(1)
	n := float64(L.CheckNumber(2))
	if size := float64(len(str)) * n; size > maxRepBytes || math.IsNaN(n) {
		L.RaiseError("string.rep: a result of %.0f bytes is over the limit of %d", size, maxRepBytes)
	}
}

// checkFormatArgs refuses string.format directives whose width or precision
// has more than two digits, as Lua 5.1 does, so "%999999999d" cannot
// allocate a gigabyte.
func checkFormatArgs(L *glua.LState) {
	if err := checkFormat(L.CheckString(1)); err != nil {
		L.RaiseError("string.format: %v", err)
	}
}

func checkFormat(f string) error {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			continue
		}
		for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
			i++
		}
		n := digits(f[i:])
		if n > 2 {
			return fmt.Errorf("invalid format %q (width too long)", f)
		}
		i += n
		if i < len(f) && f[i] == '.' {
			i++
			n = digits(f[i:])
			if n > 2 {
				return fmt.Errorf("invalid format %q (precision too long)", f)
			}
			i += n
		}
		if i < len(f) && (f[i] == '*' || f[i] == '[') {
			return fmt.Errorf("invalid format %q (%c is not Lua)", f, f[i])
		}
	}
	return nil
}

// digits counts the decimal digits at the start of s.
func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
