-- Ends every session of a user opened before now, at once (lookups compare against the stamp),
-- sparing A.keep (the caller's own session) if it is still live: a session another request
-- ended meanwhile (an admin's revocation or password reset) stays ended. Deleting their keys
-- is the revocation job's work.
local u = load_user(A.userId)
if not u then return fail('not_found', 'no such user') end
local keep = false
if A.keep then
  local s = redis.call('HMGET', k('session', A.keep), 'userId', 'validFrom')
  keep = s[1] == u.id and not session_ended(s[2] or nil, u.sessionsNotBefore)
end
local stamp = now_us()
redis.call('HSET', k('user', u.id), 'sessionsNotBefore', stamp)
if keep then
  redis.call('HSET', k('session', A.keep), 'validFrom', string.format('%d', tonumber(stamp) + 1))
end
return reply({ ok = true })
