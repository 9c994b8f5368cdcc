-- Actions exercising the request and reply contract.
local actions = {}

-- calls counts the calls this state has served, to tell reused states
-- from new ones.
local calls = 0
function actions.count(request, reply)
  calls = calls + 1
  reply.calls = calls
end

-- types reports the Lua type of each input and echoes them back.
function actions.types(request, reply)
  local types = {}
  for k, v in pairs(request) do
    types[k] = type(v)
  end
  reply.types = types
  reply.echo = {
    name = request.name, count = request.count, ratio = request.ratio,
    enabled = request.enabled, tags = request.tags, opts = request.opts,
  }
  reply.tag_count = #request.tags
  reply.second_tag = request.tags[2]
  reply.nested = request.opts.inner.deep
  reply.double = request.count * 2
end

function actions.nested(request, reply)
  reply.list = {"a", "b", "c"}
  reply.map = {x = 1, y = {z = true}}
  reply.mixed = {1, 2, key = "v"}
  reply.sparse = {[1] = "one", [3] = "three"}
  reply.numkeys = {[10] = "ten", [2.5] = "half"}
  reply.empty = {}
  reply.empty_list = require("mco").array()
  reply.int = 3
  reply.float = 2.5
  reply.whole_float = 4.0
  reply.big = 2^53
  reply.str = "text"
  reply.yes = true
  reply.list_of_maps = {{id = 1}, {id = 2}}
  reply.declared_float = 7
  reply.declared_list = {}
end

function actions.fail(request, reply)
  reply.partial = "kept"
  reply:fail("it went wrong")
  reply.after = "continued"
end

function actions.fail_code(request, reply)
  reply:fail("bad input", 4)
end

function actions.fail_bad_code(request, reply)
  reply:fail("nope", 9)
end

function actions.raise(request, reply)
  reply.before = "set"
  error("deliberate failure")
end

function actions.runtime(request, reply)
  local t = nil
  reply.x = t.field
end

function actions.function_output(request, reply)
  reply.f = function() end
end

function actions.cycle(request, reply)
  local t = {}
  t.self = t
  reply.t = t
end

function actions.meta(request, reply)
  reply.caller = request:caller()
  reply.sender = request:sender()
  reply.id = request:id()
  reply.collective = request:collective()
end

-- spin is a busy loop: only the context stops it.
function actions.spin(request, reply)
  while true do end
end

-- spin_pcall tries to swallow the cancellation.
function actions.spin_pcall(request, reply)
  while true do
    pcall(function() while true do end end)
  end
end

-- taint changes a global, then fails: the state must not be reused.
function actions.taint(request, reply)
  tainted = true
  error("after tainting")
end

function actions.tainted(request, reply)
  reply.tainted = tainted == true
end

-- pattern spends a long time inside one library call, where the context
-- is not checked: backtracking over n^3 ways to fail.
function actions.pattern(request, reply)
  local s = string.rep("a", request.n)
  reply.found = s:find(".-.-.-b") ~= nil
end

actions.not_a_function = 42

return actions
