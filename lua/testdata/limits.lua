-- Scripts that try to exhaust memory or the stacks.
local limits = {}

function limits.double_string(request, reply)
  local s = "x"
  while true do
    s = s .. s
  end
end

function limits.grow_table(request, reply)
  local t = {}
  local i = 0
  while true do
    i = i + 1
    t[i] = {i, string.rep("x", 1000) .. i}
  end
end

function limits.rep(request, reply)
  reply.s = string.rep("x", 2^40)
end

function limits.rep_method(request, reply)
  reply.s = ("abc"):rep(1e9)
end

function limits.rep_ok(request, reply)
  reply.len = #string.rep("ab", 1000)
end

function limits.format(request, reply)
  reply.s = string.format("%999999999d", 1)
end

function limits.format_ok(request, reply)
  reply.s = string.format("%5.2f|%-3d|%%|%s", 3.14159, 7, "x")
end

function limits.unpack(request, reply)
  local t = {}
  reply.n = select("#", unpack(t, 1, 1e8))
end

local function recurse(n)
  return 1 + recurse(n + 1)
end

function limits.recursion(request, reply)
  reply.n = recurse(1)
end

return limits
