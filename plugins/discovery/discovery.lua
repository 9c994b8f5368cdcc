-- The discovery agent answers the ping that mc discovery broadcasts. The
-- daemon calls an agent only on nodes that match the request's filter, so
-- reaching the action is the whole of discovery: there is nothing to do.
local discovery = {}

function discovery.ping(request, reply)
end

return discovery
