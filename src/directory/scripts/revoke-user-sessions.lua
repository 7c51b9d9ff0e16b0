-- Ends up to A.batch of a user's sessions, sparing A.except, and answers how many are left,
-- so that a user with many sessions never blocks Redis for long.
local zkey = k('user', A.userId, 'sessions')
local members = redis.call('ZRANGE', zkey, 0, A.batch)
local revoked = 0
for _, tokenHash in ipairs(members) do
  if tokenHash ~= A.except then
    redis.call('DEL', k('session', tokenHash))
    redis.call('ZREM', zkey, tokenHash)
    revoked = revoked + 1
  end
end
local left = redis.call('ZCARD', zkey)
if A.except and redis.call('ZSCORE', zkey, A.except) then left = left - 1 end
return reply({ revoked = revoked, remaining = left })
