-- Records when a SCIM token was last used. XX semantics by hand: a token revoked meanwhile
-- is never recreated by a late touch.
local key = k('scim-token', A.tokenHash)
if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'lastUsedAt', A.at) end
return reply({ ok = true })
