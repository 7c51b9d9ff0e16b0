-- Ends one session.
local skey = k('session', A.tokenHash)
local userId = redis.call('HGET', skey, 'userId')
if not userId then return reply({ revoked = 0 }) end
redis.call('DEL', skey)
redis.call('ZREM', k('user', userId, 'sessions'), A.tokenHash)
return reply({ revoked = 1 })
