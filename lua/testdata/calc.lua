local mco = require("mco")
local calc = {}
function calc.add(request, reply)
  reply.sum = request.a + request.b
end
return calc
