-- The process agent lists the processes running on a node and checks that
-- some are. It reads them from ps (Linux procps), run without a shell.
local mco = require("mco")

local process = {}

-- PS lists every process, without headers, one per line: pid, ppid, user,
-- state, rss and vsz in KiB, %cpu and the full command line.
local PS = {"ps", "-e", "-ww", "-o", "pid=,ppid=,user:32=,stat=,rss=,vsz=,pcpu=,args="}
local PS_LINE = table.concat(PS, " ")

local FIELDS = "^%s*(%d+)%s+(%d+)%s+(%S+)%s+(%S+)%s+(%d+)%s+(%d+)%s+([%d%.]+)%s+(.*)$"

-- processes runs ps and returns its processes as tables, leaving out the
-- ps that listed them, or nil and why ps failed.
local function processes()
  local res = mco.exec(PS, {timeout = 5})
  if res.exitcode ~= 0 then
    return nil, "ps failed: " .. (res.error or res.stderr:gsub("%s+$", ""))
  end
  local list = {}
  for line in res.stdout:gmatch("[^\n]+") do
    local pid, ppid, user, state, rss, vsz, pcpu, command = line:match(FIELDS)
    if pid and command ~= PS_LINE then
      list[#list + 1] = {
        pid = tonumber(pid), ppid = tonumber(ppid), user = user, state = state,
        rss = tonumber(rss), vsz = tonumber(vsz), pcpu = tonumber(pcpu), command = command,
      }
    end
  end
  return list
end

-- matches says whether p passes the request's filters. The pattern is
-- plain text, not a Lua pattern, so no input can make matching slow.
local function matches(p, request)
  if request.pattern and not p.command:find(request.pattern, 1, true) then
    return false
  end
  if request.user and p.user ~= request.user then
    return false
  end
  if request.just_zombies and p.state:sub(1, 1) ~= "Z" then
    return false
  end
  return true
end

local ORDER = {
  pid = function(a, b) return a.pid < b.pid end,
  rss = function(a, b) return a.rss > b.rss or (a.rss == b.rss and a.pid < b.pid) end,
  vsz = function(a, b) return a.vsz > b.vsz or (a.vsz == b.vsz and a.pid < b.pid) end,
  pcpu = function(a, b) return a.pcpu > b.pcpu or (a.pcpu == b.pcpu and a.pid < b.pid) end,
}

function process.list(request, reply)
  local all, err = processes()
  if not all then
    reply:fail(err)
    return
  end
  local found = mco.array()
  for _, p in ipairs(all) do
    if matches(p, request) then
      found[#found + 1] = p
    end
  end
  table.sort(found, ORDER[request.sort or "pid"])
  reply.count = #found
  local limit = request.limit or 0
  if limit > 0 then
    for i = #found, limit + 1, -1 do
      found[i] = nil
    end
  end
  reply.pslist = found
end

function process.check(request, reply)
  local all, err = processes()
  if not all then
    reply:fail(err)
    return
  end
  local pids = mco.array()
  for _, p in ipairs(all) do
    if matches(p, request) then
      pids[#pids + 1] = p.pid
    end
  end
  table.sort(pids)
  reply.pids = pids
  reply.count = #pids
  reply.running = #pids >= (request.min or 1)
end

return process
