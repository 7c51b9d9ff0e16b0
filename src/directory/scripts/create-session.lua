-- Opens a session for an active user. A: userId, tokenHash, scope, idleMs, maxMs, recordLogin.
local u = load_user(A.userId)
if not u then return fail('not_found', 'no such user') end
if u.status ~= 'active' then return fail('user_inactive', 'this account is deactivated') end
local now = now_ms()
local absolute = now + A.maxMs
local expires = math.min(now + A.idleMs, absolute)
local skey = k('session', A.tokenHash)
local zkey = k('user', u.id, 'sessions')

redis.call('HSET', skey, 'userId', u.id, 'scope', A.scope, 'createdAt', now, 'lastSeenAt', now,
  'absoluteExpiresAt', absolute, 'validFrom', now_us())
redis.call('PEXPIREAT', skey, expires)
redis.call('ZREMRANGEBYSCORE', zkey, '-inf', now)
redis.call('ZADD', zkey, expires, A.tokenHash)
-- The index outlives no session: it expires with the last possible absolute expiry.
local ttl = redis.call('PTTL', zkey)
if ttl < 0 or now + ttl < absolute then redis.call('PEXPIREAT', zkey, absolute) end
if A.recordLogin then
  u.lastLoginAt = tostring(now)
  redis.call('HSET', k('user', u.id), 'lastLoginAt', u.lastLoginAt)
end

return reply({
  session = { userId = u.id, scope = A.scope, createdAt = now, lastSeenAt = now, expiresAt = expires, absoluteExpiresAt = absolute },
  user = with_session_count(u, now),
})
