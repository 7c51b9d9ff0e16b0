-- Deletes a batch of a user's sessions that may no longer be used: all of them when the
-- user is inactive or gone, else those older than the user's sessionsNotBefore stamp.
-- A: userId, offset (rank to start at), batch. Answers how many it revoked and where to go on.
local zkey = k('user', A.userId, 'sessions')
local u = load_user(A.userId)
local everything = (not u) or u.status ~= 'active'
local notBefore = u and u.sessionsNotBefore
local members = redis.call('ZRANGE', zkey, A.offset, A.offset + A.batch - 1)
local revoked = 0
for _, tokenHash in ipairs(members) do
  local skey = k('session', tokenHash)
  local exists = redis.call('EXISTS', skey) == 1
  if everything or not exists or session_ended(redis.call('HGET', skey, 'validFrom'), notBefore) then
    redis.call('DEL', skey)
    redis.call('ZREM', zkey, tokenHash)
    revoked = revoked + 1
  end
end
return reply({ revoked = revoked, next = A.offset + #members - revoked, done = #members < A.batch })
