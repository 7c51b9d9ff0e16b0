-- The packed password hash of a user, for verification only.
local packed = redis.call('HMGET', k('user', A.id), 'pw', 'pwp')
return reply({ pw = packed[1] or nil, pwp = packed[2] or nil })
