// Package lua hosts agents written in Lua: it compiles a script once, runs
// its actions in a bounded pool of sandboxed gopher-lua states, and offers
// the script the daemon's agent.Host as the preloaded module "mco".
//
// # The script
//
// A script returns a table of action functions. Each is called with the
// request and the reply:
//
//	local mco = require("mco")
//	local calc = {}
//	function calc.add(request, reply)
//	  reply.sum = request.a + request.b
//	end
//	return calc
//
// request holds the inputs the daemon has already validated against the DDL:
// strings, numbers (integers too; Lua 5.1 has only float64 numbers, so
// integers beyond 2^53 lose precision), booleans, lists as arrays (1..n) and
// hashes as tables. Its methods request:caller(), request:sender(),
// request:id() and request:collective() return the caller id, the sending
// node, the request id and the collective. An input with one of those names
// hides the method.
//
// Fields set on reply become the reply's data. Tables convert to lists when
// their keys are exactly 1..n and to maps otherwise (number and boolean keys
// become strings); an empty table is a map unless the DDL declares the
// output a list or array, or it was made by mco.array (lists from the
// request, from facts and from mco.json.decode count as made by it, so they
// come back as lists even when empty). Numbers with an
// integral value become int64 unless the DDL declares the output a float;
// others are float64. Functions, coroutines and cyclic tables cannot be
// returned and end the call with status 5.
//
// reply:fail(msg [, code]) sets the status code (1, Aborted, by default;
// 1 to 5 are allowed) and message; the action goes on unless it returns. A
// Lua error, raised by error() or by the runtime, ends the call with status
// 5 and the error's message ("calc.lua:4: attempt to perform arithmetic on
// a nil value"). An action the table lacks is status 2, Unknown action.
//
// # Deadlines and memory
//
// Each call runs with the context's deadline (when the context has none,
// the DDL's timeout, else 10 seconds) through LState.SetContext, so even
// `while true do end` stops, with status 5 and "... timed out". While an
// agent's calls run, one goroutine per agent samples the Go heap every 10ms
// for all of them (a call's baseline is the latest sample, at most 10ms
// old, or a fresh reading when the sampler is idle); when the heap has grown
// by more than Options.MemoryLimit since the call began (plus the garbage
// the collector allowed then, so churn does not count), the call is
// cancelled with status 5 and "... memory limit exceeded ...". The heap is
// the process's, not the state's: a call running alongside a memory bomb
// may be stopped with it. A bomb that doubles a string overshoots the limit
// by up to one doubling before the next sample sees it.
//
// A call that is cancelled or raises an error discards its state, so no
// half-updated globals are reused; a call that returns, or fails through
// reply:fail, gives its state back to the pool. If a call is stuck inside
// a single Go library call (a pathological string pattern, say) when its
// deadline passes, Handle returns "timed out" after a short grace period
// anyway; the state keeps its pool slot until the stuck call ends.
//
// # The sandbox
//
// States are built with SkipOpenLibs and then given only the base, table,
// string and math libraries. From base, dofile, loadfile, load, loadstring,
// module, collectgarbage (it forces a process-wide GC) and _printregs are
// removed; print logs at info level; require serves preloaded modules only
// ("mco"), since the package library is not opened. string.dump is removed,
// string.rep refuses results over 16 MiB and string.format refuses widths
// and precisions over two digits (as Lua 5.1 does), so no single call can
// allocate gigabytes. io, os, debug, package, channel and coroutine are not
// opened; coroutine is left out because a coroutine captures its context
// when it is created, so one made while the script loads could run without
// a deadline in a later call.
//
// Each state has a call stack of 200 frames (recursion deeper than that is a
// "stack overflow" error) and a value stack that starts at 256 slots and
// may grow to 65536 (1 MiB); beyond that is a "registry overflow" error,
// which is what unpack of a huge range gets. An idle state with a small
// script loaded holds about 47 KB.
//
// # The mco module
//
//	mco.identity()             the node's identity
//	mco.fact(name)             a fact, dotted names reach nested facts; nil when missing
//	mco.facts()                every fact as a table
//	mco.classes()              the node's classes as a list
//	mco.config(key)            a configuration item as written, or nil
//	mco.log.debug/info/warn/error(msg [, fields])
//	                           log through the daemon's logger with the agent's name
//	mco.exec(argv [, opts])    run a program, see below
//	mco.json.encode(value)     JSON text, or nil and an error
//	mco.json.decode(text)      a value, or nil and an error
//	mco.array([t])             mark t (or a new table) as a list, so it stays one when empty
//
// mco.exec runs argv[1], looked up in PATH, with the remaining entries as its
// arguments, without a shell. opts may hold timeout (seconds), env (a table
// of variables added to the daemon's environment, which also gets
// LC_ALL=C), dir (the working directory) and stdin (a string); other keys are
// errors. It returns a table {stdout=, stderr=, exitcode=}, with truncated =
// true when either stream passed its cap of 1 MiB (the rest is discarded)
// and, when the program could not be started or was killed, exitcode -1 and
// error, a message. The program is killed, with its process group, at its
// timeout or at the action's deadline, whichever comes first.
package lua
