-- Probes what the sandbox offers.
local sandbox = {}

local function present(name)
  return _G[name] ~= nil
end

function sandbox.globals(request, reply)
  local names = {
    "io", "os", "debug", "package", "channel", "coroutine",
    "load", "loadstring", "dofile", "loadfile", "module", "collectgarbage", "_printregs",
    "require", "print", "pairs", "ipairs", "pcall", "error", "tostring", "setmetatable",
    "string", "table", "math",
  }
  local out = {}
  for _, name in ipairs(names) do
    out[name] = present(name)
  end
  out["string.dump"] = string.dump ~= nil
  reply.present = out
end

function sandbox.require(request, reply)
  local ok, err = pcall(require, request.module)
  reply.ok = ok
  reply.err = tostring(err)
end

function sandbox.require_mco_twice(request, reply)
  reply.same = require("mco") == require("mco")
end

function sandbox.libs(request, reply)
  reply.upper = string.upper("abc")
  reply.floor = math.floor(2.7)
  reply.joined = table.concat({"a", "b"}, ",")
  local t = {3, 1, 2}
  table.sort(t)
  reply.sorted = t
  reply.method = ("x"):rep(3)
end

return sandbox
