-- Changes the scope of a live session (a temporary-password session becomes a full one).
local skey = k('session', A.tokenHash)
if redis.call('EXISTS', skey) == 0 then return fail('not_found', 'no such session') end
redis.call('HSET', skey, 'scope', A.scope)
return reply({ ok = true })
