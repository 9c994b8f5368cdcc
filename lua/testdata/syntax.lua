local broken = {}

function broken.add(request, reply)
  reply.sum = request.a +
end

return broken
