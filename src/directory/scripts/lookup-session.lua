-- Looks a session up and slides its idle expiry. A session whose user is gone or inactive
-- is refused and removed, even if the revocation job has not run yet.
local skey = k('session', A.tokenHash)
local raw = redis.call('HGETALL', skey)
if #raw == 0 then return reply({ status = 'missing' }) end
local s = {}
for i = 1, #raw, 2 do s[raw[i]] = raw[i + 1] end
local zkey = k('user', s.userId, 'sessions')
local now = now_ms()
local absolute = tonumber(s.absoluteExpiresAt)

local u = load_user(s.userId)
local status = 'ok'
if not u then
  status = 'missing'
elseif u.status ~= 'active' then
  status = 'user_inactive'
elseif now >= absolute then
  status = 'missing'
elseif session_ended(s.validFrom, u.sessionsNotBefore) then
  status = 'missing'
end
if status ~= 'ok' then
  redis.call('DEL', skey)
  redis.call('ZREM', zkey, A.tokenHash)
  return reply({ status = status })
end

local expires = math.min(now + A.idleMs, absolute)
redis.call('HSET', skey, 'lastSeenAt', now)
redis.call('PEXPIREAT', skey, expires)
redis.call('ZADD', zkey, 'XX', expires, A.tokenHash)
return reply({
  status = 'ok',
  session = { userId = s.userId, scope = s.scope, createdAt = tonumber(s.createdAt), lastSeenAt = now, expiresAt = expires, absoluteExpiresAt = absolute },
  user = with_session_count(u, now),
})
