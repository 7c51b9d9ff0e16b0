-- Replaces a password user's hash (A.pw / A.pwp, packed) and sets or clears the must-change flag.
local u = load_user(A.id)
if not u then return fail('not_found', 'no such user') end
if u.kind ~= 'password' then return fail('sso_required', 'this user signs in through the identity provider') end
local now = now_ms()
local key = k('user', u.id)
redis.call('HSET', key, 'pw', A.pw)
if A.pwp then redis.call('HSET', key, 'pwp', A.pwp) else redis.call('HDEL', key, 'pwp') end
if A.mustChangePassword then
  u.mustChangePassword = '1'
  redis.call('HSET', key, 'mustChangePassword', '1')
else
  u.mustChangePassword = nil
  redis.call('HDEL', key, 'mustChangePassword')
end
touch_version(u, now)
audit(now, A.mustChangePassword and 'user.password_reset' or 'user.password_changed', u.id, {})
return reply(with_session_count(u, now))
