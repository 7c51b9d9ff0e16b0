-- Ends every session of a user opened before now, at once (lookups compare against the stamp),
-- sparing A.keep (the caller's own session). Deleting their keys is the revocation job's work.
local u = load_user(A.userId)
if not u then return fail('not_found', 'no such user') end
local stamp = now_us()
redis.call('HSET', k('user', u.id), 'sessionsNotBefore', stamp)
if A.keep and redis.call('HGET', k('session', A.keep), 'userId') == u.id then
  redis.call('HSET', k('session', A.keep), 'validFrom', string.format('%d', tonumber(stamp) + 1))
end
return reply({ ok = true })
