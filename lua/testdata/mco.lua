-- Uses every function of the mco module.
local mco = require("mco")
local host = {}

function host.info(request, reply)
  reply.identity = mco.identity()
  reply.os = mco.fact("os")
  reply.release = mco.fact("os.release.major")
  reply.missing = mco.fact("no.such.fact")
  reply.facts = mco.facts()
  reply.classes = mco.classes()
  reply.collective = mco.config("main_collective")
  reply.unset = mco.config("no_such_key")
end

function host.log(request, reply)
  mco.log.debug("a debug line")
  mco.log.info("an info line", {count = 3, who = "me"})
  mco.log.warn("a warning")
  mco.log.error("an error")
  print("printed", 1, true, nil)
end

function host.json(request, reply)
  reply.encoded = mco.json.encode({b = {1, 2, 3}, a = "x<y", e = mco.array(), m = {}})
  local v = mco.json.decode('{"n": 1.5, "list": [1, "two", false], "obj": {"k": "v"}, "empty": []}')
  reply.decoded = v
  reply.roundtrip = mco.json.encode(v.empty)
  local bad, err = mco.json.decode("{not json")
  reply.bad_is_nil = bad == nil
  reply.decode_err = err
  local nope, eerr = mco.json.encode({f = print})
  reply.encode_nil = nope == nil
  reply.encode_err = eerr
end

function host.exec(request, reply)
  local argv = request.argv
  local opts = request.opts
  local res = mco.exec(argv, opts)
  reply.stdout = res.stdout
  reply.stderr = res.stderr
  reply.exitcode = res.exitcode
  reply.error = res.error
  reply.truncated = res.truncated == true
  reply.stdout_len = #res.stdout
end

function host.exec_bad(request, reply)
  mco.exec(request.argv, request.opts)
end

return host
